"""TEMPORARY: the seeds of the code before the seed tree, behind the tree's interface (removed with the switch)."""

from __future__ import annotations

import numpy as np


class LegacySeeds:
    """``child(name).seed_sequence`` / ``rng(name)`` answered from a dict of SeedSequences."""

    def __init__(self, table: dict, path=()):
        self.table, self.path = table, tuple(path)

    def child(self, *names):
        return LegacySeeds(self.table, self.path + names)

    @property
    def seed_sequence(self):
        return self.table[self.path]

    def rng(self, *names):
        return np.random.default_rng(self.child(*names).seed_sequence if names else self.seed_sequence)
