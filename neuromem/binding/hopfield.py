"""``hopfield``: a non-spiking Hebbian key-value memory with modern Hopfield retrieval.

Every presentation is stored as one pattern, in one shot and without labels
(Hebbian: the memory is the sum of outer products of one-hot slot codes and
the presented patterns). Stored pattern ``mu`` holds, per modality ``m``, the
normalised key ``xi_mu^m`` (the latent standardised with the reference
statistics and scaled to unit length) and the raw latent ``z_mu^m`` as value.
Retrieval from a cue ``q`` of modality ``c`` (normalised the same way) is one
step of the modern Hopfield update (Ramsauer et al. 2021, ICLR, "Hopfield
Networks is All You Need"):

.. math:: p = \\mathrm{softmax}(\\beta\\, \\Xi^c q), \\qquad
          \\hat z^t = p^\\top Z^t

with inverse temperature ``beta``. ``p`` are the unit activations (one unit
per stored pattern). The memory has ``n_units`` slots; when full, the oldest
pattern is overwritten (documented first-in-first-out, no replay).

Cost (:mod:`neuromem.binding.cost`): learning writes ``n_modalities x 2 x
latent_dim`` values per presentation (``memory_writes``); a recall costs
``2 x n_stored x latent_dim`` multiply-accumulates (similarities and the
weighted sum of values) per cue.
"""

from __future__ import annotations

import numpy as np

from neuromem.binding.base import Binder, RecallResult
from neuromem.binding.traits import BinderTraits, CapacityLimit

__all__ = ["HopfieldBinder"]


class HopfieldBinder(Binder):
    """Modern Hopfield key-value memory, one stored pattern per presentation.

    Parameters
    ----------
    beta : float
        Inverse temperature of the softmax, (0, 1e4] (keys are unit vectors,
        so ``beta`` is in units of cosine similarity).
    **kwargs
        See :class:`~neuromem.binding.base.Binder`; ``n_units`` is the number
        of pattern slots.
    """

    name = "hopfield"
    traits = BinderTraits(family="hebbian", n_units_counts="pattern slots", colour="tab:purple", has_units=True,
                          capacity=CapacityLimit(reason="n_units pattern slots, first in first out"))

    def __init__(self, *, beta: float = 16.0, **kwargs):
        super().__init__(**kwargs)
        if not 0 < float(beta) <= 1e4:
            raise ValueError(f"HopfieldBinder.beta={beta!r} is out of range; allowed (0, 10000]")
        self.beta = float(beta)
        D = self.latent_dim
        if self.reference is not None:
            self._mu = {m: self.reference[m].mean(axis=0) for m in self.modalities}
            self._sd = {m: self.reference[m].std(axis=0) + 1e-8 for m in self.modalities}
        else:
            self._mu = {m: np.zeros(D) for m in self.modalities}
            self._sd = {m: np.ones(D) for m in self.modalities}
        self.keys_ = {m: np.zeros((self.n_units, D)) for m in self.modalities}
        self.values_ = {m: np.zeros((self.n_units, D)) for m in self.modalities}
        self.n_stored_ = 0
        self._next = 0

    def _key(self, m: str, z: np.ndarray) -> np.ndarray:
        x = (np.atleast_2d(z) - self._mu[m]) / self._sd[m]
        return x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-12)

    def _learn(self, presentations) -> None:
        for p in presentations:
            slot = self._next
            for m in self.modalities:
                z = np.asarray(p.latents[m], dtype=np.float64)
                self.keys_[m][slot] = self._key(m, z)[0]
                self.values_[m][slot] = z
            self.cost.add("learn", "memory_writes", 2 * len(self.modalities) * self.latent_dim)
            self._next = (self._next + 1) % self.n_units
            self.n_stored_ = min(self.n_stored_ + 1, self.n_units)

    def _attention(self, cue_modality: str, z: np.ndarray) -> np.ndarray:
        n = self.n_stored_
        if n == 0:
            return np.zeros((len(z), self.n_units))
        s = self.beta * self._key(cue_modality, z) @ self.keys_[cue_modality][:n].T
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        out = np.zeros((len(z), self.n_units))
        out[:, :n] = p
        return out

    def recall(self, cue_modality, latents, target_modality) -> RecallResult:
        z = self._check_cue(cue_modality, latents, target_modality)
        p = self._attention(cue_modality, z)
        self.cost.add("recall", "macs", 2 * len(z) * self.n_stored_ * self.latent_dim)
        out = p @ self.values_[target_modality]
        empty = np.full(len(z), self.n_stored_ == 0)
        out[empty] = np.nan
        return RecallResult(target_latents=out, no_response=empty)

    def unit_activations(self, modality, latents) -> np.ndarray:
        z = self._check_cue(modality, latents)
        return self._attention(modality, z)

    @property
    def n_plastic(self) -> int:
        return 2 * self.n_units * len(self.modalities) * self.latent_dim

    def describe(self) -> dict:
        return {**super().describe(), "beta": self.beta}
