"""Every seed of the comparison, in one place."""

from __future__ import annotations

import numpy as np

__all__ = ["CellSeeds"]


class CellSeeds:
    """The seeds of the cells of one comparison seed.

    Parameters
    ----------
    seed : int
        The comparison seed (its concept split and latent space).
    """

    def __init__(self, seed: int):
        self.seed = int(seed)

    def presentations(self, experiment: str, K: int) -> np.random.Generator:
        """Choice and order of the presentations of ``experiment`` with K per concept."""
        salt = {"shots": 0x5107, "interference": 0x1F7E, "validation": 0x7A1}[experiment]
        return np.random.default_rng([self.seed, int(K), salt])

    def capacity_presentations(self) -> np.random.Generator:
        """Order of the one-shot presentations of a synthetic capacity set."""
        return np.random.default_rng([self.seed, 0xCA9])

    def test_cues(self) -> np.random.Generator:
        """Choice of the held-out test cues."""
        return np.random.default_rng([self.seed, 0x7E57])

    def binder(self, name: str):
        """The binder's own seed."""
        return np.random.SeedSequence([self.seed, 0xB1D])

    def guesses(self, experiment: str) -> dict:
        """Seeds of the guess for silent cues, per cue modality."""
        if experiment == "capacity":
            return {"picture": [self.seed, 3]}
        if experiment == "validation":
            return {"picture": 0}
        return {"picture": [self.seed, 1], "name": [self.seed, 2]}

    def synthetic(self, n_concepts: int):
        """Seed of a synthetic concept set of ``n_concepts`` concepts."""
        return [self.seed, int(n_concepts), 0xCA9]
