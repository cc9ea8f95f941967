"""Statistics of a distributed concept code and of spontaneous activity.

Response matrices ``resp`` (n_neurons, n_concepts) of bool come from
:func:`neuromem.analysis.responsive`.

``neurons_per_concept_mean``
    How many neurons carry a concept, averaged over concepts.
``related_coresponse_ratio``
    Whether neurons that answer several concepts answer RELATED ones: over
    every pair of concepts answered by one neuron (each neuron contributes
    all pairs of its concepts), the fraction of related pairs, divided by the
    fraction of related pairs among all concept pairs. 1 means the pairs a
    neuron shares are as related as random pairs; > 1 means related concepts
    share neurons more often (as Gastaldi et al. 2021 argue for human MTL).
``blank_trial_answer_fraction``
    Fraction of blank trials (background input only) in which at least one
    concept neuron passes the single-trial response criterion against a
    robust baseline of the OTHER blank trials: their median and ``1.4826 *
    MAD`` (floored at ``sd_floor``). A mean and SD over blank trials would
    hide the very bursts this counts: a neuron bursting in a quarter of the
    blank trials raises its own SD enough to pass none of them.
``blank_max_rate_hz``
    The highest single-neuron mean rate over blank trials.
``isi_cv``
    Irregularity of spontaneous firing: median over neurons with at least
    ``min_spikes`` spikes of the coefficient of variation of their
    inter-spike intervals (1 for a Poisson process, 0 for a clock).
"""

from __future__ import annotations

import numpy as np

from neuromem._checks import is_int
from neuromem.analysis.responses import ResponseCriterion
from neuromem.analysis.spike_trains import isi_cv_per_neuron

__all__ = ["neurons_per_concept_mean", "related_coresponse_ratio", "blank_trial_answer_fraction",
           "blank_max_rate_hz", "isi_cv"]


def neurons_per_concept_mean(resp) -> float:
    """Mean over concepts of the number of neurons responding to the concept."""
    r = np.asarray(resp, dtype=bool)
    if r.ndim != 2 or r.shape[1] == 0:
        raise ValueError(f"resp must be (n_neurons, n_concepts >= 1); got shape {r.shape}")
    return float(r.sum(axis=0).mean())


def related_coresponse_ratio(resp, related) -> float:
    """Enrichment of related concept pairs among the pairs one neuron answers (see the module docstring).

    Parameters
    ----------
    resp : ndarray of bool (n_neurons, n_concepts)
    related : ndarray of bool (n_concepts, n_concepts)
        Symmetric: which concept pairs are related (the diagonal is ignored).

    Returns
    -------
    float
        NaN when no neuron answers two concepts or no pair is related.

    Raises
    ------
    ValueError
        For shapes that do not match or a non-symmetric ``related``.
    """
    r = np.asarray(resp, dtype=bool)
    rel = np.asarray(related, dtype=bool)
    n_c = r.shape[1] if r.ndim == 2 else -1
    if rel.shape != (n_c, n_c):
        raise ValueError(f"related must be ({n_c}, {n_c}) for resp of shape {r.shape}; got {rel.shape}")
    if not np.array_equal(rel, rel.T):
        raise ValueError("related must be symmetric")
    upper = np.triu(np.ones((n_c, n_c), dtype=bool), k=1)
    base = rel[upper].mean() if upper.any() else np.nan
    co = r.T.astype(np.int64) @ r.astype(np.int64)  # co[a, b]: neurons answering both a and b
    n_pairs = co[upper].sum()
    if n_pairs == 0 or not base > 0:
        return float("nan")
    return float(co[upper & rel].sum() / n_pairs / base)


def _check_blank(blank_counts) -> np.ndarray:
    b = np.asarray(blank_counts, dtype=np.float64)
    if b.ndim != 2 or len(b) < 3:
        raise ValueError(f"blank_counts must be (n_blank >= 3, n_neurons); got shape {b.shape}")
    return b


def blank_trial_answer_fraction(blank_counts, criterion: ResponseCriterion = ResponseCriterion()) -> float:
    """Fraction of blank trials in which some neuron passes the single-trial criterion (see the module docstring).

    Parameters
    ----------
    blank_counts : ndarray (n_blank >= 3, n_neurons)
        Spike counts in the stimulus-length window of each blank trial.
    criterion : ResponseCriterion
        A trial's count answers when it is >= ``min_median_count`` and >
        ``median + n_sd * max(1.4826 * MAD, sd_floor)`` of the other blank trials.
    """
    b = _check_blank(blank_counts)
    answers = np.zeros(len(b), dtype=bool)
    for t in range(len(b)):
        other = np.delete(b, t, axis=0)
        med = np.median(other, axis=0)
        spread = np.maximum(1.4826 * np.median(np.abs(other - med), axis=0), criterion.sd_floor)
        answers[t] = np.any((b[t] >= criterion.min_median_count) & (b[t] > med + criterion.n_sd * spread))
    return float(answers.mean())


def blank_max_rate_hz(blank_counts, window_ms: float) -> float:
    """Highest single-neuron mean rate over blank trials, Hz (counts in windows of ``window_ms``)."""
    b = _check_blank(blank_counts)
    if not window_ms > 0:
        raise ValueError(f"window_ms={window_ms!r} must be > 0")
    return float(b.mean(axis=0).max() / (window_ms * 1e-3))


def isi_cv(spikes, *, min_spikes: int = 10) -> float | None:
    """Median CV of inter-spike intervals over neurons with at least ``min_spikes`` spikes.

    Parameters
    ----------
    spikes : SpikeTrains
        Spikes of one continuous period (e.g. a long blank period).
    min_spikes : int
        Spikes a neuron needs to be counted (>= 3).

    Returns
    -------
    float or None
        None when no neuron has ``min_spikes`` spikes.
    """
    if not is_int(min_spikes) or min_spikes < 3:
        raise ValueError(f"min_spikes={min_spikes!r} must be an int >= 3 (two intervals at least)")
    counts = np.bincount(spikes.indices, minlength=spikes.n_neurons)
    cv = isi_cv_per_neuron(spikes)[counts >= min_spikes]
    return float(np.median(cv)) if len(cv) else None
