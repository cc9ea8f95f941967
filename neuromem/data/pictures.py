"""Read one picture file as an image viewer shows it (Pillow), as float32 in [0, 1].

Every loader that reads picture files goes through :func:`read_picture`, so
bit depth, colour space, orientation, palette and transparency are handled in
one place. The reference for each Pillow mode (what the returned array holds):

==============================  ==================================================================
Pillow mode                      returned values
==============================  ==================================================================
``1`` (bilevel)                  grey, black 0.0 / white 1.0
``L`` (8-bit grey)               grey, value / 255
``I;16``, ``I;16B``, ``I;16L``  grey, value / 65535 (the 16-bit range; never clipped to 8 bits)
``I`` (32-bit integer)           grey, value / 65535 when every value lies in 0..65535 (Pillow uses
                                 this mode for 16-bit data of some formats); other values refused
``F`` (32-bit float)             grey, used as it is when finite and inside [0, 1]; otherwise refused
``LA``, ``La``, ``L`` + tRNS     grey, composited on a white background (see below)
``P`` (palette)                  colour through the palette; with transparency composited on white
``RGB``, ``RGBX``                colour, value / 255
``RGBA``, ``RGBa``, RGB + tRNS   colour, composited on white
``CMYK`` (also YCCK JPEGs,       colour, converted to RGB by Pillow (through the embedded ICC
which Pillow decodes as CMYK)    profile when there is one)
``YCbCr``, ``LAB``, ``HSV``      colour, converted to RGB by Pillow
==============================  ==================================================================

Common to every mode:

- **Orientation**: the EXIF orientation tag is applied
  (``PIL.ImageOps.exif_transpose``), so a photo taken upright is read upright.
- **Transparency** is composited on a white background,
  ``value * alpha + 1 * (1 - alpha)`` (alpha in [0, 1]), as most viewers and
  documents show it.
- **Colour profiles**: an embedded ICC profile of an RGB, RGBA or CMYK picture
  is converted to sRGB with Pillow's LittleCMS binding (``ImageCms``); a
  profile that cannot be parsed, and profiles of grey pictures, are ignored
  (the values are taken as sRGB / linear grey as stored).
- **Animations** (GIF, APNG, multi-page TIFF): the first frame.

Anything else (corrupt, truncated or non-picture files, unsupported modes,
values outside the stated ranges) raises :class:`PictureError`, one error type
that carries the file's path.

:func:`load_picture` reads a file and prepares it for a dataset or a memory
(grey or colour, resized): the folder reader and every picture cue go through
it, so a cue is prepared exactly as the pictures a memory learned.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

__all__ = ["PictureError", "read_picture", "load_picture", "GREY_MODES", "COLOUR_MODES"]

#: Modes read as grey (H, W) arrays.
GREY_MODES = ("1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "I;16N", "F")
#: Modes read as colour (H, W, 3) arrays.
COLOUR_MODES = ("P", "PA", "RGB", "RGBX", "RGBA", "RGBa", "CMYK", "YCbCr", "LAB", "HSV")
#: Composite background for transparent pixels (white).
BACKGROUND = 1.0


class PictureError(ValueError):
    """A picture file that cannot be read or is refused.

    Parameters
    ----------
    path : path
        The file.
    reason : str
        What is wrong and what to do about it.

    Attributes
    ----------
    path : pathlib.Path
    """

    def __init__(self, path, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"picture {self.path}: {reason}")


_UNREADABLE = "not a readable image (corrupt, truncated or not a picture); remove it or replace it"


def _composite(values: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    a = alpha.astype(np.float64) / 255.0
    if values.ndim == 3:
        a = a[..., None]
    return values * a + BACKGROUND * (1.0 - a)


def _to_srgb(im, path):
    """Convert an RGB / RGBA / CMYK picture with an embedded ICC profile to sRGB (unparseable: ignored)."""
    icc = im.info.get("icc_profile")
    if not icc or im.mode not in ("RGB", "RGBA", "CMYK"):
        return im
    try:
        import io

        from PIL import ImageCms

        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        dst = ImageCms.createProfile("sRGB")
        out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(im, src, dst, outputMode=out_mode)
    except Exception:  # a broken or unsupported profile: documented as ignored
        return im


def _read(im, path) -> np.ndarray:
    from PIL import ImageOps

    im = ImageOps.exif_transpose(im)
    mode = im.mode
    if mode == "1":
        return np.asarray(im, dtype=np.float64)
    if mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        return np.asarray(im).astype(np.float64) / 65535.0
    if mode == "I":
        a = np.asarray(im).astype(np.int64)
        lo, hi = int(a.min()), int(a.max())
        if lo < 0 or hi > 65535:
            raise PictureError(path, f"32-bit integer picture with values {lo}..{hi}; only 0..65535 (16-bit) "
                                     "is accepted. Save it as a 16-bit or 8-bit image")
        return a / 65535.0
    if mode == "F":
        a = np.asarray(im).astype(np.float64)
        if not np.all(np.isfinite(a)):
            raise PictureError(path, "floating-point picture with NaN or infinite values")
        lo, hi = float(a.min()), float(a.max())
        if lo < 0.0 or hi > 1.0:
            raise PictureError(path, f"floating-point picture with values {lo:.4g}..{hi:.4g}; only [0, 1] is "
                                     "accepted. Rescale it to [0, 1] or save it as an 8/16-bit image")
        return a
    if mode == "L" and "transparency" in im.info:
        im, mode = im.convert("LA"), "LA"
    if mode in ("L",):
        return np.asarray(im).astype(np.float64) / 255.0
    if mode in ("LA", "La"):
        a = np.asarray(im.convert("LA")).astype(np.float64)
        return _composite(a[..., 0] / 255.0, a[..., 1])
    if mode in ("P", "PA"):
        has_alpha = mode == "PA" or "transparency" in im.info
        im = im.convert("RGBA" if has_alpha else "RGB")
        mode = im.mode
    elif mode == "RGB" and "transparency" in im.info:
        im, mode = im.convert("RGBA"), "RGBA"
    if mode not in COLOUR_MODES:
        raise PictureError(path, f"pictures of mode {mode!r} are not supported; save it as 8-bit RGB or grey")
    im = _to_srgb(im, path)
    if im.mode in ("RGBA", "RGBa"):
        a = np.asarray(im.convert("RGBA")).astype(np.float64)
        return _composite(a[..., :3] / 255.0, a[..., 3])
    return np.asarray(im.convert("RGB")).astype(np.float64) / 255.0


def read_picture(path) -> np.ndarray:
    """Read one picture file as a viewer shows it.

    Parameters
    ----------
    path : path
        An image file of any format and mode Pillow reads.

    Returns
    -------
    ndarray, float32, shape (H, W) for grey modes or (H, W, 3) for colour modes
        Intensities in [0, 1], following the per-mode reference in the
        module docstring.

    Raises
    ------
    PictureError
        The file is not a readable image (corrupt, truncated, not a picture,
        too large for Pillow's decompression-bomb limit), or its mode or
        values are refused; the error carries ``.path``.
    """
    from PIL import Image

    path = Path(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                im.seek(0)
                im.load()
                out = _read(im, path)
    except PictureError:
        raise
    except Exception as exc:  # Pillow's decoders raise many kinds on damaged files
        raise PictureError(path, f"{_UNREADABLE} [{type(exc).__name__}: {exc}]") from exc
    if out.ndim not in (2, 3) or min(out.shape[:2]) < 1:
        raise PictureError(path, f"{_UNREADABLE} [decoded shape {out.shape}]")
    out = np.clip(out, 0.0, 1.0).astype(np.float32)
    return out


def load_picture(path, shape: tuple[int, ...]) -> np.ndarray:
    """Read a picture file (:func:`read_picture`) and prepare it as a dataset's pictures of ``shape``.

    Parameters
    ----------
    path : path
        A picture file.
    shape : tuple of int
        ``(H, W)`` for grey or ``(H, W, 3)`` for colour pictures. A grey file
        becomes colour by repeating its channel; a colour file becomes grey
        by luminance (``skimage.color.rgb2gray``). The picture is resized to
        ``H`` x ``W`` pixels with anti-aliasing (square pictures are not
        cropped: the aspect ratio changes).

    Returns
    -------
    ndarray, float32, shape ``shape``
        Intensities in [0, 1].

    Raises
    ------
    FileNotFoundError
        No such file.
    PictureError
        Not a readable picture, or it decodes to non-finite values (names the file).
    """
    from skimage import color, transform

    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"picture file {path} does not exist")
    img = read_picture(path).astype(np.float64)
    colour = len(shape) == 3
    if img.ndim == 2 and colour:
        img = np.repeat(img[..., None], 3, axis=-1)
    elif img.ndim == 3 and not colour:
        img = color.rgb2gray(img)
    img = transform.resize(img, tuple(shape[:2]), anti_aliasing=True)
    if not np.all(np.isfinite(img)):
        raise PictureError(path, "decoded to non-finite values; remove it or replace it")
    return np.clip(img, 0.0, 1.0).astype(np.float32)
