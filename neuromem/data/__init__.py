"""Concept datasets (stage 1 of the pipeline): pictures, written names, spoken names.

``load_dataset(name)`` accepts ``"digits"`` (embedded, tiny), ``"fashion-mnist"``
(Debian package or a folder of idx files) and ``"folder:PATH"`` (one
sub-folder per concept; nested folders declare a hierarchy, read by
:func:`neuromem.data.folder.load_image_folder` for every command).
"""

from __future__ import annotations

from neuromem.data.base import (
    ConceptDataset,
    NameForms,
    split_pictures,
    subsample_per_concept,
    validate_pictures,
)
from neuromem.data.builtin import FASHION_DEFAULT_PER_CONCEPT, load_digits, load_fashion_mnist
from neuromem.data.folder import load_image_folder
from neuromem.data.pictures import PictureError, load_picture, read_picture

DATASETS = ("digits", "fashion-mnist", "folder:PATH")


def load_dataset(name: str, *, per_concept: int | None = None, seed: int = 0, data_dir=None,
                 heldout_fraction: float | None = None, min_train: int = 1) -> ConceptDataset:
    """Load a concept dataset by name.

    Parameters
    ----------
    name : str
        ``"digits"``, ``"fashion-mnist"`` or ``"folder:PATH"``.
    per_concept : int or None
        Fashion-MNIST only: pictures per concept (default
        ``FASHION_DEFAULT_PER_CONCEPT``); ``0`` means all 7,000.
    seed : int
        Seed of the per-concept subset.
    data_dir : path, optional
        Fashion-MNIST only: a folder holding the idx files.
    heldout_fraction : float, optional
        Image folders only: check before decoding any picture that every
        concept has enough pictures for this held-out fraction.
    min_train : int
        Image folders only: training pictures each concept needs (the
        experiment's presentations).
    """
    if name == "digits":
        return load_digits()
    if name == "fashion-mnist":
        n = FASHION_DEFAULT_PER_CONCEPT if per_concept is None else (None if per_concept == 0 else per_concept)
        return load_fashion_mnist(data_dir, per_concept=n, seed=seed)
    if name.startswith("folder:"):
        path = name.split(":", 1)[1]
        if not path:
            raise ValueError("folder datasets are named folder:PATH, e.g. folder:~/faces")
        return load_image_folder(path, heldout_fraction=heldout_fraction, min_train=min_train)
    raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")


__all__ = [
    "ConceptDataset", "NameForms", "load_dataset", "load_digits", "load_fashion_mnist",
    "load_image_folder", "load_picture", "PictureError", "read_picture", "split_pictures", "subsample_per_concept", "validate_pictures", "DATASETS",
]
