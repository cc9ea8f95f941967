"""User image folders: one sub-folder per concept, the folder name is the concept name."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neuromem.data.base import ConceptDataset, NameForms, flat_hierarchy

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}


def default_name_forms(concept: str) -> NameForms:
    """Train form: the folder name; held-out: naive plural, with 'a' and with 'the'."""
    base = concept.replace("_", " ").strip()
    plural = base + ("es" if base.endswith(("s", "x", "ch", "sh")) else "s")
    return NameForms(train=(base,), heldout=(plural, f"a {base}", f"the {base}"))


def load_image_folder(path: str | Path, *, size: int = 32, colour: bool = True) -> ConceptDataset:
    """Load a folder of concept sub-folders of pictures.

    Parameters
    ----------
    path : path
        ``path/<concept>/*.png|jpg|...``; one sub-folder per concept.
    size : int
        Pictures are resized to ``size`` x ``size`` pixels (square, no crop).
    colour : bool
        Keep RGB (True) or convert to grey (False).

    Raises
    ------
    FileNotFoundError, ValueError
        A missing folder, a concept folder with no pictures, or an unreadable
        file (the message names the file).
    """
    from skimage import color, io, transform

    root = Path(path).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(f"image folder {root} does not exist; expected {root}/<concept>/<picture files>")
    concept_dirs = sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith("."))
    if len(concept_dirs) < 2:
        raise ValueError(f"{root} holds {len(concept_dirs)} concept sub-folder(s); at least 2 are needed")
    pictures, labels, concepts = [], [], []
    for k, d in enumerate(concept_dirs):
        files = sorted(f for f in d.iterdir() if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES)
        if not files:
            raise ValueError(
                f"concept folder {d} has no pictures (accepted: {', '.join(sorted(IMAGE_SUFFIXES))}); "
                "add pictures or remove the folder"
            )
        concepts.append(d.name.replace("_", " ").strip())
        for f in files:
            try:
                img = io.imread(f)
            except Exception as exc:  # skimage/imageio raise many kinds
                raise ValueError(f"cannot read picture {f}: {exc}. Remove or replace the file.") from exc
            img = np.asarray(img)
            if img.ndim == 3 and img.shape[-1] == 4:
                img = color.rgba2rgb(img)
            if img.ndim == 2:
                img = np.repeat(img[..., None], 3, axis=-1) if colour else img
            elif img.ndim == 3 and img.shape[-1] == 3:
                img = img if colour else color.rgb2gray(img)
            else:
                raise ValueError(f"picture {f} has shape {img.shape}; expected grey (H, W) or colour (H, W, 3/4)")
            img = img.astype(np.float64)
            if img.max() > 1.0:
                img = img / 255.0
            img = transform.resize(img, (size, size), anti_aliasing=True)
            pictures.append(np.clip(img, 0.0, 1.0).astype(np.float32))
            labels.append(k)
    concepts = tuple(concepts)
    return ConceptDataset(
        name=f"folder:{root}",
        concepts=concepts,
        pictures=np.stack(pictures),
        picture_labels=np.asarray(labels, dtype=np.int64),
        names={c: default_name_forms(c) for c in concepts},
        hierarchy=flat_hierarchy(root.name or "folder", concepts),
    )
