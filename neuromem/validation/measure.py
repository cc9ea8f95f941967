"""Measure an engine against the closed forms of :mod:`neuromem.validation.analytic`.

Both measurements use one small network structure (:func:`validation_spec`),
so a compiled engine builds it once for both.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from neuromem.coding.spikes import SpikeTrains
from neuromem.engines.registry import make_engine
from neuromem.network import STDP, ConceptLayer, NetworkSpec, NetworkState, SimConfig, one_population_spec
from neuromem.validation.analytic import lif_rate_hz, psp_peak_factor, stdp_window

__all__ = ["validation_spec", "measure_lif_rates", "measure_stdp_window", "closed_form_errors"]

_N_NEURONS = 16
_TRIAL_MS = 500.0


def validation_spec(concept: ConceptLayer = ConceptLayer(), stdp: STDP = STDP(), dt_ms: float = 0.1) -> NetworkSpec:
    """Probe network: 2 input neurons (a test synapse and a driver), 16 LIF neurons, pair STDP only.

    No inhibition, no threshold adaptation, no feedback, and no STDP
    normalisation (they couple synapses and would hide the pair rule); the
    initial weights are small (mean 0.05 mV) so a single test spike stays
    far below threshold.
    """
    return one_population_spec(
        2, replace(concept, n_neurons=_N_NEURONS),
        mechanisms=(replace(stdp, normalisation="none", init_weight_sum_mv=0.1, init_weight_spread=0.0),),
        sim=SimConfig(dt_ms=dt_ms, stimulus_ms=_TRIAL_MS, trial_period_ms=_TRIAL_MS), name="validation")


def measure_lif_rates(engine: str, drive_mv, *, concept: ConceptLayer = ConceptLayer(), dt_ms: float = 0.1,
                      duration_ms: float = 2000.0, **engine_kwargs) -> np.ndarray:
    """Firing rate (Hz) of an isolated LIF neuron for each constant drive ``R I`` (mV).

    The rate is ``1 / mean inter-spike interval`` over ISIs inside trials
    (each trial starts from rest, so the first spike's latency is excluded);
    0 when a neuron spikes fewer than twice.

    Parameters
    ----------
    engine : str
        Registered engine name.
    drive_mv : array-like
        Constant drives ``R I`` in mV.
    concept : ConceptLayer
        Neuron parameters (``n_neurons`` is ignored).
    dt_ms : float
        Integration step, ms.
    duration_ms : float
        Simulated time per drive, ms (a multiple of 500 ms).
    """
    drive = np.atleast_1d(np.asarray(drive_mv, dtype=np.float64))
    spec = validation_spec(concept, dt_ms=dt_ms)
    eng = make_engine(engine, spec, seed=0, **engine_kwargs)
    n_steps = int(round(duration_ms / dt_ms))
    per = spec.sim.steps_per_trial
    if n_steps % per:
        raise ValueError(f"duration_ms={duration_ms} must be a multiple of {_TRIAL_MS} ms")
    silent = SpikeTrains(indices=np.zeros(0, np.int32), steps=np.zeros(0, np.int64), n_neurons=spec.n_inputs,
                         n_steps=n_steps, dt_ms=dt_ms)
    rates = np.zeros(len(drive))
    for lo in range(0, len(drive), _N_NEURONS):
        chunk = drive[lo:lo + _N_NEURONS]
        bias = np.zeros(_N_NEURONS)
        bias[:len(chunk)] = chunk
        res = eng.run(silent, plastic=False, bias_mv=bias)
        for k in range(len(chunk)):
            isis = []
            for trial in range(n_steps // per):
                s = res.spike_steps[(res.spike_indices == k) & (res.spike_steps // per == trial)]
                isis.extend(np.diff(s))
            rates[lo + k] = 1e3 / (np.mean(isis) * dt_ms) if isis else 0.0
    return rates


def measure_stdp_window(engine: str, deltas_ms, *, stdp: STDP = STDP(), concept: ConceptLayer = ConceptLayer(),
                        dt_ms: float = 0.1, **engine_kwargs) -> tuple[np.ndarray, np.ndarray]:
    """Weight change of one synapse for single pre/post spike pairs.

    For each requested ``Delta = t_post - t_pre`` a pre spike is sent through
    the test synapse and the postsynaptic neuron is made to fire once by a
    strong driver input (1.5x the weight needed to reach threshold); the
    actual ``Delta`` is read from the recorded post spike.

    Returns
    -------
    actual_deltas_ms : ndarray
        Measured ``t_post - t_pre`` per pair, ms.
    dw_over_wmax : ndarray
        Weight change of the test synapse divided by ``w_max``.
    """
    deltas = np.atleast_1d(np.asarray(deltas_ms, dtype=np.float64))
    spec = validation_spec(concept, stdp, dt_ms=dt_ms)
    c = spec.concept
    eng = make_engine(engine, spec, seed=0, **engine_kwargs)
    w_max = spec.w_max_mv("picture")
    w_drive = 1.5 * c.rheobase_mv / psp_peak_factor(c.tau_m_ms, c.tau_syn_exc_ms)
    w0 = np.zeros((2, _N_NEURONS))
    w0[0, 0] = 0.5 * w_max  # test synapse: input 0 -> neuron 0
    w0[1, 0] = w_drive      # driver: input 1 -> neuron 0 only
    state0 = NetworkState(w_in_mv={"picture": w0}, w_fb={"picture": np.zeros((_N_NEURONS, 2))},
                          theta_mv=np.zeros(_N_NEURONS))
    per = spec.sim.steps_per_trial

    def pair(pre_step, drive_step):
        idx, st = [], []
        if pre_step is not None:
            idx.append(0), st.append(pre_step)
        idx.append(1), st.append(drive_step)
        order = np.argsort(st, kind="stable")
        d = SpikeTrains(indices=np.array(idx)[order], steps=np.array(st)[order], n_neurons=2, n_steps=per,
                        dt_ms=dt_ms)
        eng.set_state(state0)
        res = eng.run(d, plastic=True)
        post = res.spike_steps[res.spike_indices == 0]
        if len(post) != 1:
            raise RuntimeError(f"the driver produced {len(post)} post spikes instead of 1; "
                               f"check the neuron parameters")
        return int(post[0]), eng.get_state().w_in_mv["picture"][0, 0] - w0[0, 0]

    mid = per // 2
    latency = pair(None, mid)[0] - mid
    actual, dw = np.zeros(len(deltas)), np.zeros(len(deltas))
    for k, d in enumerate(deltas):
        d_steps = int(round(d / dt_ms))
        pre = mid
        drv = pre + d_steps - latency
        post, change = pair(pre, drv)
        actual[k] = (post - pre) * dt_ms
        dw[k] = change / w_max
    return actual, dw


#: Drives of the f-I check, as multiples of rheobase (above it; the engine contract uses the same range).
CLOSED_FORM_RHEOBASE_MULTIPLES = (1.1, 1.5, 2.0, 3.0, 5.0)
#: Spike-pair intervals ``t_post - t_pre`` of the STDP window check, ms.
CLOSED_FORM_DELTAS_MS = (-60.0, -20.0, -5.0, -1.0, 1.0, 5.0, 20.0, 60.0)


def closed_form_errors(engine: str, *, concept: ConceptLayer = ConceptLayer(), stdp: STDP = STDP()) -> dict:
    """Largest relative errors of an engine's LIF rate and pair-STDP window against their closed forms.

    The numbers :mod:`neuromem.analysis.literature` compares with the closed
    forms (keys ``lif_rate_max_relative_error``, ``stdp_window_max_relative_error``,
    plus ``engine``); a few seconds per engine (plus a compiled engine's build).

    Parameters
    ----------
    engine : str
        Registered engine name.
    concept, stdp : ConceptLayer, STDP
        Neuron and plasticity parameters (defaults: the package defaults).
    """
    drive = np.asarray(CLOSED_FORM_RHEOBASE_MULTIPLES) * concept.rheobase_mv
    expected = lif_rate_hz(drive, concept)
    lif = np.abs(measure_lif_rates(engine, drive, concept=concept) - expected) / expected
    actual, dw = measure_stdp_window(engine, CLOSED_FORM_DELTAS_MS, stdp=stdp, concept=concept)
    ref = stdp_window(actual, stdp)
    return {"engine": engine, "lif_rate_max_relative_error": float(lif.max()),
            "stdp_window_max_relative_error": float((np.abs(dw - ref) / np.abs(ref)).max())}
