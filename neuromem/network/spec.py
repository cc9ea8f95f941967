"""The declarative description of a neuromem engram network.

One frozen dataclass per part; an engine translates a :class:`NetworkSpec`
into something runnable. All quantities carry their unit in the field name
(``_ms``, ``_mv``, ``_hz``); dimensionless fields say so in their docstring.

Model (every engine implements exactly this)
--------------------------------------------
Concept neurons are leaky integrate-and-fire neurons with current-based
exponential synapses, written in voltage units (``R I``):

.. math::

    \\tau_m \\frac{dv}{dt} = v_\\mathrm{rest} - v + I_\\mathrm{exc} - I_\\mathrm{inh} + b, \\quad
    \\tau_\\mathrm{syn,exc} \\frac{dI_\\mathrm{exc}}{dt} = -I_\\mathrm{exc}

with ``I_exc`` the excitatory synaptic current (PyNN's ``isyn_exc``, in mV
as ``R I``, time constant ``ConceptLayer.tau_syn_exc_ms``), ``I_inh`` the
inhibitory current of :class:`LateralInhibition` (zero without it) and ``b``
a constant bias (``R I``), zero unless given. A neuron spikes when ``v >
v_thresh`` plus the threshold terms of the mechanisms (the adaptive
threshold's ``a theta``, the per-neuron offsets of :class:`ThresholdSpread`)
and the mechanisms admit it (:class:`KWinnersTakeAll`), then ``v <-
v_reset`` for ``refractory_ms``. A spike of latent-population neuron ``i``
adds ``w_ij`` to ``isyn_exc`` of concept neuron ``j``.

Everything else is a *mechanism* (:mod:`neuromem.network.mechanisms`), each
with its equations and literature in its docstring: the plasticity rule of
the latent->concept weights (:class:`PairSTDP`, required), Hebbian feedback
weights read out for recall (:class:`HebbianFeedback`), the adaptive
threshold (:class:`AdaptiveThreshold`), heterogeneous thresholds
(:class:`ThresholdSpread`), lateral inhibition (:class:`LateralInhibition`)
and k-winners-take-all (:class:`KWinnersTakeAll`). The exact step order of
all of them on the time grid is written once in
:mod:`neuromem.engines.discrete`.

Time is organised in trials of ``trial_period_ms``; the stimulus occupies the
first ``stimulus_ms``. What each trial start resets, and what persists, is
stated once in :data:`neuromem.protocols.RESET_RULE`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from neuromem.coding.population import PopulationCode
from neuromem.latents import MODALITIES
from neuromem.network.layers import ConceptLayer, LatentPopulation, SimConfig
from neuromem.network.mechanisms import (
    MAX_DT_FOR_INHIBITION_MS,
    MECHANISMS,
    ROLES,
    STDP,
    AdaptiveThreshold,
    Feedback,
    HebbianFeedback,
    Homeostasis,
    Inhibition,
    KWinnersTakeAll,
    LateralInhibition,
    Mechanism,
    PairSTDP,
    ThresholdSpread,
    mechanism_class,
    standard_mechanisms,
)

__all__ = [
    "MODALITIES", "MAX_DT_FOR_INHIBITION_MS", "LatentPopulation", "ConceptLayer", "SimConfig", "NetworkSpec",
    "NetworkState", "initial_state", "Mechanism", "PairSTDP", "HebbianFeedback", "AdaptiveThreshold",
    "ThresholdSpread", "LateralInhibition", "KWinnersTakeAll", "STDP", "Feedback", "Homeostasis", "Inhibition",
]


def _mechanism_order(m: Mechanism) -> tuple:
    known = list(MECHANISMS.values())
    return ROLES.index(m.role), known.index(type(m)) if type(m) in known else len(known), type(m).__name__


@dataclass(frozen=True, kw_only=True)
class NetworkSpec:
    """Complete description of an engram network (engine independent).

    Parameters
    ----------
    populations : tuple of LatentPopulation
        One per modality, in input order (input neuron indices are the
        concatenation of the populations in this order).
    coding : PopulationCode
    concept : ConceptLayer
    mechanisms : tuple of Mechanism
        At most one of each class and exactly one input-plasticity rule
        (which also sets the range of the latent->concept weights); kept in
        a canonical order (by role, then class), so two specs with the same
        mechanisms are equal. Default: the standard four (pair STDP, Hebbian
        feedback, adaptive threshold, lateral inhibition) with default values.
    sim : SimConfig
    name : str
        Name of the preset the spec came from.

    Raises
    ------
    TypeError
        For a mechanism that is not a :class:`Mechanism`.
    ValueError
        For duplicate modalities or mechanisms, no or several input-plasticity
        rules, a time step too large for a time constant (``dt_ms > tau / 5``)
        or for the lateral inhibition, or a mechanism that does not fit the
        rest of the network (e.g. ``KWinnersTakeAll.k`` above the layer size).
    """

    populations: tuple[LatentPopulation, ...]
    coding: PopulationCode = field(default_factory=PopulationCode)
    concept: ConceptLayer = field(default_factory=ConceptLayer)
    mechanisms: tuple = field(default_factory=standard_mechanisms)
    sim: SimConfig = field(default_factory=SimConfig)
    name: str = "custom"

    def __post_init__(self):
        pops = tuple(self.populations)
        object.__setattr__(self, "populations", pops)
        if not pops:
            raise ValueError("NetworkSpec.populations must contain at least one LatentPopulation")
        mods = [p.modality for p in pops]
        if len(set(mods)) != len(mods):
            raise ValueError(f"NetworkSpec.populations has duplicate modalities: {mods}")
        for p in pops:
            if p.neurons_per_dim != self.coding.neurons_per_dim:
                raise ValueError(f"population {p.modality!r} has neurons_per_dim={p.neurons_per_dim} but the "
                                 f"population code uses {self.coding.neurons_per_dim}")
        mechs = tuple(self.mechanisms)
        for m in mechs:
            if not isinstance(m, Mechanism):
                raise TypeError(f"NetworkSpec.mechanisms must hold Mechanism objects; got {type(m).__name__}")
        names = [type(m).__name__ for m in mechs]
        if len(set(map(type, mechs))) != len(mechs):
            raise ValueError(f"NetworkSpec.mechanisms has a mechanism twice: {names}")
        rules = [type(m).__name__ for m in mechs if m.role == "input plasticity"]
        if len(rules) != 1:
            raise ValueError(f"NetworkSpec.mechanisms needs exactly one input-plasticity rule (e.g. PairSTDP, which "
                             f"also sets the weight range); got {rules or 'none'}")
        object.__setattr__(self, "mechanisms", tuple(sorted(mechs, key=_mechanism_order)))
        for m in self.mechanisms:
            m.check(self)
        dt = self.sim.dt_ms
        taus = {"ConceptLayer.tau_m_ms": self.concept.tau_m_ms,
                "ConceptLayer.tau_syn_exc_ms": self.concept.tau_syn_exc_ms}
        for m in self.mechanisms:
            taus.update(m.time_constants_ms())
        for k, tau in taus.items():
            if dt > tau / 5:
                raise ValueError(f"SimConfig.dt_ms={dt} is too large for {k}={tau}; need dt_ms <= tau / 5")

    # ---- mechanisms ------------------------------------------------------------------------
    def mechanism(self, kind):
        """The mechanism of a class (or preset section name) in this spec, or None.

        Raises
        ------
        KeyError
            For a section name no mechanism has.
        """
        cls = mechanism_class(kind) if isinstance(kind, str) else kind
        return next((m for m in self.mechanisms if type(m) is cls), None)

    def with_mechanisms(self, *mechanisms: Mechanism) -> "NetworkSpec":
        """A copy with these mechanisms added (replacing those of the same class, or the input-plasticity rule)."""
        new = {type(m) for m in mechanisms}
        rule = any(m.role == "input plasticity" for m in mechanisms)
        keep = [m for m in self.mechanisms if type(m) not in new and not (rule and m.role == "input plasticity")]
        return replace(self, mechanisms=(*keep, *mechanisms))

    def without_mechanisms(self, *classes: type) -> "NetworkSpec":
        """A copy without the mechanisms of these classes."""
        return replace(self, mechanisms=tuple(m for m in self.mechanisms if type(m) not in classes))

    @property
    def stdp(self) -> Mechanism:
        """The plasticity rule of the latent->concept synapses (the input-plasticity mechanism, always present)."""
        return next(m for m in self.mechanisms if m.role == "input plasticity")

    @property
    def feedback(self) -> HebbianFeedback | None:
        """The :class:`HebbianFeedback`, or None."""
        return self.mechanism(HebbianFeedback)

    @property
    def homeostasis(self) -> AdaptiveThreshold | None:
        """The :class:`AdaptiveThreshold`, or None."""
        return self.mechanism(AdaptiveThreshold)

    @property
    def inhibition(self) -> LateralInhibition | None:
        """The :class:`LateralInhibition` (lateral inhibition only; see also :class:`KWinnersTakeAll`), or None."""
        return self.mechanism(LateralInhibition)

    def synaptic_events(self, *, input_spikes: int, concept_spikes: int, plastic: bool) -> int:
        """Synaptic updates of a run with these spike counts: every input spike reaches the ``n_neurons``
        concept neurons, plus what each mechanism adds (:meth:`Mechanism.synaptic_events`)."""
        n_in, n_c = self.n_inputs, self.concept.n_neurons
        return input_spikes * n_c + sum(
            m.synaptic_events(n_inputs=n_in, n_neurons=n_c, input_spikes=input_spikes,
                              concept_spikes=concept_spikes, plastic=plastic) for m in self.mechanisms)

    # ---- derived quantities -------------------------------------------------
    @property
    def modalities(self) -> tuple[str, ...]:
        return tuple(p.modality for p in self.populations)

    @property
    def n_inputs(self) -> int:
        return sum(p.n_neurons for p in self.populations)

    def population(self, modality: str) -> LatentPopulation:
        for p in self.populations:
            if p.modality == modality:
                return p
        raise KeyError(f"this network has no {modality!r} population (it has {list(self.modalities)})")

    def input_slice(self, modality: str) -> slice:
        """Input neuron indices of one modality's population."""
        start = 0
        for p in self.populations:
            if p.modality == modality:
                return slice(start, start + p.n_neurons)
            start += p.n_neurons
        raise KeyError(f"this network has no {modality!r} population (it has {list(self.modalities)})")

    def w_mean_mv(self, modality: str) -> float:
        """Mean initial latent->concept weight of one modality, mV."""
        return self.stdp.init_weight_sum_mv / self.population(modality).n_neurons

    def w_max_mv(self, modality: str) -> float:
        """Upper weight bound of one modality's latent->concept synapses, mV."""
        return self.stdp.w_max_over_mean * self.w_mean_mv(modality)

    def to_dict(self) -> dict:
        """Plain-data (JSON-serialisable) form: the preset's sections, a ``mechanisms`` list, the populations.

        :func:`~neuromem.network.spec_from_dict` reads it back (without ``populations``, given separately).
        """
        d = {"populations": [asdict(p) for p in self.populations], "coding": asdict(self.coding),
             "concept": asdict(self.concept), "sim": asdict(self.sim), "name": self.name,
             "mechanisms": [m.section for m in self.mechanisms]}
        d.update({m.section: m.to_dict() for m in self.mechanisms})
        return d


from neuromem.network.state import NetworkState, initial_state  # noqa: E402  (re-exported; state imports no spec)
