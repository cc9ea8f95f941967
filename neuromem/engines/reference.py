"""The discrete model run as written: a plain NumPy loop, registered as engine ``"reference"``.

Slow (one Python iteration per step), float64, and written to be read next
to the step order of :mod:`neuromem.engines.discrete`: every other engine is
held to it (``tests/engines``). It needs numpy only.
"""

from __future__ import annotations

import numpy as np

from neuromem.coding.spikes import SpikeTrains
from neuromem.engines.base import Engine, RunFlags, RunResult
from neuromem.engines.discrete import StepConstants, spikes_by_step, split_state, stack_state, step_constants
from neuromem.network.spec import NetworkSpec, NetworkState

__all__ = ["ReferenceEngine", "simulate"]

#: "no spike yet" step marker (far in the past)
NEVER = -(1 << 60)


def simulate(W, F, theta, k: StepConstants, drive: SpikeTrains, *, learn: bool, adapt: bool, bias,
             record=None):
    """Run the discrete model; ``W (n_in, n_c)``, ``F (n_c, n_in)``, ``theta (n_c,)`` change in place.

    Parameters
    ----------
    W, F, theta : ndarray (float64)
        Latent->concept weights (mV), feedback weights, adaptive thresholds (mV).
    k : StepConstants
    drive : SpikeTrains
        Input spikes, a whole number of trials.
    learn, adapt : bool
        As :class:`~neuromem.engines.RunFlags`.
    bias : ndarray (n_c,)
        Constant drive per neuron, mV.
    record : ndarray of int, optional
        Neurons whose potential to record at the end of every step.

    Returns
    -------
    spikes_j, spikes_t : ndarray
        Neuron and step of every concept spike.
    v_rec : ndarray (n_steps, n_recorded) or None
    """
    n_c, per, n_ref = k.n_c, k.steps_per_trial, k.n_ref
    pop, inv_pop, wmax = k.pop_of_row, k.inv_pop_size, k.w_max_row
    thr0 = k.v_thresh_row
    ptr, idx = spikes_by_step(drive)
    v, isyn_exc, isyn_inh, apost = (np.zeros(n_c) for _ in range(4))
    apre, xl, xpop = np.zeros(k.n_in), np.zeros(k.n_in), np.zeros(k.n_pop)
    last = np.full(n_c, NEVER, np.int64)
    winner = np.zeros(n_c, bool)
    v_rec = None if record is None else np.zeros((drive.n_steps, len(record)))
    out_j, out_t = [], []
    for t in range(drive.n_steps):
        # 1. trial start
        if t % per == 0:
            v[:], isyn_exc[:], isyn_inh[:], apost[:], last[:] = k.v_rest, 0.0, 0.0, 0.0, NEVER
            apre[:], xl[:], xpop[:], winner[:] = 0.0, 0.0, 0.0, False
        # 2. integrate, decay
        free = t - last >= n_ref
        drv = k.v_rest + isyn_exc - isyn_inh + bias
        v[free] = (drv + (v - drv) * k.decay_m)[free]
        isyn_exc *= k.decay_e
        isyn_inh *= k.decay_i
        apost *= k.decay_minus
        theta *= k.decay_theta
        apre *= k.decay_plus
        xl *= k.decay_fb
        xpop *= k.decay_plus
        # 3. thresholds (k-winners-take-all admits against the count of winners at the start of this step)
        cross = free & (v > thr0 + float(adapt) * theta)
        if k.k_winners and winner.sum() >= k.k_winners:
            cross &= winner
        z = np.flatnonzero(cross)
        last[z] = t
        # 4. synapses: feedback, input spikes, inhibition, concept spikes
        if learn and k.a_fb > 0:
            for j in z:
                F[j] += k.a_fb * xl * (k.f_max - F[j])
        spikes = idx[ptr[t]:ptr[t + 1]]
        for i in spikes:
            m = pop[i]
            apre[i] += 1.0
            xpop[m] += inv_pop[m]
            isyn_exc += W[i]
            if learn:
                W[i] = np.minimum(np.maximum(W[i] - (k.a_minus * wmax[i]) * apost, 0.0), wmax[i])
        if len(z) and k.w_inh > 0:
            own = (last == t) & (not k.self_inhibition)
            isyn_inh += k.w_inh * (len(z) - own.astype(np.int64))
        for j in z:
            apost[j] += 1.0
            if learn:
                x = apre - xpop[pop] if k.subtractive else apre
                W[:, j] = np.minimum(np.maximum(W[:, j] + k.a_plus * wmax * x, 0.0), wmax)
        # 5. resets
        v[z] = k.v_reset
        if learn:
            theta[z] += k.theta_plus
        winner[z] = True
        out_j.append(z)
        out_t.append(np.full(len(z), t, np.int64))
        xl[spikes] += 1.0
        if record is not None:
            v_rec[t] = v[record]
    return np.concatenate(out_j) if out_j else np.zeros(0, np.int64), \
        np.concatenate(out_t) if out_t else np.zeros(0, np.int64), v_rec


class ReferenceEngine(Engine):
    """The discrete model in NumPy, float64 (see the module docstring).

    Parameters
    ----------
    spec : NetworkSpec
    seed : int or numpy.random.SeedSequence
        Seed of the initial state (and of mechanisms drawing from it).
    progress : bool
        Accepted for interface compatibility.
    """

    name = "reference"
    backend = "reference"
    records_v = True

    def __init__(self, spec: NetworkSpec, *, seed=0, progress: bool = False):
        super().__init__(spec, seed=seed, progress=progress)
        self._k = step_constants(spec, seed, backend=self.backend)

    def _read_state(self) -> NetworkState:
        return split_state(self._W, self._F, self._theta, self.spec)

    def _write_state(self, state: NetworkState) -> None:
        self._W, self._F, self._theta = stack_state(state, self.spec, np.float64)

    def _run(self, drive: SpikeTrains, flags: RunFlags, bias_mv: np.ndarray, record_v=None) -> RunResult:
        theta = self._theta if flags.keep_theta else self._theta.copy()
        j, t, v = simulate(self._W, self._F, theta, self._k, drive, learn=flags.learn, adapt=flags.adapt,
                           bias=bias_mv, record=record_v)
        return RunResult(indices=j, steps=t, n_neurons=self._k.n_c, n_steps=drive.n_steps,
                         dt_ms=self.spec.sim.dt_ms, v_mv=v)
