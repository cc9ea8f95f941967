"""The two references as learners, for the synthetic experiments (capacity, interference).

In the shots experiment the references are computed from the presented
prototypes directly (:func:`~neuromem.experiments.compare_binding.cells.reference_rows`).
Capacity and interference store concepts in turn, so there the references
learn as a binder does: :class:`ReferenceLearner` keeps the mean latent of
what was presented of each concept in each modality, and answers only with
concepts presented so far. They run through the same bisection and the same
two-group protocol as the binders, so every capacity and interference number
has both references beside it:

``no_binder_lookup``
    The cue's nearest TARGET-modality prototype among those every binder is
    given to answer with (as in the shots experiment). On synthetic concepts
    the modalities' centres are drawn independently, so this is at chance by
    construction: the synthetic tasks give the binders no help from an
    encoder.
``nearest_prototype_reference``
    The cue's nearest CUE-modality prototype among the concepts presented so
    far (one stored mean per concept and modality, nothing overwritten): its
    capacity is what keeping every presented item gives, and what it loses
    of group 1 after group 2 in the interference experiment is competition
    from group 2's prototypes, not forgetting.
"""

from __future__ import annotations

import numpy as np

from neuromem.analysis.references import nearest_prototype_reference, no_binder_lookup

__all__ = ["REFERENCE_LEARNERS", "ReferenceLearner"]

#: The references that run the synthetic experiments beside the binders (``binder`` column of ``results.csv``).
REFERENCE_LEARNERS = ("no_binder_lookup", "nearest_prototype_reference")


class ReferenceLearner:
    """A reference that learns presentations: per-concept mean latents per modality (see the module docstring).

    Parameters
    ----------
    kind : {"no_binder_lookup", "nearest_prototype_reference"}
    modalities : sequence of str
    latent_dim : int

    Raises
    ------
    ValueError
        For an unknown ``kind``.
    """

    family = "reference"
    engine_name = ""

    def __init__(self, kind: str, modalities, latent_dim: int):
        if kind not in REFERENCE_LEARNERS:
            raise ValueError(f"unknown reference {kind!r}; known: {list(REFERENCE_LEARNERS)}")
        self.kind, self.latent_dim = kind, int(latent_dim)
        self._sums = {m: {} for m in modalities}
        self._counts = {m: {} for m in modalities}

    def learn(self, presentations) -> None:
        """Add each presentation's latents to its concept's running mean in every modality it carries."""
        for p in presentations:
            for m, z in p.latents.items():
                z = np.asarray(z, dtype=np.float64)
                self._sums[m][p.concept] = self._sums[m].get(p.concept, 0.0) + z
                self._counts[m][p.concept] = self._counts[m].get(p.concept, 0) + 1

    def _prototypes(self, modality: str):
        concepts = np.array(sorted(self._sums[modality]), dtype=np.int64)
        protos = np.stack([self._sums[modality][c] / self._counts[modality][c] for c in concepts]) \
            if len(concepts) else np.zeros((0, self.latent_dim))
        return concepts, protos

    def predict(self, cue_modality, latents, target_modality, prototypes, *, rng=None):
        """``(concepts, no_response)`` for cues ``latents`` (n, latent_dim).

        ``no_binder_lookup`` answers with the nearest of ``prototypes`` (n_concepts, latent_dim: the target
        prototypes every binder gets); ``nearest_prototype_reference`` with the nearest learned cue-modality
        prototype, and answers nothing before it has learned a concept (``no_response`` True, concept -1).
        """
        z = np.asarray(latents, dtype=np.float64)
        if self.kind == "no_binder_lookup":
            return no_binder_lookup(z, prototypes), np.zeros(len(z), dtype=bool)
        concepts, protos = self._prototypes(cue_modality)
        if not len(concepts):
            return np.full(len(z), -1), np.ones(len(z), dtype=bool)
        return concepts[nearest_prototype_reference(z, protos)], np.zeros(len(z), dtype=bool)

    @property
    def n_plastic(self) -> int:
        """Stored numbers: one mean latent per learned concept and modality."""
        return sum(len(s) for s in self._sums.values()) * self.latent_dim
