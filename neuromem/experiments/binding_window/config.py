"""Every option of the binding-window experiment, in one frozen dataclass."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np

from neuromem._checks import is_int
from neuromem.analysis import REPORT_SEEDS, ResponseCriterion

__all__ = ["DEFAULT_OFFSETS_MS", "BindingWindowConfig"]

#: Onset asynchronies of the default curve, ms: -150, -125, ..., 150.
DEFAULT_OFFSETS_MS = tuple(float(x) for x in range(-150, 151, 25))


@dataclass(frozen=True, kw_only=True)
class BindingWindowConfig:
    """Every option of the binding-window experiment.

    Parameters
    ----------
    offsets_ms : tuple of float
        Onset asynchronies ``t_word - t_picture``, ms, each in [-1000, 1000], none repeated.
    seeds : tuple of int
        Roots of the seed trees, one run each on its own split (report seeds 3-7 by default), each >= 0.
    engine : str
        Engine name.
    presentations : int
        Learning presentations per concept (K), 1 to 100.
    preset : str
        Network preset name or TOML path.
    use_spoken : bool
        Add the spoken names as a third population, shifted together with the
        written names (default False: the word is the written name, so both
        sides of the window test one modality against one modality).
    pause_ms : float
        Silence after the later stimulus before the next trial, ms, [0, 1000].
    max_test_pictures_per_concept : int, optional
        Cap on held-out test pictures per concept (all if None), >= 1.
    min_word_trials_per_concept : int
        Held-out name forms are repeated to reach this many test trials per concept, >= 1.
    blank_trials : int
        Background-only test trials (response baseline), >= 2.
    criterion : ResponseCriterion
    spec_overrides : dict
        Preset section overrides, e.g. ``{"pair_stdp": {"tau_plus_ms": 30.0}}``; not ``sim.trial_period_ms``,
        which the experiment sets from the offsets.
    engine_options : dict
        Extra keyword arguments for the engine.

    Raises
    ------
    ValueError, TypeError
        For a value out of range (the message names the field, the value and the range).
    """

    offsets_ms: tuple = DEFAULT_OFFSETS_MS
    seeds: tuple = REPORT_SEEDS
    engine: str = "numba"
    presentations: int = 3
    preset: str = "default"
    use_spoken: bool = False
    pause_ms: float = 50.0
    max_test_pictures_per_concept: int | None = 20
    min_word_trials_per_concept: int = 8
    blank_trials: int = 20
    criterion: ResponseCriterion = field(default_factory=ResponseCriterion)
    spec_overrides: dict = field(default_factory=dict)
    engine_options: dict = field(default_factory=dict)

    def __post_init__(self):
        offs = tuple(float(x) for x in self.offsets_ms)
        if not offs:
            raise ValueError("BindingWindowConfig.offsets_ms is empty; give at least one offset, e.g. (0,)")
        bad = [x for x in offs if not (np.isfinite(x) and -1000 <= x <= 1000)]
        if bad:
            raise ValueError(f"BindingWindowConfig.offsets_ms has {bad}; allowed [-1000, 1000] ms")
        if len(set(offs)) != len(offs):
            raise ValueError(f"BindingWindowConfig.offsets_ms={offs} repeats an offset; give each once")
        object.__setattr__(self, "offsets_ms", offs)
        seeds = tuple(self.seeds)
        if not seeds or any(not is_int(s) or s < 0 for s in seeds) or len(set(seeds)) != len(seeds):
            raise ValueError(f"BindingWindowConfig.seeds={self.seeds!r} must be a non-empty list of distinct ints >= 0")
        object.__setattr__(self, "seeds", tuple(int(s) for s in seeds))
        p = self.presentations
        if not is_int(p) or not 1 <= p <= 100:
            raise ValueError(f"BindingWindowConfig.presentations={p!r} must be an int in [1, 100]")
        if not 0 <= float(self.pause_ms) <= 1000:
            raise ValueError(f"BindingWindowConfig.pause_ms={self.pause_ms!r} is out of range; allowed [0, 1000]")
        cap = self.max_test_pictures_per_concept
        if cap is not None and (not is_int(cap) or cap < 1):
            raise ValueError(f"BindingWindowConfig.max_test_pictures_per_concept={cap!r} must be None or an int >= 1")
        if not is_int(self.min_word_trials_per_concept) or self.min_word_trials_per_concept < 1:
            raise ValueError(f"BindingWindowConfig.min_word_trials_per_concept={self.min_word_trials_per_concept!r} "
                             "must be an int >= 1")
        if not is_int(self.blank_trials) or self.blank_trials < 2:
            raise ValueError(f"BindingWindowConfig.blank_trials={self.blank_trials!r} must be an int >= 2")
        if not isinstance(self.criterion, ResponseCriterion):
            raise TypeError(f"BindingWindowConfig.criterion must be a ResponseCriterion; got "
                            f"{type(self.criterion).__name__}")
        if not isinstance(self.engine_options, dict):
            raise TypeError("BindingWindowConfig.engine_options must be a dict")
        if not isinstance(self.spec_overrides, dict) or not all(isinstance(v, dict)
                                                                 for v in self.spec_overrides.values()):
            raise TypeError("BindingWindowConfig.spec_overrides must be a dict of section -> dict of fields")
        if "trial_period_ms" in self.spec_overrides.get("sim", {}):
            raise ValueError("BindingWindowConfig.spec_overrides sets sim.trial_period_ms, which the experiment "
                             "sets from the offsets; change pause_ms instead")

    def to_dict(self) -> dict:
        """Plain data (JSON shaped)."""
        d = dataclasses.asdict(self)
        d["offsets_ms"], d["seeds"] = list(self.offsets_ms), list(self.seeds)
        d["criterion"] = self.criterion.to_dict()
        return d
