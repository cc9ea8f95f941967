"""One folder reader for every command; user names in one normal form; names the text encoder cannot tell apart."""

from __future__ import annotations

import os
import unicodedata
import warnings

import pytest
from PIL import Image

from neuromem.data import load_dataset
from neuromem.data.folder import FolderWarning


def _folder(root, concepts, n=8):
    for c in concepts:
        (root / c).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            Image.new("RGB", (6, 6), (40 * i, 90, 200)).save(root / c / f"{i}.png")
    return root


def _dataset_learn_reads(tmp_path, monkeypatch, root, capsys):
    """The dataset `neuromem learn --dataset folder:ROOT` would learn (learning itself is stopped there)."""
    import importlib

    from neuromem.cli import main

    seen = []

    def stop(dataset, **kw):
        seen.append(dataset)
        raise ValueError("stop here")

    for name in ("neuromem.store.learning", "neuromem.store.memory"):  # wherever `learn` lives
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        monkeypatch.setattr(module, "learn", stop, raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FolderWarning)
        code = main(["learn", "--dataset", f"folder:{root}", "--memory", str(tmp_path / "m"), "--no-spoken", "--quiet"])
    err = capsys.readouterr().err
    return (seen[0] if seen else None), code, err


def test_learn_skips_hidden_pictures_and_macos_companions_as_encode_does(tmp_path, monkeypatch, capsys):
    """A hidden `.x.png` inside `square/` is no square, and macOS `._*` companions do not stop `learn`."""
    root = _folder(tmp_path / "shapes", ["square", "circle"])
    Image.new("RGB", (6, 6), (255, 0, 0)).save(root / "square" / ".x.png")
    (root / "circle" / "._0.png").write_bytes(b"\x00\x05\x16\x07" + b"\x00" * 100)
    ds, code, err = _dataset_learn_reads(tmp_path, monkeypatch, root, capsys)
    assert ds is not None, err
    assert ds.counts().tolist() == [8, 8]
    assert all(not os.path.basename(s).startswith(".") for s in ds.picture_sources)
    assert ds.counts().tolist() == load_dataset(f"folder:{root}").counts().tolist()  # the same reader


def test_learn_refuses_folders_whose_names_differ_only_in_case(tmp_path, monkeypatch, capsys):
    if os.path.normcase("Cat") == os.path.normcase("cat"):
        pytest.skip("case-insensitive file system")
    root = _folder(tmp_path / "pets", ["Cat", "cat", "dog"])
    ds, code, err = _dataset_learn_reads(tmp_path, monkeypatch, root, capsys)
    assert ds is None and code == 2
    assert str(root / "Cat") in err and str(root / "cat") in err and "ignoring case" in err


def test_encode_and_learn_read_a_nested_folder_as_the_same_hierarchy(tmp_path, monkeypatch, capsys):
    root = tmp_path / "things"
    _folder(root / "footwear", ["sneaker", "ankle_boot"])
    _folder(root, ["bag"])
    encoded = load_dataset(f"folder:{root}")  # what encode and run read
    learned, code, err = _dataset_learn_reads(tmp_path, monkeypatch, root, capsys)
    assert learned is not None, err
    assert encoded.concepts == learned.concepts == ("bag", "ankle boot", "sneaker")
    assert set(encoded.hierarchy.successors("footwear")) == {"sneaker", "ankle boot"}
    assert sorted(encoded.hierarchy.edges) == sorted(learned.hierarchy.edges)


def test_a_folder_inside_a_concept_folder_is_a_kind_of_that_concept(tmp_path):
    root = _folder(tmp_path / "pets", ["dog", "cat"])
    _folder(root / "dog", ["puppy"])
    ds = load_dataset(f"folder:{root}")
    assert set(ds.concepts) == {"dog", "cat", "puppy"} and list(ds.hierarchy.successors("dog")) == ["puppy"]


def test_pictures_directly_in_the_root_folder_are_skipped_with_a_warning(tmp_path):
    root = _folder(tmp_path / "pets", ["dog", "cat"])
    Image.new("RGB", (6, 6)).save(root / "stray.png")
    with pytest.warns(FolderWarning, match=r"skipping 1 picture\(s\) directly in .*pets"):
        ds = load_dataset(f"folder:{root}")
    assert ds.counts().tolist() == [8, 8]


def test_decomposed_folder_names_are_the_names_typed_composed(tmp_path):
    """macOS and zip tools store `café` decomposed (NFD); it must be the concept a user types (NFC)."""
    nfd = unicodedata.normalize("NFD", "café")
    root = _folder(tmp_path / "places", [nfd, "bar"])
    ds = load_dataset(f"folder:{root}")
    assert "café" in ds.concepts and nfd not in ds.concepts
    assert ds.names["café"].train == ("café",)  # what espeak-ng speaks and the text encoder embeds
    assert all(unicodedata.is_normalized("NFC", f) for c in ds.concepts for f in ds.names[c].heldout)


def test_nfd_and_nfc_spellings_of_one_name_are_one_concept(tmp_path):
    root = _folder(tmp_path / "places", [unicodedata.normalize("NFD", "café"), "bar"])
    try:
        _folder(root, ["café"])
    except OSError:
        pytest.skip("the file system stores only one spelling")
    if len(list(root.iterdir())) < 3:
        pytest.skip("the file system normalises names itself")
    with pytest.raises(ValueError, match="both give the concept name 'café'"):
        load_dataset(f"folder:{root}")


def test_the_name_threshold_separates_distinct_names_from_names_read_alike():
    """NAME_COSINE_LIMIT sits between the most similar distinct names measured and names the tokenizer reads alike."""
    from neuromem.encoders.text import NAME_COSINE_LIMIT, indistinct_names

    distinct = ["photos from the trip to paris part 1", "photos from the trip to paris part 2", "IMG_12345",
                "IMG_12346", "cat", "cats", "person 1", "person 2", "four", "three"]
    assert indistinct_names(distinct) == []
    alike = indistinct_names(["🐱", "🐶", "猫", "狗", "resume", "résumé", "Cat", "cat"])
    pairs = {(i, j) for i, j, _ in alike}
    assert {(0, 1), (2, 3), (4, 5), (6, 7)} <= pairs
    assert all(cos >= NAME_COSINE_LIMIT for _, _, cos in alike)


@pytest.mark.parametrize("pair", [("🐱", "🐶"), ("猫", "狗"), ("resume", "résumé")])
def test_concepts_whose_names_encode_alike_are_refused_naming_both_folders(tmp_path, monkeypatch, pair):
    import neuromem.encoders.pipeline as pipeline

    monkeypatch.setattr(pipeline, "_backbone_features", lambda *a, **k: pytest.fail("encoding started"))
    root = _folder(tmp_path / "pets", [*pair, "bird"])
    ds = load_dataset(f"folder:{root}")
    with pytest.raises(ValueError) as err:
        pipeline.encode_dataset(ds, progress=False, use_cache=False, log=lambda *_: None)
    msg = str(err.value)
    assert str(root / pair[0]) in msg and str(root / pair[1]) in msg
    assert "cannot tell" in msg and "Rename one of them" in msg


def test_a_cache_entry_is_used_only_for_the_key_it_was_computed_for(session_cache_dir):
    import numpy as np

    from neuromem.encoders.cache import CacheWarning, cache_path, load_cached, save_cached

    save_cached("test-kind", "key-a", {"x": np.arange(3)})
    np.testing.assert_array_equal(load_cached("test-kind", "key-a")["x"], np.arange(3))
    cache_path("test-kind", "key-b").write_bytes(cache_path("test-kind", "key-a").read_bytes())  # copied by hand
    with pytest.warns(CacheWarning, match="computed for key key-a, not for key-b"):
        assert load_cached("test-kind", "key-b") is None
    assert not cache_path("test-kind", "key-b").exists()
    np.savez(cache_path("test-kind", "key-c"), x=np.arange(3))  # an entry that does not say what it derives from
    with pytest.warns(CacheWarning, match="does not say what it was computed from"):
        assert load_cached("test-kind", "key-c") is None
