"""The verdict of one comparison as Markdown: ``DIR/summary.md``, printed by the command.

Every number comes from ``metrics.json`` (itself the summary of
``results.csv``): the headline table of
:func:`~neuromem.experiments.compare_binding.table.summary_table` (both
directions, the two references, what each binder adds over the no-binder
lookup, retention with and without replay, capacity and bits per parameter,
and which family is better where), then cost (counted operations and their
energy estimate per presentation and per cue), latency to a correct answer
beside the blank-trial false answers, the units on 94 concepts, and the
differences that are set by construction rather than measured. The README's
comparison table is generated from this file's headline table
(``tools/docs_tables.py``, kind ``compare-binding-summary``), between the
markers :data:`TABLE_START` and :data:`TABLE_END`.
"""

from __future__ import annotations

import math

from neuromem.analysis.statistics import spread_label
from neuromem.experiments.compare_binding.capacity import CAPACITY_RECALL
from neuromem.experiments.compare_binding.reference_learners import REFERENCE_LEARNERS
from neuromem.experiments.compare_binding.table import summary_table, verdict_rule

__all__ = ["TABLE_END", "TABLE_START", "headline_table", "summary_markdown"]

TABLE_START = "<!-- headline table -->"
TABLE_END = "<!-- end headline table -->"


def _v(metrics: dict, key: str, digits: int = 2) -> str:
    v = metrics.get(key)
    if not isinstance(v, (int, float)) or math.isnan(v):
        return "-"
    ci = metrics.get(f"{key}_ci95")
    fmt = f"{{:.{digits}f}}" if abs(v) < 1e4 else "{:.3g}"
    txt = fmt.format(v)
    return txt + (f" ± {fmt.format(ci)}" if isinstance(ci, (int, float)) and not math.isnan(ci) else "")


def _cost_lines(m: dict, binders, K) -> list[str]:
    lines = ["## Cost (novel concepts, K = {}); energy: {}".format(K, m.get("_meta", {}).get("energy", "")), "",
             "| binder | learn energy per presentation (pJ, estimate) | of it memory traffic | synaptic events | "
             "neuron updates | MACs | weight updates | memory writes | recall energy per cue (pJ, estimate) |",
             "|---|---|---|---|---|---|---|---|---|"]
    for b in binders:
        k = f"cost/novel/{b}/k={K}"
        if f"{k}/learn/energy_pj_estimate_per_item" not in m:
            continue
        counts = [_v(m, f"{k}/learn/{c}_per_item", 0) for c in ("synaptic_events", "neuron_updates", "macs",
                                                                  "weight_updates", "memory_writes")]
        lines.append(f"| {b} | {_v(m, f'{k}/learn/energy_pj_estimate_per_item', 0)} | "
                     f"{_v(m, f'{k}/learn/memory_energy_pj_estimate_per_item', 0)} | " + " | ".join(counts)
                     + f" | {_v(m, f'{k}/recall/energy_pj_estimate_per_item', 0)} |")
    lines += ["", "Latency (spiking binders): cue onset to the first time the binder's own readout answers "
              "correctly, on one 1 ms grid, median over the cues answered correctly within the stimulus window; "
              "blank trials: background input only, any answer is false.", "",
              "| binder | latency to a correct answer (ms) | answered correctly within the window | "
              "blank trials answered (false) |", "|---|---|---|---|"]
    for b in binders:
        k = f"cost/novel/{b}/k={K}/recall"
        if f"{k}/blank_trial_false_answer_fraction" in m:
            lines.append(f"| {b} | {_v(m, f'{k}/latency_to_correct_answer_ms_median', 1)} | "
                         f"{_v(m, f'{k}/correct_within_window_fraction')} | "
                         f"{_v(m, f'{k}/blank_trial_false_answer_fraction')} |")
    return lines


def _named(b: str) -> str:
    """A binder's name; a reference's with what it is (no network; see
    :mod:`~neuromem.experiments.compare_binding.reference_learners`)."""
    return {"no_binder_lookup": "no_binder_lookup (reference; at chance on synthetic concepts by construction)",
            "nearest_prototype_reference": "nearest_prototype_reference (reference; overwrites nothing)"}.get(b, b)


def _many_lines(m: dict, binders, grid: dict) -> list[str]:
    ik = grid.get("interference_k", 5)
    lines = ["## Interference (two groups of 0.75 N synthetic concepts, learned in turn)", "",
             "| binder | recall of group 1 before | after, no replay | retention | retention with replay "
             "(backprop baseline) | recall of group 2 after |", "|---|---|---|---|---|---|"]
    for b in list(binders) + list(REFERENCE_LEARNERS):
        k = f"interference/synthetic/{b}/k={ik}"
        if m.get(f"{k}/not_representable") == 1.0:
            lines.append(f"| {b} | cannot hold 1.5 N concepts (by construction) | | | | |")
        elif f"{k}/retention" in m:
            lines.append(f"| {_named(b)} | {_v(m, f'{k}/recall_first_group_before')} | {_v(m, f'{k}/recall_first_group_after')}"
                         f" | {_v(m, f'{k}/retention')} | {_v(m, f'{k}/retention_with_replay')} | "
                         f"{_v(m, f'{k}/recall_second_group_after')} |")
    refs = m.get("_meta", {}).get("bits_per_synapse_references", {})
    lines += ["", "## Capacity (integer bisection, 1 to 16 N concepts stored one-shot, recall@1 >= 0.9)", "",
              "Bits per parameter = n log2 n / every stored number; references: Hopfield "
              f"{refs.get('hopfield_0.138', 0.138)}, Willshaw {refs.get('willshaw_ln2', math.log(2)):.3f} bits per synapse.", "",
              "| binder | N | capacity | reached 16 N (lower bound), share of seeds | at its declared limit (by "
              "construction), share of seeds | stored numbers | bits per parameter |", "|---|---|---|---|---|---|---|"]
    for b in list(binders) + list(REFERENCE_LEARNERS):
        for N in grid.get("capacity_sizes", []):
            k = f"capacity/synthetic/{b}/n_units={N}"
            if f"{k}/capacity" in m:
                lines.append(f"| {_named(b)} | {N} | {_v(m, f'{k}/capacity', 1)} | {_v(m, f'{k}/capacity_is_lower_bound')} | "
                             f"{_v(m, f'{k}/at_declared_limit')} | {_v(m, f'{k}/n_plastic', 0)} | "
                             f"{_v(m, f'{k}/bits_per_parameter', 4)} |")
    uk = grid.get("units_k", 3)
    lines += ["", f"## Units on 94 synthetic concepts (K = {uk})", "",
              "| binder | population sparseness | lifetime sparseness | invariance | responsive units answering >= 2 "
              "concepts | total variation from the human histogram | units assigned by label |",
              "|---|---|---|---|---|---|---|"]
    for b in binders:
        k = f"units/synthetic-94/{b}/k={uk}"
        if f"{k}/population_sparseness" in m:
            one, n_resp = m.get(f"{k}/concepts_per_responsive_unit_1"), m.get(f"{k}/n_responsive_units")
            multi = ("-" if not isinstance(one, float) or math.isnan(one) or n_resp == 0.0  # no responsive unit
                     else f"{1 - one:.2f}")
            lines.append(f"| {b} | {_v(m, f'{k}/population_sparseness', 3)} | {_v(m, f'{k}/lifetime_sparseness', 3)}"
                         f" | {_v(m, f'{k}/invariance_index')} | {multi} | "
                         f"{_v(m, f'{k}/human_histogram_total_variation')} | "
                         f"{'yes (supervised)' if m.get(f'{k}/units_assigned_by_label') == 1.0 else 'no'} |")
    return lines


def _construction_lines(m: dict, binders) -> list[str]:
    traits = m.get("_meta", {}).get("binder_traits", {})
    lines = ["## Set by construction, not measured", "",
             "- Fitted concepts: the no-binder lookup (the encoder alone) is shown in every row; a binder is "
             "credited only with what it adds over it (the `added over lookup` rows)."]
    for b in binders:
        t = traits.get(b, {})
        cap = t.get("capacity")
        if cap:
            per = cap.get("concepts_per_unit", 1)
            lines.append(f"- `{b}`: at most {per} x N concepts held ({cap['reason']})" + (
                "; larger sets are refused, not measured" if cap.get("refuses_more") else
                f"; a larger set keeps at most {per} x N of them, so recall >= {CAPACITY_RECALL} allows up to "
                f"{per} x N / {CAPACITY_RECALL} concepts, and once more is presented than it holds (interference "
                f"at K presentations per concept) what it forgets is forced by the limit"))
        if t.get("units_assigned_by_label"):
            lines.append(f"- `{b}`: its units are assigned to concepts by the training label (supervised selectivity)")
    return lines


def headline_table(metrics: dict) -> str:
    """The headline table (:func:`~neuromem.experiments.compare_binding.table.summary_table` at the run's K)."""
    return summary_table(metrics, shots=tuple(metrics.get("_meta", {}).get("grid", {}).get("shots", (1, 5))))


def summary_markdown(metrics: dict) -> str:
    """``summary.md`` of one comparison (see the module docstring)."""
    meta = metrics.get("_meta", {})
    grid = meta.get("grid", {})
    run = meta.get("binders", list(meta.get("binder_traits", {})))
    shots = tuple(grid.get("shots", (1, 5)))
    seeds = meta.get("seeds", [])
    kind = "report seeds" if all(s >= 3 for s in seeds) else "tuning seeds among them"
    lines = [f"# Hebbian vs backprop binding: {meta.get('dataset', '?')}", "",
             f"Seeds {', '.join(map(str, seeds))} ({kind}); "
             f"{spread_label(len(seeds))}; binders {', '.join(run)}; N = {grid.get('n_units')} units. "
             f"{verdict_rule(metrics)}.", "",
             TABLE_START, headline_table(metrics), TABLE_END, ""]
    lines += _cost_lines(metrics, run, max(shots)) + [""] + _many_lines(metrics, run, grid) + [""]
    lines += _construction_lines(metrics, run)
    return "\n".join(lines) + "\n"
