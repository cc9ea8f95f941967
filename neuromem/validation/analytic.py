"""Closed-form references every engine must match.

LIF firing rate for a constant drive ``R I`` (mV), above rheobase
``R I > v_thresh - v_rest``:

.. math:: f = \\left[t_\\mathrm{ref} + \\tau_m \\ln\\frac{R I + v_\\mathrm{rest} - v_\\mathrm{reset}}
          {R I + v_\\mathrm{rest} - v_\\mathrm{thresh}}\\right]^{-1}

and ``f = 0`` at or below rheobase.

Pair-based STDP window, ``Delta = t_post - t_pre``:

.. math:: \\Delta w / w_\\max = A_+ e^{-\\Delta/\\tau_+}\\ (\\Delta > 0), \\quad
          -A_- e^{\\Delta/\\tau_-}\\ (\\Delta < 0).

Membrane potential at the end of step ``r`` of a trial (from ``v_rest``) for a
constant drive below rheobase, exact for the exponential-Euler step:
``v = v_rest + R I (1 - e^{-(r + 1) dt / tau_m})``.

k-winners-take-all: no neuron becomes a winner of a trial at a step that
starts with ``k`` or more winners (:func:`winners_over_limit` counts the
exceptions; 0 for an engine that keeps the rule).
"""

from __future__ import annotations

import numpy as np

from neuromem.network.spec import STDP, ConceptLayer

__all__ = ["lif_rate_hz", "stdp_window", "psp_peak_factor", "membrane_relaxation_mv", "winners_over_limit"]


def lif_rate_hz(drive_mv, concept: ConceptLayer = ConceptLayer()) -> np.ndarray:
    """Analytic LIF rate (Hz) for constant drives ``R I`` in mV (array-like)."""
    ri = np.asarray(drive_mv, dtype=np.float64)
    c = concept
    num = ri + c.v_rest_mv - c.v_reset_mv
    den = ri + c.v_rest_mv - c.v_thresh_mv
    out = np.zeros_like(ri)
    above = den > 0
    period_ms = c.refractory_ms + c.tau_m_ms * np.log(num[above] / den[above])
    out[above] = 1e3 / period_ms
    return out


def stdp_window(delta_ms, stdp: STDP = STDP()) -> np.ndarray:
    """Analytic pair-STDP weight change as a fraction of ``w_max`` for ``Delta = t_post - t_pre`` (ms)."""
    d = np.asarray(delta_ms, dtype=np.float64)
    out = np.zeros_like(d)
    out[d > 0] = stdp.a_plus * np.exp(-d[d > 0] / stdp.tau_plus_ms)
    out[d < 0] = -stdp.a_minus * np.exp(d[d < 0] / stdp.tau_minus_ms)
    return out


def psp_peak_factor(tau_m_ms: float, tau_syn_exc_ms: float) -> float:
    """Peak of the voltage response to a unit jump of an exponential current (both in voltage units).

    ``v(t) = W tau_e / (tau_m - tau_e) (exp(-t/tau_m) - exp(-t/tau_e))``; returns ``max_t v(t) / W``.
    """
    tm, te = float(tau_m_ms), float(tau_syn_exc_ms)
    if abs(tm - te) < 1e-9 * tm:
        return float(np.exp(-1.0) * te / tm)
    t_peak = te * tm / (tm - te) * np.log(tm / te)
    return float(te / (tm - te) * (np.exp(-t_peak / tm) - np.exp(-t_peak / te)))


def membrane_relaxation_mv(drive_mv: float, n_steps: int, dt_ms: float, concept: ConceptLayer = ConceptLayer()):
    """End-of-step membrane potential (mV) of ``n_steps`` steps from ``v_rest`` under a constant drive ``R I``
    (mV) below rheobase (no spike): ``v_rest + R I (1 - exp(-(r + 1) dt / tau_m))``, shape (n_steps,)."""
    r = np.arange(1, int(n_steps) + 1, dtype=np.float64)
    return concept.v_rest_mv + float(drive_mv) * (1.0 - np.exp(-r * float(dt_ms) / concept.tau_m_ms))


def winners_over_limit(spikes, steps_per_trial: int, k: int) -> int:
    """How many neurons became winners of a trial at a step that began with ``k`` or more winners.

    ``spikes`` is a :class:`~neuromem.coding.SpikeTrains` (e.g. a run's result); a neuron becomes a winner at
    its first spike in a trial. The k-winners-take-all rule allows none (same-step ties are allowed: they
    start their step together below ``k``).
    """
    trial = spikes.steps // steps_per_trial
    over = 0
    for t in np.unique(trial):
        sel = trial == t
        _, first = np.unique(spikes.indices[sel], return_index=True)
        starts = np.sort(spikes.steps[sel][first])
        over += int(np.sum(np.searchsorted(starts, starts, side="left") >= k))
    return over
