"""Thresholds of concept neurons: the adaptive threshold (homeostasis) and heterogeneous thresholds."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from neuromem.coding.population import _check_range
from neuromem.network.mechanisms.base import Mechanism, mechanism_seed, register_mechanism

__all__ = ["AdaptiveThreshold", "ThresholdSpread", "Homeostasis"]


@register_mechanism
@dataclass(frozen=True, kw_only=True)
class AdaptiveThreshold(Mechanism):
    """Adaptive threshold of concept neurons (so one neuron cannot win every concept).

    After Diehl & Cook (2015), Front. Comput. Neurosci. 9:99: each spike
    raises the neuron's threshold by ``theta_plus_mv`` while learning; theta
    decays with ``tau_theta_ms``. A neuron spikes when ``v > v_thresh + a
    theta`` with ``a = 1`` while learning, and at test only if
    ``apply_at_test``. Theta persists across trials and runs. Preset section
    ``[adaptive_threshold]`` (older name ``[homeostasis]``).

    Parameters
    ----------
    theta_plus_mv : float
        Threshold increase per spike while learning, mV, [0, 100].
    tau_theta_ms : float
        Decay time constant of theta, ms, (0, inf]; ``inf`` means no decay.
    apply_at_test : bool
        Whether theta also raises the threshold when learning is off.
    """

    section: ClassVar[str] = "adaptive_threshold"
    aliases: ClassVar[tuple[str, ...]] = ("homeostasis",)
    role: ClassVar[str] = "homeostasis"
    standard: ClassVar[bool] = True

    theta_plus_mv: float = 2.0
    tau_theta_ms: float = math.inf
    apply_at_test: bool = False

    def __post_init__(self):
        _check_range("AdaptiveThreshold", "theta_plus_mv", self.theta_plus_mv, 0, 100)
        _check_range("AdaptiveThreshold", "tau_theta_ms", self.tau_theta_ms, 0, math.inf, lo_open=True)
        if not isinstance(self.apply_at_test, bool):
            raise TypeError(f"AdaptiveThreshold.apply_at_test must be a bool; got {self.apply_at_test!r}")

    @property
    def decays(self) -> bool:
        """Whether theta decays (``tau_theta_ms`` finite)."""
        return not math.isinf(self.tau_theta_ms)

    def raises_threshold(self, plastic: bool) -> bool:
        """Whether theta raises the threshold in a run with learning ``plastic``."""
        return bool(plastic) or self.apply_at_test

    def time_constants_ms(self) -> dict[str, float]:
        return {"AdaptiveThreshold.tau_theta_ms": self.tau_theta_ms}


@register_mechanism
@dataclass(frozen=True, kw_only=True)
class ThresholdSpread(Mechanism):
    """Heterogeneous excitability: a fixed threshold offset per concept neuron.

    Neuron ``j`` spikes when ``v_j > v_thresh + d_j (+ a theta_j)`` with
    ``d_j`` drawn from ``distribution``: uniform in ``[-threshold_spread_mv,
    +threshold_spread_mv]`` (SD ``threshold_spread_mv / sqrt(3)``), or normal
    with SD ``threshold_spread_mv`` truncated at 3 SD (heavier tails: a few
    neurons much more excitable than the rest), drawn once from the initial-state seed (its child named
    ``"threshold_spread"``, :func:`~neuromem.network.mechanisms.base.mechanism_seed`),
    so the same seed gives the same offsets on every engine; the offsets do
    not change while learning and are not part of the learned state.
    Heterogeneous neuron parameters as in Perez-Nieves et al. (2021),
    "Neural heterogeneity promotes robust learning", Nat. Commun. 12:5791;
    threshold heterogeneity in cortex: e.g. Azouz & Gray (2000), PNAS
    97:8110. Preset section ``[threshold_spread]``.

    Parameters
    ----------
    threshold_spread_mv : float
        Half-width of the uniform offset distribution, or SD of the normal
        one, mV, [0, 100]; the largest offset (the half-width, or 3 SD) must
        stay below the rheobase ``v_thresh - v_rest`` and below ``v_thresh -
        v_reset`` (every threshold above rest and reset).
    distribution : {"uniform", "normal"}
        Shape of the offset distribution (default ``"uniform"``).

    Raises
    ------
    ValueError
        ``threshold_spread_mv`` outside [0, 100], an unknown
        ``distribution``, or (``check``) a largest offset that reaches rest or
        reset.
    """

    section: ClassVar[str] = "threshold_spread"
    role: ClassVar[str] = "excitability"

    threshold_spread_mv: float = 1.0
    distribution: str = "uniform"

    #: Allowed offset distributions and the largest offset of each, in units of ``threshold_spread_mv``.
    DISTRIBUTIONS: ClassVar[dict[str, float]] = {"uniform": 1.0, "normal": 3.0}

    def __post_init__(self):
        _check_range("ThresholdSpread", "threshold_spread_mv", self.threshold_spread_mv, 0, 100)
        if self.distribution not in self.DISTRIBUTIONS:
            raise ValueError(f"ThresholdSpread.distribution={self.distribution!r} is not known; use one of "
                             f"{sorted(self.DISTRIBUTIONS)}")

    def check(self, spec) -> None:
        c = spec.concept
        room = min(c.v_thresh_mv - c.v_rest_mv, c.v_thresh_mv - c.v_reset_mv)
        largest = self.DISTRIBUTIONS[self.distribution] * self.threshold_spread_mv
        if not largest < room:
            raise ValueError(f"ThresholdSpread.threshold_spread_mv={self.threshold_spread_mv} gives a largest "
                             f"{self.distribution} offset of {largest:g} mV, which must stay below {room:g} mV "
                             f"(ConceptLayer.v_thresh_mv minus v_rest_mv and minus v_reset_mv), so every "
                             f"threshold lies above rest and reset")

    def offsets_mv(self, n_neurons: int, seed) -> np.ndarray:
        """The threshold offsets ``d_j`` (float64, mV) of ``n_neurons`` neurons for an initial-state seed."""
        rng = np.random.default_rng(mechanism_seed(seed, self.section))
        s = self.threshold_spread_mv
        if self.distribution == "uniform":
            return rng.uniform(-s, s, size=int(n_neurons))
        # truncated normal by redrawing the few draws beyond 3 SD (keeps the seed's stream deterministic)
        d = rng.normal(0.0, s, size=int(n_neurons))
        while np.any(out := np.abs(d) > 3.0 * s):
            d[out] = rng.normal(0.0, s, size=int(out.sum()))
        return d


#: Older name of the same class (kept for presets, results files and user code).
Homeostasis = AdaptiveThreshold
