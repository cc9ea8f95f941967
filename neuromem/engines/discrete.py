"""The model of :mod:`neuromem.network.spec` on the time grid, as plain numbers and arrays.

Shared by the array engines (``numba``, ``norse``) so that they translate a
:class:`~neuromem.network.NetworkSpec` in one place and agree with the Brian2
engine step for step. Importing this module imports numpy only.

One step ``t`` (trial-local step ``r = t mod steps_per_trial``), in Brian2's
schedule order (``start, groups, thresholds, synapses, resets``; within
``synapses`` every ``pre`` pathway runs before every ``post`` pathway):

1. ``r == 0``: ``v = v_rest``, ``isyn_exc = isyn_inh = 0``, refractoriness cleared,
   all traces zero (weights and theta persist).
2. Integrate (exponential Euler, exact for the piecewise-constant currents of
   one step): ``v <- I + (v - I) e^{-dt/tau_m}`` with
   ``I = v_rest + isyn_exc - isyn_inh + b``, unless refractory (``t - t_spike <
   n_ref`` steps, ``n_ref = floor(refractory_ms / dt + 1e-3)``, Brian2's
   ``timestep``); ``isyn_exc``, ``isyn_inh``, traces and theta decay by their exact
   factors.
3. Thresholds: concept neuron ``j`` spikes when not refractory and
   ``v_j > v_thresh + adapt * theta_j``; input spikes come from the drive.
4. Synapses: feedback ``f_j. += learn a_fb x_. (f_max - f_j.)`` for each
   concept spike (``x`` the latent traces *before* this step's input spikes);
   for each input spike ``i``: ``apre_i += 1``, ``xpop_m += 1 / N_m``,
   ``isyn_exc += w_i.`` (weights before this step's depression), then
   ``w_i. <- clip(w_i. - learn A_- w_max apost)``; inhibition
   ``isyn_inh += w_inh`` per concept spike of another neuron; for each concept
   spike ``j``: ``apost_j += 1``, ``w_.j <- clip(w_.j + learn A_+ w_max
   (apre - xpop))`` (``xpop = 0`` without subtractive normalisation).
5. Resets: ``v = v_reset``, ``theta += learn theta_plus`` for concept
   spikes; ``x_i += 1`` for input spikes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from neuromem.coding.spikes import SpikeTrains
from neuromem.network.spec import NetworkSpec, NetworkState

__all__ = ["StepConstants", "step_constants", "stack_state", "split_state", "spikes_by_step", "check_dtype"]

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


@dataclass(frozen=True)
class StepConstants:
    """Per-step constants of a spec (decay factors are ``exp(-dt / tau)``)."""

    n_in: int
    n_c: int
    steps_per_trial: int
    n_ref: int
    decay_m: float
    decay_e: float
    decay_i: float
    decay_plus: float
    decay_minus: float
    decay_fb: float
    decay_theta: float
    v_rest: float
    v_reset: float
    v_thresh: float
    w_inh: float
    self_inhibition: bool
    theta_plus: float
    a_plus: float
    a_minus: float
    subtractive: bool
    a_fb: float
    f_max: float
    w_max_row: np.ndarray   # (n_in,) w_max of each input row, mV
    pop_of_row: np.ndarray  # (n_in,) population index of each input row
    inv_pop_size: np.ndarray  # (n_pop,) 1 / N_m

    @property
    def n_pop(self) -> int:
        return len(self.inv_pop_size)


def step_constants(spec: NetworkSpec) -> StepConstants:
    """Translate ``spec`` into the constants of one time step."""
    dt = spec.sim.dt_ms
    c, inh, st, ho, fb = spec.concept, spec.inhibition, spec.stdp, spec.homeostasis, spec.feedback
    wmax = np.concatenate([np.full(p.n_neurons, spec.w_max_mv(p.modality)) for p in spec.populations])
    pop = np.concatenate([np.full(p.n_neurons, k, dtype=np.int64) for k, p in enumerate(spec.populations)])
    return StepConstants(
        n_in=spec.n_inputs, n_c=c.n_neurons, steps_per_trial=spec.sim.steps_per_trial,
        n_ref=refractory_steps(c.refractory_ms, dt),
        decay_m=math.exp(-dt / c.tau_m_ms), decay_e=math.exp(-dt / c.tau_syn_exc_ms),
        decay_i=math.exp(-dt / inh.tau_syn_inh_ms), decay_plus=math.exp(-dt / st.tau_plus_ms),
        decay_minus=math.exp(-dt / st.tau_minus_ms), decay_fb=math.exp(-dt / fb.tau_fb_ms),
        decay_theta=math.exp(-dt / ho.tau_theta_ms),  # 1.0 for tau_theta = inf
        v_rest=c.v_rest_mv, v_reset=c.v_reset_mv, v_thresh=c.v_thresh_mv, w_inh=inh.w_inh_mv,
        self_inhibition=inh.self_inhibition, theta_plus=ho.theta_plus_mv, a_plus=st.a_plus, a_minus=st.a_minus,
        subtractive=st.normalisation == "subtractive", a_fb=fb.a_fb, f_max=fb.f_max,
        w_max_row=wmax, pop_of_row=pop,
        inv_pop_size=np.array([1.0 / p.n_neurons for p in spec.populations]))


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
