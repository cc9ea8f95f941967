"""The issue's targets for the many-concept condition, checked against the metrics, and the best trade-off point.

=====================================  ==========================================================
target                                 met when
=====================================  ==========================================================
``histogram_tv``                       the pooled histogram's TV to the human one is <= 0.10
``population_sparseness``              the seed-mean sparseness lies in [0.1 %, 3 %]
``sparseness_at_2n``                   every seed's sparseness at 2N is within +-20 % of its value at N
``related_coresponse``                 every seed's related co-response ratio is > 1
``capacity_beyond_n``                  every seed's capacity is > N (the goal: 2N)
=====================================  ==========================================================
"""

from __future__ import annotations

import math

__all__ = ["TARGETS", "best_point", "check_targets"]

TARGETS = {"histogram_tv": 0.10, "population_sparseness": (0.001, 0.03), "sparseness_at_2n": 0.20,
           "related_coresponse": 1.0, "capacity_beyond_n": 1.0}


def _seeds(metrics: dict) -> list[dict]:
    return [metrics[f"seed_{s}"] for s in metrics.get("seeds", []) if f"seed_{s}" in metrics]


def _finite(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def check_targets(metrics: dict, n_neurons_capacity: int | None = None) -> dict:
    """``{target: {"value": ..., "met": bool or None}}`` (None: not measured)."""
    seeds = _seeds(metrics)
    out = {}
    tv = metrics.get("concepts_per_neuron_tv_to_human")
    out["histogram_tv"] = {"value": tv, "met": bool(_finite(tv) and tv <= TARGETS["histogram_tv"])}
    sp = metrics.get("population_sparseness")
    lo, hi = TARGETS["population_sparseness"]
    out["population_sparseness"] = {"value": sp, "met": bool(_finite(sp) and lo <= sp <= hi)}
    ratios = [r.get("sparseness_ratio_2n_to_n") for r in seeds]
    out["sparseness_at_2n"] = ({"value": ratios, "met": all(_finite(x) and abs(x - 1) <= TARGETS["sparseness_at_2n"]
                                                           for x in ratios)}
                               if ratios and all(x is not None for x in ratios) else {"value": None, "met": None})
    rel = [r.get("related_coresponse_ratio") for r in seeds]
    out["related_coresponse"] = {"value": rel, "met": bool(rel) and all(_finite(x) and x > 1 for x in rel)}
    n = n_neurons_capacity or metrics.get("capacity_n_neurons")
    caps = [r.get("capacity_concepts") for r in seeds]
    if n and caps and all(c is not None for c in caps):
        out["capacity_beyond_n"] = {"value": caps, "met": all(c > n for c in caps)}
    else:
        out["capacity_beyond_n"] = {"value": None, "met": None}
    return out


def best_point(tradeoff: dict, n_neurons_capacity: int | None = None) -> dict:
    """The trade-off row meeting the most targets (ties: the lower pooled TV, then the higher recall).

    Only targets measured in every row count (a target measured at one point only cannot favour it).

    Returns
    -------
    dict
        ``active_fraction``, ``targets_met`` (names), ``targets_missed`` (names), ``targets_compared`` (names).
    """
    checks = [check_targets(row, n_neurons_capacity) for row in tradeoff["rows"]]
    if not checks:
        return {}
    compared = [k for k in checks[0] if all(c[k]["met"] is not None for c in checks)]
    best, key = None, None
    for row, t in zip(tradeoff["rows"], checks):
        met = [k for k in compared if t[k]["met"]]
        tv, rec = row.get("concepts_per_neuron_tv_to_human"), row.get("picture_to_name_recall_at_1")
        k = (len(met), -tv if _finite(tv) else -1.0, rec if _finite(rec) else -1.0)
        if key is None or k > key:
            key = k
            best = {"active_fraction": row["active_fraction"], "targets_met": met,
                    "targets_missed": [k2 for k2 in compared if not t[k2]["met"]], "targets_compared": compared}
    return best
