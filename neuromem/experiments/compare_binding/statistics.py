"""Summary over seeds of the tidy rows: mean and 95 % t-interval per measurement, capacity, bits per parameter.

Keys: ``<experiment>/<condition>/<binder>/k=<K>/[<phase>/]<metric>`` (``phase``
for ``cost`` only) and ``capacity/synthetic/<binder>/n_units=<N>/n_concepts=<n>/<metric>``;
each with ``<key>_ci95`` (:func:`neuromem.analysis.statistics.t_ci95`). Per
binder and size, ``capacity/synthetic/<binder>/n_units=<N>/capacity`` is the
largest tested number of concepts with recall@1 >= :data:`CAPACITY_RECALL`
(0 if none), ``bits_per_parameter`` = ``n log2 n`` / plastic parameters for
that number ``n``, and ``n_plastic`` the plastic parameter count.
"""

from __future__ import annotations

import math

import numpy as np

from neuromem.analysis.statistics import t_ci95

__all__ = ["CAPACITY_RECALL", "LOOKUP", "added_over_lookup_rows", "capacity_per_seed", "bits_per_parameter",
           "summarise"]

#: The reference a binder is credited over: what the encoder alone gives.
LOOKUP = "no_binder_lookup"
_NOT_BINDERS = ("no_binder_lookup", "nearest_prototype_reference", "chance")

#: Recall@1 a stored set must reach to count towards capacity.
CAPACITY_RECALL = 0.9


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def added_over_lookup_rows(rows) -> list[dict]:
    """``<cue>_to_<target>_added_over_lookup`` rows: a binder's recall@1 minus the no-binder lookup's.

    Paired per cell (the same dataset, condition, K, seed and direction: the
    same presentations and cues); a binder is credited only with this
    difference. Rows without their lookup (a cell whose references were not
    run) get none.
    """
    lookup = {(r["dataset"], r["condition"], r["k"], r["seed"], r["metric"]): r["value"] for r in rows
              if r["experiment"] == "shots" and r["binder"] == LOOKUP}
    out = []
    for r in rows:
        if r["experiment"] != "shots" or r["binder"] in _NOT_BINDERS or not r["metric"].endswith("_recall_at_1"):
            continue
        ref = lookup.get((r["dataset"], r["condition"], r["k"], r["seed"], r["metric"]))
        if ref is None or not _is_number(r["value"]):
            continue
        out.append({**r, "metric": r["metric"].replace("_recall_at_1", "_added_over_lookup"),
                    "value": float(r["value"]) - float(ref)})
    return out


def capacity_per_seed(rows) -> dict:
    """``{(binder, n_units): [capacity of each seed]}`` from the capacity rows."""
    cap: dict = {}
    for r in rows:
        if r["experiment"] == "capacity" and r["metric"] == "picture_to_name_recall_at_1":
            cap.setdefault((r["binder"], r["n_units"], r["seed"]), []).append((r["n_concepts"], r["value"]))
    out: dict = {}
    for (b, N, _), pts in cap.items():
        ok = [n for n, v in pts if v >= CAPACITY_RECALL]
        out.setdefault((b, N), []).append(max(ok) if ok else 0)
    return out


def bits_per_parameter(capacity: float, n_plastic: float) -> float:
    """``n log2 n / n_plastic`` for a capacity ``n`` (0 for ``n <= 1``)."""
    return capacity * math.log2(capacity) / n_plastic if capacity > 1 else 0.0


def summarise(rows) -> dict:
    """Mean and ``_ci95`` over seeds of every numeric measurement in ``rows`` (see the module docstring)."""
    groups: dict = {}
    for r in rows:
        if not _is_number(r["value"]):
            continue
        if r["experiment"] == "capacity":
            key = f"capacity/{r['condition']}/{r['binder']}/n_units={r['n_units']}/n_concepts={r['n_concepts']}"
        else:
            key = f"{r['experiment']}/{r['condition']}/{r['binder']}/k={r['k']}"
        if r["experiment"] == "cost":
            key += f"/{r['phase']}"
        groups.setdefault(f"{key}/{r['metric']}", []).append(float(r["value"]))
    out = {}
    for k, v in sorted(groups.items()):
        arr = np.asarray(v)
        out[k] = float(np.nanmean(arr)) if np.isfinite(arr).any() else float("nan")
        out[f"{k}_ci95"] = t_ci95(arr)
    plastic = {(r["binder"], r["n_units"]): r["value"] for r in rows
               if r["experiment"] == "capacity" and r["metric"] == "n_plastic"}
    for (b, N), cs in capacity_per_seed(rows).items():
        key = f"capacity/synthetic/{b}/n_units={N}"
        out[f"{key}/capacity"] = float(np.mean(cs))
        out[f"{key}/capacity_ci95"] = t_ci95(cs)
        bits = [bits_per_parameter(c, plastic[(b, N)]) for c in cs]
        out[f"{key}/bits_per_parameter"] = float(np.mean(bits))
        out[f"{key}/bits_per_parameter_ci95"] = t_ci95(bits)
        out[f"{key}/n_plastic"] = float(plastic[(b, N)])
    return out
