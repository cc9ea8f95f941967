"""Competition between concept neurons: lateral inhibition and k-winners-take-all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from neuromem.coding.population import _check_range
from neuromem.network.mechanisms.base import Mechanism, check_int, register_mechanism

__all__ = ["MAX_DT_FOR_INHIBITION_MS", "LateralInhibition", "KWinnersTakeAll", "Inhibition"]

#: Largest dt (ms) for which the lateral inhibition still acts as a
#: winner-take-all: a concept spike inhibits its rivals on the next step, so two
#: neurons crossing threshold in the same step both win. 0.5 ms was measured
#: to break winner-take-all; 0.25 ms keeps simultaneous crossings rare.
MAX_DT_FOR_INHIBITION_MS = 0.25


@register_mechanism
@dataclass(frozen=True, kw_only=True)
class LateralInhibition(Mechanism):
    """Lateral inhibition between concept neurons through an inhibitory current.

    A concept spike adds ``w_inh_mv`` to the inhibitory current ``isyn_inh``
    of every other concept neuron (and of itself only if
    ``self_inhibition``); ``tau_syn_inh dI_inh/dt = -I_inh`` and ``I_inh``
    enters the membrane equation with a minus sign (see
    :mod:`neuromem.network.spec`). Strong and fast, it makes the first neuron
    to fire the winner of a presentation (soft to hard winner-take-all, e.g.
    Diehl & Cook 2015, Front. Comput. Neurosci. 9:99). Preset section
    ``[lateral_inhibition]`` (older name ``[inhibition]``).

    Parameters
    ----------
    w_inh_mv : float
        Jump of ``isyn_inh`` of the other concept neurons per concept spike,
        mV, [0, 1000]; 0 switches the inhibition off.
    tau_syn_inh_ms : float
        Decay of ``isyn_inh``, ms, (0, 1000].
    self_inhibition : bool
        Whether a neuron also inhibits itself (off by default: it prevents
        the winner from imprinting its pattern).
    """

    section: ClassVar[str] = "lateral_inhibition"
    aliases: ClassVar[tuple[str, ...]] = ("inhibition",)
    role: ClassVar[str] = "inhibition"
    standard: ClassVar[bool] = True

    w_inh_mv: float = 100.0
    tau_syn_inh_ms: float = 5.0
    self_inhibition: bool = False

    def __post_init__(self):
        _check_range("LateralInhibition", "w_inh_mv", self.w_inh_mv, 0, 1000)
        _check_range("LateralInhibition", "tau_syn_inh_ms", self.tau_syn_inh_ms, 0, 1000, lo_open=True)
        if not isinstance(self.self_inhibition, bool):
            raise TypeError(f"LateralInhibition.self_inhibition must be a bool; got {self.self_inhibition!r}")

    @property
    def active(self) -> bool:
        """Whether a concept spike inhibits anything (``w_inh_mv > 0``)."""
        return self.w_inh_mv > 0

    def time_constants_ms(self) -> dict[str, float]:
        return {"LateralInhibition.tau_syn_inh_ms": self.tau_syn_inh_ms}

    def check(self, spec) -> None:
        dt = spec.sim.dt_ms
        if self.active and dt > MAX_DT_FOR_INHIBITION_MS:
            raise ValueError(f"SimConfig.dt_ms={dt} is too large for the inhibition: winner-take-all needs "
                             f"dt_ms <= {MAX_DT_FOR_INHIBITION_MS} (a concept spike inhibits its rivals one step "
                             f"later, so rivals crossing threshold in the same step all win)")

    def synaptic_events(self, *, n_inputs, n_neurons, input_spikes, concept_spikes, plastic) -> int:
        """Every concept spike reaches the other ``n_neurons - 1`` neurons (all ``n_neurons`` with self-inhibition)."""
        if not self.active:
            return 0
        return concept_spikes * (n_neurons if self.self_inhibition else n_neurons - 1)


@register_mechanism
@dataclass(frozen=True, kw_only=True)
class KWinnersTakeAll(Mechanism):
    """k-winners-take-all: at most ``k`` concept neurons fire per trial (plus same-step ties).

    Rule (the step order is in :mod:`neuromem.engines.discrete`): a concept
    neuron becomes a *winner of the current trial* when it spikes in that
    trial. At the threshold stage of a step, a neuron that is not yet a
    winner may spike only if fewer than ``k`` neurons are winners at the
    start of that step; all neurons crossing threshold in the same step are
    admitted together (so the count may exceed ``k``); winners keep firing
    normally. A neuron held back is not reset: its membrane potential goes
    on integrating, and since the count never falls within a trial it stays
    silent for the rest of the trial. **The winner set is emptied at every
    trial start** (with the other dynamic variables). It needs no synapses
    and no inhibitory current, acts at any ``dt`` (ties are admitted, not
    missed), and composes with :class:`LateralInhibition` (whose ``w_inh_mv``
    may be 0 or not). Preset section ``[k_winners_take_all]``.

    After Majani, Erlanson & Abu-Mostafa (1989), "On the K-winners-take-all
    network", NIPS 1; Maass (2000), "On the computational power of
    winner-take-all", Neural Comput. 12:2519; the kWTA inhibition of Leabra
    (O'Reilly & Munakata 2000, *Computational Explorations in Cognitive
    Neuroscience*), here as a per-trial limit on the set of active neurons.

    Parameters
    ----------
    k : int, optional
        Winners per trial, an int >= 1 (at most the number of concept neurons).
    active_fraction : float, optional
        Winners as a fraction of the concept neurons ``N``, (0, 1]:
        ``k = max(1, round(active_fraction * N))``. Exactly one of ``k`` and
        ``active_fraction`` is given.
    """

    section: ClassVar[str] = "k_winners_take_all"
    role: ClassVar[str] = "inhibition"

    k: int | None = None
    active_fraction: float | None = None

    def __post_init__(self):
        if (self.k is None) == (self.active_fraction is None):
            raise ValueError(f"KWinnersTakeAll needs exactly one of k and active_fraction; got k={self.k!r}, "
                             f"active_fraction={self.active_fraction!r}")
        if self.k is not None:
            check_int("KWinnersTakeAll", "k", self.k, 1, 100_000)
        else:
            _check_range("KWinnersTakeAll", "active_fraction", self.active_fraction, 0, 1, lo_open=True)

    def winners(self, n_neurons: int) -> int:
        """``k`` for a layer of ``n_neurons`` concept neurons."""
        if self.k is not None:
            return int(self.k)
        return max(1, int(round(self.active_fraction * n_neurons)))

    def check(self, spec) -> None:
        n = spec.concept.n_neurons
        if self.k is not None and self.k > n:
            raise ValueError(f"KWinnersTakeAll.k={self.k} is larger than the concept layer "
                             f"(ConceptLayer.n_neurons={n}); allowed [1, {n}]")


#: Older name of the same class (kept for presets, results files and user code).
Inhibition = LateralInhibition
