"""Per-neuron statistics of spike trains: mean firing rate and the coefficient of variation of inter-spike intervals.

Both follow the definitions Elephant uses (``elephant.statistics.mean_firing_rate``:
spike count over the duration; ``cv`` of ``isi``: population standard
deviation over mean, Softky & Koch 1993, J. Neurosci. 13:334), so numbers
computed here and on a Neo export agree.
"""

from __future__ import annotations

import numpy as np

__all__ = ["isi_cv_per_neuron", "mean_rate_hz"]


def mean_rate_hz(spikes) -> np.ndarray:
    """Mean firing rate of every neuron over the whole trains, Hz.

    Parameters
    ----------
    spikes : SpikeTrains
        ``indices``, ``steps``, ``n_neurons``, ``duration_ms``.

    Returns
    -------
    ndarray of float64, shape (n_neurons,)
        ``count / duration``; silent neurons give 0.

    Raises
    ------
    ValueError
        If the trains have zero duration.
    """
    if not spikes.duration_ms > 0:
        raise ValueError(f"spike trains of duration {spikes.duration_ms} ms have no rate")
    counts = np.bincount(spikes.indices, minlength=spikes.n_neurons)
    return counts / (spikes.duration_ms * 1e-3)


def isi_cv_per_neuron(spikes) -> np.ndarray:
    """Coefficient of variation of each neuron's inter-spike intervals: ``std(ISI) / mean(ISI)``.

    The standard deviation is the population one (``ddof=0``), as in
    Elephant; a Poisson process gives about 1, a regular train 0.
    (:func:`neuromem.analysis.isi_cv` summarises spontaneous firing as the
    median of this CV over neurons with enough spikes.)

    Parameters
    ----------
    spikes : SpikeTrains
        ``indices``, ``steps``, ``n_neurons``, ``dt_ms``.

    Returns
    -------
    ndarray of float64, shape (n_neurons,)
        The CV; NaN for a neuron with fewer than two intervals (three spikes).
    """
    n = spikes.n_neurons
    order = np.lexsort((spikes.steps, spikes.indices))
    idx = spikes.indices[order]
    t_ms = spikes.steps[order] * spikes.dt_ms
    same = idx[1:] == idx[:-1]
    isi = np.diff(t_ms)[same]
    owner = idx[1:][same]
    k = np.bincount(owner, minlength=n).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(owner, weights=isi, minlength=n) / k
        var = np.bincount(owner, weights=(isi - mean[owner]) ** 2, minlength=n) / k
        cv = np.sqrt(var) / mean
    cv[k < 2] = np.nan
    return cv
