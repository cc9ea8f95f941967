"""User picture folders: the one reader of ``folder:PATH`` for every command (encode, run, learn, recall).

A folder's name is a concept's name; nesting declares a hierarchy.
``root/footwear/sneaker/*.png`` declares the concept ``sneaker`` (it holds
pictures) as a kind of ``footwear`` (a superordinate concept: a folder whose
sub-folders hold pictures). A folder may hold pictures and sub-folders at
once (``dog/*.png`` and ``dog/puppy/*.png``: puppy is a kind of dog). Every
command reads a folder the same way: the concepts are the folders that hold
pictures, at any depth; ``learn`` keeps the hierarchy in the concept store,
``encode`` and ``run`` record it in the dataset and treat the concepts as a
flat set (their experiments do not use a hierarchy).

What is accepted, skipped and refused (the README repeats this list):

- **Accepted**: every file whose suffix is one of :data:`IMAGE_SUFFIXES`, in
  any mode Pillow reads (see :mod:`neuromem.data.pictures` for how each mode
  becomes intensities in [0, 1]); symbolic links to pictures and to folders.
- **Skipped**: hidden files and folders at every depth (names starting with
  ``.``, which includes macOS ``._name`` companion files and ``.DS_Store``),
  the ``__MACOSX`` folder of zip archives, files with other suffixes (a
  warning names them), broken symbolic links (a warning names each),
  pictures directly in the root folder (a warning: pictures belong in a
  concept folder).
- **Refused** before any picture is decoded (a ``ValueError`` naming the
  folder and the fix): fewer than 2 folders with pictures; a folder with
  neither pictures nor sub-folders that hold some; a folder whose name is
  empty after clean-up (``___``); two folders anywhere in the tree whose
  concept names are equal after clean-up (Unicode NFC, ``_`` as a space,
  ignoring case: ``red_car`` and ``red car``, ``Cat`` and ``cat``, ``café``
  typed and ``café`` decomposed); a symbolic-link loop; too few pictures per
  concept for the held-out split and the training the experiment needs.
- **Refused** while decoding (:class:`~neuromem.data.pictures.PictureError`,
  a ``ValueError`` naming the file): files that are not readable images
  (corrupt, truncated, not a picture) and values outside the documented
  ranges.

Concept names and written name forms follow :mod:`neuromem.data.names`.
Names that the text encoder cannot tell apart (``🐱`` and ``🐶``) are refused
by the encoder (:func:`neuromem.encoders.text.check_distinct_names`), which
names both folders through :attr:`ConceptDataset.concept_sources`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np

from neuromem.data.base import ConceptDataset, check_split_sizes
from neuromem.data.names import clean_concept_name, concept_key, default_name_forms, distinct_name_forms
from neuromem.data.pictures import PictureError, load_picture

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}
#: Folders that archive tools add and that never hold concepts.
SKIPPED_FOLDERS = {"__MACOSX"}

__all__ = ["IMAGE_SUFFIXES", "ConceptFolder", "FolderWarning", "PictureError", "check_split_sizes",
           "clean_concept_name", "default_name_forms", "folder_name_forms", "list_cue_files",
           "load_image_folder", "scan_image_folder"]


class FolderWarning(UserWarning):
    """Something in a user image folder was skipped or changed (the message names it)."""


@dataclass(frozen=True)
class ConceptFolder:
    """One concept folder: its path, clean concept name, parent concept (None: the root) and picture files."""

    folder: Path
    concept: str
    files: tuple[Path, ...]
    parent: str | None = None


def folder_name_forms(concepts) -> dict:
    """Name forms of folder concepts (:func:`neuromem.data.names.distinct_name_forms`, warning as FolderWarning)."""
    return distinct_name_forms(concepts, category=FolderWarning)


def _visible(folder: Path) -> list[Path]:
    """Entries of ``folder`` that are not hidden (``.name``, macOS ``._name``) or archive leftovers, sorted."""
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.name not in SKIPPED_FOLDERS)


def _split_entries(folder: Path, suffixes=IMAGE_SUFFIXES) -> tuple[list[Path], list[Path]]:
    """``(files with one of suffixes, sub-folders)`` of ``folder``; warns about broken links and other files."""
    files, dirs, other = [], [], []
    for f in _visible(folder):
        if f.is_symlink() and not f.exists():
            warnings.warn(f"skipping broken symbolic link {f} (it points to {f.readlink()}, which does not exist)",
                          FolderWarning, stacklevel=3)
        elif f.is_dir():
            dirs.append(f)
        elif f.suffix.lower() in suffixes:
            files.append(f)
        else:
            other.append(f.name)
    if other:
        shown = ", ".join(repr(n) for n in other[:3]) + (f" and {len(other) - 3} more" if len(other) > 3 else "")
        warnings.warn(f"skipping {len(other)} file(s) in {folder} that are not {_kind(suffixes)} by their suffix "
                      f"({shown}); accepted: {', '.join(sorted(suffixes))}", FolderWarning, stacklevel=3)
    return files, dirs


def _kind(suffixes) -> str:
    return "pictures" if suffixes is IMAGE_SUFFIXES else "sound files"


def list_cue_files(path, suffixes=IMAGE_SUFFIXES) -> list[Path]:
    """Files with one of ``suffixes`` in a cue folder and its sub-folders, sorted by path.

    Skips and warns by the same rules as :func:`scan_image_folder` (hidden
    files and folders, ``__MACOSX``, broken links, other suffixes).

    Raises
    ------
    FileNotFoundError
        ``path`` is not a folder.
    ValueError
        The folder holds no such file (names it).
    """
    root = Path(path).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(f"folder {root} does not exist")
    out, todo, seen = [], [root], set()
    while todo:
        folder = todo.pop()
        if folder.resolve() in seen:
            continue
        seen.add(folder.resolve())
        files, dirs = _split_entries(folder, suffixes)
        out += files
        todo += dirs
    if not out:
        raise ValueError(f"{root} holds no {_kind(suffixes)} (accepted: {', '.join(sorted(suffixes))})")
    return sorted(out)


def scan_image_folder(path) -> list[ConceptFolder]:
    """Walk ``path`` and list its concept folders and picture files, without decoding any picture.

    Returns every folder below ``path`` in walk order (parents before their
    sub-folders): concept folders with pictures (``files`` non-empty) and
    superordinate folders (``files`` empty, some descendant holds pictures).

    Raises
    ------
    FileNotFoundError
        ``path`` is not a folder.
    ValueError
        Fewer than 2 folders with pictures, a folder without pictures at any
        depth, an empty concept name, two concept names equal after clean-up
        (names both folders) or a symbolic-link loop.
    """
    root = Path(path).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(f"image folder {root} does not exist; expected {root}/<concept>/<picture files> "
                                f"(nest folders for a hierarchy: {root}/footwear/sneaker/*.png)")
    stray, top = _split_entries(root)
    if stray:
        warnings.warn(f"skipping {len(stray)} picture(s) directly in {root} (such as {stray[0].name!r}): pictures "
                      f"belong in a concept folder, {root}/<concept>/", FolderWarning, stacklevel=2)
    out, seen, where = [], {root.resolve()}, {}
    todo = [(d, None) for d in reversed(top)]
    while todo:
        d, parent = todo.pop()
        real = d.resolve()
        if real in seen:
            raise ValueError(f"folder {d} is {real}, which is already read (a symbolic link to a folder read "
                             "elsewhere, or a loop); remove the link")
        seen.add(real)
        concept = clean_concept_name(d.name)
        if not concept:
            raise ValueError(f"concept folder {d} gives an empty concept name ({d.name!r} after turning '_' into "
                             "spaces and trimming); rename the folder to the concept's name")
        key = concept_key(concept)
        if key in where:
            raise ValueError(f"concept folders {where[key]} and {d} both give the concept name {concept!r} "
                             "(names are compared in Unicode NFC, ignoring case, '_' as a space); rename or merge "
                             "one of them")
        where[key] = d
        files, dirs = _split_entries(d)
        out.append(ConceptFolder(folder=d, concept=concept, files=tuple(files), parent=parent))
        todo += [(s, concept) for s in reversed(dirs)]
    has_pictures = {cf.concept for cf in out if cf.files}
    for cf in reversed(out):  # a folder is kept when it, or a folder below it, holds pictures
        if cf.concept in has_pictures and cf.parent is not None:
            has_pictures.add(cf.parent)
    empty = [cf for cf in out if cf.concept not in has_pictures]
    if empty:
        raise ValueError(f"concept folder {empty[0].folder} has no pictures (accepted: "
                         f"{', '.join(sorted(IMAGE_SUFFIXES))}); add pictures or remove the folder")
    n_concepts = sum(bool(cf.files) for cf in out)
    if n_concepts < 2:
        raise ValueError(f"{root} holds {n_concepts} concept folder(s) with pictures; at least 2 are needed "
                         f"(one sub-folder of pictures per concept: {root}/<concept>/*.png)")
    return out


def load_image_folder(path: str | Path, *, size: int = 32, colour: bool = True, heldout_fraction: float | None = None,
                      min_train: int = 1) -> ConceptDataset:
    """Load a (possibly nested) folder of concept folders of pictures.

    Parameters
    ----------
    path : path
        ``path/<concept>/*.png|jpg|...``; nest folders for a hierarchy (see
        the module docstring for what is accepted, skipped and refused).
    size : int
        Pictures are resized to ``size`` x ``size`` pixels (square, no crop).
    colour : bool
        Keep RGB (True) or convert to grey (False).
    heldout_fraction : float, optional
        When given, check before decoding that every concept has enough
        pictures for this held-out fraction and ``min_train`` training
        pictures (:func:`check_split_sizes`).
    min_train : int
        Training pictures per concept the experiment needs (its presentations).

    Returns
    -------
    ConceptDataset
        Named ``folder:<name of the folder>`` (the encode cache is keyed by
        content, so a moved or copied folder reuses its latents); its
        ``hierarchy`` holds the nesting (``folder:<name>`` -> ... -> concept),
        ``picture_sources`` each picture's path relative to ``path`` and
        ``concept_sources`` each concept's folder.

    Raises
    ------
    FileNotFoundError
        The folder does not exist.
    PictureError
        A file is not a readable image or its values are refused (names the
        file; a ``ValueError``).
    ValueError
        Folder problems found before decoding (the message names the folder).
    """
    root = Path(path).expanduser()
    folders = scan_image_folder(root)
    concepts_f = [cf for cf in folders if cf.files]
    if heldout_fraction is not None:
        check_split_sizes({str(cf.folder): len(cf.files) for cf in concepts_f}, heldout_fraction=heldout_fraction,
                          min_train=min_train)
    name = f"folder:{root.resolve().name or root}"
    shape = (size, size, 3) if colour else (size, size)
    pictures, labels, sources = [], [], []
    for k, cf in enumerate(concepts_f):
        for f in cf.files:
            pictures.append(load_picture(f, shape))
            labels.append(k)
            sources.append(str(f.relative_to(root)))
    graph = nx.DiGraph()
    graph.add_node(name)
    for cf in folders:
        graph.add_edge(cf.parent if cf.parent is not None else name, cf.concept)
    concepts = tuple(cf.concept for cf in concepts_f)
    return ConceptDataset(name=name, concepts=concepts, pictures=np.stack(pictures),
                          picture_labels=np.asarray(labels, dtype=np.int64), names=folder_name_forms(concepts),
                          hierarchy=graph, picture_sources=tuple(sources),
                          concept_sources={cf.concept: str(cf.folder) for cf in folders})


def load_folder_dataset(path, *, seed: int = 0, heldout_fraction: float | None = None,
                        min_train: int = 1) -> ConceptDataset:
    """The registry's loader of ``folder:PATH`` (:mod:`neuromem.data.registry`): :func:`load_image_folder`."""
    return load_image_folder(path, heldout_fraction=heldout_fraction, min_train=min_train)
