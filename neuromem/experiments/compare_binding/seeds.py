"""Every seed of the comparison: named children of one seed tree per comparison seed.

The tree of comparison seed ``s`` is :class:`neuromem.seeds.SeedTree` ``(s)``;
its children (paths from the root):

``training/<experiment>/#K``
    Choice and order of the presentations with K per concept (experiment
    ``shots``, ``interference``, or ``validation`` for the tuning of the
    backprop binders); ``training/capacity``: the order of a synthetic
    capacity set's one-shot presentations.
``test_items``
    Choice of the held-out test cues.
``recall_guess/<experiment>/<cue modality>``
    The seeded guess of a cue that recalled nothing.
``binder/<name>``
    The binder's own tree (it asks for ``weights``, ``input_spikes``,
    ``training``, ... below it).
``synthetic/capacity/#n``
    The synthetic concept set of ``n`` concepts.

Every binder of a cell gets the same presentation and cue seeds (they never
depend on the binder), so the binders see identical inputs.
"""

from __future__ import annotations

import numpy as np

from neuromem.experiments.compare_binding.config import MODALITIES
from neuromem.seeds import SeedTree, as_seed_tree

__all__ = ["CellSeeds"]


class CellSeeds:
    """The seeds of the cells of one comparison seed.

    Parameters
    ----------
    seed : int or SeedTree
        The comparison seed (its concept split and latent space), or its tree.
    """

    def __init__(self, seed):
        self.tree = as_seed_tree(seed)

    def presentations(self, experiment: str, K: int) -> np.random.Generator:
        """Choice and order of the presentations of ``experiment`` with K per concept."""
        return self.tree.rng("training", experiment, int(K))

    def capacity_presentations(self) -> np.random.Generator:
        """Order of the one-shot presentations of a synthetic capacity set."""
        return self.tree.rng("training", "capacity")

    def test_cues(self) -> np.random.Generator:
        """Choice of the held-out test cues."""
        return self.tree.rng("test_items")

    def binder(self, name: str) -> SeedTree:
        """The binder's own seed tree."""
        return self.tree.child("binder", name)

    def guesses(self, experiment: str) -> dict:
        """Seeds (``SeedSequence``) of the guess for silent cues, per cue modality."""
        return {m: self.tree.child("recall_guess", experiment, m).seed_sequence for m in MODALITIES}

    def synthetic(self, n_concepts: int) -> np.random.SeedSequence:
        """Seed of a synthetic concept set of ``n_concepts`` concepts."""
        return self.tree.child("synthetic", "capacity", int(n_concepts)).seed_sequence

    def synthetic_reference(self) -> np.random.SeedSequence:
        """Seed of the synthetic set whose latents are the capacity binders' reference statistics."""
        return self.tree.child("synthetic", "capacity-reference").seed_sequence
