"""read_picture: every Pillow mode against the documented reference; damaged files raise PictureError."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from neuromem.data import PictureError, load_image_folder, read_picture

RNG = np.random.default_rng(7)
GREY8 = RNG.integers(0, 256, (6, 5), dtype=np.uint8)
ALPHA8 = RNG.integers(0, 256, (6, 5), dtype=np.uint8)
RGB8 = RNG.integers(0, 256, (6, 5, 3), dtype=np.uint8)
GREY16 = RNG.integers(0, 65536, (6, 5), dtype=np.uint16)


def _white_composite(values, alpha8):
    a = alpha8.astype(np.float64) / 255.0
    if values.ndim == 3:
        a = a[..., None]
    return values * a + (1.0 - a)


def _save(tmp_path, im, name, **kw):
    path = tmp_path / name
    im.save(path, **kw)
    return path


def test_16bit_grey_png_is_scaled_by_65535_not_255(tmp_path):
    path = _save(tmp_path, Image.fromarray(GREY16), "g16.png")
    assert Image.open(path).mode == "I;16"
    got = read_picture(path)
    np.testing.assert_allclose(got, GREY16 / 65535.0, atol=1e-6)
    assert got.max() < 1.0 and got.min() < 0.5  # not "fully white"


def test_cmyk_jpeg_is_converted_to_rgb_not_read_as_rgba(tmp_path):
    path = _save(tmp_path, Image.new("CMYK", (16, 16), (0, 255, 255, 0)), "red.jpg", quality=95)
    assert Image.open(path).mode == "CMYK"
    got = read_picture(path)
    assert got.shape == (16, 16, 3)
    np.testing.assert_allclose(got.mean(axis=(0, 1)), [1.0, 0.0, 0.0], atol=0.03)  # red, not white


def test_grey_with_alpha_png_is_composited_on_white(tmp_path):
    path = _save(tmp_path, Image.fromarray(np.stack([GREY8, ALPHA8], -1), mode="LA"), "la.png")
    got = read_picture(path)
    assert got.shape == GREY8.shape
    np.testing.assert_allclose(got, _white_composite(GREY8 / 255.0, ALPHA8), atol=1e-6)


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "P+trns", "L+trns", "RGB+trns", "I;16", "I", "F", "RGB",
                                  "RGBA", "CMYK", "YCbCr"])
def test_every_mode_matches_its_documented_reference(tmp_path, mode):
    if mode == "1":
        bits = GREY8 > 127
        path, want = _save(tmp_path, Image.fromarray(bits), "b.png"), bits.astype(float)
    elif mode == "L":
        path, want = _save(tmp_path, Image.fromarray(GREY8), "l.png"), GREY8 / 255.0
    elif mode == "LA":
        path = _save(tmp_path, Image.fromarray(np.stack([GREY8, ALPHA8], -1), mode="LA"), "la.png")
        want = _white_composite(GREY8 / 255.0, ALPHA8)
    elif mode == "L+trns":
        path = _save(tmp_path, Image.fromarray(GREY8), "lt.png", transparency=int(GREY8[0, 0]))
        want = np.where(GREY8 == GREY8[0, 0], 1.0, GREY8 / 255.0)
    elif mode == "RGB+trns":
        key = tuple(int(v) for v in RGB8[0, 0])
        path = _save(tmp_path, Image.fromarray(RGB8), "rgbt.png", transparency=key)
        want = np.where(np.all(RGB8 == RGB8[0, 0], -1, keepdims=True), 1.0, RGB8 / 255.0)
    elif mode in ("P", "P+trns"):
        palette = RGB8.reshape(-1, 3)[:16]
        idx = (GREY8 % 16).astype(np.uint8)
        im = Image.fromarray(idx, mode="L").convert("P")
        im.putpalette(palette.ravel().tolist())
        kw = {"transparency": 3} if mode == "P+trns" else {}
        path = _save(tmp_path, im, "p.png", **kw)
        want = palette[idx] / 255.0
        if mode == "P+trns":
            want = np.where((idx == 3)[..., None], 1.0, want)
    elif mode == "I;16":
        path, want = _save(tmp_path, Image.fromarray(GREY16), "i16.tif"), GREY16 / 65535.0
    elif mode == "I":
        path = _save(tmp_path, Image.fromarray(GREY16.astype(np.int32)), "i32.tif")
        assert Image.open(path).mode == "I"
        want = GREY16 / 65535.0
    elif mode == "F":
        f = (GREY8 / 255.0).astype(np.float32)
        path, want = _save(tmp_path, Image.fromarray(f), "f.tif"), f
    elif mode == "RGB":
        path, want = _save(tmp_path, Image.fromarray(RGB8), "rgb.png"), RGB8 / 255.0
    elif mode == "RGBA":
        path = _save(tmp_path, Image.fromarray(np.concatenate([RGB8, ALPHA8[..., None]], -1)), "rgba.png")
        want = _white_composite(RGB8 / 255.0, ALPHA8)
    elif mode == "CMYK":
        cmyk = Image.fromarray(RGB8).convert("CMYK")
        path = _save(tmp_path, cmyk, "c.tif")
        want = np.asarray(cmyk.convert("RGB")) / 255.0
    elif mode == "YCbCr":
        ycc = Image.fromarray(RGB8).convert("YCbCr")
        path = _save(tmp_path, ycc, "y.tif")
        want = np.asarray(ycc.convert("RGB")) / 255.0
    if mode not in ("L+trns", "RGB+trns", "P+trns"):
        assert Image.open(path).mode == mode
    got = read_picture(path)
    assert got.dtype == np.float32 and got.shape == want.shape
    np.testing.assert_allclose(got, want, atol=1e-6)


def test_orientation_metadata_is_applied(tmp_path):
    arr = np.zeros((4, 8), np.uint8)
    arr[0, :] = 255  # top row white in the stored pixels
    im = Image.fromarray(arr)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to view
    path = tmp_path / "rot.jpg"
    im.save(path, exif=exif, quality=100)
    got = read_picture(path)
    assert got.shape == (8, 4)  # shown rotated
    assert got[:, -1].mean() > 0.9 and got[:, 0].mean() < 0.1  # top row ends up as the right column


def test_float_picture_outside_unit_range_is_refused(tmp_path):
    path = _save(tmp_path, Image.fromarray(np.full((4, 4), 3.0, np.float32)), "f.tif")
    with pytest.raises(PictureError, match=r"f\.tif.*\[0, 1\]") as err:
        read_picture(path)
    assert err.value.path == path


def test_32bit_integer_beyond_16bit_range_is_refused(tmp_path):
    path = _save(tmp_path, Image.fromarray(np.full((4, 4), 70000, np.int32)), "big.tif")
    with pytest.raises(PictureError, match="0..65535"):
        read_picture(path)


@pytest.mark.parametrize("content", [b"", b"not a picture", b"\x00\x05\x16\x07" + b"\x00" * 300])
def test_unreadable_files_raise_picture_error_naming_the_file(tmp_path, content):
    path = tmp_path / "x.png"
    path.write_bytes(content)
    with pytest.raises(PictureError) as err:
        read_picture(path)
    assert err.value.path == path
    assert "not a readable image (corrupt, truncated or not a picture)" in str(err.value)
    assert str(path) in str(err.value) and "imageio" not in str(err.value)


def test_truncated_picture_raises_picture_error(tmp_path):
    buf = io.BytesIO()
    Image.fromarray(RGB8.repeat(8, 0).repeat(8, 1)).save(buf, "PNG")
    path = tmp_path / "cut.png"
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with pytest.raises(PictureError, match="truncated"):
        read_picture(path)


def test_loader_gives_the_16bit_and_cmyk_pixels(tmp_path):
    """The folder loader hands the encoder what a viewer shows (uniform pictures: resizing keeps the value)."""
    for c in ("deep", "red"):
        (tmp_path / c).mkdir()
    for i in range(3):
        Image.fromarray(np.full((10, 10), 13107 * (i + 1), np.uint16)).save(tmp_path / "deep" / f"{i}.png")
        Image.new("CMYK", (10, 10), (0, 255, 255, 0)).save(tmp_path / "red" / f"{i}.jpg", quality=95)
    d = load_image_folder(tmp_path, size=8)
    deep = d.pictures[d.picture_labels == d.concepts.index("deep")]
    np.testing.assert_allclose(deep.mean(axis=(1, 2, 3)), [0.2, 0.4, 0.6], atol=1e-5)
    red = d.pictures[d.picture_labels == d.concepts.index("red")]
    np.testing.assert_allclose(red.mean(axis=(0, 1, 2)), [1.0, 0.0, 0.0], atol=0.03)


# ---- property-based: any mode, any size, any damage -> the reference or PictureError ----------------------

MODES = ["1", "L", "LA", "P", "I;16", "I", "F", "RGB", "RGBA", "CMYK", "YCbCr"]
FORMATS = {"png": ("1", "L", "LA", "P", "I;16", "RGB", "RGBA"), "tiff": tuple(MODES),
           "jpeg": ("L", "RGB", "CMYK"), "bmp": ("1", "L", "P", "RGB"), "gif": ("L", "P"), "webp": ("RGB", "RGBA")}


@st.composite
def pictures(draw):
    fmt = draw(st.sampled_from(sorted(FORMATS)))
    mode = draw(st.sampled_from(FORMATS[fmt]))
    h, w = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    if mode == "F":
        im = Image.fromarray(rng.random((h, w), dtype=np.float32))
    elif mode in ("I;16", "I"):
        a = rng.integers(0, 65536, (h, w))
        im = Image.fromarray(a.astype(np.uint16 if mode == "I;16" else np.int32))
    else:
        im = Image.fromarray(rng.integers(0, 256, (h, w, 4), dtype=np.uint8), mode="RGBA").convert(mode)
    damage = draw(st.sampled_from(["none", "truncate", "flip", "garbage"]))
    return fmt, im, damage, draw(st.integers(0, 10**6))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=pictures())
def test_any_picture_file_reads_in_range_or_raises_picture_error(tmp_path, case):
    fmt, im, damage, where = case
    buf = io.BytesIO()
    im.save(buf, fmt.upper())
    data = bytearray(buf.getvalue())
    if damage == "truncate":
        data = data[: where % max(len(data), 1)]
    elif damage == "flip" and data:
        data[where % len(data)] ^= 0xFF
    elif damage == "garbage":
        data = bytearray(np.random.default_rng(where).integers(0, 256, where % 600, dtype=np.uint8).tobytes())
    path = tmp_path / f"pic.{fmt}"
    path.write_bytes(bytes(data))
    try:
        got = read_picture(path)
    except PictureError as exc:
        assert exc.path == path and str(path) in str(exc)
        return
    assert got.dtype == np.float32 and got.ndim in (2, 3)
    assert np.all(np.isfinite(got)) and got.min() >= 0.0 and got.max() <= 1.0
    if damage == "none" and fmt in ("png", "tiff", "bmp"):  # lossless: the exact reference
        assert got.shape[:2] == (im.height, im.width)
