"""Figures built from saved results (never from live engine objects)."""


def bounded_yerr(y, ci, lo=0.0, hi=1.0):
    """Asymmetric error-bar lengths ``(2, n)`` of ``y ± ci`` cut at the metric's range ``[lo, hi]``.

    A t-interval over few seeds can reach past a bounded metric (a recall
    below 0, a fraction above 1); the bars then stop at the bound instead of
    drawing values the metric cannot take. ``nan`` half-widths draw no bar.
    """
    import numpy as np

    y = np.asarray(y, dtype=float)
    ci = np.nan_to_num(np.asarray(ci, dtype=float))
    lower = np.clip(np.minimum(ci, y - lo), 0.0, None) if lo is not None else ci
    upper = np.clip(np.minimum(ci, hi - y), 0.0, None) if hi is not None else ci
    return np.nan_to_num(np.vstack([lower, upper]))
