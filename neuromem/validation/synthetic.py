"""Synthetic latent spaces with known cluster structure (for tests and quick checks)."""

from __future__ import annotations

import numpy as np

from neuromem.latents import LatentSpace, ModalityLatents

__all__ = ["synthetic_latent_space"]


def synthetic_latent_space(*, n_concepts: int = 10, latent_dim: int = 16, pictures_per_concept: int = 40,
                           heldout_fraction: float = 0.25, picture_spread: float = 0.35, name_spread: float = 0.15,
                           with_spoken: bool = False, seed: int = 0) -> LatentSpace:
    """Gaussian clusters: one centre per concept, pictures and name forms scattered around it.

    Parameters
    ----------
    n_concepts : int
        Number of concepts (>= 2).
    latent_dim : int
        Latent size (>= 1).
    pictures_per_concept : int
        Pictures per concept (>= 2); ``heldout_fraction`` of them are held out.
    picture_spread, name_spread : float
        Standard deviation of pictures / name forms around the centre, in
        units of the (unit-variance) spread of the centres.
    with_spoken : bool
        Also create a ``"spoken"`` modality (2 train + 2 held-out forms per concept).
    seed : int
        Seed of everything random here.
    """
    if n_concepts < 2 or latent_dim < 1 or pictures_per_concept < 2:
        raise ValueError("need n_concepts >= 2, latent_dim >= 1, pictures_per_concept >= 2")
    if not 0 < heldout_fraction < 1:
        raise ValueError(f"heldout_fraction={heldout_fraction} must lie in (0, 1)")
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_concepts, latent_dim))
    concepts = tuple(f"concept{k}" for k in range(n_concepts))

    def modality(n_train, n_held, spread, kind):
        z, y, split, desc = [], [], [], []
        for k in range(n_concepts):
            n = n_train + n_held
            z.append(centres[k] + spread * rng.normal(size=(n, latent_dim)))
            y += [k] * n
            split += ["train"] * n_train + ["heldout"] * n_held
            desc += [f"{kind} {concepts[k]} #{j}" for j in range(n)]
        return ModalityLatents(latents=np.concatenate(z).astype(np.float32), labels=np.array(y),
                               split=np.array(split), descriptions=tuple(desc))

    n_held = max(1, int(round(pictures_per_concept * heldout_fraction)))
    mods = {"picture": modality(pictures_per_concept - n_held, n_held, picture_spread, "picture"),
            "name": modality(2, 3, name_spread, "name")}
    if with_spoken:
        mods["spoken"] = modality(2, 2, name_spread, "spoken")
    return LatentSpace(concepts=concepts, modalities=mods, seed=seed, encoder={"kind": "synthetic"})
