"""The novelty gate: the decoder's match error and the concept layer's response say "new concept" or "familiar".

The seed's prediction signal. For a picture cue two signals are read:

``match_error`` (e)
    Mean squared error per pixel between the picture and the decoder's
    reconstruction from its latent (:mod:`neuromem.encoders.heads`). The
    decoder was fitted on the known concepts' pictures, so a picture of a
    concept it never saw is drawn badly: e is high.
``network_response`` (r)
    The spike count of the concept engram that answers the cue most (the
    largest sum of spikes over one concept's engram neurons, the cue alone,
    learning off; :func:`neuromem.store.recall.network_concept`). A known
    concept's picture drives its engram hard; an unknown one drives some
    engram weakly: r is low.

Both are standardised against the same signals of *known* items that were
never fitted (held-out pictures of learned concepts): the calibration set.
The combined novelty score is

``s = w (log e - mean(log e_known)) / sd(log e_known) + (1 - w) (mean(r_known) - r) / sd(r_known)``

with the match weight ``w`` in [0, 1] (``w = 1``: the match error alone;
``w = 0``: the network alone). The gate says **new** when ``s`` exceeds its
threshold, the ``quantile`` of the calibration items' own scores (so about
``1 - quantile`` of known items are called new). ``w`` and the quantile were
chosen on tuning seeds 0-2 (:data:`DEFAULT_MATCH_WEIGHT`,
:data:`DEFAULT_QUANTILE`; ``docs/results/novelty-gate.md``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["DEFAULT_MATCH_WEIGHT", "DEFAULT_QUANTILE", "NoveltyGate", "auc", "engram_response", "fit_gate"]

#: Weight of the match error in the combined score (chosen on tuning seeds 0-2).
DEFAULT_MATCH_WEIGHT = 0.5
#: Quantile of the calibration items' scores that sets the threshold (chosen on tuning seeds 0-2).
DEFAULT_QUANTILE = 0.95
#: Floor of a standard deviation, so a calibration set of identical values does not divide by zero.
_SD_FLOOR = 1e-6


def _finite_1d(name: str, values) -> np.ndarray:
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional (one value per item); got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or inf; give one finite value per item")
    return x


@dataclass(frozen=True, kw_only=True)
class NoveltyGate:
    """A calibrated novelty gate (see the module docstring for the score).

    Parameters
    ----------
    log_error_mean, log_error_sd : float
        Mean and standard deviation (> 0) of the calibration items' log match errors (log of MSE per pixel).
    response_mean, response_sd : float
        Mean and standard deviation (> 0) of their network responses, spikes.
    match_weight : float
        ``w`` in [0, 1].
    threshold : float
        Scores above it are "new".
    quantile : float
        The calibration quantile the threshold came from, in [0.5, 1].
    n_calibration : int
        Calibration items, >= 2.

    Raises
    ------
    ValueError
        For a value out of range (the message names the field, the value and the range).
    """

    log_error_mean: float
    log_error_sd: float
    response_mean: float
    response_sd: float
    match_weight: float = DEFAULT_MATCH_WEIGHT
    threshold: float
    quantile: float = DEFAULT_QUANTILE
    n_calibration: int

    def __post_init__(self):
        for f in ("log_error_mean", "log_error_sd", "response_mean", "response_sd", "threshold"):
            v = getattr(self, f)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not np.isfinite(v):
                raise ValueError(f"NoveltyGate.{f}={v!r} must be a finite number")
        for f in ("log_error_sd", "response_sd"):
            if getattr(self, f) <= 0:
                raise ValueError(f"NoveltyGate.{f}={getattr(self, f)!r} must be > 0")
        if not 0.0 <= float(self.match_weight) <= 1.0:
            raise ValueError(f"NoveltyGate.match_weight={self.match_weight!r} is out of range; allowed [0, 1]")
        if not 0.5 <= float(self.quantile) <= 1.0:
            raise ValueError(f"NoveltyGate.quantile={self.quantile!r} is out of range; allowed [0.5, 1]")
        if isinstance(self.n_calibration, bool) or not isinstance(self.n_calibration, int) or self.n_calibration < 2:
            raise ValueError(f"NoveltyGate.n_calibration={self.n_calibration!r} must be an int >= 2")

    def parts(self, match_error, response) -> tuple[np.ndarray, np.ndarray]:
        """The standardised match-error and network terms, each (n,) (higher: newer)."""
        e = _finite_1d("match_error", np.atleast_1d(match_error))
        r = _finite_1d("response", np.atleast_1d(response))
        if len(e) != len(r):
            raise ValueError(f"match_error has {len(e)} items and response {len(r)}; give one of each per item")
        if np.any(e <= 0):
            raise ValueError("match_error must be > 0 (a mean squared error per pixel)")
        z_e = (np.log(e) - self.log_error_mean) / self.log_error_sd
        z_r = (self.response_mean - r) / self.response_sd
        return z_e, z_r

    def score(self, match_error, response) -> np.ndarray:
        """Combined novelty scores, shape (n,) (module docstring)."""
        z_e, z_r = self.parts(match_error, response)
        return self.match_weight * z_e + (1.0 - self.match_weight) * z_r

    def is_new(self, match_error, response) -> np.ndarray:
        """Boolean (n,): the gate says "new concept"."""
        return self.score(match_error, response) > self.threshold

    def to_dict(self) -> dict:
        return {k: (float(v) if k != "n_calibration" else int(v)) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict) -> "NoveltyGate":
        return cls(**{k: (int(v) if k == "n_calibration" else float(v)) for k, v in d.items()})


def fit_gate(match_error, response, *, match_weight: float = DEFAULT_MATCH_WEIGHT,
             quantile: float = DEFAULT_QUANTILE) -> NoveltyGate:
    """Calibrate a :class:`NoveltyGate` on known, never-fitted items.

    Parameters
    ----------
    match_error : array-like (n,)
        Decoder match errors of the calibration items (MSE per pixel, > 0).
    response : array-like (n,)
        Their network responses, spikes.
    match_weight : float
        ``w`` in [0, 1].
    quantile : float
        Threshold quantile of the calibration scores, [0.5, 1].

    Raises
    ------
    ValueError
        Fewer than two items, mismatched lengths, non-finite or non-positive errors, or an option out of range.
    """
    e = _finite_1d("match_error", match_error)
    r = _finite_1d("response", response)
    if len(e) != len(r):
        raise ValueError(f"match_error has {len(e)} items and response {len(r)}; give one of each per item")
    if len(e) < 2:
        raise ValueError(f"the novelty gate needs at least 2 calibration items; got {len(e)}")
    if np.any(e <= 0):
        raise ValueError("match_error must be > 0 (a mean squared error per pixel)")
    if not 0.5 <= float(quantile) <= 1.0:
        raise ValueError(f"quantile={quantile!r} is out of range; allowed [0.5, 1]")
    le = np.log(e)
    draft = NoveltyGate(log_error_mean=float(le.mean()), log_error_sd=float(max(le.std(ddof=1), _SD_FLOOR)),
                        response_mean=float(r.mean()), response_sd=float(max(r.std(ddof=1), _SD_FLOOR)),
                        match_weight=float(match_weight), threshold=0.0, quantile=float(quantile),
                        n_calibration=int(len(e)))
    thr = float(np.quantile(draft.score(e, r), quantile))
    return NoveltyGate(**{**asdict(draft), "threshold": thr})


def auc(is_positive, scores) -> float | None:
    """Area under the ROC curve of ``scores`` for ``is_positive`` (sklearn's ``roc_auc_score``).

    Returns None when only one class is present (the AUC is undefined).

    Raises
    ------
    ValueError
        Mismatched lengths or non-finite scores.
    """
    from sklearn.metrics import roc_auc_score

    y = np.asarray(is_positive, dtype=bool).ravel()
    s = _finite_1d("scores", np.asarray(scores, dtype=np.float64).ravel())
    if len(y) != len(s):
        raise ValueError(f"is_positive has {len(y)} items and scores {len(s)}; give one score per item")
    if y.all() or not y.any():
        return None
    return float(roc_auc_score(y, s))


def engram_response(counts, engrams) -> tuple[np.ndarray, np.ndarray]:
    """The concept whose engram fired most for each cue, and that engram's spike count.

    Parameters
    ----------
    counts : ndarray (n_cues, n_neurons)
        Concept-layer spike counts, one row per cue alone.
    engrams : sequence of sequences of int
        Engram neurons of each concept (in concept order).

    Returns
    -------
    (answer (n_cues,) int, response (n_cues,) float)
        Index of the concept with the largest engram spike sum (ties: the
        first; -1 when no engram neuron fired) and that sum (the network
        response of the module docstring).
    """
    c = np.atleast_2d(np.asarray(counts, dtype=np.float64))
    if not len(engrams):
        return np.full(len(c), -1), np.zeros(len(c))
    sums = np.stack([c[:, np.asarray(list(e), dtype=np.int64)].sum(axis=1) for e in engrams], axis=1)
    best = np.argmax(sums, axis=1)
    resp = sums[np.arange(len(c)), best]
    return np.where(resp > 0, best, -1), resp
