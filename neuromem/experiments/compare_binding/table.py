"""The summary table: Hebbian vs backprop binders per headline measurement (markdown)."""

from __future__ import annotations

import math

__all__ = ["summary_table"]

HEBBIAN = ("stdp", "hopfield")
BACKPROP = ("surrogate", "readout", "contrastive")


def _rows(metrics: dict, shots) -> list[tuple]:
    meta_grid = metrics.get("_meta", {}).get("grid", {})
    rows = []
    for cond in ("novel", "fitted"):
        for metric, label in (("picture_to_name_recall_at_1", "picture -> name"),
                              ("name_to_picture_recall_at_1", "name -> picture")):
            for K in shots:
                rows.append((f"{cond}, {label}, K={K}", f"shots/{cond}/{{b}}/k={K}/{metric}",
                             f"shots/{cond}/prototype/k={K}/{metric}"))
    ik = meta_grid.get("interference_k", 5)
    for cond in ("novel", "fitted"):
        rows.append((f"{cond}, retention after a second group (K={ik})", f"interference/{cond}/{{b}}/k={ik}/retention",
                     None))
    for N in meta_grid.get("capacity_sizes", []):
        rows.append((f"capacity (concepts at recall >= 0.9), N={N}", f"capacity/synthetic/{{b}}/n_units={N}/capacity",
                     None))
    return rows


def _fmt(metrics: dict, key):
    """``(text, (value, ci) or None)`` of a metric key (``"-"`` when absent or NaN)."""
    v = metrics.get(key)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-", None
    ci = metrics.get(f"{key}_ci95")
    ci = None if ci is None or math.isnan(ci) else ci
    ci_txt = "" if ci is None else f" ± {ci:.2f}"
    return (f"{v:.2f}{ci_txt}" if abs(v) < 10 else f"{v:.0f}{ci_txt}"), (v, ci or 0.0)


def _verdict(a, b, names=("Hebbian", "backprop")) -> str:
    """Which of two ``(value, ci)`` is higher; "tie" when the 95 % CIs overlap; "-" when one is missing."""
    if a is None or b is None:
        return "-"
    if abs(a[0] - b[0]) <= a[1] + b[1]:
        return "tie"
    return names[0] if a[0] > b[0] else names[1]


def summary_table(metrics: dict, *, shots=(1, 5)) -> str:
    """Markdown table: Hebbian vs backprop binders per headline measurement (mean +- 95 % CI over seeds).

    "better" names the better family by its best binder, and the better of ``stdp`` and ``surrogate``
    (the same spiking neurons, different plasticity); higher recall, retention and capacity win; "tie"
    when the two values' 95 % CIs overlap.
    """
    binders = [b for b in HEBBIAN + BACKPROP if b in metrics.get("_meta", {}).get("binders", HEBBIAN + BACKPROP)]
    head = ("| measurement | " + " | ".join(binders) + " | prototype ceiling | better (best of each family) "
            "| better (stdp vs surrogate: same neurons) |")
    lines = [head, "|" + "---|" * (len(binders) + 4)]
    for label, pattern, ref in _rows(metrics, shots):
        cells, best = [], {"hebbian": None, "backprop": None}
        for b in binders:
            txt, val = _fmt(metrics, pattern.format(b=b))
            cells.append(txt)
            fam = "hebbian" if b in HEBBIAN else "backprop"
            if val is not None and (best[fam] is None or val[0] > best[fam][0]):
                best[fam] = val
        spiking = _verdict(_fmt(metrics, pattern.format(b="stdp"))[1], _fmt(metrics, pattern.format(b="surrogate"))[1],
                           names=("Hebbian", "backprop"))
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {_fmt(metrics, ref)[0] if ref else '-'} | "
                     f"{_verdict(best['hebbian'], best['backprop'])} | {spiking} |")
    return "\n".join(lines)
