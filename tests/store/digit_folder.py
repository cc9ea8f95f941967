"""Helpers: a user picture folder built from sklearn digits, written as PNG files."""

from __future__ import annotations

from pathlib import Path

import numpy as np

DIGIT_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def write_digit_folder(root: Path, *, per_concept: int, heldout_per_concept: int, seed: int = 0,
                       concepts=DIGIT_NAMES, groups: dict | None = None) -> dict[str, list[Path]]:
    """Write ``root/<digit name>/*.png`` (learning items) and return held-out PNG files per concept.

    ``groups`` (``{"curved": ["zero", ...]}``) nests concept folders in group
    folders (``root/curved/zero/*.png``), declaring a hierarchy. The held-out
    files are other digits pictures (different items), written outside
    ``root`` in ``root.parent / (root.name + '-heldout')``.
    """
    parent = {c: g for g, members in (groups or {}).items() for c in members}
    from PIL import Image
    from sklearn.datasets import load_digits

    d = load_digits()
    rng = np.random.default_rng(seed)
    held = {}
    out = root.parent / f"{root.name}-heldout"
    for k, name in enumerate(concepts):
        idx = rng.permutation(np.flatnonzero(d.target == DIGIT_NAMES.index(name)))
        folder = root / parent[name] / name if name in parent else root / name
        folder.mkdir(parents=True, exist_ok=True)
        (out / name).mkdir(parents=True, exist_ok=True)
        for j, i in enumerate(idx[:per_concept]):
            Image.fromarray((d.images[i] * 255 / 16).astype(np.uint8)).save(folder / f"{name}-{j:03d}.png")
        held[name] = []
        for j, i in enumerate(idx[per_concept:per_concept + heldout_per_concept]):
            p = out / name / f"{name}-heldout-{j:03d}.png"
            Image.fromarray((d.images[i] * 255 / 16).astype(np.uint8)).save(p)
            held[name].append(p)
    return held
