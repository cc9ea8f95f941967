"""Markdown tables of saved concept-cells metrics (the docs page is generated from these, never typed)."""

from __future__ import annotations

import math

from neuromem.experiments.concept_cells.targets import check_targets

__all__ = ["markdown_tables", "tradeoff_table"]

BINS = ("1", "2", "3", "4", "5", "6+")


def _f(x, digits=3, pct=False) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    return f"{100 * x:.2f} %" if pct else (f"{x:.{digits}f}" if isinstance(x, float) else str(x))


def _ci(m, key, digits=3, pct=False) -> str:
    v, c = m.get(key), m.get(f"{key}_ci95")
    if v is None:
        return "-"
    if c is None or (isinstance(c, float) and not math.isfinite(c)):
        return _f(v, digits, pct)
    return f"{_f(v, digits, pct)} ± {_f(c, digits, pct)}"


def _met(t) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[t["met"]]


def _below_half(seed: dict) -> bool:
    return bool(seed.get("capacity", {}).get("spiking", {}).get("capacity_below_half_n"))


def markdown_tables(metrics: dict, tradeoff: dict | None = None) -> str:
    """The histogram, the targets, per-seed values, capacity and the trade-off as Markdown."""
    seeds = metrics["seeds"]
    out = [f"Preset `{metrics['preset']}`, {metrics['n_concepts']} concepts, N = {metrics['n_neurons']}, "
           f"seeds {', '.join(map(str, seeds))} (means ± 95 % t-interval half-widths over seeds).", "",
           "| concepts per responsive neuron | " + " | ".join(BINS) + " |", "|---|" + "---|" * len(BINS),
           "| human (De Falco et al. 2016) | " + " | ".join(f"{v:.3f}" for v in
                                                      metrics["human_concepts_per_neuron_histogram"]) + " |",
           f"| model, pooled ({sum(metrics['concepts_per_neuron_counts'])} neurons) | "
           + " | ".join(f"{v:.3f}" for v in metrics["concepts_per_neuron_histogram"]) + " |", ""]
    t = metrics.get("targets") or check_targets(metrics)
    rows = [("pooled histogram: TV to human (<= 0.10)", _f(metrics["concepts_per_neuron_tv_to_human"]),
             _met(t["histogram_tv"])),
            ("population sparseness at N (0.1-3 %; set by the k-WTA)", _ci(metrics, "population_sparseness", pct=True),
             _met(t["population_sparseness"])),
            ("population sparseness at 2N", _ci(metrics, "population_sparseness_at_2n", pct=True), ""),
            ("ratio 2N / N (within ±20 % on every seed; set by the k-WTA)", _ci(metrics, "sparseness_ratio_2n_to_n"),
             _met(t["sparseness_at_2n"])),
            ("related co-response ratio (> 1 on every seed)", _ci(metrics, "related_coresponse_ratio", 2),
             _met(t["related_coresponse"]))]
    if "capacity_concepts" in metrics:
        below = [s for s in seeds if _below_half(metrics[f"seed_{s}"])]
        value = (f"< {metrics['capacity_n_neurons'] // 2} (N/2) on seeds {', '.join(map(str, below))}" if below
                 else _ci(metrics, "capacity_concepts", 1))
        rows.append((f"capacity at N = {metrics['capacity_n_neurons']} (> N on every seed)", value,
                     _met(t["capacity_beyond_n"])))
    out += ["| target | value | |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows] + [""]
    keys = [("TV to human (this seed)", "concepts_per_neuron_tv_to_human", 3, False),
            ("sparseness at N", "population_sparseness", 3, True),
            ("sparseness at 2N", "population_sparseness_at_2n", 3, True),
            ("related co-response ratio", "related_coresponse_ratio", 2, False),
            ("neurons per concept", "neurons_per_concept_mean", 1, False),
            ("responsive neurons", "n_responsive_neurons", 0, False),
            ("invariance (picture vs name)", "invariance_index", 3, False),
            ("picture -> name recall@1", "picture_to_name_recall_at_1", 3, False),
            ("nearest-prototype reference", "nearest_prototype_reference_recall_at_1", 3, False),
            ("no-binder lookup", "no_binder_lookup_recall_at_1", 3, False),
            ("capacity, spiking", "capacity_concepts", 0, False),
            ("capacity, hopfield", "capacity_concepts_hopfield", 0, False),
            ("capacity, softmax", "capacity_concepts_softmax", 0, False),
            ("capacity sets: reference's lowest recall", "capacity_reference_min_recall", 3, False)]
    keys = [k for k in keys if k[1] in metrics]
    out += ["| per seed | " + " | ".join(str(s) for s in seeds) + " | mean ± CI |",
            "|---|" + "---|" * (len(seeds) + 1)]
    for label, key, d, pct in keys:
        vals = [metrics[f"seed_{s}"].get(key) for s in seeds]
        mean_key = "concepts_per_neuron_tv_to_human_seed_mean" if key == "concepts_per_neuron_tv_to_human" else key
        cells = [_f(float(v) if d else v, d, pct) if v is not None else "-" for v in vals]
        mean = _ci(metrics, mean_key, max(d, 1), pct)
        if key == "capacity_concepts":  # below the bracket: N/2 - 1 is an upper bound; show the recall at N/2
            half = metrics["capacity_n_neurons"] // 2
            low = [_below_half(metrics[f"seed_{s}"]) for s in seeds]
            cells = [f"< {half} (recall {metrics[f'seed_{s}']['capacity']['spiking']['recall_by_n'][str(half)]:.2f})"
                     if b else c for s, b, c in zip(seeds, low, cells)]
            mean = f"< {half}" if all(low) else mean
        out.append(f"| {label} | " + " | ".join(cells) + f" | {mean} |")
    out.append("")
    if tradeoff:
        out.append(tradeoff_table(tradeoff, metrics.get("capacity_n_neurons")))
    return "\n".join(out).rstrip() + "\n"


def tradeoff_table(tradeoff: dict, n_capacity: int | None = None) -> str:
    """The trade-off rows (means ± 95 % CI over the sweep's seeds) and the best reachable point.

    ``n_capacity``: the capacity condition's N (a capacity below N/2 is shown as ``< N/2``).
    """
    out = ["| active fraction | neurons per concept | invariance | multi-concept fraction | recall@1 | "
           "TV (pooled) | sparseness (set by the k-WTA) | related ratio | capacity (N = 200) |", "|---|" + "---|" * 8]
    for r in tradeoff["rows"]:
        below = n_capacity and "capacity_concepts" in r and all(_below_half(r[f"seed_{s}"]) for s in r["seeds"])
        cap = f"< {n_capacity // 2}" if below else _ci(r, "capacity_concepts", 1)
        out.append(f"| {100 * r['active_fraction']:.1f} % | {_ci(r, 'neurons_per_concept_mean', 1)} | "
                   f"{_ci(r, 'invariance_index')} | {_ci(r, 'multi_concept_fraction')} | "
                   f"{_ci(r, 'picture_to_name_recall_at_1')} | {_f(r['concepts_per_neuron_tv_to_human'])} | "
                   f"{_ci(r, 'population_sparseness', pct=True)} | {_ci(r, 'related_coresponse_ratio', 2)} | "
                   f"{cap} |")
    best = tradeoff.get("best") or {}
    if best:
        out += ["", f"Best reachable point (most targets met among those measured at every point; ties: lower "
                    f"pooled TV, then higher recall): active fraction {100 * best['active_fraction']:.1f} %, meeting "
                    f"{', '.join(best['targets_met']) or 'none'}; missing {', '.join(best['targets_missed']) or 'none'}."]
    return "\n".join(out) + "\n"
