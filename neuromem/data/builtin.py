"""Built-in concept datasets: sklearn digits (embedded) and Fashion-MNIST (Debian)."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

from neuromem.data.base import ConceptDataset, NameForms, grouped_hierarchy, subsample_per_concept

#: Written forms per digit: (train forms, held-out forms: plural, with an article, a synonym).
DIGIT_NAMES = {
    "zero": (("zero", "0"), ("zeros", "a zero", "nought")),
    "one": (("one", "1"), ("ones", "a one", "single")),
    "two": (("two", "2"), ("twos", "a two", "pair")),
    "three": (("three", "3"), ("threes", "a three", "trio")),
    "four": (("four", "4"), ("fours", "a four", "quartet")),
    "five": (("five", "5"), ("fives", "a five", "quintet")),
    "six": (("six", "6"), ("sixes", "a six", "half a dozen")),
    "seven": (("seven", "7"), ("sevens", "a seven", "septet")),
    "eight": (("eight", "8"), ("eights", "an eight", "octet")),
    "nine": (("nine", "9"), ("nines", "a nine", "nonet")),
}

#: Fashion-MNIST classes in label order, with train and held-out name forms.
FASHION_NAMES = {
    "t-shirt": (("t-shirt", "top"), ("t-shirts", "a t-shirt", "tee")),
    "trouser": (("trouser", "pants"), ("trousers", "a pair of trousers", "slacks")),
    "pullover": (("pullover", "sweater"), ("pullovers", "a pullover", "jumper")),
    "dress": (("dress", "gown"), ("dresses", "a dress", "frock")),
    "coat": (("coat", "overcoat"), ("coats", "a coat", "parka")),
    "sandal": (("sandal", "flip-flop"), ("sandals", "a sandal", "open-toed shoe")),
    "shirt": (("shirt", "blouse"), ("shirts", "a shirt", "button-down")),
    "sneaker": (("sneaker", "trainer"), ("sneakers", "a sneaker", "running shoe")),
    "bag": (("bag", "handbag"), ("bags", "a bag", "purse")),
    "ankle boot": (("ankle boot", "boot"), ("ankle boots", "an ankle boot", "bootie")),
}

FASHION_GROUPS = {
    "tops": ["t-shirt", "pullover", "coat", "shirt"],
    "bottoms": ["trouser"],
    "one-piece": ["dress"],
    "footwear": ["sandal", "sneaker", "ankle boot"],
    "accessories": ["bag"],
}

#: Where Debian's ``dataset-fashion-mnist`` package puts the idx files.
DEBIAN_FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}

#: Default number of Fashion-MNIST pictures per concept (of 7,000): keeps a cold
#: ``neuromem encode`` to well under a minute of backbone time on 2 cores.
FASHION_DEFAULT_PER_CONCEPT = 1200


def _forms(table) -> dict[str, NameForms]:
    return {c: NameForms(train=tr, heldout=ho) for c, (tr, ho) in table.items()}


def load_digits() -> ConceptDataset:
    """sklearn's bundled 8x8 handwritten digits (1,797 pictures, 10 concepts).

    Concepts are the digit names ``"zero"`` .. ``"nine"``; intensities are scaled
    from 0..16 to [0, 1]; the hierarchy groups even and odd digits.
    """
    from sklearn.datasets import load_digits as _sk_digits

    d = _sk_digits()
    pictures = (d.images / 16.0).astype(np.float32)
    concepts = tuple(DIGIT_NAMES)
    groups = {"even": [concepts[i] for i in range(0, 10, 2)], "odd": [concepts[i] for i in range(1, 10, 2)]}
    return ConceptDataset(
        name="digits",
        concepts=concepts,
        pictures=pictures,
        picture_labels=d.target.astype(np.int64),
        names=_forms(DIGIT_NAMES),
        hierarchy=grouped_hierarchy("digits", groups),
    )


def read_idx(path: Path) -> np.ndarray:
    """Read an idx file (optionally gzipped) as used by MNIST-style datasets."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as fh:
            raw = fh.read()
    except (OSError, EOFError) as exc:
        raise ValueError(f"cannot read idx file {path}: {exc}; the file is damaged or not an idx file") from exc
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path} is not an unsigned-byte idx file (bad magic number)")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    offset = 4 + 4 * ndim
    expected = offset + int(np.prod(dims))
    if len(raw) != expected:
        raise ValueError(f"{path}: header says {dims} ({expected} bytes) but the file has {len(raw)} bytes")
    return np.frombuffer(raw, dtype=np.uint8, offset=offset).reshape(dims)


def _find_fashion_file(directory: Path, name: str) -> Path:
    for candidate in (directory / name, directory / name.removesuffix(".gz")):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(
        f"Fashion-MNIST file {name} not found in {directory}. On Debian/Ubuntu install it with "
        "`sudo apt-get install dataset-fashion-mnist` (README set-up does this as root), "
        "or pass a directory holding the four standard idx files (gzipped or not) "
        "with --data-dir / NEUROMEM_FASHION_MNIST_DIR."
    )


def load_fashion_mnist(
    directory: str | Path | None = None,
    *,
    per_concept: int | None = FASHION_DEFAULT_PER_CONCEPT,
    seed: int = 0,
) -> ConceptDataset:
    """Fashion-MNIST (10 clothing concepts, 28x28 grey), train and test files pooled.

    Parameters
    ----------
    directory : path, optional
        Folder with the four standard idx files. Default: ``$NEUROMEM_FASHION_MNIST_DIR``
        or Debian's ``/usr/share/datasets/fashion-mnist``.
    per_concept : int or None
        Pictures kept per concept (a seeded subset of the 7,000); None keeps all.
    seed : int
        Seed of the subset choice.
    """
    directory = Path(directory or os.environ.get("NEUROMEM_FASHION_MNIST_DIR") or DEBIAN_FASHION_DIR)
    images, labels = [], []
    for part in ("train", "test"):
        img_name, lab_name = FASHION_FILES[part]
        img = read_idx(_find_fashion_file(directory, img_name))
        lab = read_idx(_find_fashion_file(directory, lab_name))
        if img.ndim != 3 or img.shape[1:] != (28, 28) or lab.shape != (len(img),):
            raise ValueError(f"{directory}: {part} files have shapes {img.shape} / {lab.shape}; expected (n, 28, 28) / (n,)")
        images.append(img)
        labels.append(lab)
    images = np.concatenate(images)
    labels = np.concatenate(labels).astype(np.int64)
    keep = subsample_per_concept(labels, per_concept, seed=seed)
    concepts = tuple(FASHION_NAMES)
    return ConceptDataset(
        name="fashion-mnist" if per_concept is None else f"fashion-mnist[{per_concept}/concept]",
        concepts=concepts,
        pictures=(images[keep] / 255.0).astype(np.float32),
        picture_labels=labels[keep],
        names=_forms(FASHION_NAMES),
        hierarchy=grouped_hierarchy("clothing", FASHION_GROUPS),
    )


def load_digits_dataset(argument=None, *, seed: int = 0, heldout_fraction=None, min_train: int = 1) -> ConceptDataset:
    """The registry's loader of ``digits`` (:mod:`neuromem.data.registry`): :func:`load_digits`."""
    return load_digits()


def load_fashion_dataset(argument=None, *, seed: int = 0, heldout_fraction=None, min_train: int = 1,
                         per_concept: int | None = None, data_dir=None) -> ConceptDataset:
    """The registry's loader of ``fashion-mnist``: ``per_concept`` None is the default subset, 0 all 7,000."""
    n = FASHION_DEFAULT_PER_CONCEPT if per_concept is None else (None if per_concept == 0 else per_concept)
    return load_fashion_mnist(data_dir, per_concept=n, seed=seed)
