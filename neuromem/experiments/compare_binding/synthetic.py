"""Synthetic concept sets for the capacity experiment: Gaussian clusters with a chosen distance ratio."""

from __future__ import annotations

import math

import numpy as np

from neuromem.experiments.compare_binding.config import MODALITIES

__all__ = ["synthetic_concepts"]


def synthetic_concepts(n_concepts: int, latent_dim: int, ratio: float, *, n_train: int = 1, n_test: int = 4,
                       seed=0):
    """Gaussian concept clusters per modality with a given within / between concept distance ratio.

    Concept centres are standard normal (independent per modality); items add
    isotropic noise of s.d. ``sigma = ratio / sqrt(1 - ratio^2)``, which makes
    the expected within / between distance ratio ``ratio``.

    Parameters
    ----------
    n_concepts, latent_dim : int
    ratio : float
        Within / between concept distance ratio, in (0, 1).
    n_train, n_test : int
        Train and held-out items per concept and modality.
    seed : int or SeedSequence
        Seeds the centres and the noise (the comparison passes its seed tree's
        ``synthetic/capacity/#n`` node).

    Returns
    -------
    LatentSpace with modalities ``picture`` and ``name``; ``n_train`` train and
    ``n_test`` held-out items per concept in each.

    Raises
    ------
    ValueError
        For a ratio outside (0, 1).
    """
    from neuromem.latents import LatentSpace, ModalityLatents

    if not 0 < ratio < 1:
        raise ValueError(f"ratio={ratio} must lie in (0, 1)")
    rng = np.random.default_rng(seed)
    sigma = ratio / math.sqrt(1 - ratio ** 2)
    mods = {}
    per = n_train + n_test
    labels = np.repeat(np.arange(n_concepts), per)
    split = np.tile(np.array(["train"] * n_train + ["heldout"] * n_test), n_concepts)
    for m in MODALITIES:
        centres = rng.standard_normal((n_concepts, latent_dim))
        z = centres[labels] + sigma * rng.standard_normal((len(labels), latent_dim))
        mods[m] = ModalityLatents(z.astype(np.float32), labels, split, tuple(f"#{i}" for i in range(len(z))))
    return LatentSpace(concepts=tuple(f"c{k}" for k in range(n_concepts)), modalities=mods, seed=0)
