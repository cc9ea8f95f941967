"""Binder interface and registry: one interface for every learner that links modalities.

A binder learns associations between the latents of one concept in several
modalities (a picture, a written name, a spoken name) from a list of
multimodal presentations, in the order the trial protocol gives them, and
recalls one modality from another. Every binder sees exactly the same
presentations and test cues, so differences between binders are differences
of the learning rule:

>>> binder = make_binder("hopfield", modalities=("picture", "name"), latent_dim=64,
...                      n_units=100, seed=3)                                   # doctest: +SKIP
>>> binder.learn(presentations)                                                # doctest: +SKIP
>>> answer = binder.recall("picture", z_test, "name")                          # doctest: +SKIP
>>> pred, no_response = binder.predict("picture", z_test, "name", name_protos)  # doctest: +SKIP

A binder is a new module with a subclass of :class:`Binder` that declares
its :class:`~neuromem.binding.traits.BinderTraits`, plus one
:func:`~neuromem.binding.registry.register_binder` line in
``neuromem/binding/__init__.py``. Binder libraries (torch, an engine) are
imported lazily, only when that binder is made.

Cost is counted, not timed: :class:`CostCounter` holds operation counts per
phase (``"learn"``, ``"recall"``) and kind (``"synaptic_events"`` for spiking
binders, ``"macs"`` -- multiply-accumulates -- for rate binders, backprop
counting its backward pass too; ``"memory_writes"`` for values stored without
arithmetic, e.g. a key-value memory's new pattern).
"""

from __future__ import annotations

import abc
import hashlib
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from neuromem._checks import is_int
from neuromem.binding.cost import COST_KINDS, PHASES, CostCounter
from neuromem.binding.traits import BinderTraits
from neuromem.latents import nearest_centroid
from neuromem.seeds import SeedTree, as_seed_tree

__all__ = [
    "Binder",
    "BindingPresentation",
    "CostCounter",
    "RecallResult",
    "as_generator",
    "check_presentations",
    "hash_presentations",
    "COST_KINDS",
    "PHASES",
]

def as_generator(seed) -> np.random.Generator:
    """A ``numpy.random.Generator`` from a Generator (returned as it is), a SeedTree node, a SeedSequence or an int."""
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, SeedTree):
        return seed.rng()
    return np.random.default_rng(seed)


@dataclass(frozen=True)
class BindingPresentation:
    """One multimodal learning presentation: the latents of one concept, shown together.

    Parameters
    ----------
    concept : int
        Index of the concept (the label; binders that learn without labels,
        such as ``stdp`` and ``hopfield``, do not read it).
    latents : dict of str -> ndarray (latent_dim,)
        One latent vector per presented modality.
    items : dict of str -> int
        Index of each presented item inside its modality of the latent space
        (provenance: lets a test check that every binder received the same items).
    """

    concept: int
    latents: dict
    items: dict = field(default_factory=dict)

    def __post_init__(self):
        if not is_int(self.concept) or self.concept < 0:
            raise ValueError(f"BindingPresentation.concept={self.concept!r}; must be an int >= 0")
        if not self.latents:
            raise ValueError("BindingPresentation.latents is empty; give at least one modality's latent vector")
        for m, z in self.latents.items():
            z = np.asarray(z)
            if z.ndim != 1 or not np.all(np.isfinite(z)):
                raise ValueError(f"BindingPresentation.latents[{m!r}] must be a finite 1-D vector; got shape "
                                 f"{z.shape}")


def check_presentations(presentations, modalities, latent_dim: int) -> list[BindingPresentation]:
    """Validate a list of presentations against a binder's modalities and latent size."""
    pres = list(presentations)
    if not pres:
        raise ValueError("no presentations to learn from (the list is empty)")
    for k, p in enumerate(pres):
        if not isinstance(p, BindingPresentation):
            raise TypeError(f"presentation {k} is a {type(p).__name__}; expected BindingPresentation")
        missing = [m for m in modalities if m not in p.latents]
        if missing:
            raise ValueError(f"presentation {k} (concept {p.concept}) lacks modalities {missing}; the binder "
                             f"binds {list(modalities)}")
        for m in modalities:
            if len(p.latents[m]) != latent_dim:
                raise ValueError(f"presentation {k}: {m} latent has {len(p.latents[m])} dimensions; the binder "
                                 f"was made for latent_dim={latent_dim}")
    return pres


def hash_presentations(presentations) -> str:
    """SHA-256 (hex, 16 characters) of the concepts, items and latent bytes of ``presentations``, in order."""
    h = hashlib.sha256()
    for p in presentations:
        h.update(repr((int(p.concept), sorted((m, int(i)) for m, i in p.items.items()))).encode())
        for m in sorted(p.latents):
            h.update(m.encode())
            h.update(np.ascontiguousarray(p.latents[m], dtype=np.float32).tobytes())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class RecallResult:
    """What a binder returns for a batch of cues (plain numpy data).

    Parameters
    ----------
    target_latents : ndarray (n_cues, latent_dim)
        The completed target-modality latent per cue (NaN rows where nothing
        was recalled).
    no_response : ndarray of bool (n_cues,)
        Cues that recalled nothing (for spiking binders: no concept neuron fired).
    latency_ms : ndarray (n_cues,) or None
        Biological time from cue onset to the first concept-unit spike, ms
        (NaN without a spike); None for binders without time.
    """

    target_latents: np.ndarray
    no_response: np.ndarray
    latency_ms: np.ndarray | None = None


class Binder(abc.ABC):
    """A learner that binds the latents of one concept across modalities.

    Contract (held by ``tests/binding``):

    * ``learn(presentations)`` learns from the presentations in the given
      order; calling it again continues learning (no replay of earlier
      presentations: sequential learning is what the interference experiment
      measures).
    * ``recall(cue_modality, latents, target_modality)`` completes the target
      modality's latent from cues of another modality, with learning off.
    * ``predict(...)`` turns a recall into an answer: the index of the nearest
      target prototype (Euclidean), with a seeded chance-level guess where
      nothing was recalled.
    * ``unit_activations(modality, latents)`` gives non-negative responses of
      the binder's concept units to single-modality cues (``traits.has_units``).
    * The class declares ``traits`` (:class:`~neuromem.binding.traits.BinderTraits`):
      its family, what ``n_units`` counts, its capacity limit by
      construction and its plot colour.
    * ``cost`` counts operations per phase; nothing is estimated from time.
    * Identical constructor arguments and presentations give identical results.

    Parameters
    ----------
    modalities : tuple of str
        Bound modalities, e.g. ``("picture", "name", "spoken")``.
    latent_dim : int
        Latent size shared by every modality.
    n_units : int
        Size of the binder; what it counts (concept neurons, concept units,
        pattern slots, shared dimensions) is ``traits.n_units_counts``.
    seed : int or SeedTree
        Seed of everything random in the binder: an int is the root of the
        binder's own :class:`~neuromem.seeds.SeedTree`; a tree node (e.g.
        ``SeedTree(3).child("binder", "hopfield")``, as the comparison passes)
        is used as it is. The binder asks it for named children
        (``weights``, ``input_spikes``, ``training``, ...; each binder's
        docstring lists its own), never for a salt.
    reference : dict of str -> ndarray (n_items, latent_dim), optional
        Unlabelled latents per modality for input normalisation (the spiking
        binders fit their population code's squash on them). Every binder of
        one comparison gets the same reference.
    """

    name: ClassVar[str] = "abstract"
    #: What the binder declares (family, what ``n_units`` counts, capacity limit, colour, ...); every
    #: concrete binder sets it.
    traits: ClassVar[BinderTraits | None] = None

    @property
    def family(self) -> str:
        """``"hebbian"``, ``"backprop"`` or ``"other"`` (:attr:`traits`)."""
        return self.traits.family

    @property
    def spiking(self) -> bool:
        """Whether the binder is a spiking network (cost in synaptic events, latency in ms)."""
        return self.traits.spiking

    @property
    def has_units(self) -> bool:
        """Whether :meth:`unit_activations` is meaningful (concept units exist)."""
        return self.traits.has_units

    def __init__(self, *, modalities, latent_dim: int, n_units: int, seed=0, reference: dict | None = None):
        if not isinstance(type(self).traits, BinderTraits):
            raise TypeError(f"{type(self).__name__} declares no traits; give the class "
                            f"traits = BinderTraits(family=..., n_units_counts=..., capacity=..., colour=...)")
        mods = tuple(modalities)
        if len(mods) < 2:
            raise ValueError(f"a binder needs at least two modalities; got {mods}")
        if not is_int(latent_dim) or latent_dim < 1:
            raise ValueError(f"latent_dim={latent_dim!r}; must be an int >= 1")
        if not is_int(n_units) or not 1 <= n_units <= 1_000_000:
            raise ValueError(f"n_units={n_units!r}; allowed integers 1..1000000")
        if reference is not None:
            for m in mods:
                if m not in reference:
                    raise ValueError(f"reference latents lack modality {m!r}")
                if np.asarray(reference[m]).ndim != 2 or np.asarray(reference[m]).shape[1] != latent_dim:
                    raise ValueError(f"reference[{m!r}] must have shape (n_items, {latent_dim})")
        self.modalities = mods
        self.latent_dim = int(latent_dim)
        self.n_units = int(n_units)
        #: The binder's seed tree (every random draw of the binder is a named child of it).
        self.seeds = as_seed_tree(seed)
        self.reference = None if reference is None else {m: np.asarray(reference[m], dtype=np.float64)
                                                         for m in mods}
        self.cost = CostCounter()
        self.n_presentations_ = 0
        #: Hash of every presentation list given to :meth:`learn`, in order (provenance for the tests).
        self.learned_hashes_: list[str] = []

    # ---- helpers for subclasses -----------------------------------------------------------
    def _check_cue(self, cue_modality: str, latents, target_modality: str | None = None) -> np.ndarray:
        if cue_modality not in self.modalities:
            raise ValueError(f"cue modality {cue_modality!r} is not bound (this binder binds {list(self.modalities)})")
        if target_modality is not None and target_modality not in self.modalities:
            raise ValueError(f"target modality {target_modality!r} is not bound (this binder binds "
                             f"{list(self.modalities)})")
        z = np.atleast_2d(np.asarray(latents, dtype=np.float64))
        if z.shape[1] != self.latent_dim:
            raise ValueError(f"cue latents have {z.shape[1]} dimensions; the binder was made for {self.latent_dim}")
        return z

    # ---- interface ------------------------------------------------------------------------
    def learn(self, presentations) -> None:
        """Learn from ``presentations`` (a list of :class:`BindingPresentation`), in order."""
        pres = check_presentations(presentations, self.modalities, self.latent_dim)
        self.learned_hashes_.append(hash_presentations(pres))
        self._learn(pres)
        self.n_presentations_ += len(pres)

    @abc.abstractmethod
    def _learn(self, presentations: list[BindingPresentation]) -> None:
        """Subclasses: learn from validated presentations (counting cost under ``"learn"``)."""

    @abc.abstractmethod
    def recall(self, cue_modality: str, latents, target_modality: str) -> RecallResult:
        """Complete ``target_modality`` from cues ``latents`` (n_cues, latent_dim) of ``cue_modality``."""

    def predict(self, cue_modality: str, latents, target_modality: str, prototypes: np.ndarray,
                *, rng=None) -> tuple[np.ndarray, np.ndarray]:
        """Answer concept per cue: nearest target prototype to the recalled latent.

        Parameters
        ----------
        prototypes : ndarray (n_concepts, latent_dim)
            One target-modality prototype per candidate concept.
        rng : numpy.random.Generator, int, SeedTree or SeedSequence, optional
            Seeds the chance-level guess for cues that recalled nothing.

        Returns
        -------
        predicted : ndarray of int (n_cues,)
        no_response : ndarray of bool (n_cues,)
        """
        res = self.recall(cue_modality, latents, target_modality)
        protos = np.asarray(prototypes, dtype=np.float64)
        z = np.nan_to_num(res.target_latents.astype(np.float64))
        pred = nearest_centroid(z, protos)  # in blocks: bounded memory for many cues and concepts
        empty = np.asarray(res.no_response, dtype=bool)
        rng = as_generator(rng)
        pred[empty] = rng.integers(0, len(protos), size=int(empty.sum()))
        return pred, empty

    def unit_activations(self, modality: str, latents) -> np.ndarray:
        """Non-negative responses (n_cues, n_units) of the concept units to single-modality cues."""
        raise NotImplementedError(f"the {self.name!r} binder has no concept units")

    def recall_latency_ms(self, cue_modality: str, latents) -> np.ndarray | None:
        """Biological ms from cue onset to the first concept-unit spike (None for non-spiking binders)."""
        return None

    def answers_over_time(self, cue_modality: str, latents, target_modality: str, prototypes,
                          grid_ms) -> np.ndarray | None:
        """The answer the readout gives from the spikes before each time of ``grid_ms`` (spiking binders).

        Parameters
        ----------
        grid_ms : ndarray (n_grid,)
            Times after cue onset, ms; the answer at ``t`` uses the concept
            spikes in ``[0, t)`` (every spiking binder on the same grid).

        Returns
        -------
        ndarray of int (n_grid, n_cues), -1 where no concept unit has fired yet; None for binders without time.
        """
        return None

    def blank_answer_fraction(self, n_trials: int) -> float | None:
        """Fraction of blank trials (background input, no cue) in which a concept unit fires, so the readout
        answers: a false answer (spiking binders; None for binders without time)."""
        return None

    @property
    def n_plastic(self) -> int:
        """Number of plastic synapses (spiking) or trained parameters / stored values (rate binders)."""
        raise NotImplementedError

    def describe(self) -> dict:
        """JSON-serialisable description (name, size, hyper-parameters) recorded with every result."""
        return {"binder": self.name, "family": self.family, "spiking": self.spiking,
                "n_units": self.n_units, "modalities": list(self.modalities), "latent_dim": self.latent_dim}
