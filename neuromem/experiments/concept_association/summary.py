"""Seed means with 95 % intervals, pooled histograms, and the issue's targets."""

from __future__ import annotations

import numpy as np

from neuromem.analysis import t_ci95
from neuromem.analysis.association import gastaldi_band
from neuromem.experiments.concept_association.measures import PER_COUNT_KEYS

__all__ = ["TARGETS", "check_targets", "summarise"]

#: (name, what, threshold): the targets on the report seeds.
TARGETS = (
    ("paired_response_fraction_5", "paired_response_fraction[5] >= 0.30", 0.30),
    ("paired_minus_control_2", "paired_response_fraction[2] - control_response_fraction[2] >= 0.10, CI above 0",
     0.10),
    ("control_response_fraction_10", "control_response_fraction[10] <= 0.05", 0.05),
    ("own_response_retained_10", "own_response_retained[10] >= 0.90", 0.90),
)


def _mean_ci(rows) -> tuple[list, list]:
    a = np.asarray(rows, dtype=np.float64)  # (n_seeds, n_counts)
    means = [float(np.nanmean(c)) if np.isfinite(c).any() else float("nan") for c in a.T]
    return means, [t_ci95(c) for c in a.T]


def summarise(per_seed: list[dict], seeds) -> dict:
    """Per pairing count the mean over seeds (``<key>``) and its 95 % t-interval half-width (``<key>_ci95``)."""
    out = {}
    for k in PER_COUNT_KEYS:
        out[k], out[f"{k}_ci95"] = _mean_ci([r[k] for r in per_seed])
    diff = np.asarray([r["paired_response_fraction"] for r in per_seed]) - \
        np.asarray([r["control_response_fraction"] for r in per_seed])
    out["paired_minus_control"], out["paired_minus_control_ci95"] = _mean_ci(diff)
    for when in ("before", "after"):
        counts = np.sum([r[f"concepts_per_neuron_counts_{when}"] for r in per_seed], axis=0)
        out[f"concepts_per_neuron_counts_{when}"] = counts.astype(int).tolist()
        out[f"concepts_per_neuron_histogram_{when}"] = (counts / counts.sum()).tolist() if counts.sum() else None
    gammas = [r["gamma"] for r in per_seed]
    out["gamma"], out["gamma_ci95"] = float(np.mean(gammas)), t_ci95(gammas)
    n = per_seed[0]["n_neurons"]
    out["shared_fraction_band"] = gastaldi_band(out["gamma"], n) if 0 < out["gamma"] < 1 else None
    for k in ("cued_recall_a_to_b_no_binder_lookup", "cued_recall_a_to_b_nearest_prototype_reference",
              "neurons_per_concept_before"):
        v = [r[k] for r in per_seed]
        out[k], out[f"{k}_ci95"] = float(np.mean(v)), t_ci95(v)
    out["raster"] = next((r["raster"] for r in per_seed if r["raster"]), None)
    for s, r in zip(seeds, per_seed):
        out[f"seed_{s}"] = {k: v for k, v in r.items() if k != "raster"}
    return out


def check_targets(m: dict) -> dict:
    """Each target: its value (and CI), whether it is met (None when the run has too few pairings)."""
    def at(key, n, ci=False):
        v = m[f"{key}_ci95" if ci else key]
        return v[n] if len(v) > n else None

    out = {}
    for name, what, thr in TARGETS:
        if name == "paired_response_fraction_5":
            v = at("paired_response_fraction", 5)
            met = None if v is None else bool(v >= thr)
            out[name] = {"target": what, "value": v, "met": met}
        elif name == "paired_minus_control_2":
            v, ci = at("paired_minus_control", 2), at("paired_minus_control", 2, ci=True)
            met = None if v is None else bool(v >= thr and np.isfinite(ci) and v - ci > 0)
            out[name] = {"target": what, "value": v, "ci95": ci, "met": met}
        elif name == "control_response_fraction_10":
            v = at("control_response_fraction", 10)
            out[name] = {"target": what, "value": v, "met": None if v is None else bool(v <= thr)}
        else:
            v = at("own_response_retained", 10)
            out[name] = {"target": what, "value": v, "met": None if v is None else bool(v >= thr)}
    return out
