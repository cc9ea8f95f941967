"""Concept-cell response statistics in the spirit of human MTL recordings.

Responsiveness criterion (:class:`ResponseCriterion`)
-----------------------------------------------------
Neuron ``n`` responds to concept ``k`` (through one modality) when, over the
test trials of that modality,

* the median spike count in the stimulus window over ``k``'s trials is at
  least ``min_median_count``, and
* the mean count over ``k``'s trials exceeds ``mu_b + n_sd * s_b``.

The baseline ``mu_b, s_b`` is, when blank trials are given (background input
only, same window length), the mean and standard deviation of the neuron's
counts in them, as with the pre-stimulus baselines of the human recordings.
Without blank trials it is taken robustly from the trials of all *other*
concepts: their median and ``1.4826 * MAD`` (so that a neuron answering to a
second concept is not penalised by that concept's responses). In both cases
``s_b`` is floored at ``sd_floor`` spikes so that a silent baseline (zero
variance) cannot make a single stray spike significant.

A single trial counts as a response of ``n`` when its count passes the same two
thresholds (used for population sparseness).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from neuromem.coding.population import _check_range

__all__ = [
    "ResponseCriterion",
    "responsive",
    "trial_responses",
    "population_sparseness",
    "lifetime_sparseness",
    "concepts_with_engram",
    "invariance_index",
    "concepts_per_neuron_distribution",
    "binding_index",
    "spontaneous_rate_hz",
]


@dataclass(frozen=True, kw_only=True)
class ResponseCriterion:
    """Thresholds of the responsiveness criterion (see module docstring).

    Parameters
    ----------
    min_median_count : float
        Minimum median spike count in the stimulus window, spikes, [0, 1e4].
    n_sd : float
        Baseline standard deviations the mean count must exceed, [0, 100].
    sd_floor : float
        Lower bound of the baseline standard deviation, spikes, (0, 1e4].
    """

    min_median_count: float = 2.0
    n_sd: float = 5.0
    sd_floor: float = 0.5

    def __post_init__(self):
        _check_range("ResponseCriterion", "min_median_count", self.min_median_count, 0, 1e4)
        _check_range("ResponseCriterion", "n_sd", self.n_sd, 0, 100)
        _check_range("ResponseCriterion", "sd_floor", self.sd_floor, 0, 1e4, lo_open=True)

    def to_dict(self) -> dict:
        return asdict(self)


def _check(counts, labels, n_concepts):
    c = np.asarray(counts, dtype=np.float64)
    y = np.asarray(labels)
    if c.ndim != 2 or len(y) != len(c):
        raise ValueError(f"counts must be (n_trials, n_neurons) with one label per trial; got {c.shape}, {y.shape}")
    if len(y) and (y.min() < 0 or y.max() >= n_concepts):
        raise ValueError(f"labels must lie in [0, {n_concepts})")
    return c, y.astype(np.int64)


def _baseline(c, y, n_concepts, crit, baseline_counts=None):
    """Per (concept, neuron) threshold ``mu_b + n_sd * s_b`` (see module docstring)."""
    n_neurons = c.shape[1]
    if baseline_counts is not None:
        b = np.asarray(baseline_counts, dtype=np.float64)
        if b.ndim != 2 or b.shape[1] != n_neurons or len(b) < 2:
            raise ValueError(f"baseline_counts must be (n_blank >= 2, {n_neurons}); got {b.shape}")
        thr = b.mean(axis=0) + crit.n_sd * np.maximum(b.std(axis=0), crit.sd_floor)
        return np.tile(thr, (n_concepts, 1))
    thr = np.full((n_concepts, n_neurons), np.inf)
    for k in range(n_concepts):
        other = c[y != k]
        if len(other) == 0:
            continue
        med = np.median(other, axis=0)
        mad = np.median(np.abs(other - med), axis=0)
        thr[k] = med + crit.n_sd * np.maximum(1.4826 * mad, crit.sd_floor)
    return thr


def responsive(counts, labels, n_concepts: int, criterion: ResponseCriterion = ResponseCriterion(),
               baseline_counts=None) -> np.ndarray:
    """Boolean matrix (n_neurons, n_concepts): which neuron responds to which concept.

    Parameters
    ----------
    counts : ndarray (n_trials, n_neurons)
        Spike counts in the stimulus window of each test trial (one modality).
    labels : ndarray (n_trials,)
        Concept of each trial.
    n_concepts : int
    criterion : ResponseCriterion
    baseline_counts : ndarray (n_blank, n_neurons), optional
        Counts in blank trials (background input only); see module docstring.
    """
    c, y = _check(counts, labels, n_concepts)
    thr = _baseline(c, y, n_concepts, criterion, baseline_counts)
    out = np.zeros((c.shape[1], n_concepts), dtype=bool)
    for k in range(n_concepts):
        ck = c[y == k]
        if len(ck) == 0:
            continue
        out[:, k] = (np.median(ck, axis=0) >= criterion.min_median_count) & (ck.mean(axis=0) > thr[k])
    return out


def trial_responses(counts, labels, n_concepts: int, criterion: ResponseCriterion = ResponseCriterion(),
                    baseline_counts=None) -> np.ndarray:
    """Boolean (n_trials, n_neurons): single-trial responses (count passes both thresholds)."""
    c, y = _check(counts, labels, n_concepts)
    thr = _baseline(c, y, n_concepts, criterion, baseline_counts)
    return (c >= criterion.min_median_count) & (c > thr[y])


def population_sparseness(trial_resp: np.ndarray) -> float:
    """Mean over test stimuli of the fraction of concept neurons responding to the stimulus."""
    r = np.asarray(trial_resp, dtype=bool)
    return float(r.mean()) if r.size else float("nan")


def lifetime_sparseness(resp: np.ndarray) -> float:
    """Mean over responsive neurons of the fraction of concepts each responds to (NaN if none respond).

    With ``n`` concepts the smallest possible value is ``1 / n``.
    """
    r = np.asarray(resp, dtype=bool)
    rows = r[r.any(axis=1)]
    return float(rows.mean()) if len(rows) else float("nan")


def concepts_with_engram(resp: np.ndarray) -> float:
    """Fraction of concepts with at least one responsive neuron."""
    r = np.asarray(resp, dtype=bool)
    return float(r.any(axis=0).mean())


def invariance_index(resp_a: np.ndarray, resp_b: np.ndarray) -> float:
    """Among (neuron, concept) pairs responsive through modality a or b, the fraction responsive through both.

    NaN when no pair is responsive.
    """
    a = np.asarray(resp_a, dtype=bool)
    b = np.asarray(resp_b, dtype=bool)
    if a.shape != b.shape:
        raise ValueError(f"response matrices differ in shape: {a.shape} vs {b.shape}")
    either = a | b
    return float((a & b).sum() / either.sum()) if either.any() else float("nan")


def concepts_per_neuron_distribution(resp: np.ndarray) -> list[float]:
    """Fraction of responsive neurons answering to 1, 2, ..., n_concepts concepts."""
    r = np.asarray(resp, dtype=bool)
    n = r.sum(axis=1)
    n = n[n > 0]
    if len(n) == 0:
        return [0.0] * r.shape[1]
    return (np.bincount(n, minlength=r.shape[1] + 1)[1:] / len(n)).tolist()


def _mean_evoked(counts, labels, n_concepts, baseline_counts):
    """Mean count per (concept, neuron) minus the neuron's blank-trial mean, clipped at 0."""
    c, y = _check(counts, labels, n_concepts)
    base = np.zeros(c.shape[1]) if baseline_counts is None else np.asarray(baseline_counts, np.float64).mean(axis=0)
    if base.shape != (c.shape[1],):
        raise ValueError(f"baseline_counts must have {c.shape[1]} neurons; got shape {np.shape(baseline_counts)}")
    out = np.full((n_concepts, c.shape[1]), np.nan)
    for k in range(n_concepts):
        if (y == k).any():
            out[k] = np.maximum(c[y == k].mean(axis=0) - base, 0.0)
    return out


def binding_index(counts_a, labels_a, counts_b, labels_b, n_concepts: int, baseline_counts=None) -> float:
    """How far two cue modalities of one concept drive the same concept neurons, in [0, 1].

    For concept ``k`` let ``a_k`` and ``b_k`` (n_neurons,) be the evoked
    responses to its cues of modality a and b: each neuron's mean spike count
    over those cue trials minus its mean count in blank trials, clipped at 0.
    With ``p_k = a_k / sum(a_k)`` and ``q_k = b_k / sum(b_k)`` (how the evoked
    spikes are shared out among the neurons),

    .. math:: B_k = \\sum_n \\min(p_{kn}, q_{kn}) = 1 - \\mathrm{TV}(p_k, q_k),

    the overlap of the two distributions (one minus their total-variation
    distance). ``B_k = 0`` when the modalities drive disjoint neurons (or one
    of them drives none: nothing is shared), ``B_k = 1`` exactly when they
    drive the same neurons in the same proportions. The index is the mean of
    ``B_k`` over the concepts that have cue trials in both modalities.

    Parameters
    ----------
    counts_a, counts_b : ndarray (n_trials_a, n_neurons), (n_trials_b, n_neurons)
        Spike counts in the stimulus window of each cue trial of modality a / b.
    labels_a, labels_b : ndarray of int
        Concept of each trial.
    n_concepts : int
    baseline_counts : ndarray (n_blank, n_neurons), optional
        Counts in blank trials (spontaneous activity), subtracted so that a
        uniform spontaneous floor does not count as shared drive.

    Returns
    -------
    float
        NaN if no concept has trials in both modalities.

    Raises
    ------
    ValueError
        On shapes that do not match or labels outside ``[0, n_concepts)``.
    """
    ea = _mean_evoked(counts_a, labels_a, n_concepts, baseline_counts)
    eb = _mean_evoked(counts_b, labels_b, n_concepts, baseline_counts)
    if ea.shape != eb.shape:
        raise ValueError(f"counts_a and counts_b differ in neurons: {ea.shape[1]} vs {eb.shape[1]}")
    vals = []
    for k in range(n_concepts):
        a, b = ea[k], eb[k]
        if np.isnan(a).any() or np.isnan(b).any():
            continue
        sa, sb = a.sum(), b.sum()
        vals.append(float(np.minimum(a / sa, b / sb).sum()) if sa > 0 and sb > 0 else 0.0)
    return float(np.mean(vals)) if vals else float("nan")


def spontaneous_rate_hz(blank_counts, window_ms: float) -> float:
    """Mean firing rate of the concept neurons in blank trials (background input only), Hz.

    Parameters
    ----------
    blank_counts : ndarray (n_blank, n_neurons)
        Spike counts in a window of ``window_ms`` of each blank trial.
    window_ms : float
        Window length, ms (> 0).
    """
    b = np.asarray(blank_counts, dtype=np.float64)
    if b.ndim != 2 or b.size == 0:
        raise ValueError(f"blank_counts must be a non-empty (n_blank, n_neurons) array; got shape {b.shape}")
    if not window_ms > 0:
        raise ValueError(f"window_ms={window_ms!r} must be > 0")
    return float(b.mean() / (window_ms * 1e-3))
