"""Summary over seeds of the tidy rows: mean and 95 % t-interval per measurement, capacity, bits per parameter.

Keys: ``<experiment>/<condition>/<binder>/k=<K>/[<phase>/]<metric>`` (``phase``
for ``cost`` only), ``capacity/synthetic/<binder>/n_units=<N>/n_concepts=<n>/<metric>``
for every tested set and ``capacity/synthetic/<binder>/n_units=<N>/<metric>`` for
the bisection's result per seed (``capacity``, ``bits_per_parameter``,
``n_plastic``, ``capacity_is_lower_bound``, ``at_declared_limit``, ...: see
:mod:`neuromem.experiments.compare_binding.capacity`); each with
``<key>_ci95`` (:func:`neuromem.analysis.statistics.t_ci95`).
"""

from __future__ import annotations

import numpy as np

from neuromem.analysis.statistics import t_ci95

__all__ = ["LOOKUP", "PER_SEED", "added_over_lookup_rows", "per_seed", "summarise"]

#: The reference a binder is credited over: what the encoder alone gives.
LOOKUP = "no_binder_lookup"
_NOT_BINDERS = ("no_binder_lookup", "nearest_prototype_reference", "chance")



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


#: Key of ``metrics.json`` holding the per-seed values of the judged measurements (see :func:`per_seed`).
PER_SEED = "_per_seed"


def _key(r: dict) -> str:
    """The ``metrics.json`` key of one tidy row (see the module docstring)."""
    if r["experiment"] == "capacity" and r["phase"] == "bisection":
        key = f"capacity/{r['condition']}/{r['binder']}/n_units={r['n_units']}"
    elif r["experiment"] == "capacity":
        key = f"capacity/{r['condition']}/{r['binder']}/n_units={r['n_units']}/n_concepts={r['n_concepts']}"
    else:
        key = f"{r['experiment']}/{r['condition']}/{r['binder']}/k={r['k']}"
    if r["experiment"] == "cost":
        key += f"/{r['phase']}"
    return f"{key}/{r['metric']}"


def _judged(r: dict) -> bool:
    """Whether a row is one of the summary table's judged measurements (recall, interference, capacity)."""
    if r["experiment"] in ("shots", "interference"):
        return True
    return r["experiment"] == "capacity" and r["phase"] == "bisection" and r["metric"] in (
        "capacity", "bits_per_parameter")


def per_seed(rows) -> dict:
    """``{key: {seed: value}}`` of the judged measurements, for paired verdicts over seeds.

    Every binder of a comparison sees the same presentations and cues on one
    seed, so two binders are compared by the per-seed difference
    (:func:`neuromem.experiments.compare_binding.table.paired_verdict`), not by
    whether their intervals overlap. Keys as in :func:`summarise` (recall,
    added over lookup, interference, capacity and bits per parameter); seeds
    as strings (JSON keys); non-finite values left out.
    """
    out: dict = {}
    for r in rows:
        if _judged(r) and _is_number(r["value"]) and np.isfinite(float(r["value"])):
            out.setdefault(_key(r), {})[str(int(r["seed"]))] = float(r["value"])
    return out


def summarise(rows) -> dict:
    """Mean and ``_ci95`` over seeds of every numeric measurement in ``rows`` (see the module docstring)."""
    groups: dict = {}
    for r in rows:
        if _is_number(r["value"]):
            groups.setdefault(_key(r), []).append(float(r["value"]))
    out = {}
    for k, v in sorted(groups.items()):
        arr = np.asarray(v)
        out[k] = float(np.nanmean(arr)) if np.isfinite(arr).any() else float("nan")
        out[f"{k}_ci95"] = t_ci95(arr)
    return out
