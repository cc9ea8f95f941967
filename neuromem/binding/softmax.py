"""``softmax``: softmax concept units per modality, trained with cross-entropy (backprop).

Named ``readout`` before (that name still works for one release, with a
``DeprecationWarning``); "readout" now means only the LIF readout populations
(:mod:`neuromem.readout`) and the recall readout of the analysis.

The backprop analogue of concept neurons: every modality ``m`` has a linear
map onto the same ``n_units`` softmax concept units,

.. math:: p^m(z) = \\mathrm{softmax}(W_m^\\top \\tilde z + b_m),

(``tilde z``: the latent standardised with the reference statistics), trained
with cross-entropy against the presentation's concept label (unit ``k`` is
concept ``k``) by Adam for ``epochs`` full-batch passes over the
presentations of each ``learn`` call. Every unit also keeps the running mean
of the latents presented with its concept in each modality (its target
association, ``T_m``). Recall from a cue of modality ``c`` to ``t``:
``hat z^t = p^c(z) T_t`` (units with an association only, renormalised).

Cost (:mod:`neuromem.binding.cost`): per epoch, ``macs`` of the forward pass
(``latent_dim x n_units`` per row) and of the weight gradient (as much
again; the inputs need no gradient), and 3 ``weight_updates`` per parameter
for the Adam step; each presentation updates ``n_modalities x latent_dim``
association sums (``weight_updates``). Recall: ``latent_dim x n_units`` MACs
for the probabilities and as many for the weighted sum of associations.

Seeds (children of the binder's seed tree): ``weights`` (initial maps).
"""

from __future__ import annotations

import numpy as np

from neuromem.binding._backprop import BackpropConfig, Standardise, torch_generator, torch_threads
from neuromem.binding.base import Binder, RecallResult
from neuromem.binding.traits import BinderTraits, CapacityLimit

__all__ = ["SoftmaxBinder"]


class SoftmaxBinder(Binder):
    """Softmax concept units per modality (see the module docstring).

    Parameters
    ----------
    config : BackpropConfig, optional
        Epochs, learning rate, weight decay.
    threads : int
        torch intra-op threads while learning and recalling (default 1, see
        :class:`~neuromem.binding._backprop.torch_threads`).
    **kwargs
        See :class:`~neuromem.binding.base.Binder`; ``n_units`` concept units
        (concept labels must be below it).
    """

    name = "softmax"
    traits = BinderTraits(family="backprop", n_units_counts="concept units", colour="tab:blue", has_units=True,
                          units_assigned_by_label=True,
                          capacity=CapacityLimit(reason="one softmax unit per concept", refuses_more=True))

    def __init__(self, *, config: BackpropConfig | None = None, threads: int = 1, **kwargs):
        super().__init__(**kwargs)
        import torch

        self.threads = int(threads)

        self.config = config or BackpropConfig()
        self._gen = torch_generator(self.seeds.child("weights"))
        D, N = self.latent_dim, self.n_units
        self._std = {m: Standardise(None if self.reference is None else self.reference[m], D) for m in self.modalities}
        self.W = {m: (0.01 * torch.randn(D, N, generator=self._gen)).requires_grad_() for m in self.modalities}
        self.b = {m: torch.zeros(N, requires_grad=True) for m in self.modalities}
        self.assoc_sum_ = {m: np.zeros((N, D)) for m in self.modalities}
        self.assoc_n_ = np.zeros(N)

    def _learn(self, presentations) -> None:
        with torch_threads(self.threads):
            self._learn_torch(presentations)

    def _learn_torch(self, presentations) -> None:
        import torch

        y = np.array([p.concept for p in presentations])
        if y.max() >= self.n_units:
            raise ValueError(f"concept label {y.max()} needs at least {y.max() + 1} softmax units; the binder has "
                             f"{self.n_units}")
        for p in presentations:
            for m in self.modalities:
                self.assoc_sum_[m][p.concept] += p.latents[m]
            self.assoc_n_[p.concept] += 1
        self.cost.add("learn", "weight_updates", len(presentations) * len(self.modalities) * self.latent_dim)
        xs = {m: torch.from_numpy(self._std[m](np.stack([p.latents[m] for p in presentations])))
              for m in self.modalities}
        yt = torch.from_numpy(y.astype(np.int64))
        params = [*self.W.values(), *self.b.values()]
        opt = torch.optim.Adam(params, lr=self.config.learning_rate, weight_decay=self.config.weight_decay)
        rows = len(presentations) * len(self.modalities)
        for _ in range(self.config.epochs):
            opt.zero_grad()
            loss = sum(torch.nn.functional.cross_entropy(xs[m] @ self.W[m] + self.b[m], yt) for m in self.modalities)
            loss.backward()
            opt.step()
        self.cost.add("learn", "macs", 2 * self.config.epochs * rows * self.latent_dim * self.n_units)
        self.cost.add("learn", "weight_updates", 3 * self.config.epochs * self.n_trained)  # Adam: w, m, v

    def _probs(self, modality: str, z: np.ndarray) -> np.ndarray:
        import torch

        with torch.no_grad():
            logits = torch.from_numpy(self._std[modality](z)) @ self.W[modality] + self.b[modality]
            return torch.softmax(logits, dim=1).double().numpy()

    def recall(self, cue_modality, latents, target_modality) -> RecallResult:
        with torch_threads(self.threads):
            return self._recall(cue_modality, latents, target_modality)

    def _recall(self, cue_modality, latents, target_modality) -> RecallResult:
        z = self._check_cue(cue_modality, latents, target_modality)
        p = self._probs(cue_modality, z)
        have = self.assoc_n_ > 0
        p = p * have
        tot = p.sum(axis=1, keepdims=True)
        empty = tot[:, 0] <= 0
        assoc = self.assoc_sum_[target_modality] / np.maximum(self.assoc_n_, 1)[:, None]
        out = (p / np.where(tot > 0, tot, 1)) @ assoc
        out[empty] = np.nan
        self.cost.add("recall", "macs", 2 * len(z) * self.latent_dim * self.n_units)
        return RecallResult(target_latents=out, no_response=empty)

    def unit_activations(self, modality, latents) -> np.ndarray:
        return self._probs(modality, self._check_cue(modality, latents))

    @property
    def n_trained(self) -> int:
        """Parameters trained by gradient: the maps and biases."""
        return len(self.modalities) * (self.latent_dim + 1) * self.n_units

    @property
    def n_plastic(self) -> int:
        """Every stored number: the trained parameters, the association sums and their counts (recall reads them)."""
        return self.n_trained + len(self.modalities) * self.n_units * self.latent_dim + self.n_units

    def describe(self) -> dict:
        return {**super().describe(), **self.config.to_dict()}
