"""Concept datasets: loaders, splits, name forms and every bad input."""

from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

from neuromem.data import (ConceptDataset, NameForms, load_dataset, load_digits, load_fashion_mnist,
                           load_image_folder, split_pictures, subsample_per_concept)
from neuromem.data.builtin import DEBIAN_FASHION_DIR, read_idx


def _tiny(**over):
    kw = dict(name="t", concepts=("a", "b"), pictures=np.zeros((4, 8, 8), np.float32),
              picture_labels=np.array([0, 0, 1, 1]), names={"a": NameForms(train=("a",)), "b": NameForms(train=("b",))})
    kw.update(over)
    return ConceptDataset(**kw)


def test_digits_has_ten_named_concepts_with_name_forms_and_hierarchy():
    d = load_digits()
    assert d.concepts[0] == "zero" and d.concepts[9] == "nine"
    assert d.pictures.shape == (1797, 8, 8) and d.pictures.dtype == np.float32
    assert 0.0 <= d.pictures.min() and d.pictures.max() <= 1.0
    assert all(n >= 170 for n in d.counts())
    for c in d.concepts:
        forms = d.names[c]
        assert forms.canonical == c and len(forms.heldout) == 3
    assert set(d.hierarchy.successors("even")) == {"zero", "two", "four", "six", "eight"}


def test_split_is_deterministic_per_seed_and_covers_every_concept():
    y = load_digits().picture_labels
    a = split_pictures(y, seed=3, heldout_fraction=0.2)
    b = split_pictures(y, seed=3, heldout_fraction=0.2)
    c = split_pictures(y, seed=4, heldout_fraction=0.2)
    np.testing.assert_array_equal(a, b)
    assert (a != c).any()
    for k in range(10):
        frac = a[y == k].mean()
        assert 0.15 < frac < 0.25


def test_split_rejects_bad_fraction_and_singleton_concepts():
    with pytest.raises(ValueError, match="heldout_fraction"):
        split_pictures(np.array([0, 0, 1, 1]), seed=0, heldout_fraction=1.5)
    with pytest.raises(ValueError, match="at least 2"):
        split_pictures(np.array([0, 0, 1]), seed=0, heldout_fraction=0.5)


def test_subsample_per_concept():
    y = np.repeat(np.arange(3), 10)
    idx = subsample_per_concept(y, 4, seed=0)
    assert np.bincount(y[idx]).tolist() == [4, 4, 4]
    np.testing.assert_array_equal(idx, subsample_per_concept(y, 4, seed=0))
    with pytest.raises(ValueError, match="per_concept"):
        subsample_per_concept(y, 1, seed=0)


@pytest.mark.parametrize("over, match", [
    (dict(pictures=np.zeros((4, 8, 8), np.uint8)), "floating point"),
    (dict(pictures=np.zeros((4, 8), np.float32)), "shape"),
    (dict(pictures=np.full((4, 8, 8), np.nan, np.float32)), "NaN"),
    (dict(pictures=np.full((4, 8, 8), 2.0, np.float32)), r"\[0, 1\]"),
    (dict(picture_labels=np.array([0, 0, 0, 0])), "no pictures"),
    (dict(picture_labels=np.array([0, 0, 1, 5])), "picture_labels"),
    (dict(names={"a": NameForms(train=("a",))}), "no written name"),
    (dict(concepts=("a",), picture_labels=np.zeros(4, int)), "at least 2 concepts"),
])
def test_bad_datasets_get_clear_errors(over, match):
    with pytest.raises((ValueError, TypeError), match=match):
        _tiny(**over)


def test_name_forms_validation():
    with pytest.raises(ValueError, match="canonical"):
        NameForms(train=())
    with pytest.raises(ValueError, match="both train and held-out"):
        NameForms(train=("cat",), heldout=("cat",))
    with pytest.raises(ValueError, match="non-empty"):
        NameForms(train=("  ",))


def test_unknown_dataset_name():
    with pytest.raises(ValueError, match="unknown dataset"):
        load_dataset("imagenet")
    with pytest.raises(ValueError, match="folder:PATH"):
        load_dataset("folder:")


def _write_folder(root, *, n=3, ext=".png"):
    from skimage import io

    rng = np.random.default_rng(0)
    for c, colour in (("cat", (255, 0, 0)), ("dog_house", (0, 0, 255))):
        (root / c).mkdir(parents=True)
        for i in range(n):
            img = (rng.random((20, 24, 3)) * 60).astype(np.uint8) + np.array(colour, np.uint8) // 2
            io.imsave(root / c / f"{i}{ext}", img, check_contrast=False)
    return root


@pytest.mark.parametrize("ext", [".png", ".jpg"])
def test_image_folder_loads_concepts_from_subfolders(tmp_path, ext):
    d = load_image_folder(_write_folder(tmp_path / "faces", ext=ext), size=16)
    assert d.concepts == ("cat", "dog house")
    assert d.pictures.shape == (6, 16, 16, 3)
    assert d.names["dog house"].heldout == ("dog houses", "a dog house", "the dog house")
    assert load_dataset(f"folder:{tmp_path / 'faces'}").n_concepts == 2


def test_image_folder_errors_name_the_problem(tmp_path):
    root = _write_folder(tmp_path / "f")
    (root / "cat" / "broken.png").write_bytes(b"not a picture")
    with pytest.raises(ValueError, match="broken.png"):
        load_image_folder(root)
    (root / "cat" / "broken.png").unlink()
    (root / "empty").mkdir()
    with pytest.raises(ValueError, match="no pictures"):
        load_image_folder(root)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_image_folder(tmp_path / "nowhere")


def _write_idx(path, arr):
    header = bytes([0, 0, 8, arr.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in arr.shape)
    with gzip.open(path, "wb") as fh:
        fh.write(header + arr.astype(np.uint8).tobytes())


def test_fashion_mnist_from_a_user_folder_of_idx_files(tmp_path):
    rng = np.random.default_rng(0)
    for prefix, n in (("train", 40), ("t10k", 20)):
        _write_idx(tmp_path / f"{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28)))
        _write_idx(tmp_path / f"{prefix}-labels-idx1-ubyte.gz", np.arange(n) % 10)
    d = load_fashion_mnist(tmp_path, per_concept=5)
    assert d.pictures.shape == (50, 28, 28) and d.concepts[-1] == "ankle boot"
    assert set(d.hierarchy.successors("footwear")) == {"sandal", "sneaker", "ankle boot"}


def test_fashion_mnist_missing_gives_install_hint(tmp_path):
    with pytest.raises(FileNotFoundError, match="apt-get install dataset-fashion-mnist"):
        load_fashion_mnist(tmp_path)


def test_read_idx_rejects_bad_files(tmp_path):
    p = tmp_path / "bad.gz"
    with gzip.open(p, "wb") as fh:
        fh.write(b"\x00\x00\x09\x01" + (3).to_bytes(4, "big") + b"abc")
    with pytest.raises(ValueError, match="magic"):
        read_idx(p)
    q = tmp_path / "short.gz"
    with gzip.open(q, "wb") as fh:
        fh.write(b"\x00\x00\x08\x01" + (30).to_bytes(4, "big") + b"abc")
    with pytest.raises(ValueError, match="bytes"):
        read_idx(q)


@pytest.mark.skipif(not (DEBIAN_FASHION_DIR / "train-images-idx3-ubyte.gz").exists(),
                    reason="Debian dataset-fashion-mnist not installed")
def test_fashion_mnist_debian_package_default_subset():
    d = load_dataset("fashion-mnist", per_concept=30)
    assert d.pictures.shape == (300, 28, 28)
    assert d.counts().tolist() == [30] * 10


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_spoken_names_are_synthesised_and_cached(session_cache_dir):
    from pathlib import Path

    from neuromem.data.speech import HELDOUT_VOICES, TRAIN_VOICES, Utterance, spoken_name_items, synthesise

    d = load_digits()
    utts, labels, split = spoken_name_items(d.names, d.concepts)
    assert not set(TRAIN_VOICES) & set(HELDOUT_VOICES)
    assert {u.voice for u, s in zip(utts, split) if s == "train"} == set(TRAIN_VOICES)
    assert {u.voice for u, s in zip(utts, split) if s == "heldout"} == set(HELDOUT_VOICES)
    (wave, sr), = synthesise([Utterance("seven", "en-us+m5", 170)])
    assert sr > 8000 and 0.2 < len(wave) / sr < 3.0 and np.abs(wave).max() > 0.05
    n_files = len(list(Path(session_cache_dir, "speech").glob("*.wav")))
    synthesise([Utterance("seven", "en-us+m5", 170)])
    assert len(list(Path(session_cache_dir, "speech").glob("*.wav"))) == n_files
