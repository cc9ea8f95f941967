"""When a spiking binder's readout first answers correctly: answers on one time grid for every binder.

Every spiking binder turns its concept spikes into an answer through its own
readout; :func:`answers_over_grid` asks that readout at each time of one
shared grid (:data:`LATENCY_GRID_MS`), from the spikes before that time, so
binders simulated at different steps are timed alike.
"""

from __future__ import annotations

import numpy as np

__all__ = ["LATENCY_GRID_STEP_MS", "answers_over_grid", "latency_grid_ms"]

#: Step of the shared latency grid, ms.
LATENCY_GRID_STEP_MS = 1.0


def latency_grid_ms(window_ms: float) -> np.ndarray:
    """The shared grid ``1, 2, ..., window_ms`` ms after cue onset (step :data:`LATENCY_GRID_STEP_MS`)."""
    n = int(np.floor(float(window_ms) / LATENCY_GRID_STEP_MS + 1e-9))
    return LATENCY_GRID_STEP_MS * np.arange(1, n + 1)


def answers_over_grid(spike_time_ms, trial, unit, *, n_trials: int, n_units: int, grid_ms, answer) -> np.ndarray:
    """The readout's answer from the spikes before each grid time.

    Parameters
    ----------
    spike_time_ms, trial, unit : ndarray (n_spikes,)
        Each concept spike's time after its cue's onset (ms), trial and unit.
    n_trials, n_units : int
    grid_ms : ndarray (n_grid,)
        Times after cue onset, ms; the answer at ``t`` uses the spikes at times ``< t``.
    answer : callable counts (n_trials, n_units) -> ndarray of int (n_trials,)
        The binder's readout (a concept index per trial).

    Returns
    -------
    ndarray of int (n_grid, n_trials): the answer, -1 where no unit has fired yet.
    """
    t = np.asarray(spike_time_ms, dtype=float)
    trial, unit = np.asarray(trial, dtype=np.int64), np.asarray(unit, dtype=np.int64)
    out = np.full((len(grid_ms), int(n_trials)), -1, dtype=np.int64)
    for g, at in enumerate(np.asarray(grid_ms, dtype=float)):
        before = t < at
        counts = np.zeros((int(n_trials), int(n_units)))
        np.add.at(counts, (trial[before], unit[before]), 1)
        fired = counts.sum(axis=1) > 0
        if fired.any():
            out[g, fired] = np.asarray(answer(counts[fired]))
    return out
