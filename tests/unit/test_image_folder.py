"""User image folders: hidden files, damaged pictures, split sizes, hostile and clashing names."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from neuromem.data import PictureError, load_dataset, load_image_folder
from neuromem.data.folder import FolderWarning, check_split_sizes, clean_concept_name


def _folder(root, concepts, n=3, value=128):
    for c in concepts:
        (root / c).mkdir(parents=True, exist_ok=True)
        for i in range(n):
            Image.new("L", (6, 6), value).save(root / c / f"{i}.png")
    return root


def test_macos_companion_and_hidden_files_are_skipped(tmp_path):
    root = _folder(tmp_path, ["cat", "dog"])
    (root / "cat" / "._0.png").write_bytes(b"\x00\x05\x16\x07" + b"\x00" * 200)
    (root / "cat" / ".DS_Store").write_bytes(b"\x00" * 50)
    (root / "__MACOSX").mkdir()
    (root / "__MACOSX" / "._cat").write_bytes(b"\x00" * 50)
    d = load_image_folder(root, size=8)
    assert d.concepts == ("cat", "dog")
    assert d.counts().tolist() == [3, 3]


def test_corrupt_picture_error_names_the_file_and_suggests_removing_it(tmp_path):
    root = _folder(tmp_path, ["cat", "dog"])
    bad = root / "dog" / "2.png"
    bad.write_bytes(bad.read_bytes()[:40])  # truncated
    with pytest.raises(PictureError) as err:
        load_image_folder(root)
    msg = str(err.value)
    assert err.value.path == bad and str(bad) in msg
    assert "not a readable image (corrupt, truncated or not a picture)" in msg and "remove it" in msg
    assert "imageio" not in msg and "pyav" not in msg


def test_too_few_pictures_for_the_split_is_refused_before_decoding(tmp_path):
    root = _folder(tmp_path, ["cat", "dog"], n=5)
    (root / "cat" / "4.png").write_bytes(b"broken")  # never decoded: the count check comes first
    with pytest.raises(ValueError) as err:
        load_dataset(f"folder:{root}", heldout_fraction=0.2, min_train=3)
    msg = str(err.value)
    assert not isinstance(err.value, PictureError)
    assert str(root / "cat") in msg and str(root / "dog") in msg
    assert "5 picture(s) -> 1 held out" in msg
    assert "--heldout-fraction 0.3 .. 0.5" in msg and "at least 8 per concept" in msg


def test_one_picture_concept_is_refused_up_front_naming_the_folder(tmp_path):
    root = _folder(tmp_path, ["cat"], n=6)
    _folder(tmp_path, ["dog"], n=1)
    with pytest.raises(ValueError, match=rf"{tmp_path / 'dog'}: 1 picture\(s\)"):
        load_dataset(f"folder:{root}", heldout_fraction=0.2)


def test_split_check_counts_match_the_split_rule():
    check_split_sizes({"a": 10, "b": 12}, heldout_fraction=0.2, min_train=3)  # 2 held out, 8 train: fine
    with pytest.raises(ValueError, match="a: 10 picture"):
        check_split_sizes({"a": 10}, heldout_fraction=0.2, min_train=9)  # only 8 left for training


def test_folder_name_empty_after_cleanup_is_named(tmp_path):
    root = _folder(tmp_path, ["cat", "___"])
    with pytest.raises(ValueError, match=rf"concept folder {tmp_path / '___'} gives an empty concept name"):
        load_image_folder(root)


@pytest.mark.parametrize("pair", [("red_car", "red car"), ("Cat", "cat")])
def test_clashing_concept_names_name_both_folders(tmp_path, pair):
    if os.path.normcase("Cat") == os.path.normcase("cat") and pair == ("Cat", "cat"):
        pytest.skip("case-insensitive file system")
    root = _folder(tmp_path, pair)
    with pytest.raises(ValueError) as err:
        load_image_folder(root)
    msg = str(err.value)
    assert str(tmp_path / pair[0]) in msg and str(tmp_path / pair[1]) in msg


def test_heldout_form_never_equals_another_concepts_name(tmp_path):
    root = _folder(tmp_path, ["cat", "cats"])
    with pytest.warns(FolderWarning, match="'cats' of concept 'cat' is also a name of concept 'cats'"):
        d = load_image_folder(root)
    assert d.names["cat"].heldout == ("a cat", "the cat")
    all_train = {f.casefold() for c in d.concepts for f in d.names[c].train}
    for c in d.concepts:
        others = {f.casefold() for o in d.concepts if o != c for f in d.names[o].train + d.names[o].heldout}
        assert not others & {f.casefold() for f in d.names[c].heldout}
    assert all_train == {"cat", "cats"}


def test_broken_symlink_is_skipped_with_a_warning_naming_it(tmp_path):
    root = _folder(tmp_path, ["cat", "dog"])
    link = root / "cat" / "gone.png"
    link.symlink_to(tmp_path / "nowhere.png")
    with pytest.warns(FolderWarning, match=f"skipping broken symbolic link {link}"):
        d = load_image_folder(root)
    assert d.counts().tolist() == [3, 3]


# ---- property-based: hostile names and damaged files ------------------------------------------------------

NAME = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1,
               max_size=40).filter(lambda s: s not in (".", ".."))
HOSTILE = st.one_of(NAME, st.sampled_from(["-1", "--help", "--stdin", "-v", "a'b\"c", "x\ny", "..x", "___",
                                           "猫", "кошка", "قطة", "a" * 200, " spaced  out ", "Red_Car"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(HOSTILE, min_size=2, max_size=4, unique=True), damage=st.lists(
    st.sampled_from(["ok", "ok", "ok", "garbage", "empty", "companion"]), min_size=3, max_size=3))
def test_hostile_folders_load_or_raise_one_documented_error(tmp_path_factory, names, damage):
    root = tmp_path_factory.mktemp("hostile")
    made = []
    for c in names:
        try:
            (root / c).mkdir()
        except OSError:  # the file system refuses the name (too long, ...): not a folder a user can have
            continue
        made.append(c)
        for i, kind in enumerate(damage):
            f = root / c / f"{i}.png"
            if kind == "ok":
                Image.new("RGB", (5, 7), (i * 40, 10, 200)).save(f)
            elif kind == "garbage":
                f.write_bytes(os.urandom(64))
            elif kind == "empty":
                f.write_bytes(b"")
            else:
                (root / c / f"._{i}.png").write_bytes(os.urandom(64))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FolderWarning)
        try:
            d = load_image_folder(root, size=8)
        except PictureError as exc:
            assert exc.path.parent.parent == root and str(exc.path) in str(exc)
            return
        except ValueError as exc:
            msg = str(exc)
            assert str(root) in msg
            return
    visible = sorted(c for c in made if not c.startswith("."))
    assert d.concepts == tuple(clean_concept_name(c) for c in visible)
    n_ok = damage.count("ok")
    assert d.counts().tolist() == [n_ok] * len(visible)
    assert d.pictures.shape == (n_ok * len(visible), 8, 8, 3)
    assert np.all((d.pictures >= 0) & (d.pictures <= 1))


def test_encode_refuses_too_small_concepts_before_loading_the_backbone(monkeypatch, tmp_path):
    import neuromem.encoders.pipeline as pipeline

    monkeypatch.setattr(pipeline, "load_backbone", lambda *a, **k: (_ for _ in ()).throw(AssertionError("work")))
    d = load_image_folder(_folder(tmp_path, ["cat", "dog"], n=5), size=8)
    with pytest.raises(ValueError, match=r"concept 'cat' of folder:.*5 picture\(s\) -> 1 held out"):
        pipeline.encode_dataset(d, progress=False, use_cache=False, log=lambda *_: None)
