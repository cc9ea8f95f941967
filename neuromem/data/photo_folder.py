"""A user-like picture folder made offline: one concept per scikit-image photograph, pictures are its crops.

Stands in for a user's own photos (several shots of each of a few things)
where no such set can be downloaded: each concept is one photograph shipped
with scikit-image, and each of its pictures a random crop (40-85 % of the
shorter side, anywhere in the photo), mirrored at random, with brightness and
contrast changed by up to 15 %, saved as an RGB PNG. Different shots of one
thing share its textures and colours but not its framing; real photos of one
thing vary more (pose, light, background), so this folder is easier than a
real one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neuromem.seeds import SeedTree

__all__ = ["PHOTO_CONCEPTS", "write_photo_folder"]

#: concept name -> scikit-image photograph (all shipped with the package, nothing downloaded)
PHOTO_CONCEPTS = {"astronaut": "astronaut", "cameraman": "camera", "cat": "chelsea", "clock": "clock",
                  "coffee": "coffee", "coins": "coins", "horse": "horse", "moon": "moon", "rocket": "rocket",
                  "book page": "page", "brick wall": "brick", "grass": "grass", "gravel": "gravel", "eye": "retina",
                  "galaxy": "hubble_deep_field", "cells": "immunohistochemistry"}


def _photo(name: str) -> np.ndarray:
    from skimage import color, data

    img = np.asarray(getattr(data, name)(), dtype=np.float64)
    if img.ndim == 3 and img.shape[-1] == 4:
        img = color.rgba2rgb(img)
    if img.max() > 1.0:
        img = img / 255.0
    return np.repeat(img[..., None], 3, axis=-1) if img.ndim == 2 else img


def _crop(img: np.ndarray, rng: np.random.Generator, size_px: int) -> np.ndarray:
    from skimage.transform import resize

    h, w = img.shape[:2]
    side = int(rng.uniform(0.40, 0.85) * min(h, w))
    y, x = int(rng.integers(0, h - side + 1)), int(rng.integers(0, w - side + 1))
    out = resize(img[y:y + side, x:x + side], (size_px, size_px), anti_aliasing=True)
    if rng.random() < 0.5:
        out = out[:, ::-1]
    out = (out - out.mean()) * rng.uniform(0.85, 1.15) + out.mean() * rng.uniform(0.85, 1.15)
    return np.clip(out, 0.0, 1.0)


def write_photo_folder(root, *, concepts, per_concept: int, heldout_per_concept: int, seed: int = 0,
                       size_px: int = 64, heldout_only=()) -> dict[str, list[Path]]:
    """Write ``root/<concept>/*.png`` and held-out PNG files in ``root.parent / (root.name + '-heldout')``.

    Parameters
    ----------
    root : path
        The folder to learn from (created).
    concepts : sequence of str
        Keys of :data:`PHOTO_CONCEPTS`.
    per_concept : int
        Pictures per concept in ``root`` (>= 2).
    heldout_per_concept : int
        Held-out pictures per concept (>= 0).
    seed : int
        Seed of the crops (``data/photo_folder/<concept>`` children of the seed tree).
    size_px : int
        Side of the square pictures (16..512).
    heldout_only : sequence of str
        Concepts written only as held-out files (new concepts for the memory learned from ``root``).

    Returns
    -------
    dict of str -> list of Path
        The held-out files of every concept.

    Raises
    ------
    ValueError
        An unknown concept or a size out of range.
    """
    unknown = [c for c in concepts if c not in PHOTO_CONCEPTS]
    if unknown:
        raise ValueError(f"unknown photo concepts {unknown}; choose from {sorted(PHOTO_CONCEPTS)}")
    if per_concept < 2 or heldout_per_concept < 0 or not 16 <= size_px <= 512:
        raise ValueError(f"per_concept={per_concept} (>= 2), heldout_per_concept={heldout_per_concept} (>= 0) or "
                         f"size_px={size_px} (16..512) is out of range")
    from PIL import Image

    root = Path(root)
    out = root.parent / f"{root.name}-heldout"
    held = {}
    for c in concepts:
        img = _photo(PHOTO_CONCEPTS[c])
        rng = SeedTree(int(seed)).rng("data", "photo_folder", c)
        n_learn = 0 if c in heldout_only else per_concept
        if n_learn:
            (root / c).mkdir(parents=True, exist_ok=True)
        (out / c).mkdir(parents=True, exist_ok=True)
        held[c] = []
        for j in range(n_learn + heldout_per_concept):
            pic = (_crop(img, rng, size_px) * 255).round().astype(np.uint8)
            path = root / c / f"{c}-{j:03d}.png" if j < n_learn else out / c / f"{c}-heldout-{j - n_learn:03d}.png"
            Image.fromarray(pic).save(path)
            if j >= n_learn:
                held[c].append(path)
    return held
