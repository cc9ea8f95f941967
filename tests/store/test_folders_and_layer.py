"""Nested picture folders as a hierarchy (the one folder reader), single picture files, the concept-layer size rule."""

from __future__ import annotations

import numpy as np
import pytest

from neuromem.data import load_image_folder, load_picture
from neuromem.store.learning import MAX_CONCEPT_NEURONS, concept_layer_size


def _png(path, value, size=(10, 12)):
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full(size, value, np.uint8)).save(path)


def test_nested_folders_declare_a_hierarchy(tmp_path):
    root = tmp_path / "things"
    for i in range(3):
        _png(root / "footwear" / "sneaker" / f"s{i}.png", 40 + i)
        _png(root / "footwear" / "ankle_boot" / f"b{i}.png", 90 + i)
        _png(root / "bag" / f"g{i}.png", 200 + i)
    ds = load_image_folder(root)
    prov = ds.picture_sources
    assert set(ds.concepts) == {"sneaker", "ankle boot", "bag"}  # folders holding pictures
    assert set(ds.hierarchy.successors("footwear")) == {"sneaker", "ankle boot"}
    assert set(ds.hierarchy.successors("folder:things")) == {"footwear", "bag"}
    assert ds.pictures.shape == (9, 32, 32, 3)
    k = ds.concepts.index("sneaker")
    assert sorted(p for p, y in zip(prov, ds.picture_labels) if y == k) == [
        f"footwear/sneaker/s{i}.png" for i in range(3)]
    np.testing.assert_allclose(ds.pictures[ds.picture_labels == ds.concepts.index("bag")][0], 200 / 255, atol=1e-6)


def test_two_folders_with_one_concept_name_are_refused(tmp_path):
    _png(tmp_path / "a" / "cat" / "1.png", 1)
    _png(tmp_path / "b" / "cat" / "1.png", 2)
    with pytest.raises(ValueError, match=r"concept folders .*a/cat and .*b/cat both give the concept name 'cat'"):
        load_image_folder(tmp_path)


def test_load_picture_prepares_like_the_folder_loader_and_rejects_non_pictures(tmp_path):
    _png(tmp_path / "p.png", 128, size=(8, 8))
    pic = load_picture(tmp_path / "p.png", (32, 32, 3))
    assert pic.shape == (32, 32, 3) and pic.dtype == np.float32
    np.testing.assert_allclose(pic, 128 / 255, atol=1e-6)
    assert load_picture(tmp_path / "p.png", (8, 8)).shape == (8, 8)
    (tmp_path / "text.png").write_text("not a picture")
    with pytest.raises(ValueError, match="text.png"):
        load_picture(tmp_path / "text.png", (32, 32, 3))
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_picture(tmp_path / "missing.png", (32, 32, 3))


def test_a_memory_with_many_concepts_gets_a_larger_layer_or_a_clear_error():
    assert concept_layer_size(10, 100, None) == 100
    assert concept_layer_size(30, 100, None) == 120  # grown: 4 neurons per concept
    with pytest.raises(ValueError, match="cannot hold 30 concepts.*--concept-neurons 120"):
        concept_layer_size(30, 100, 100)
    with pytest.raises(ValueError, match="Split the folder"):
        concept_layer_size(MAX_CONCEPT_NEURONS, 100, None)
