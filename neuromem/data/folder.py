"""User image folders: one sub-folder per concept, the folder name is the concept name.

What is accepted, skipped and refused (the README repeats this list):

- **Accepted**: every file whose suffix is one of :data:`IMAGE_SUFFIXES`, in
  any mode Pillow reads (see :mod:`neuromem.data.pictures` for how each mode
  becomes intensities in [0, 1]); symbolic links to pictures and to concept
  folders.
- **Skipped**: hidden files and folders (names starting with ``.``, which
  includes macOS ``._name`` companion files and ``.DS_Store``), the
  ``__MACOSX`` folder of zip archives, files with other suffixes (a warning
  names them), broken symbolic links (a warning names each), folders nested
  inside a concept folder.
- **Refused** before any picture is decoded (a ``ValueError`` naming the
  folder and the fix): fewer than 2 concept folders; a concept folder without
  pictures; a folder whose name is empty after clean-up (``___``); two folders
  whose concept names are equal ignoring case (``red_car`` and ``red car``);
  too few pictures per concept for the held-out split and the training the
  experiment needs.
- **Refused** while decoding (:class:`~neuromem.data.pictures.PictureError`,
  a ``ValueError`` naming the file): files that are not readable images
  (corrupt, truncated, not a picture) and values outside the documented
  ranges.

Written name forms: the cleaned folder name (``_`` -> space, runs of white
space collapsed) is the training form; a naive plural, ``a <name>`` and
``the <name>`` are held-out forms. A held-out form equal (ignoring case) to a
name form of another concept (folders ``cat`` and ``cats``) is dropped with a
warning, so no concept's test name is another concept's name.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from neuromem.data.base import ConceptDataset, NameForms, check_split_sizes, flat_hierarchy
from neuromem.data.pictures import PictureError, read_picture

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}
#: Folders that archive tools add and that never hold concepts.
SKIPPED_FOLDERS = {"__MACOSX"}

__all__ = ["IMAGE_SUFFIXES", "ConceptFolder", "FolderWarning", "PictureError", "check_split_sizes",
           "default_name_forms", "folder_name_forms", "load_image_folder", "scan_image_folder"]


class FolderWarning(UserWarning):
    """Something in a user image folder was skipped or changed (the message names it)."""


@dataclass(frozen=True)
class ConceptFolder:
    """One concept sub-folder: its path, cleaned concept name and picture files (sorted)."""

    folder: Path
    concept: str
    files: tuple[Path, ...]


def clean_concept_name(folder_name: str) -> str:
    """Concept name of a folder: ``_`` becomes a space, runs of white space collapse to one."""
    return " ".join(folder_name.replace("_", " ").split())


def default_name_forms(concept: str) -> NameForms:
    """Train form: the folder name; held-out: naive plural, with 'a' and with 'the'."""
    base = clean_concept_name(concept)
    plural = base + ("es" if base.endswith(("s", "x", "ch", "sh")) else "s")
    return NameForms(train=(base,), heldout=(plural, f"a {base}", f"the {base}"))


def folder_name_forms(concepts) -> dict[str, NameForms]:
    """Default name forms of every concept, without held-out forms that name another concept.

    A held-out form equal (ignoring case) to any form of another concept is
    dropped with a :class:`FolderWarning`.
    """
    forms = {c: default_name_forms(c) for c in concepts}
    owner: dict[str, set] = {}
    for c, f in forms.items():
        for text in f.train + f.heldout:
            owner.setdefault(text.casefold(), set()).add(c)
    out = {}
    for c, f in forms.items():
        keep = []
        for text in f.heldout:
            others = sorted(owner[text.casefold()] - {c})
            if others:
                warnings.warn(f"held-out name form {text!r} of concept {c!r} is also a name of concept "
                              f"{others[0]!r}; it is not used", FolderWarning, stacklevel=2)
            else:
                keep.append(text)
        out[c] = NameForms(train=f.train, heldout=tuple(keep))
    return out


def scan_image_folder(path) -> list[ConceptFolder]:
    """List the concept folders and picture files of ``path`` without decoding any picture.

    Raises
    ------
    FileNotFoundError
        ``path`` is not a folder.
    ValueError
        Fewer than 2 concept folders, a concept folder without pictures, an
        empty concept name, or concept names equal ignoring case.
    """
    root = Path(path).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(f"image folder {root} does not exist; expected {root}/<concept>/<picture files>")
    dirs = sorted(d for d in root.iterdir()
                  if not d.name.startswith(".") and d.name not in SKIPPED_FOLDERS and d.is_dir())
    if len(dirs) < 2:
        raise ValueError(f"{root} holds {len(dirs)} concept sub-folder(s); at least 2 are needed "
                         "(one sub-folder of pictures per concept)")
    out, seen = [], {}
    for d in dirs:
        concept = clean_concept_name(d.name)
        if not concept:
            raise ValueError(f"concept folder {d} gives an empty concept name ({d.name!r} after turning '_' into "
                             "spaces and trimming); rename the folder to the concept's name")
        key = concept.casefold()
        if key in seen:
            raise ValueError(f"concept folders {seen[key]} and {d} both give the concept name {concept!r} "
                             "(names are compared ignoring case, '_' as a space); rename or merge one of them")
        seen[key] = d
        files, other = [], []
        for f in sorted(d.iterdir()):
            if f.name.startswith("."):
                continue  # hidden files, macOS ._ companions, .DS_Store
            if f.is_symlink() and not f.exists():
                warnings.warn(f"skipping broken symbolic link {f} (it points to {f.readlink()}, which does not "
                              "exist)", FolderWarning, stacklevel=2)
                continue
            if f.is_dir():
                continue
            if f.suffix.lower() in IMAGE_SUFFIXES:
                files.append(f)
            else:
                other.append(f.name)
        if other:
            shown = ", ".join(repr(n) for n in other[:3]) + (f" and {len(other) - 3} more" if len(other) > 3 else "")
            warnings.warn(f"skipping {len(other)} file(s) in {d} that are not pictures by their suffix ({shown}); "
                          f"accepted: {', '.join(sorted(IMAGE_SUFFIXES))}", FolderWarning, stacklevel=2)
        if not files:
            raise ValueError(f"concept folder {d} has no pictures (accepted: {', '.join(sorted(IMAGE_SUFFIXES))}); "
                             "add pictures or remove the folder")
        out.append(ConceptFolder(folder=d, concept=concept, files=tuple(files)))
    return out


def load_image_folder(path: str | Path, *, size: int = 32, colour: bool = True, heldout_fraction: float | None = None,
                      min_train: int = 1) -> ConceptDataset:
    """Load a folder of concept sub-folders of pictures.

    Parameters
    ----------
    path : path
        ``path/<concept>/*.png|jpg|...``; one sub-folder per concept (see the
        module docstring for what is accepted, skipped and refused).
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
    from skimage import color, transform

    root = Path(path).expanduser()
    folders = scan_image_folder(root)
    if heldout_fraction is not None:
        check_split_sizes({str(cf.folder): len(cf.files) for cf in folders}, heldout_fraction=heldout_fraction,
                          min_train=min_train)
    pictures, labels = [], []
    for k, cf in enumerate(folders):
        for f in cf.files:
            img = read_picture(f).astype(np.float64)
            if img.ndim == 2:
                img = np.repeat(img[..., None], 3, axis=-1) if colour else img
            elif not colour:
                img = color.rgb2gray(img)
            img = transform.resize(img, (size, size), anti_aliasing=True)
            if not np.all(np.isfinite(img)):
                raise PictureError(f, "decoded to non-finite values; remove it or replace it")
            pictures.append(np.clip(img, 0.0, 1.0).astype(np.float32))
            labels.append(k)
    concepts = tuple(cf.concept for cf in folders)
    name = f"folder:{root}"
    return ConceptDataset(
        name=name,
        concepts=concepts,
        pictures=np.stack(pictures),
        picture_labels=np.asarray(labels, dtype=np.int64),
        names=folder_name_forms(concepts),
        hierarchy=flat_hierarchy(name, concepts),
    )

