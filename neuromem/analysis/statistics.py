"""Statistics over seeds and trials: t-intervals, chance intervals, seed summaries.

Conventions (every reported number): seeds 0-2 are tuning seeds, 3-7 report
seeds; a 95 % confidence interval is the t-interval over seeds, stored as its
half-width under ``<metric>_ci95`` beside ``<metric>``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

__all__ = ["TUNING_SEEDS", "REPORT_SEEDS", "ONE_SEED", "t_ci95", "spread_label", "mean_ci_text", "summarise_seeds",
           "chance_interval"]

#: Seeds on which parameters may be chosen.
TUNING_SEEDS = (0, 1, 2)
#: Seeds of every reported number (README tables, figures, checks); never used for tuning.
REPORT_SEEDS = (3, 4, 5, 6, 7)
#: Said (in a heading, an axis label, a warning) instead of an interval wherever one seed was run.
ONE_SEED = "one seed: no confidence interval"


def spread_label(n_seeds: int) -> str:
    """What a reported ``mean ± interval`` is: ``mean ± 95 % CI over 3 seeds``, or :data:`ONE_SEED`.

    ``n_seeds`` 0 (not recorded, an older results folder) gives ``mean ± 95 % CI over seeds``.
    """
    if n_seeds == 1:
        return ONE_SEED
    return f"mean ± 95 % CI over {n_seeds} seeds" if n_seeds else "mean ± 95 % CI over seeds"


def t_ci95(values) -> float:
    """Half-width of the 95 % t-interval of the mean: ``t_{0.975, n-1} s / sqrt(n)``.

    Parameters
    ----------
    values : array-like (n,)
        One value per seed; NaNs are ignored.

    Returns
    -------
    float
        The half-width; NaN with fewer than two finite values.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    if len(v) < 2:
        return float("nan")
    return float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v)))


def mean_ci_text(mean, ci, fmt: str = ".3f", sep: str = " ± ", ci_fmt: str | None = None) -> str:
    """``"0.512 ± 0.034"``, or the mean alone when ``ci`` is missing or not finite (one seed: no interval).

    ``fmt`` formats the mean, ``ci_fmt`` (default ``fmt``) the half-width.
    """
    text = format(float(mean), fmt)
    if ci is None or not np.isfinite(ci):
        return text
    return f"{text}{sep}{format(float(ci), ci_fmt or fmt)}"


def _is_number(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, bool)


def summarise_seeds(per_seed: list[dict], *, keep=()) -> dict:
    """Mean over seeds of every numeric entry, with ``<key>_ci95`` beside it.

    None (a value undefined on a seed) is left out of the mean; a key
    None on every seed is dropped. Nested dicts are summarised recursively; lists of numbers of equal length
    element-wise (the ``_ci95`` entry is then a list too). Other entries are
    kept from the first seed when their key is in ``keep``, dropped otherwise.

    Parameters
    ----------
    per_seed : list of dict
        One metrics dict per seed (same keys).
    keep : sequence of str
        Non-numeric keys copied from the first seed.

    Raises
    ------
    ValueError
        If ``per_seed`` is empty.
    """
    if not per_seed:
        raise ValueError("per_seed is empty: give at least one seed's metrics")
    out = {}
    for key, first in per_seed[0].items():
        vals = [d.get(key) for d in per_seed]
        if any(_is_number(v) for v in vals) and all(_is_number(v) or v is None for v in vals):
            arr = np.array([np.nan if v is None else v for v in vals], dtype=np.float64)
            out[key] = float(np.nanmean(arr)) if np.isfinite(arr).any() else float("nan")
            out[f"{key}_ci95"] = t_ci95(arr)
        elif isinstance(first, dict) and all(isinstance(v, dict) for v in vals):
            out[key] = summarise_seeds(vals, keep=keep)
        elif isinstance(first, list) and first and all(isinstance(v, list) and len(v) == len(first) for v in vals) \
                and all(_is_number(x) or x is None for v in vals for x in v):
            arr = np.array([[np.nan if x is None else x for x in v] for v in vals], dtype=np.float64)
            with np.errstate(all="ignore"):
                out[key] = [float(np.nanmean(c)) if np.isfinite(c).any() else float("nan") for c in arr.T]
            out[f"{key}_ci95"] = [t_ci95(c) for c in arr.T]
        elif key in keep:
            out[key] = first
    return out


def chance_interval(n_trials: int, p_chance: float, level: float = 0.95) -> tuple[float, float]:
    """Central binomial interval of the accuracy a chance-level guesser reaches on ``n_trials`` trials.

    ``[F^-1((1 - level) / 2), F^-1((1 + level) / 2)] / n_trials`` with ``F`` the
    Binomial(``n_trials``, ``p_chance``) distribution function.

    Raises
    ------
    ValueError
        If ``n_trials < 1`` or ``p_chance`` or ``level`` lie outside (0, 1).
    """
    if isinstance(n_trials, bool) or not isinstance(n_trials, (int, np.integer)) or n_trials < 1:
        raise ValueError(f"n_trials={n_trials!r} must be an int >= 1")
    for name, v in (("p_chance", p_chance), ("level", level)):
        if not 0 < v < 1:
            raise ValueError(f"{name}={v!r} must lie in (0, 1)")
    lo = stats.binom.ppf((1 - level) / 2, n_trials, p_chance) / n_trials
    hi = stats.binom.ppf((1 + level) / 2, n_trials, p_chance) / n_trials
    return float(lo), float(hi)
