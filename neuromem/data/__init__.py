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

from neuromem.data.registry import DATASETS, dataset_names, load_registered, register_dataset


def load_dataset(name: str, *, seed: int = 0, heldout_fraction: float | None = None, min_train: int = 1,
                 **options) -> ConceptDataset:
    """Load a concept dataset by its registered name (:mod:`neuromem.data.registry`).

    Parameters
    ----------
    name : str
        ``"digits"``, ``"fashion-mnist"``, ``"folder:PATH"`` or any registered name.
    seed : int
        Seed of a per-concept subset (Fashion-MNIST).
    heldout_fraction : float, optional
        Image folders only: check before decoding any picture that every
        concept has enough pictures for this held-out fraction.
    min_train : int
        Image folders only: training pictures each concept needs (the
        experiment's presentations).
    **options
        The dataset's own options (Fashion-MNIST: ``per_concept``, pictures
        per concept, default ``FASHION_DEFAULT_PER_CONCEPT``, 0 = all 7,000;
        ``data_dir``, a folder holding the idx files). Options the dataset
        does not declare, and None values, are ignored.

    Raises
    ------
    ValueError
        For an unknown dataset name (the message lists the registered ones).
    """
    return load_registered(name, seed=seed, heldout_fraction=heldout_fraction, min_train=min_train, **options)


__all__ = [
    "ConceptDataset", "NameForms", "load_dataset", "load_digits", "load_fashion_mnist",
    "load_image_folder", "load_picture", "PictureError", "read_picture", "split_pictures", "subsample_per_concept", "validate_pictures", "DATASETS",
    "dataset_names", "register_dataset",
]
