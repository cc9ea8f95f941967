"""Capacity by integer bisection: the largest number of stored concepts that still recall well.

One function for every learner (the spiking concept layer and every binder),
so capacities are found the same way everywhere. Recall is assumed to fall
as more concepts are stored (the search is a bisection); each tested size is
recorded, so a non-monotone curve shows in :attr:`CapacityResult.scores`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from neuromem._checks import is_int

__all__ = ["CapacityResult", "bisect_capacity"]


@dataclass(frozen=True)
class CapacityResult:
    """Outcome of :func:`bisect_capacity`.

    Parameters
    ----------
    capacity : int
        Largest tested number of concepts whose score reached the threshold;
        ``lo - 1`` when even ``lo`` failed.
    is_lower_bound : bool
        The largest size searched (``hi``) still passed: the true capacity may be larger.
    is_upper_bound : bool
        The smallest size searched (``lo``) already failed: the capacity is below ``lo``.
    scores : dict of int -> float
        Every tested size and its score, in test order.
    """

    capacity: int
    is_lower_bound: bool
    is_upper_bound: bool
    scores: dict = field(default_factory=dict)


def bisect_capacity(score, lo: int, hi: int, *, threshold: float = 0.9, gallop: bool = False) -> CapacityResult:
    """Largest ``n`` in ``[lo, hi]`` with ``score(n) >= threshold``, by integer bisection.

    Parameters
    ----------
    score : callable int -> float
        Recall (or any score) after storing ``n`` concepts; assumed non-increasing in ``n``.
    lo, hi : int
        Search range, ``1 <= lo <= hi``.
    threshold : float
        Score a size must reach.
    gallop : bool
        Bracket first by doubling from ``lo`` (``lo, 2 lo, 4 lo, ...``, then
        ``hi``), and bisect inside the first failing bracket: the same answer
        for a non-increasing score, with the large sizes (the costly ones)
        tested only when the capacity is large.

    Returns
    -------
    CapacityResult
        ``lo - 1`` with ``is_upper_bound`` when ``score(lo)`` fails (then
        ``score`` is called once: ``lo`` is tested first, as the cheapest
        size); ``hi`` with ``is_lower_bound`` when ``score(hi)`` passes. About
        ``log2(hi - lo) + 2`` calls of ``score``.

    Raises
    ------
    ValueError
        For a range that is not ``1 <= lo <= hi`` in ints, or a score that is not a finite number.
    """
    if not (is_int(lo) and is_int(hi)) or not 1 <= lo <= hi:
        raise ValueError(f"the search range must be ints with 1 <= lo <= hi; got lo={lo!r}, hi={hi!r}")
    scores: dict[int, float] = {}

    def passes(n: int) -> bool:
        s = float(score(int(n)))
        if s != s or s in (float("inf"), float("-inf")):
            raise ValueError(f"score({n}) = {s}; it must be a finite number")
        scores[int(n)] = s
        return s >= threshold

    # the cheap end first: a learner's cost grows with n, and a failing lo settles the search alone
    if not passes(lo):
        return CapacityResult(int(lo) - 1, False, True, scores)
    good, bad = int(lo), None
    if gallop:
        while bad is None and 2 * good < hi:
            if passes(2 * good):
                good *= 2
            else:
                bad = 2 * good
    if bad is None:
        if passes(hi):
            return CapacityResult(int(hi), True, False, scores)
        bad = int(hi)
    # invariant: score(good) passes, score(bad) fails
    while bad - good > 1:
        mid = (good + bad) // 2
        if passes(mid):
            good = mid
        else:
            bad = mid
    return CapacityResult(good, False, False, scores)
