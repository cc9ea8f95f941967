"""Every option of the concept-cells experiment, in one frozen dataclass."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from neuromem._checks import is_int
from neuromem.analysis import REPORT_SEEDS, ResponseCriterion
from neuromem.analysis.human import DEFALCO2016_STIMULI_PER_SESSION

__all__ = ["CAPACITY_BINDERS", "CAPACITY_N_NEURONS", "ConceptCellsConfig"]

#: Unit count of the capacity condition (the issue's N = 200).
CAPACITY_N_NEURONS = 200
#: The non-spiking learners measured beside the spiking layer at the same unit count.
CAPACITY_BINDERS = ("hopfield", "softmax")


@dataclass(frozen=True, kw_only=True)
class ConceptCellsConfig:
    """Every option of the concept-cells experiment.

    Parameters
    ----------
    n_concepts : int
        Concepts shown at once, >= 2 (default 94: a human screening session).
    n_neurons : int
        Concept neurons N, >= 10; the sparseness is also measured at 2N.
    preset : str
        Network preset name or TOML path (default ``human-mtl``).
    seeds : tuple of int
        Roots of the seed trees, one run each (report seeds 3-7 by default), distinct ints >= 0.
    engine : str
        Engine name.
    presentations : int
        Learning presentations per concept (K), 1 to 5 (a synthetic concept has 5 train pictures).
    test_pictures_per_concept : int
        Held-out pictures shown per concept, 1 to 10.
    test_words_per_concept : int
        Test trials per concept and word modality (held-out forms repeated), >= 1.
    blank_trials : int
        Background-only test trials (the response baseline), >= 3.
    at_2n : bool
        Also run the layer with 2N neurons (``population_sparseness_at_2n``).
    capacity : bool
        Also measure the capacity (:mod:`neuromem.experiments.concept_cells.capacity`).
    capacity_n_neurons : int
        Units of the capacity condition, >= 4.
    capacity_below_half_n : bool
        When the spiking layer fails at N/2, also bisect between 2 and N/2 - 1 to say where its capacity lies
        (about 7 more sizes); otherwise the capacity is recorded as below N/2.
    capacity_binders : tuple of str
        Registered binders whose capacity is measured beside the spiking layer (default hopfield, softmax).
    criterion : ResponseCriterion
    spec_overrides : dict
        Preset section overrides (e.g. ``{"k_winners_take_all": {"active_fraction": 0.02}}``); not
        ``concept.n_neurons``, which is ``n_neurons``.
    engine_options : dict
        Extra keyword arguments for the engine.

    Raises
    ------
    ValueError, TypeError
        For a value out of range (the message names the field, the value and the range).
    """

    n_concepts: int = DEFALCO2016_STIMULI_PER_SESSION
    n_neurons: int = 1000
    preset: str = "human-mtl"
    seeds: tuple = REPORT_SEEDS
    engine: str = "numba"
    presentations: int = 3
    test_pictures_per_concept: int = 4
    test_words_per_concept: int = 2
    blank_trials: int = 40
    at_2n: bool = True
    capacity: bool = False
    capacity_n_neurons: int = CAPACITY_N_NEURONS
    capacity_below_half_n: bool = False
    capacity_binders: tuple = CAPACITY_BINDERS
    criterion: ResponseCriterion = field(default_factory=ResponseCriterion)
    spec_overrides: dict = field(default_factory=dict)
    engine_options: dict = field(default_factory=dict)

    def __post_init__(self):
        ranges = {"n_concepts": (2, 100_000), "n_neurons": (10, 1_000_000), "presentations": (1, 5),
                  "test_pictures_per_concept": (1, 10), "test_words_per_concept": (1, 100),
                  "blank_trials": (3, 10_000), "capacity_n_neurons": (4, 100_000)}
        for name, (lo, hi) in ranges.items():
            v = getattr(self, name)
            if not is_int(v) or not lo <= v <= hi:
                raise ValueError(f"ConceptCellsConfig.{name}={v!r} must be an int in [{lo}, {hi}]")
        seeds = tuple(self.seeds)
        if not seeds or any(not is_int(s) or s < 0 for s in seeds) or len(set(seeds)) != len(seeds):
            raise ValueError(f"ConceptCellsConfig.seeds={self.seeds!r} must be a non-empty list of distinct ints >= 0")
        object.__setattr__(self, "seeds", tuple(int(s) for s in seeds))
        object.__setattr__(self, "capacity_binders", tuple(str(b) for b in self.capacity_binders))
        for name in ("at_2n", "capacity", "capacity_below_half_n"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"ConceptCellsConfig.{name} must be True or False")
        if not isinstance(self.criterion, ResponseCriterion):
            raise TypeError(f"ConceptCellsConfig.criterion must be a ResponseCriterion; got "
                            f"{type(self.criterion).__name__}")
        for name in ("spec_overrides", "engine_options"):
            if not isinstance(getattr(self, name), dict):
                raise TypeError(f"ConceptCellsConfig.{name} must be a dict")
        if "n_neurons" in self.spec_overrides.get("concept", {}):
            raise ValueError("ConceptCellsConfig.spec_overrides sets concept.n_neurons; set n_neurons instead "
                             "(in a sweep: --grid n_neurons=...)")

    def to_dict(self) -> dict:
        """Plain data (JSON shaped)."""
        d = dataclasses.asdict(self)
        d["seeds"], d["capacity_binders"] = list(self.seeds), list(self.capacity_binders)
        d["criterion"] = self.criterion.to_dict()
        return d
