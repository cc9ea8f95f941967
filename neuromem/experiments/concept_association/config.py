"""Every option of the concept-association experiment, in one frozen dataclass."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from neuromem._checks import is_int
from neuromem.analysis import REPORT_SEEDS, ResponseCriterion

__all__ = ["AssociationConfig", "MODALITIES"]

#: The populations of the network: a pairing shows one concept's picture with another's written name.
MODALITIES = ("picture", "name")


@dataclass(frozen=True, kw_only=True)
class AssociationConfig:
    """Every option of the concept-association experiment.

    Parameters
    ----------
    seeds : tuple of int
        Roots of the seed trees, one run each (report seeds 3-7 by default), distinct ints >= 0.
    preset : str
        Network preset name or TOML path (default ``human-mtl``: a distributed code where a neuron can
        come to answer a second concept; with one neuron per concept it cannot).
    engine : str
        Engine name.
    n_pairs : int
        Concept pairs shown together, >= 1; as many control pairs are never shown together. The
        experiment learns ``4 * n_pairs`` concepts (2 pairs: 8 of the 10 digits).
    presentations : int
        Learning presentations per concept before any pairing (picture and written name together), 1 to 5.
    max_pairings : int
        Pairing trials per pair, 1 to 50; every concept is tested alone after each (0 = before pairing).
    name_onset_ms : float
        Onset of B's written name after A's picture in a pairing trial, ms, in [0, stimulus_ms): both lie in
        one stimulus window, the name a little later so that A's neurons fire while B's name arrives.
    pairing_plastic : bool
        Learning on during the pairing trials (off: the control that must fail the pairing test).
    pairing_tau_theta_ms : float
        Decay time constant of the adaptive threshold during the pairing trials, ms, in (0, inf] (``inf``:
        the preset's own; ``human-mtl`` never lets it decay). Each spike of a pairing trial raises the
        threshold of the neurons that fire; without recovery A's neurons, which fire in every pairing, climb
        (seed 0: 14.5 -> 45.8 mV over 10 pairings), stop winning the pairing trials, and the fresh neurons
        that win instead come to out-compete them for A's own cues. Default 2000 ms (a recovery over about
        one pairing round), chosen on tuning seeds 0-2 (``docs/results/concept-association.md``). The
        learning phase before pairing keeps the preset's threshold, so the engrams paired are the preset's.
    test_pictures_per_concept : int
        Held-out pictures per concept in every test, 2 to 20.
    test_names_per_concept : int
        Written-name test trials per concept (held-out forms repeated), 2 to 20.
    blank_trials : int
        Background-only test trials (the response baseline), >= 3.
    criterion : ResponseCriterion
    overrides : dict
        Preset section overrides.
    engine_options : dict
        Extra keyword arguments for the engine.

    Raises
    ------
    ValueError, TypeError
        For a value out of range (the message names the field, the value and the range).
    """

    seeds: tuple = REPORT_SEEDS
    preset: str = "human-mtl"
    engine: str = "numba"
    n_pairs: int = 2
    presentations: int = 2
    max_pairings: int = 10
    name_onset_ms: float = 20.0
    pairing_plastic: bool = True
    pairing_tau_theta_ms: float = 2000.0
    test_pictures_per_concept: int = 4
    test_names_per_concept: int = 4
    blank_trials: int = 20
    criterion: ResponseCriterion = field(default_factory=ResponseCriterion)
    overrides: dict = field(default_factory=dict)
    engine_options: dict = field(default_factory=dict)

    def __post_init__(self):
        ranges = {"n_pairs": (1, 1000), "presentations": (1, 5), "max_pairings": (1, 50),
                  "test_pictures_per_concept": (2, 20), "test_names_per_concept": (2, 20),
                  "blank_trials": (3, 10_000)}
        for name, (lo, hi) in ranges.items():
            v = getattr(self, name)
            if not is_int(v) or not lo <= v <= hi:
                raise ValueError(f"AssociationConfig.{name}={v!r} must be an int in [{lo}, {hi}]")
        seeds = tuple(self.seeds)
        if not seeds or any(not is_int(s) or s < 0 for s in seeds) or len(set(seeds)) != len(seeds):
            raise ValueError(f"AssociationConfig.seeds={self.seeds!r} must be a non-empty list of distinct ints >= 0")
        object.__setattr__(self, "seeds", tuple(int(s) for s in seeds))
        onset = self.name_onset_ms
        if isinstance(onset, bool) or not isinstance(onset, (int, float, np.floating)) or not 0 <= onset < 1000:
            raise ValueError(f"AssociationConfig.name_onset_ms={onset!r} must be a number of ms in [0, 1000)")
        object.__setattr__(self, "name_onset_ms", float(onset))
        tau = self.pairing_tau_theta_ms
        if isinstance(tau, bool) or not isinstance(tau, (int, float, np.floating)) or not 0 < tau <= math.inf:
            raise ValueError(f"AssociationConfig.pairing_tau_theta_ms={tau!r} must be a number of ms in (0, inf]")
        object.__setattr__(self, "pairing_tau_theta_ms", float(tau))
        if not isinstance(self.pairing_plastic, (bool, np.bool_)):
            raise TypeError("AssociationConfig.pairing_plastic must be True or False")
        if not isinstance(self.criterion, ResponseCriterion):
            raise TypeError(f"AssociationConfig.criterion must be a ResponseCriterion; got "
                            f"{type(self.criterion).__name__}")
        for name in ("overrides", "engine_options"):
            if not isinstance(getattr(self, name), dict):
                raise TypeError(f"AssociationConfig.{name} must be a dict")

    @property
    def n_concepts(self) -> int:
        """Concepts learned: every pair and every control pair."""
        return 4 * self.n_pairs

    def to_dict(self) -> dict:
        """Plain data (JSON shaped)."""
        d = dataclasses.asdict(self)
        d["seeds"] = list(self.seeds)
        d["criterion"] = self.criterion.to_dict()
        d["pairing_tau_theta_ms"] = None if math.isinf(self.pairing_tau_theta_ms) else self.pairing_tau_theta_ms
        return d
