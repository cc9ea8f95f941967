"""Novel pictures: crops of scikit-image's bundled photographs, shaped like a dataset's pictures.

Used as out-of-distribution input for the match signal: the decoder was fitted
on the dataset's own pictures, so it should reconstruct these badly.
"""

from __future__ import annotations

import numpy as np

from neuromem.seeds import SeedTree

PHOTOS = ("astronaut", "camera", "coffee", "chelsea", "rocket", "coins", "moon", "page", "text", "brick",
          "grass", "gravel", "immunohistochemistry", "hubble_deep_field", "horse", "clock", "cell", "retina")


def novel_pictures(n: int, shape: tuple[int, ...], *, seed: int = 0) -> np.ndarray:
    """``n`` random crops of skimage photos, resized to ``shape`` ((H, W) grey or (H, W, 3)).

    Each crop's intensities are rescaled to span [0, 1].
    """
    from skimage import color, data, transform

    if n < 1:
        raise ValueError(f"n must be positive; got {n}")
    rng = SeedTree(int(seed)).rng("encoder", "novel_pictures")
    photos = []
    for name in PHOTOS:
        img = np.asarray(getattr(data, name)(), dtype=np.float64)
        if img.ndim == 3 and img.shape[-1] == 4:
            img = color.rgba2rgb(img)
        if img.max() > 1.0:
            img = img / 255.0
        photos.append(img)
    grey = len(shape) == 2
    out = np.empty((n,) + tuple(shape), dtype=np.float32)
    for i in range(n):
        img = photos[rng.integers(len(photos))]
        if grey and img.ndim == 3:
            img = color.rgb2gray(img)
        elif not grey and img.ndim == 2:
            img = np.repeat(img[..., None], 3, axis=-1)
        h, w = img.shape[:2]
        side = int(rng.integers(min(h, w) // 4, min(h, w) + 1))
        y0, x0 = rng.integers(0, h - side + 1), rng.integers(0, w - side + 1)
        crop = transform.resize(img[y0:y0 + side, x0:x0 + side], shape, anti_aliasing=True)
        lo, hi = crop.min(), crop.max()
        out[i] = (crop - lo) / (hi - lo) if hi > lo else np.zeros(shape)
    return out
