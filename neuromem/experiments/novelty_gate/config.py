"""Every option of the novelty-gate measurement, in one frozen dataclass."""

from __future__ import annotations

from dataclasses import dataclass

from neuromem._checks import is_int
from neuromem.analysis.novelty import DEFAULT_MATCH_WEIGHT, DEFAULT_QUANTILE

__all__ = ["MATCH_WEIGHT_GRID", "NoveltyConfig"]

#: Match weights whose AUC is reported per seed (the tuning grid of ``match_weight``).
MATCH_WEIGHT_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True, kw_only=True)
class NoveltyConfig:
    """Options of ``neuromem run novelty-gate``.

    Parameters
    ----------
    seeds : tuple of int
        One run per seed (its own concept split, encoders, network), each >= 0.
    engine : str
        Engine of the concept layer.
    preset : str
        Network preset.
    presentations : int
        Learning presentations per known concept (K), 1..100.
    match_weight : float
        Weight ``w`` of the match error in the combined score, [0, 1].
    quantile : float
        Calibration quantile of the gate's threshold, [0.5, 1].
    calibration_fraction : float
        Share of the known concepts' held-out pictures used to calibrate the gate (the rest are
        evaluated), (0, 1).
    """

    seeds: tuple = (3, 4, 5, 6, 7)
    engine: str = "numba"
    preset: str = "default"
    presentations: int = 3
    match_weight: float = DEFAULT_MATCH_WEIGHT
    quantile: float = DEFAULT_QUANTILE
    calibration_fraction: float = 0.5

    def __post_init__(self):
        object.__setattr__(self, "seeds", tuple(self.seeds))
        if not self.seeds or not all(is_int(s) and s >= 0 for s in self.seeds):
            raise ValueError(f"NoveltyConfig.seeds={self.seeds!r} must be one or more ints >= 0")
        if len(set(self.seeds)) != len(self.seeds):
            raise ValueError(f"NoveltyConfig.seeds={self.seeds!r} repeats a seed; give each once")
        if not is_int(self.presentations) or not 1 <= self.presentations <= 100:
            raise ValueError(f"NoveltyConfig.presentations={self.presentations!r} must be an int in [1, 100]")
        if not 0.0 <= float(self.match_weight) <= 1.0:
            raise ValueError(f"NoveltyConfig.match_weight={self.match_weight!r} is out of range; allowed [0, 1]")
        if not 0.5 <= float(self.quantile) <= 1.0:
            raise ValueError(f"NoveltyConfig.quantile={self.quantile!r} is out of range; allowed [0.5, 1]")
        if not 0.0 < float(self.calibration_fraction) < 1.0:
            raise ValueError(f"NoveltyConfig.calibration_fraction={self.calibration_fraction!r} is out of range; "
                             "allowed (0, 1)")
