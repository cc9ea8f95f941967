"""``contrastive``: CLIP-style maps into a shared space, symmetric InfoNCE with a learned temperature.

Every modality ``m`` has a linear map ``A_m`` from its standardised latent to
an ``n_units``-dimensional shared space; embeddings are L2-normalised. For
each pair of modalities ``(a, b)`` the loss is CLIP's symmetric InfoNCE
(Radford et al. 2021) over the presentations of one ``learn`` call,

.. math:: L_{ab} = \\tfrac12 [\\mathrm{CE}(s E_a E_b^\\top, Y) +
          \\mathrm{CE}(s E_b E_a^\\top, Y)], \\qquad s = e^{t},

with the learned logit scale ``t`` (initialised at ``log(1/0.07)``, clipped
at ``log 100`` as in CLIP). ``Y`` puts equal target mass on every
presentation of the same concept (with one presentation per concept this is
exactly CLIP's identity target; with several it does not push two pictures of
one concept apart). Recall is nearest neighbour: the cue's embedding is
compared with the embeddings of every presented target item, and the nearest
item's latent is returned.

Cost (:mod:`neuromem.binding.cost`): ``macs`` forward ``latent_dim x
n_units`` per row and ``n_units`` per similarity; backward the weight
gradient plus both embedding gradients of the similarities; 3
``weight_updates`` per parameter and epoch (Adam); ``memory_writes``: every
presented latent it keeps (``n_modalities x latent_dim`` per presentation),
which recall compares with. Those stored latents are parameters too
(:attr:`ContrastiveBinder.n_plastic` counts them).

Seeds (children of the binder's seed tree): ``weights`` (initial maps).
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from neuromem.binding._backprop import BackpropConfig, Standardise, torch_generator, torch_threads
from neuromem.binding.base import Binder, RecallResult
from neuromem.binding.traits import BinderTraits

__all__ = ["ContrastiveBinder"]


class ContrastiveBinder(Binder):
    """CLIP-style contrastive binder (see the module docstring).

    Parameters
    ----------
    config : BackpropConfig, optional
    threads : int
        torch intra-op threads while learning and recalling (default 1, see
        :class:`~neuromem.binding._backprop.torch_threads`).
    device : str
        ``"cpu"`` or ``"cuda"``.
    **kwargs
        See :class:`~neuromem.binding.base.Binder`; ``n_units`` is the shared-space size.
    """

    name = "contrastive"
    traits = BinderTraits(family="backprop", n_units_counts="shared dimensions", colour="tab:green", capacity=None)

    def __init__(self, *, config: BackpropConfig | None = None, threads: int = 1, device: str = "cpu", **kwargs):
        super().__init__(**kwargs)
        import torch

        self.threads = int(threads)

        self.config = config or BackpropConfig()
        self.device = torch.device(device)
        gen = torch_generator(self.seeds.child("weights"))
        D, d = self.latent_dim, self.n_units
        self._std = {m: Standardise(None if self.reference is None else self.reference[m], D) for m in self.modalities}
        self.A = {m: (torch.randn(D, d, generator=gen) / math.sqrt(D)).to(self.device).requires_grad_()
                  for m in self.modalities}
        self.log_scale = torch.tensor(math.log(1 / 0.07), device=self.device, requires_grad=True)
        self.memory_ = {m: np.zeros((0, D)) for m in self.modalities}

    def _embed(self, m: str, x):
        import torch

        e = x @ self.A[m]
        return e / (torch.linalg.vector_norm(e, dim=1, keepdim=True) + 1e-8)

    def _learn(self, presentations) -> None:
        with torch_threads(self.threads):
            self._learn_torch(presentations)

    def _learn_torch(self, presentations) -> None:
        import torch
        import torch.nn.functional as F

        for m in self.modalities:
            self.memory_[m] = np.concatenate([self.memory_[m], np.stack([p.latents[m] for p in presentations])])
        P = len(presentations)
        self.cost.add("learn", "memory_writes", len(self.modalities) * P * self.latent_dim)
        y = torch.tensor([p.concept for p in presentations], device=self.device)
        same = (y[:, None] == y[None, :]).float()
        target = same / same.sum(dim=1, keepdim=True)
        xs = {m: torch.from_numpy(self._std[m](np.stack([p.latents[m] for p in presentations]))).to(self.device)
              for m in self.modalities}
        opt = torch.optim.Adam([*self.A.values(), self.log_scale], lr=self.config.learning_rate,
                               weight_decay=self.config.weight_decay)
        pairs = list(itertools.combinations(self.modalities, 2))
        for _ in range(self.config.epochs):
            opt.zero_grad()
            e = {m: self._embed(m, xs[m]) for m in self.modalities}
            s = self.log_scale.clamp(max=math.log(100.0)).exp()
            loss = 0.0
            for a, b in pairs:
                logits = s * e[a] @ e[b].T
                loss = loss + 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target))
            loss.backward()
            opt.step()
        M, D, d = len(self.modalities), self.latent_dim, self.n_units
        forward = M * P * D * d + len(pairs) * P * P * d
        backward = M * P * D * d + 2 * len(pairs) * P * P * d
        self.cost.add("learn", "macs", self.config.epochs * (forward + backward))
        self.cost.add("learn", "weight_updates", 3 * self.config.epochs * self.n_trained)  # Adam: w, m, v

    def embed(self, modality: str, latents) -> np.ndarray:
        """Shared-space embeddings (n, n_units) of latents of ``modality``."""
        import torch

        z = self._check_cue(modality, latents)
        with torch.no_grad():
            return self._embed(modality, torch.from_numpy(self._std[modality](z)).to(self.device)).cpu().double().numpy()

    def recall(self, cue_modality, latents, target_modality) -> RecallResult:
        with torch_threads(self.threads):
            return self._recall(cue_modality, latents, target_modality)

    def _recall(self, cue_modality, latents, target_modality) -> RecallResult:
        z = self._check_cue(cue_modality, latents, target_modality)
        mem = self.memory_[target_modality]
        if len(mem) == 0:
            return RecallResult(target_latents=np.full((len(z), self.latent_dim), np.nan),
                                no_response=np.ones(len(z), bool))
        q = self.embed(cue_modality, z)
        keys = self.embed(target_modality, mem)
        nn = (q @ keys.T).argmax(axis=1)
        self.cost.add("recall", "macs", len(z) * self.latent_dim * self.n_units + len(z) * len(mem) * self.n_units
                      + len(mem) * self.latent_dim * self.n_units)
        return RecallResult(target_latents=mem[nn].copy(), no_response=np.zeros(len(z), bool))

    @property
    def n_trained(self) -> int:
        """Parameters trained by gradient: the maps and the logit scale."""
        return len(self.modalities) * self.latent_dim * self.n_units + 1

    @property
    def n_plastic(self) -> int:
        """Every stored number: the trained parameters and every kept presented latent (recall reads them)."""
        return self.n_trained + sum(int(v.size) for v in self.memory_.values())

    def describe(self) -> dict:
        return {**super().describe(), **self.config.to_dict(), "device": str(self.device),
                "logit_scale": float(np.exp(min(float(self.log_scale.detach()), math.log(100.0))))}
