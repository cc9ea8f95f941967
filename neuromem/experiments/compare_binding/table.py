"""The summary table: Hebbian vs backprop binders per headline measurement (markdown).

Columns and verdicts come from what each binder declared
(``metrics["_meta"]["binder_traits"]``): binders are grouped by family
(Hebbian, backprop, other); "better (best of each family)" compares the best
Hebbian with the best backprop binder; one more column compares each binder
with the binder whose units it shares (``same_units_as``, e.g. ``surrogate``
with ``stdp``). A binder of family ``other`` has its column, outside the
family verdict. Every recall and capacity row shows the two references beside the binders
(``no_binder_lookup``: what the encoder alone gives; ``nearest_prototype_reference``:
K-shot, from what was presented), and one row per recall row gives what each
binder adds over the lookup (paired per seed).

A verdict is paired over seeds (:func:`paired_verdict`): on one seed every
binder sees the same presentations and cues, so the two binders' per-seed
difference is tested (95 % t-interval excluding 0). A ``metrics.json``
without per-seed values (written before they were stored) falls back to
"the 95 % CIs do not overlap" (:func:`overlap_verdict`), a more conservative
rule; the table's caption (:data:`PAIRED_RULE`, :data:`OVERLAP_RULE`) says
which was used.
"""

from __future__ import annotations

import math

from neuromem.analysis.statistics import spread_label, t_ci95
from neuromem.binding.traits import FAMILIES
from neuromem.experiments.compare_binding.statistics import PER_SEED

__all__ = ["OVERLAP_RULE", "PAIRED_RULE", "overlap_verdict", "paired_verdict", "recall_lines", "summary_table",
           "verdict_rule"]

#: How "better" is decided when per-seed values are stored.
PAIRED_RULE = ("\"better\": paired over seeds (every binder sees the same presentations and cues on a seed): "
               "the higher of the two where the 95 % t-interval of their per-seed difference excludes 0, "
               "else \"tie\"; one test per row, not corrected for the number of rows (about 1 in 20 ties "
               "would read as a difference by chance), and the best of each family is picked by its mean")
#: How "better" is decided for a ``metrics.json`` without per-seed values.
OVERLAP_RULE = ("\"better\": the higher of the two values where their 95 % CIs do not overlap, else \"tie\" "
                "(no per-seed values stored: not paired)")

_FAMILY_LABEL = {"hebbian": "Hebbian", "backprop": "backprop", "other": "other"}
#: Verdict of a row that is a ratio of two rows shown above it (retention): the ratio is not judged.
RATIO = "not judged (a ratio: see the recalls above)"

#: The reference columns of every recall row.
_REFERENCES = ("no_binder_lookup", "nearest_prototype_reference")


def _rows(metrics: dict, shots) -> list[tuple]:
    meta_grid = metrics.get("_meta", {}).get("grid", {})
    rows = []
    for cond in ("novel", "fitted"):
        for metric, label in (("picture_to_name_recall_at_1", "picture -> name"),
                              ("name_to_picture_recall_at_1", "name -> picture")):
            for K in shots:
                refs = tuple(f"shots/{cond}/{r}/k={K}/{metric}" for r in _REFERENCES)
                rows.append((f"{cond}, {label}, K={K}", f"shots/{cond}/{{b}}/k={K}/{metric}", refs))
                added = metric.replace("_recall_at_1", "_added_over_lookup")
                rows.append((f"{cond}, {label}, K={K}: added over lookup", f"shots/{cond}/{{b}}/k={K}/{added}",
                             None))
    ik = meta_grid.get("interference_k", 5)
    n = meta_grid.get("n_units", 100)
    # retention is a ratio: the recalls it divides are shown first and judged; the ratio itself is not, so a
    # binder that hardly learned a group cannot win by keeping it
    def ref_keys(pattern: str) -> tuple:
        return tuple(pattern.format(b=r) for r in _REFERENCES)

    first, second = (f"interference/synthetic/{{b}}/k={ik}/recall_{g}" for g in ("first_group_before",
                                                                                "second_group_after"))
    rows.append((f"recall of group 1 before group 2 is learned (2 x 0.75 N = {2 * math.ceil(0.75 * n)} synthetic "
                 f"concepts, K={ik})", first, ref_keys(first)))
    rows.append(("recall of group 2 after it is learned", second, ref_keys(second)))
    rows.append((f"retention of group 1 after group 2 (2 x 0.75 N = {2 * math.ceil(0.75 * n)} synthetic concepts, "
                 f"K={ik}), no replay", f"interference/synthetic/{{b}}/k={ik}/retention", None, RATIO))
    rows.append(("the same with replay of group 1 (backprop baseline)",
                 f"interference/synthetic/{{b}}/k={ik}/retention_with_replay", None, RATIO))
    for N in meta_grid.get("capacity_sizes", []):
        cap, bits = (f"capacity/synthetic/{{b}}/n_units={N}/{m}" for m in ("capacity", "bits_per_parameter"))
        rows.append((f"capacity (concepts at recall >= 0.9, bisection 1..16N), N={N}", cap, ref_keys(cap)))
        rows.append((f"bits per parameter at capacity (Hopfield 0.138, Willshaw 0.69), N={N}", bits, ref_keys(bits)))
    return rows


def _fmt(metrics: dict, key):
    """``(text, (value, ci) or None)`` of a metric key (``"-"`` when absent or NaN)."""
    v = metrics.get(key)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-", None
    ci = metrics.get(f"{key}_ci95")
    ci = None if ci is None or math.isnan(ci) else ci
    ci_txt = "" if ci is None else f" ± {ci:.2f}"
    if 0 < abs(v) < 0.01:  # e.g. bits per parameter: two decimals would show 0.00
        ci_txt = "" if ci is None else f" ± {ci:.1e}"
        return f"{v:.1e}{ci_txt}", (v, ci)
    return (f"{v:.2f}{ci_txt}" if abs(v) < 10 else f"{v:.0f}{ci_txt}"), (v, ci)


def overlap_verdict(a, b, names) -> str:
    """Which of two ``(value, ci)`` is higher; "tie" when the 95 % CIs overlap; "-" when one is missing;
    "no CI (one seed)" when an interval is missing (one seed cannot say which is better)."""
    if a is None or b is None:
        return "-"
    if a[1] is None or b[1] is None:
        return "no CI (one seed)"
    if abs(a[0] - b[0]) <= a[1] + b[1]:
        return "tie"
    return names[0] if a[0] > b[0] else names[1]


def paired_verdict(a: dict, b: dict, names) -> str:
    """Which of two measurements is higher, paired over seeds.

    Parameters
    ----------
    a, b : dict
        ``{seed: value}`` of the two binders (one measurement).
    names : (str, str)
        What to call the winner when ``a`` / ``b`` is higher.

    Returns
    -------
    str
        The winner's name where the 95 % t-interval of the mean per-seed
        difference ``a - b`` (over the seeds both have) excludes 0; "tie"
        where it does not (identical values on every seed included);
        "no CI (one seed)" with fewer than two shared seeds.
    """
    seeds = sorted(set(a) & set(b))
    if len(seeds) < 2:
        return "no CI (one seed)"
    diff = [a[s] - b[s] for s in seeds]
    mean = sum(diff) / len(diff)
    if abs(mean) <= t_ci95(diff) or mean == 0:
        return "tie"
    return names[0] if mean > 0 else names[1]


def verdict_rule(metrics: dict) -> str:
    """The caption saying how "better" was decided for ``metrics`` (:data:`PAIRED_RULE` or :data:`OVERLAP_RULE`)."""
    return PAIRED_RULE if PER_SEED in metrics else OVERLAP_RULE


def _verdict(metrics: dict, keys, names) -> str:
    """Paired verdict of two metric keys when per-seed values are stored, else the CI-overlap rule."""
    if PER_SEED in metrics:
        values = [metrics[PER_SEED].get(k) if k else None for k in keys]
        if any(v is None for v in values):
            return "-"
        return paired_verdict(*values, names)
    return overlap_verdict(*(_fmt(metrics, k)[1] if k else None for k in keys), names)


def summary_table(metrics: dict, *, shots=(1, 5)) -> str:
    """Markdown table of the headline measurements (mean +- 95 % CI over seeds), binders grouped by family.

    Higher recall, retention and capacity win; "tie" unless the paired difference over seeds excludes 0
    (see the module docstring and :func:`verdict_rule`).
    """
    meta = metrics.get("_meta", {})
    traits = meta.get("binder_traits", {})
    run = meta.get("binders", list(traits))
    family = {b: traits.get(b, {}).get("family", "other") for b in run}
    binders = [b for f in FAMILIES for b in run if family[b] == f]
    pairs = [(traits[b]["same_units_as"], b) for b in binders
             if traits.get(b, {}).get("same_units_as") in binders]
    head = ("| measurement | " + " | ".join(binders) + " | " + " | ".join(_REFERENCES)
            + " | better (best of each family) |")
    for a, b in pairs:
        head += f" better ({a} vs {b}: same {traits[b]['n_units_counts']}) |"
    lines = [head, "|" + "---|" * (len(binders) + 2 + len(_REFERENCES) + len(pairs))]
    for label, pattern, ref, *judged in _rows(metrics, shots):
        cells, best = [], {}
        for b in binders:
            txt, val = _fmt(metrics, pattern.format(b=b))
            cells.append(txt)
            if val is not None and (best.get(family[b]) is None or val[0] > best[family[b]][0]):
                best[family[b]] = (val[0], pattern.format(b=b))
        refs = " | ".join(_fmt(metrics, r)[0] for r in ref) if ref else " | ".join("-" for _ in _REFERENCES)
        best_keys = [best[f][1] if f in best else None for f in ("hebbian", "backprop")]
        family_verdict = judged[0] if judged else _verdict(metrics, best_keys, ("Hebbian", "backprop"))
        line = f"| {label} | " + " | ".join(cells) + f" | {refs} | {family_verdict} |"
        for a, b in pairs:
            names = ((_FAMILY_LABEL[family[a]], _FAMILY_LABEL[family[b]]) if family[a] != family[b] else (a, b))
            keys = (pattern.format(b=a), pattern.format(b=b))
            line += f" {judged[0] if judged else _verdict(metrics, keys, names)} |"
        lines.append(line)
    return "\n".join(lines)


def _mean_ci(metrics: dict, key: str) -> str:
    """``0.930 ± 0.021``; the value alone when its interval is missing or NaN (one seed); ``-`` when absent."""
    v = metrics.get(key)
    if not isinstance(v, (int, float)) or math.isnan(v):
        return "-"
    ci = metrics.get(f"{key}_ci95")
    return f"{v:.3f}" + (f" ± {ci:.3f}" if isinstance(ci, (int, float)) and not math.isnan(ci) else "")


def recall_lines(metrics: dict, *, shots, binders) -> list[str]:
    """The printed recall summary: both directions per condition, K and binder, with 95 % CIs over seeds.

    Rows: every condition (fitted, novel) and K, the two references (no-binder lookup, nearest-prototype
    reference), each binder and chance; columns: picture -> name and name -> picture recall@1 on held-out
    items, then each binder's recall added over the no-binder lookup (paired per seed). With one seed the
    heading says :data:`neuromem.analysis.statistics.ONE_SEED` and no interval is printed.
    """
    spread = spread_label(len(metrics.get("_meta", {}).get("seeds", ())))
    names = _REFERENCES + tuple(binders) + ("chance",)
    width = max(len(b) for b in names)
    dirs = ("picture_to_name", "name_to_picture")
    lines = [f"recall@1 on held-out items ({spread})",
             f"{'':12s} {'':{width}s}  {'picture -> name':>17s}  {'name -> picture':>17s}  "
             f"{'added over lookup: p -> n':>26s}  {'n -> p':>17s}"]
    for cond in ("fitted", "novel"):
        for K in shots:
            lead = f"{cond} K={K}"
            for b in names:
                cells = [_mean_ci(metrics, f"shots/{cond}/{b}/k={K}/{m}_recall_at_1") for m in dirs]
                added = [_mean_ci(metrics, f"shots/{cond}/{b}/k={K}/{m}_added_over_lookup") for m in dirs]
                if cells != ["-", "-"]:
                    tail = "" if added == ["-", "-"] else f"  {added[0]:>26s}  {added[1]:>17s}"
                    lines.append(f"{lead:12s} {b:{width}s}  {cells[0]:>17s}  {cells[1]:>17s}{tail}")
                    lead = ""
    return lines
