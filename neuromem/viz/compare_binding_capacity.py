"""The capacity figure of the binding comparison: recall of every tested set, capacity per parameter.

Capacity is found per binder, size and seed by integer bisection
(:mod:`neuromem.experiments.compare_binding.capacity`); the left panel shows
the recall of every set the search tested, the right one the bits stored per
parameter at the capacity found, against the Hopfield and Willshaw
references. A capacity that reaches the binder's declared limit is drawn
hollow (set by construction), one that reached the top of the search as an
upward triangle (a lower bound). The two references (no-binder lookup,
nearest-prototype reference) run the same search and are drawn in their grey
and black.
"""

from __future__ import annotations

import math

import numpy as np

from neuromem.analysis.statistics import spread_label

__all__ = ["REFERENCE_COLOURS", "limits_note", "plot_capacity"]

#: Colours of the references drawn beside the binders (every comparison figure).
REFERENCE_COLOURS = {"no_binder_lookup": "0.55", "nearest_prototype_reference": "black", "chance": "grey"}


def limits_note(metrics: dict, binders) -> str:
    """``Capacity limits by construction: ...`` from the binders' declared capacity limits ("" if none)."""
    import textwrap

    traits = metrics.get("_meta", {}).get("binder_traits", {})
    by_reason: dict = {}
    for b in binders:
        cap = traits.get(b, {}).get("capacity")
        if cap:
            per = cap.get("concepts_per_unit", 1)
            by_reason.setdefault((cap["reason"], per), []).append(b)
    parts = [f"{' / '.join(bs)}: at most {'' if per == 1 else f'{per} x '}N concepts held ({reason})"
             for (reason, per), bs in by_reason.items()]
    text = ("Capacity limits by construction: " + "; ".join(parts) + " (a binder that keeps learning past its "
            "limit can still pass recall 0.9 up to limit / 0.9; hollow: at its limit on most seeds).")
    return "\n".join(textwrap.wrap(text, 150)) if parts else ""


def _colour(metrics, b):
    if b in REFERENCE_COLOURS:
        return REFERENCE_COLOURS[b]
    return metrics.get("_meta", {}).get("binder_traits", {}).get(b, {}).get("colour", "0.35")


def plot_capacity(rows, metrics, plt):
    """The capacity figure (see the module docstring) from the comparison's rows and summary."""
    from matplotlib.ticker import LogFormatterSciNotation, LogLocator

    cap_rows = [r for r in rows if r["experiment"] == "capacity"]
    binders = list(dict.fromkeys(r["binder"] for r in cap_rows))
    sizes = sorted({r["n_units"] for r in cap_rows})
    spread = spread_label(len(metrics.get("_meta", {}).get("seeds", ())))
    fig, axes = plt.subplots(1, 2, figsize=(13, 6.2))
    ax = axes[0]
    for b in binders:
        for s_i, N in enumerate(sizes):
            pts: dict = {}
            for r in cap_rows:
                if (r["binder"], r["n_units"], r["phase"], r["metric"]) == (b, N, "recall",
                                                                           "picture_to_name_recall_at_1"):
                    pts.setdefault(r["n_concepts"], []).append(float(r["value"]))
            if pts:
                xs = sorted(pts)
                ax.plot(xs, [np.mean(pts[x]) for x in xs], color=_colour(metrics, b), marker="os^"[s_i % 3],
                        ls=["-", "--", ":"][s_i % 3], label=f"{b} N={N}", ms=4)
    for s_i, N in enumerate(sizes):
        ax.axvline(N, color="grey", lw=0.6, ls=["-", "--", ":"][s_i % 3])
    ax.axhline(0.9, color="k", lw=0.8)
    ax.set_xscale("log")
    ax.set_xlabel("concepts stored (one presentation each; the sizes the bisection tested)")
    ax.set_ylabel("picture -> name recall@1\n(mean over the seeds that tested a size)")
    ax.set_title("grey lines: the binder size N; black: recall 0.9", fontsize=8)
    fig.text(0.01, 0.01, limits_note(metrics, binders), fontsize=7, va="bottom", color="0.3")
    ax.legend(fontsize=6.5, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    ax = axes[1]
    for b in binders:
        for N in sizes:
            key = f"capacity/synthetic/{b}/n_units={N}"
            if f"{key}/n_plastic" not in metrics:
                continue
            x, y = metrics[f"{key}/n_plastic"], metrics[f"{key}/bits_per_parameter"]
            limited = metrics.get(f"{key}/at_declared_limit", 0) >= 0.5
            lower = metrics.get(f"{key}/capacity_is_lower_bound", 0) >= 0.5
            if not y > 0:  # capacity 1 (e.g. the no-binder lookup at chance): 0 bits, nothing on a log axis
                ax.plot([], [], ls="none", label=f"{b} N={N}: capacity {metrics.get(f'{key}/capacity', 1):.0f}, "
                                                 "0 bits (not drawn)")
                continue
            share = metrics.get(f"{key}/at_declared_limit", 0)
            ci = metrics.get(f"{key}/bits_per_parameter_ci95", float("nan"))
            ci = 0.0 if not ci == ci else ci  # NaN (one seed): no bar
            ax.errorbar([x], [max(y, 1e-5)], yerr=[[min(ci, 0.9 * y)], [ci]], marker="^" if lower else "o",
                        ls="none", color=_colour(metrics, b), mfc="none" if limited else _colour(metrics, b),
                        capsize=2, label=f"{b} N={N}" + (f" (at its limit by construction on {share:.0%} of seeds)"
                                                         if limited else "") + (" (lower bound)" if lower else ""))
    ax.axhline(math.log(2), color="k", ls="--", lw=0.8, label="Willshaw ln 2 bits / synapse")
    ax.axhline(0.138, color="k", ls=":", lw=0.8, label="Hopfield 0.138 N patterns (0.138 bits / synapse)")
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 3.0)))
    ax.xaxis.set_major_formatter(LogFormatterSciNotation(labelOnlyBase=False))
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
    ax.set_yscale("log")
    ax.set_ylim(5e-6, 2)
    ax.set_xlabel("stored numbers (every parameter, kept latents included)")
    ax.set_ylabel(f"bits per parameter at capacity\n(n log2 n / count; {spread})")
    ax.set_title("information per parameter, with the Willshaw and Hopfield references", fontsize=8)
    ax.legend(fontsize=6.5, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.16))
    fig.subplots_adjust(wspace=0.3, bottom=0.36, top=0.9, left=0.07, right=0.98)
    fig.suptitle("Capacity by integer bisection (1 to 16 N) on synthetic concepts matched to the real "
                 "within/between distance ratio", fontsize=10)
    return fig
