"""The declarative description of a neuromem engram network.

One frozen dataclass per part; an engine translates a :class:`NetworkSpec`
into something runnable in one place. All quantities carry their unit in the
field name (``_ms``, ``_mv``, ``_hz``); dimensionless fields say so in their
docstring.

Model (every engine implements exactly this)
--------------------------------------------
Concept neurons are leaky integrate-and-fire neurons with current-based
exponential synapses, written in voltage units (``R I``):

.. math::

    \\tau_m \\frac{dv}{dt} = v_\\mathrm{rest} - v + I_\\mathrm{exc} - I_\\mathrm{inh} + b, \\quad
    \\tau_\\mathrm{syn,exc} \\frac{dI_\\mathrm{exc}}{dt} = -I_\\mathrm{exc}, \\quad
    \\tau_\\mathrm{syn,inh} \\frac{dI_\\mathrm{inh}}{dt} = -I_\\mathrm{inh}

with ``I_exc``, ``I_inh`` the excitatory and inhibitory synaptic currents
(PyNN's ``isyn_exc`` / ``isyn_inh``, in mV as ``R I``; time constants
``ConceptLayer.tau_syn_exc_ms`` and ``Inhibition.tau_syn_inh_ms``).

A neuron spikes when ``v > v_thresh + a * theta`` (``a = 1`` while learning,
and at test only if ``Homeostasis.apply_at_test``), then ``v <- v_reset`` for
``refractory_ms``; while learning, ``theta += theta_plus_mv`` and theta decays
with ``tau_theta_ms``. ``b`` is a constant bias (``R I``), zero unless given.

A spike of latent-population neuron ``i`` adds ``w_ij`` to ``isyn_exc`` of concept
neuron ``j``; a concept spike adds ``w_inh_mv`` to ``isyn_inh`` of every other
concept neuron (and itself only if ``self_inhibition``).

Latent->concept weights follow pair-based STDP with all-to-all traces,
``Delta = t_post - t_pre``:

.. math::

    \\Delta w = w_\\max A_+ e^{-\\Delta/\\tau_+}\\ (\\Delta > 0), \\qquad
    \\Delta w = -w_\\max A_- e^{\\Delta/\\tau_-}\\ (\\Delta < 0),

clipped to ``[0, w_max]``. With ``normalisation = "subtractive"`` the
potentiation at a post spike is made zero-sum within each modality:
``Delta w_ij = w_max A_+ (x_i - mean_k x_k)`` where ``x`` are the
presynaptic traces of that modality (homeostatic weight normalisation,
which keeps each modality's total input to a neuron constant up to clipping).

Concept->latent feedback weights ``f_ji`` (dimensionless, in ``[0, f_max]``)
grow from the latent neurons' recent activity at each concept spike:
``f_ji += a_fb x_i (f_max - f_ji)`` when concept neuron ``j`` fires, where
``x_i`` is latent neuron ``i``'s trace (decay ``tau_fb_ms``, +1 per spike).
They are read out for recall (pattern completion) and do not act on the
dynamics.

Time is organised in trials of ``trial_period_ms``; the stimulus occupies the
first ``stimulus_ms``. At each trial start ``v``, ``isyn_exc``, ``isyn_inh``, all
traces and refractoriness are reset; weights and ``theta`` persist.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from neuromem.coding.population import PopulationCode, _check_range
from neuromem.latents import MODALITIES

__all__ = [
    "MODALITIES",
    "LatentPopulation",
    "ConceptLayer",
    "Inhibition",
    "STDP",
    "Homeostasis",
    "Feedback",
    "SimConfig",
    "NetworkSpec",
    "NetworkState",
    "initial_state",
]


#: Largest dt (ms) for which the lateral inhibition still acts as a
#: winner-take-all: a concept spike inhibits its rivals on the next step, so two
#: neurons crossing threshold in the same step both win. 0.5 ms was measured
#: to break winner-take-all; 0.25 ms keeps simultaneous crossings rare.
MAX_DT_FOR_INHIBITION_MS = 0.25


def _int_field(owner, name, value, lo, hi):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{owner}.{name} must be an int; got {value!r}")
    _check_range(owner, name, value, lo, hi)


@dataclass(frozen=True, kw_only=True)
class LatentPopulation:
    """Rate-coded input population of one modality.

    Parameters
    ----------
    modality : str
        ``"picture"``, ``"name"`` or ``"spoken"``.
    latent_dim : int
        Latent dimensions coded by the population, 1 to 100000.
    neurons_per_dim : int
        Neurons per latent dimension (must match the population code).
    """

    modality: str
    latent_dim: int
    neurons_per_dim: int = 10

    def __post_init__(self):
        if self.modality not in MODALITIES:
            raise ValueError(f"LatentPopulation.modality={self.modality!r}; allowed {MODALITIES}")
        _int_field("LatentPopulation", "latent_dim", self.latent_dim, 1, 100_000)
        _int_field("LatentPopulation", "neurons_per_dim", self.neurons_per_dim, 1, 1000)

    @property
    def n_neurons(self) -> int:
        return self.latent_dim * self.neurons_per_dim


@dataclass(frozen=True, kw_only=True)
class ConceptLayer:
    """LIF concept neurons (see the module docstring for the equations).

    Sparse, invariant "concept cells" after the human medial-temporal-lobe
    recordings of Quian Quiroga et al. (2005), Nature 435:1102; leaky
    integrate-and-fire dynamics with current-based exponential synapses.

    Parameters
    ----------
    n_neurons : int
        Number of concept neurons, 1 to 100000.
    tau_m_ms : float
        Membrane time constant, ms, (0, 1000].
    v_rest_mv, v_reset_mv, v_thresh_mv : float
        Resting, reset and threshold potentials, mV; require
        ``v_thresh_mv > v_reset_mv`` and ``v_thresh_mv > v_rest_mv``.
    refractory_ms : float
        Absolute refractory period, ms, [0, 100].
    tau_syn_exc_ms : float
        Decay of the excitatory synaptic current, ms, (0, 1000].
    """

    n_neurons: int = 100
    tau_m_ms: float = 20.0
    v_rest_mv: float = -65.0
    v_reset_mv: float = -65.0
    v_thresh_mv: float = -52.0
    refractory_ms: float = 2.0
    tau_syn_exc_ms: float = 5.0

    def __post_init__(self):
        _int_field("ConceptLayer", "n_neurons", self.n_neurons, 1, 100_000)
        _check_range("ConceptLayer", "tau_m_ms", self.tau_m_ms, 0, 1000, lo_open=True)
        _check_range("ConceptLayer", "tau_syn_exc_ms", self.tau_syn_exc_ms, 0, 1000, lo_open=True)
        _check_range("ConceptLayer", "refractory_ms", self.refractory_ms, 0, 100)
        for f in ("v_rest_mv", "v_reset_mv", "v_thresh_mv"):
            _check_range("ConceptLayer", f, getattr(self, f), -200, 100)
        if not self.v_thresh_mv > self.v_reset_mv:
            raise ValueError(f"ConceptLayer.v_thresh_mv={self.v_thresh_mv} must be above "
                             f"v_reset_mv={self.v_reset_mv}")
        if not self.v_thresh_mv > self.v_rest_mv:
            raise ValueError(f"ConceptLayer.v_thresh_mv={self.v_thresh_mv} must be above "
                             f"v_rest_mv={self.v_rest_mv} (otherwise neurons fire without input)")

    @property
    def rheobase_mv(self) -> float:
        """Smallest constant drive ``R I`` (mV) that makes the neuron fire."""
        return self.v_thresh_mv - self.v_rest_mv


@dataclass(frozen=True, kw_only=True)
class Inhibition:
    """Lateral inhibition between concept neurons.

    Parameters
    ----------
    w_inh_mv : float
        Jump of the inhibitory current ``isyn_inh`` of the other concept neurons
        per concept spike, mV, [0, 1000].
    tau_syn_inh_ms : float
        Decay of ``isyn_inh``, ms, (0, 1000].
    self_inhibition : bool
        Whether a neuron also inhibits itself (off by default: it prevents
        the winner from imprinting its pattern).
    """

    w_inh_mv: float = 100.0
    tau_syn_inh_ms: float = 5.0
    self_inhibition: bool = False

    def __post_init__(self):
        _check_range("Inhibition", "w_inh_mv", self.w_inh_mv, 0, 1000)
        _check_range("Inhibition", "tau_syn_inh_ms", self.tau_syn_inh_ms, 0, 1000, lo_open=True)
        if not isinstance(self.self_inhibition, bool):
            raise TypeError(f"Inhibition.self_inhibition must be a bool; got {self.self_inhibition!r}")


@dataclass(frozen=True, kw_only=True)
class STDP:
    """Plastic latent->concept synapses (pair-based STDP, see module docstring).

    Additive pair-based STDP with all-to-all traces after Song, Miller &
    Abbott (2000), Nat. Neurosci. 3:919; bounded in ``[0, w_max]``.

    Parameters
    ----------
    tau_plus_ms, tau_minus_ms : float
        Trace time constants for potentiation / depression, ms, (0, 1000].
    a_plus, a_minus : float
        Amplitudes as fractions of ``w_max`` per spike pair, [0, 1].
    init_weight_sum_mv : float
        Expected sum of the initial weights onto one concept neuron from one
        modality, mV, (0, 1e5]; the mean initial weight is this divided by
        the modality's population size.
    init_weight_spread : float
        Initial weights are uniform in ``mean * [1 - spread, 1 + spread]``, [0, 1].
    w_max_over_mean : float
        ``w_max`` as a multiple of the mean initial weight, (1, 1e4].
    normalisation : str
        ``"subtractive"`` (zero-sum potentiation per modality) or ``"none"``.
    """

    tau_plus_ms: float = 20.0
    tau_minus_ms: float = 20.0
    a_plus: float = 0.05
    a_minus: float = 0.01
    init_weight_sum_mv: float = 175.0
    init_weight_spread: float = 0.5
    w_max_over_mean: float = 8.0
    normalisation: str = "subtractive"

    def __post_init__(self):
        for f in ("tau_plus_ms", "tau_minus_ms"):
            _check_range("STDP", f, getattr(self, f), 0, 1000, lo_open=True)
        for f in ("a_plus", "a_minus", "init_weight_spread"):
            _check_range("STDP", f, getattr(self, f), 0, 1)
        _check_range("STDP", "init_weight_sum_mv", self.init_weight_sum_mv, 0, 1e5, lo_open=True)
        _check_range("STDP", "w_max_over_mean", self.w_max_over_mean, 1, 1e4, lo_open=True)
        if self.normalisation not in ("subtractive", "none"):
            raise ValueError(f"STDP.normalisation={self.normalisation!r}; allowed ('subtractive', 'none')")


@dataclass(frozen=True, kw_only=True)
class Homeostasis:
    """Adaptive threshold of concept neurons (so one neuron cannot win every concept).

    After Diehl & Cook (2015), Front. Comput. Neurosci. 9:99: each spike
    raises the neuron's threshold by ``theta_plus_mv`` while learning.

    Parameters
    ----------
    theta_plus_mv : float
        Threshold increase per spike while learning, mV, [0, 100].
    tau_theta_ms : float
        Decay time constant of theta, ms, (0, inf]; ``inf`` means no decay.
    apply_at_test : bool
        Whether theta also raises the threshold when learning is off.
    """

    theta_plus_mv: float = 2.0
    tau_theta_ms: float = math.inf
    apply_at_test: bool = False

    def __post_init__(self):
        _check_range("Homeostasis", "theta_plus_mv", self.theta_plus_mv, 0, 100)
        _check_range("Homeostasis", "tau_theta_ms", self.tau_theta_ms, 0, math.inf, lo_open=True)
        if not isinstance(self.apply_at_test, bool):
            raise TypeError(f"Homeostasis.apply_at_test must be a bool; got {self.apply_at_test!r}")


@dataclass(frozen=True, kw_only=True)
class Feedback:
    """Plastic concept->latent feedback synapses used for recall.

    Hebbian growth (Hebb 1949, *The Organization of Behavior*) with a soft
    upper bound, read out for pattern completion.

    Parameters
    ----------
    a_fb : float
        Growth per concept spike and unit of latent trace, as a fraction of
        the remaining range, [0, 1].
    tau_fb_ms : float
        Latent-neuron trace time constant, ms, (0, 1000].
    f_max : float
        Upper bound of a feedback weight (dimensionless), (0, 1e3].
    init_weight_max : float
        Initial feedback weights are uniform in ``[0, init_weight_max]``
        (dimensionless), ``[0, f_max]``: an untrained network completes a
        cue through the same synapses as a trained one, into an unstructured
        pattern.
    """

    a_fb: float = 0.005
    tau_fb_ms: float = 20.0
    f_max: float = 1.0
    init_weight_max: float = 0.0

    def __post_init__(self):
        _check_range("Feedback", "a_fb", self.a_fb, 0, 1)
        _check_range("Feedback", "tau_fb_ms", self.tau_fb_ms, 0, 1000, lo_open=True)
        _check_range("Feedback", "f_max", self.f_max, 0, 1e3, lo_open=True)
        _check_range("Feedback", "init_weight_max", self.init_weight_max, 0, self.f_max)


@dataclass(frozen=True, kw_only=True)
class SimConfig:
    """Time grid and trial structure.

    Parameters
    ----------
    dt_ms : float
        Integration step, ms, (0, 10]; a network with lateral inhibition
        further needs ``dt_ms <= MAX_DT_FOR_INHIBITION_MS`` (0.25 ms: larger
        steps break winner-take-all) and every time constant at least
        ``5 * dt_ms`` (checked by :class:`NetworkSpec`).
    stimulus_ms : float
        Stimulus duration inside a trial, ms, (0, 1e5].
    trial_period_ms : float
        Trial period (stimulus + pause), ms, >= stimulus_ms; state is reset
        at every trial start.
    """

    dt_ms: float = 0.1
    stimulus_ms: float = 200.0
    trial_period_ms: float = 250.0

    def __post_init__(self):
        _check_range("SimConfig", "dt_ms", self.dt_ms, 0, 10, lo_open=True)
        _check_range("SimConfig", "stimulus_ms", self.stimulus_ms, 0, 1e5, lo_open=True)
        _check_range("SimConfig", "trial_period_ms", self.trial_period_ms, self.stimulus_ms, 1e6)
        for f in ("stimulus_ms", "trial_period_ms"):
            n = getattr(self, f) / self.dt_ms
            if abs(n - round(n)) > 1e-6:
                raise ValueError(f"SimConfig.{f}={getattr(self, f)} must be a multiple of dt_ms={self.dt_ms}")

    @property
    def steps_per_trial(self) -> int:
        return int(round(self.trial_period_ms / self.dt_ms))

    @property
    def stimulus_steps(self) -> int:
        return int(round(self.stimulus_ms / self.dt_ms))


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
    inhibition : Inhibition
    stdp : STDP
    homeostasis : Homeostasis
    feedback : Feedback
    sim : SimConfig
    name : str
        Name of the preset the spec came from.
    """

    populations: tuple[LatentPopulation, ...]
    coding: PopulationCode = field(default_factory=PopulationCode)
    concept: ConceptLayer = field(default_factory=ConceptLayer)
    inhibition: Inhibition = field(default_factory=Inhibition)
    stdp: STDP = field(default_factory=STDP)
    homeostasis: Homeostasis = field(default_factory=Homeostasis)
    feedback: Feedback = field(default_factory=Feedback)
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
        dt = self.sim.dt_ms
        if self.inhibition.w_inh_mv > 0 and dt > MAX_DT_FOR_INHIBITION_MS:
            raise ValueError(f"SimConfig.dt_ms={dt} is too large for the inhibition: winner-take-all needs "
                             f"dt_ms <= {MAX_DT_FOR_INHIBITION_MS} (a concept spike inhibits its rivals one step "
                             f"later, so rivals crossing threshold in the same step all win)")
        taus = {"ConceptLayer.tau_m_ms": self.concept.tau_m_ms,
                "ConceptLayer.tau_syn_exc_ms": self.concept.tau_syn_exc_ms,
                "Inhibition.tau_syn_inh_ms": self.inhibition.tau_syn_inh_ms, "STDP.tau_plus_ms": self.stdp.tau_plus_ms,
                "STDP.tau_minus_ms": self.stdp.tau_minus_ms, "Feedback.tau_fb_ms": self.feedback.tau_fb_ms}
        for k, tau in taus.items():
            if dt > tau / 5:
                raise ValueError(f"SimConfig.dt_ms={dt} is too large for {k}={tau}; need dt_ms <= tau / 5")

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
        """Plain-data (JSON-serialisable) form."""
        d = asdict(self)
        d["populations"] = [asdict(p) for p in self.populations]
        return d


@dataclass(frozen=True)
class NetworkState:
    """The learned state of a network as plain numpy data.

    Parameters
    ----------
    w_in_mv : dict of str -> ndarray (n_inputs_m, n_concept)
        Latent->concept weights per modality, mV.
    w_fb : dict of str -> ndarray (n_concept, n_inputs_m)
        Concept->latent feedback weights per modality (dimensionless).
    theta_mv : ndarray (n_concept,)
        Adaptive threshold increments, mV.
    """

    w_in_mv: dict
    w_fb: dict
    theta_mv: np.ndarray

    def copy(self) -> "NetworkState":
        return NetworkState(w_in_mv={k: v.copy() for k, v in self.w_in_mv.items()},
                            w_fb={k: v.copy() for k, v in self.w_fb.items()}, theta_mv=self.theta_mv.copy())

    def check(self, spec: NetworkSpec) -> None:
        """Raise if shapes or values do not fit ``spec``."""
        nc = spec.concept.n_neurons
        for p in spec.populations:
            m = p.modality
            if m not in self.w_in_mv or m not in self.w_fb:
                raise ValueError(f"state has no weights for modality {m!r}")
            if self.w_in_mv[m].shape != (p.n_neurons, nc):
                raise ValueError(f"w_in_mv[{m!r}] has shape {self.w_in_mv[m].shape}; expected {(p.n_neurons, nc)}")
            if self.w_fb[m].shape != (nc, p.n_neurons):
                raise ValueError(f"w_fb[{m!r}] has shape {self.w_fb[m].shape}; expected {(nc, p.n_neurons)}")
        if self.theta_mv.shape != (nc,):
            raise ValueError(f"theta_mv has shape {self.theta_mv.shape}; expected {(nc,)}")
        for name, arrs in (("w_in_mv", self.w_in_mv.values()), ("w_fb", self.w_fb.values()),
                           ("theta_mv", [self.theta_mv])):
            for a in arrs:
                if not np.all(np.isfinite(a)):
                    raise ValueError(f"state {name} contains NaN or inf")


def initial_state(spec: NetworkSpec, seed: int | np.random.SeedSequence) -> NetworkState:
    """Seeded initial weights, identical for every engine.

    Latent->concept weights are uniform in ``mean * [1 - spread, 1 + spread]``
    (mean from :meth:`NetworkSpec.w_mean_mv`); feedback weights are uniform in
    ``[0, Feedback.init_weight_max]`` (drawn after every latent->concept
    weight); theta starts at 0.
    """
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    rng = np.random.default_rng(ss)
    nc = spec.concept.n_neurons
    w_in, w_fb = {}, {}
    for p in spec.populations:
        mean = spec.w_mean_mv(p.modality)
        s = spec.stdp.init_weight_spread
        w_in[p.modality] = rng.uniform(mean * (1 - s), mean * (1 + s), size=(p.n_neurons, nc))
    for p in spec.populations:  # after every latent->concept weight, so those do not depend on this
        f0 = spec.feedback.init_weight_max
        w_fb[p.modality] = rng.uniform(0.0, f0, size=(nc, p.n_neurons)) if f0 > 0 else np.zeros((nc, p.n_neurons))
    return NetworkState(w_in_mv=w_in, w_fb=w_fb, theta_mv=np.zeros(nc))
