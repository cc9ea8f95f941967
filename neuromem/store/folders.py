"""User picture folders with a hierarchy declared by nesting, and single picture files.

``root/footwear/sneaker/*.png`` declares the concept ``sneaker`` (it holds
pictures) as a kind of ``footwear`` (a superordinate concept: a folder whose
sub-folders hold pictures). A folder may hold pictures and sub-folders at
once. Every picture is read and resized exactly as
:func:`neuromem.data.load_image_folder` does (colour, 32 x 32 pixels by
default), through :func:`load_picture`, which recall uses too, so a cue picture
is prepared like the pictures the memory learned.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np

from neuromem.data.base import ConceptDataset
from neuromem.data.folder import IMAGE_SUFFIXES, default_name_forms

__all__ = ["load_concept_tree", "load_picture", "read_picture_file"]


def read_picture_file(path: str | Path) -> np.ndarray:
    """Decode one picture file to float intensities in [0, 1], (H, W) grey or (H, W, 3) colour.

    Raises
    ------
    FileNotFoundError
        No such file.
    ValueError
        The file is not a readable picture (the message names the file).
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"picture file {path} does not exist")
    try:  # the project's single picture reader, when this installation has it
        from neuromem.data.pictures import read_picture
    except ImportError:
        read_picture = None
    if read_picture is not None:
        return np.asarray(read_picture(path), dtype=np.float64)
    from skimage import color, io

    try:
        img = np.asarray(io.imread(path))
    except Exception as exc:  # imageio / PIL raise many kinds
        raise ValueError(f"cannot read picture {path}: it is not a picture file this reader understands "
                         f"({type(exc).__name__}: {str(exc)[:120]}). Give a PNG or JPEG file") from exc
    if img.ndim == 3 and img.shape[-1] == 4:
        img = color.rgba2rgb(img)
    if not (img.ndim == 2 or (img.ndim == 3 and img.shape[-1] == 3)):
        raise ValueError(f"picture {path} has shape {img.shape}; expected grey (H, W) or colour (H, W, 3/4)")
    img = img.astype(np.float64)
    if img.max(initial=0.0) > 1.0:
        img = img / 255.0
    return img


def load_picture(path: str | Path, shape: tuple[int, ...]) -> np.ndarray:
    """A picture file prepared for a memory whose pictures have ``shape`` ((H, W) or (H, W, 3)), float32."""
    from skimage import color, transform

    img = read_picture_file(path)
    colour = len(shape) == 3
    if img.ndim == 2 and colour:
        img = np.repeat(img[..., None], 3, axis=-1)
    elif img.ndim == 3 and not colour:
        img = color.rgb2gray(img)
    img = transform.resize(img, tuple(shape[:2]), anti_aliasing=True)
    return np.clip(img, 0.0, 1.0).astype(np.float32)


def load_concept_tree(path: str | Path, *, size: int = 32) -> tuple[ConceptDataset, tuple[str, ...]]:
    """Load a (possibly nested) folder of concept folders; see the module docstring.

    Returns
    -------
    dataset : ConceptDataset
        Its ``hierarchy`` holds the nesting (root folder -> ... -> concept).
    provenance : tuple of str
        Each picture's file path relative to ``path``.

    Raises
    ------
    FileNotFoundError
        ``path`` is not a folder.
    ValueError
        Fewer than two concept folders with pictures, two concept folders with
        the same name, or an unreadable picture (the message names the file).
    """
    root = Path(path).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(f"image folder {root} does not exist; expected {root}/<concept>/<picture files> "
                                f"(nest folders for a hierarchy: {root}/footwear/sneaker/*.png)")
    graph = nx.DiGraph()
    root_name = root.name or "folder"
    graph.add_node(root_name)
    concepts, where, pictures, labels, provenance = [], {}, [], [], []
    for d in sorted(p for p in root.rglob("*") if p.is_dir() and not any(s.startswith(".") for s in
                                                                          p.relative_to(root).parts)):
        name = d.name.replace("_", " ").strip()
        rel = d.relative_to(root).parts
        parent = rel[-2].replace("_", " ").strip() if len(rel) > 1 else root_name
        if name in where and where[name] != d:
            raise ValueError(f"two folders declare the concept {name!r}: {where[name]} and {d}; rename one")
        where[name] = d
        graph.add_edge(parent, name)
        files = sorted(f for f in d.iterdir() if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES)
        if not files:
            continue
        k = len(concepts)
        concepts.append(name)
        for f in files:
            pictures.append(load_picture(f, (size, size, 3)))
            labels.append(k)
            provenance.append(str(f.relative_to(root)))
    if len(concepts) < 2:
        raise ValueError(f"{root} holds {len(concepts)} folder(s) with pictures; at least 2 concept folders are "
                         f"needed ({root}/<concept>/*.png)")
    # named by the folder's own name: the encode cache is keyed by content, so a moved or copied folder
    # with the same pictures reuses its latents
    ds = ConceptDataset(name=f"folder:{root_name}", concepts=tuple(concepts), pictures=np.stack(pictures),
                        picture_labels=np.asarray(labels, dtype=np.int64),
                        names={c: default_name_forms(c) for c in concepts}, hierarchy=graph)
    return ds, tuple(provenance)
