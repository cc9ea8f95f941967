"""The model of :mod:`neuromem.network` on the time grid: the step order, and each mechanism's constants.

The reference of every engine. The NumPy ``reference`` engine
(:mod:`neuromem.engines.reference`) runs exactly this step; the other array
engines (``numba``, ``norse``) take their constants from here (the builders
below, listed in :data:`neuromem.engines.builders.BUILDERS`) and agree with
it step for step; Brian2 follows the same schedule with its own integrator.
Importing this module imports numpy only.

One step ``t`` (trial-local step ``r = t mod steps_per_trial``), in Brian2's
schedule order (``start, groups, thresholds, synapses, resets``; within
``synapses`` every ``pre`` pathway runs before every ``post`` pathway):

1. ``r == 0`` (trial start): ``v = v_rest``, ``isyn_exc = isyn_inh = 0``,
   refractoriness cleared, all traces zero, the k-winners-take-all winner
   set emptied (weights, theta and threshold offsets persist).
2. Integrate (exponential Euler, exact for the piecewise-constant currents of
   one step): ``v <- I + (v - I) e^{-dt/tau_m}`` with
   ``I = v_rest + isyn_exc - isyn_inh + b``, unless refractory (``t - t_spike <
   n_ref`` steps, ``n_ref = floor(refractory_ms / dt + 1e-3)``, Brian2's
   ``timestep``); ``isyn_exc``, ``isyn_inh``, traces and theta decay by their exact
   factors.
3. Thresholds: concept neuron ``j`` crosses when not refractory and
   ``v_j > (v_thresh + d_j) + adapt * theta_j`` (``d_j`` the
   :class:`~neuromem.network.ThresholdSpread` offsets, 0 without).
   k-winners-take-all (:class:`~neuromem.network.KWinnersTakeAll`): a
   crossing neuron that is not yet a winner of this trial is admitted only
   if the number of winners at the start of this step is below ``k``;
   every crossing neuron of this step is judged against that same count
   (same-step ties are all admitted); winners are always admitted. Admitted
   crossings are this step's concept spikes; a neuron held back is neither
   reset nor refractory. Input spikes come from the drive.
4. Synapses: feedback ``f_j. += learn a_fb x_. (f_max - f_j.)`` for each
   concept spike (``x`` the latent traces *before* this step's input spikes);
   for each input spike ``i``: ``apre_i += 1``, ``xpop_m += 1 / N_m``,
   ``isyn_exc += w_i.`` (weights before this step's depression), then
   ``w_i. <- clip(w_i. - learn A_- w_max apost)``; inhibition
   ``isyn_inh += w_inh`` per concept spike of another neuron; for each concept
   spike ``j``: ``apost_j += 1``, ``w_.j <- clip(w_.j + learn A_+ w_max
   (apre - xpop))`` (``xpop = 0`` without subtractive normalisation).
5. Resets: ``v = v_reset``, ``theta += learn theta_plus`` for concept
   spikes, which also join the winner set; ``x_i += 1`` for input spikes.

A mechanism a spec does not have keeps its constants at the values that
switch it off (the defaults of :class:`StepConstants`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from neuromem.coding.spikes import SpikeTrains
from neuromem.engines.builders import builder, check_mechanisms
from neuromem.network.spec import NetworkSpec, NetworkState

__all__ = ["StepConstants", "step_constants", "batch_structure", "check_batch", "stack_state", "split_state",
           "spikes_by_step", "check_dtype", "refractory_steps", "decay_factor", "build_pair_stdp",
           "build_hebbian_feedback", "build_adaptive_threshold", "build_threshold_spread", "build_lateral_inhibition",
           "build_k_winners"]

_DTYPES = {"float32": np.float32, "float64": np.float64}


def check_dtype(dtype) -> np.dtype:
    """``"float32"`` / ``"float64"`` (or the numpy types) -> numpy dtype; anything else is an error."""
    key = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if key not in _DTYPES:
        raise ValueError(f"dtype={dtype!r}; allowed {sorted(_DTYPES)}")
    return np.dtype(_DTYPES[key])


def refractory_steps(refractory_ms: float, dt_ms: float) -> int:
    """Brian2's ``timestep(refractory, dt)``: whole steps, rounded down with a 1e-3 dt tolerance."""
    return int(math.floor(refractory_ms / dt_ms + 1e-3))


def decay_factor(tau_ms: float, dt_ms: float) -> float:
    """Exact per-step decay ``exp(-dt / tau)`` (1.0 for ``tau = inf``)."""
    return math.exp(-dt_ms / tau_ms)


@dataclass(frozen=True, kw_only=True)
class StepConstants:
    """Per-step constants of a spec (decay factors ``exp(-dt / tau)``; potentials, mV).

    The first group comes from the neurons and the input populations; each
    later group from one mechanism's builder, with defaults that switch the
    mechanism off.
    """

    n_in: int
    n_c: int
    steps_per_trial: int
    n_ref: int
    decay_m: float
    decay_e: float
    v_rest: float
    v_reset: float
    v_thresh: float
    w_max_row: np.ndarray   # (n_in,) w_max of each input row, mV
    pop_of_row: np.ndarray  # (n_in,) population index of each input row
    inv_pop_size: np.ndarray  # (n_pop,) 1 / N_m
    # PairSTDP
    a_plus: float = 0.0
    a_minus: float = 0.0
    decay_plus: float = 1.0
    decay_minus: float = 1.0
    tau_plus_ms: float = math.inf  # for tables of exp(-r dt / tau) over r steps
    subtractive: bool = False
    # HebbianFeedback
    a_fb: float = 0.0
    decay_fb: float = 1.0
    tau_fb_ms: float = math.inf
    f_max: float = 1.0
    # AdaptiveThreshold
    theta_plus: float = 0.0
    decay_theta: float = 1.0
    # ThresholdSpread: per-neuron threshold offsets d_j, mV (zeros: none)
    v_offset: np.ndarray = field(default=None)
    # LateralInhibition
    w_inh: float = 0.0
    decay_i: float = 1.0
    self_inhibition: bool = False
    # KWinnersTakeAll: winners per trial (0: no limit)
    k_winners: int = 0

    def __post_init__(self):
        if self.v_offset is None:
            object.__setattr__(self, "v_offset", np.zeros(self.n_c))

    @property
    def n_pop(self) -> int:
        return len(self.inv_pop_size)

    def decay_table(self, tau_ms: float, dt_ms: float) -> np.ndarray:
        """``exp(-r dt / tau)`` for ``r = 0 .. steps_per_trial - 1`` (a trace ``r`` steps after its last jump)."""
        return np.exp(-np.arange(self.steps_per_trial, dtype=np.float64) * dt_ms / tau_ms)

    @property
    def v_thresh_row(self) -> np.ndarray:
        """(n_c,) threshold of each neuron without theta, ``v_thresh + d_j``, mV."""
        return self.v_thresh + self.v_offset


def step_constants(spec: NetworkSpec, seed=None, *, backend: str = "reference") -> StepConstants:
    """Translate ``spec`` into the constants of one time step.

    Parameters
    ----------
    spec : NetworkSpec
    seed : int or numpy.random.SeedSequence, optional
        The initial-state seed; needed only by mechanisms that draw from it
        (:class:`~neuromem.network.ThresholdSpread`).
    backend : str
        Whose builders to use (``"reference"``, ``"numba"``, ``"norse"``).

    Raises
    ------
    MechanismUnsupported
        If ``backend`` cannot build one of the spec's mechanisms.
    """
    check_mechanisms(spec, backend, backend)
    dt = spec.sim.dt_ms
    c = spec.concept
    wmax = np.concatenate([np.full(p.n_neurons, spec.w_max_mv(p.modality)) for p in spec.populations])
    pop = np.concatenate([np.full(p.n_neurons, k, dtype=np.int64) for k, p in enumerate(spec.populations)])
    k = dict(n_in=spec.n_inputs, n_c=c.n_neurons, steps_per_trial=spec.sim.steps_per_trial,
             n_ref=refractory_steps(c.refractory_ms, dt), decay_m=decay_factor(c.tau_m_ms, dt),
             decay_e=decay_factor(c.tau_syn_exc_ms, dt), v_rest=c.v_rest_mv, v_reset=c.v_reset_mv,
             v_thresh=c.v_thresh_mv, w_max_row=wmax, pop_of_row=pop,
             inv_pop_size=np.array([1.0 / p.n_neurons for p in spec.populations]), v_offset=np.zeros(c.n_neurons))
    for m in spec.mechanisms:
        builder(backend, type(m))(m, k, spec, seed)
    return StepConstants(**k)


# ---- each mechanism's constants (the builders of the array engines) ---------------------------------------------
def build_pair_stdp(m, k: dict, spec: NetworkSpec, seed) -> None:
    """:class:`~neuromem.network.PairSTDP`: amplitudes, trace decays, subtractive normalisation."""
    dt = spec.sim.dt_ms
    k.update(a_plus=m.a_plus, a_minus=m.a_minus, decay_plus=decay_factor(m.tau_plus_ms, dt),
             decay_minus=decay_factor(m.tau_minus_ms, dt), tau_plus_ms=m.tau_plus_ms, subtractive=m.subtractive)


def build_hebbian_feedback(m, k: dict, spec: NetworkSpec, seed) -> None:
    """:class:`~neuromem.network.HebbianFeedback`: growth rate, bound, latent-trace decay."""
    k.update(a_fb=m.a_fb, f_max=m.f_max, decay_fb=decay_factor(m.tau_fb_ms, spec.sim.dt_ms), tau_fb_ms=m.tau_fb_ms)


def build_adaptive_threshold(m, k: dict, spec: NetworkSpec, seed) -> None:
    """:class:`~neuromem.network.AdaptiveThreshold`: increment per spike and decay of theta."""
    k.update(theta_plus=m.theta_plus_mv, decay_theta=decay_factor(m.tau_theta_ms, spec.sim.dt_ms))


def build_threshold_spread(m, k: dict, spec: NetworkSpec, seed) -> None:
    """:class:`~neuromem.network.ThresholdSpread`: adds its offsets (drawn from the initial-state seed)."""
    if seed is None:
        raise ValueError("ThresholdSpread draws its threshold offsets from the initial-state seed; give the seed")
    k["v_offset"] = k["v_offset"] + m.offsets_mv(spec.concept.n_neurons, seed)


def build_lateral_inhibition(m, k: dict, spec: NetworkSpec, seed) -> None:
    """:class:`~neuromem.network.LateralInhibition`: jump, decay, self-inhibition."""
    k.update(w_inh=m.w_inh_mv, decay_i=decay_factor(m.tau_syn_inh_ms, spec.sim.dt_ms),
             self_inhibition=m.self_inhibition)


def build_k_winners(m, k: dict, spec: NetworkSpec, seed) -> None:
    """:class:`~neuromem.network.KWinnersTakeAll`: winners per trial."""
    k["k_winners"] = m.winners(spec.concept.n_neurons)


def batch_structure(spec: NetworkSpec) -> tuple:
    """What networks stepped together in one batch must share: population sizes, concept neurons, dt, trial
    period and the classes of their mechanisms (parameter values may differ)."""
    return (tuple(p.n_neurons for p in spec.populations), spec.concept.n_neurons, spec.sim.dt_ms,
            spec.sim.steps_per_trial, tuple(type(m).__name__ for m in spec.mechanisms))


def check_batch(specs, seeds=None) -> list:
    """The specs of a batch as a list, after checking they can be stepped together (see :func:`batch_structure`).

    Raises
    ------
    TypeError
        For an element that is not a NetworkSpec.
    ValueError
        For no spec, a number of seeds other than the number of specs, or specs of different structure.
    """
    specs = list(specs)
    if not specs:
        raise ValueError("at least one spec is needed")
    if seeds is not None and len(list(seeds)) != len(specs):
        raise ValueError(f"{len(specs)} specs but {len(list(seeds))} seeds")
    for s in specs:
        if not isinstance(s, NetworkSpec):
            raise TypeError(f"specs must be NetworkSpec objects; got {type(s).__name__}")
    base = batch_structure(specs[0])
    for k, s in enumerate(specs[1:], 1):
        if batch_structure(s) != base:
            raise ValueError(f"spec {k} has structure {batch_structure(s)} but spec 0 has {base}; batched networks "
                             f"must share population sizes, concept neurons, dt, trial period and mechanisms")
    return specs


# ---- state and input in array form --------------------------------------------------------------------------------
def stack_state(state: NetworkState, spec: NetworkSpec, dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(W [n_in, n_c], F [n_c, n_in], theta [n_c])`` with the modalities concatenated in spec order."""
    W = np.ascontiguousarray(np.concatenate([state.w_in_mv[m] for m in spec.modalities], axis=0), dtype=dtype)
    F = np.ascontiguousarray(np.concatenate([state.w_fb[m] for m in spec.modalities], axis=1), dtype=dtype)
    return W, F, np.ascontiguousarray(state.theta_mv, dtype=dtype)


def split_state(W: np.ndarray, F: np.ndarray, theta: np.ndarray, spec: NetworkSpec) -> NetworkState:
    """Inverse of :func:`stack_state` (float64 copies)."""
    w_in, w_fb = {}, {}
    for m in spec.modalities:
        sl = spec.input_slice(m)
        w_in[m] = np.array(W[sl], dtype=np.float64)
        w_fb[m] = np.array(F[:, sl], dtype=np.float64)
    return NetworkState(w_in_mv=w_in, w_fb=w_fb, theta_mv=np.array(theta, dtype=np.float64))


def spikes_by_step(drive: SpikeTrains) -> tuple[np.ndarray, np.ndarray]:
    """CSR form of the input spikes: ``idx[ptr[t]:ptr[t + 1]]`` are the inputs spiking at step ``t``."""
    counts = np.bincount(drive.steps, minlength=drive.n_steps)
    ptr = np.zeros(drive.n_steps + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr, drive.indices.astype(np.int64)
