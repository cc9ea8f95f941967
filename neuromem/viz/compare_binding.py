"""Figures of the binding comparison, one per experiment, from its tidy rows (never simulating).

Every binder's colour and capacity limit come from what it declared
(``metrics["_meta"]["binder_traits"]``, see :mod:`neuromem.binding.traits`);
only the references (the no-binder lookup, the nearest-prototype reference and chance) have colours here.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from neuromem._io import atomic_write_bytes
from neuromem.analysis.statistics import spread_label, t_ci95
from neuromem.viz import bounded_yerr
from neuromem.viz.compare_binding_capacity import REFERENCE_COLOURS

__all__ = ["FIGURES", "REFERENCE_COLOURS", "draw_figures", "write_figures"]

FIGURES = {"shots": "binding_shots.png", "interference": "binding_interference.png",
           "capacity": "binding_capacity.png", "cost": "binding_cost.png", "units": "binding_units.png"}
_REFERENCE_LABELS = {"no_binder_lookup": "no-binder lookup (encoder alone)",
                     "nearest_prototype_reference": "nearest-prototype reference (K-shot)", "chance": "chance"}


def _colour(metrics: dict, binder: str):
    """The binder's declared colour (dark grey for a binder of an older folder that declared none)."""
    if binder in REFERENCE_COLOURS:
        return REFERENCE_COLOURS[binder]
    return metrics.get("_meta", {}).get("binder_traits", {}).get(binder, {}).get("colour", "0.35")


def _spread(metrics: dict) -> str:
    """What the error bars show: ``mean ± 95 % CI over N seeds``, or that one seed gives no interval."""
    return spread_label(len(metrics.get("_meta", {}).get("seeds", ())))


def _select(rows, **kw):
    return [r for r in rows if all(r[k] == v for k, v in kw.items())]


def _mean_ci(rows, x_key, **kw):
    pts = {}
    for r in _select(rows, **kw):
        if isinstance(r["value"], (int, float)):
            pts.setdefault(r[x_key], []).append(float(r["value"]))
    xs = sorted(pts)
    # an all-nan cell (e.g. no responsive unit on any seed) is drawn as a gap, silently
    means = [float(np.mean([v for v in pts[x] if not math.isnan(v)])) if any(not math.isnan(v) for v in pts[x])
             else math.nan for x in xs]
    return np.array(xs), np.array(means), np.array([t_ci95(pts[x]) for x in xs])


def _binders(rows, experiment):
    seen = []
    for r in rows:
        if r["experiment"] == experiment and r["binder"] not in seen:
            seen.append(r["binder"])
    return seen


def _save(fig, out: Path, name: str) -> str:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    atomic_write_bytes(out / name, buf.getvalue())
    return name


def _shots(rows, metrics, plt):
    recalls = ("picture_to_name_recall_at_1", "name_to_picture_recall_at_1")
    fig, axes = plt.subplots(2, 2, figsize=(10, 7.5), sharex=True, sharey=True)
    for i, cond in enumerate(("fitted", "novel")):
        for j, metric in enumerate(recalls):
            ax = axes[i, j]
            for b in _binders(rows, "shots"):
                x, y, c = _mean_ci(rows, "k", experiment="shots", condition=cond, binder=b, metric=metric)
                if not len(x):
                    continue
                style = dict(ls="--", lw=1) if b in REFERENCE_COLOURS else dict(marker="o")
                label = _REFERENCE_LABELS.get(b, b)
                ax.errorbar(x, y, yerr=bounded_yerr(y, c), color=_colour(metrics, b), label=label, capsize=3, **style)
            ax.set_title(f"{cond} concepts: {metric.replace('_recall_at_1', '').replace('_', ' ')}")
            ax.set_xscale("log")
            ks = sorted({r["k"] for r in _select(rows, experiment="shots")})
            ax.set_xticks(ks, [str(k) for k in ks])
            ax.minorticks_off()
            ax.set_ylim(0, 1.02)
            ax.grid(alpha=0.3)
            if i == 1:
                ax.set_xlabel("presentations per concept (K)")
            ax.set_ylabel(f"recall@1\n({_spread(metrics)})" if j == 0 else "recall@1")
    axes[0, 0].legend(fontsize=8, loc="lower right")
    fig.suptitle("Shots: recall on held-out items after K presentations")
    return fig


#: The interference figure's bars: metric, label, colour (the recalls; retention is their ratio, not drawn).
_INTERFERENCE_BARS = (("recall_first_group_before", "group 1, before group 2 is learned", "tab:blue"),
                      ("recall_first_group_after", "group 1, after group 2 (no replay)", "tab:gray"),
                      ("recall_first_group_after_with_replay", "group 1, after group 2 with replay of group 1 "
                                                               "(backprop baseline)", "tab:cyan"),
                      ("recall_second_group_after", "group 2, after it is learned", "tab:olive"))


def _interference(rows, metrics, plt):
    """Grouped bars per binder and reference: the recalls that retention divides, with and without replay."""
    fig, ax = plt.subplots(figsize=(10, 4.2))
    binders = _binders(rows, "interference")
    width = 0.8 / len(_INTERFERENCE_BARS)
    for i, (metric, label, colour) in enumerate(_INTERFERENCE_BARS):
        means, cis = [], []
        for b in binders:
            _, y, c = _mean_ci(rows, "k", experiment="interference", binder=b, metric=metric)
            means.append(y[0] if len(y) else np.nan)
            cis.append(c[0] if len(c) else 0)
        ax.bar(np.arange(len(binders)) + (i - (len(_INTERFERENCE_BARS) - 1) / 2) * width, means, width,
               yerr=bounded_yerr(means, cis, hi=1.0), capsize=2, label=label, color=colour)
    for j, b in enumerate(binders):
        if _select(rows, experiment="interference", binder=b, metric="not_representable", value=1.0):
            ax.annotate("cannot hold both groups\n(by construction)", (j, 0.02), ha="center", fontsize=7,
                        rotation=90, va="bottom")
    n = sorted({r["n_concepts"] for r in _select(rows, experiment="interference")})
    chance = 1.0 / n[0] if n else None
    if chance:
        ax.axhline(chance, color="k", lw=0.8, ls=":", label=f"chance (1 / {n[0]})")
    short = {"no_binder_lookup": "no-binder\nlookup\n(reference)",
             "nearest_prototype_reference": "nearest-\nprototype\n(reference)"}
    ax.set_xticks(np.arange(len(binders)), [short.get(b, b) for b in binders])
    ax.tick_params(axis="x", labelsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(f"picture -> name recall@1\n{_spread(metrics)}")
    ks = sorted({r["k"] for r in _select(rows, experiment="interference")})
    ax.set_title(f"Interference: two groups of 0.75 N synthetic concepts ({', '.join(map(str, n))} in all, "
                 f"K = {', '.join(map(str, ks))}) learned in turn; retention: grey over blue, per seed", fontsize=9)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.subplots_adjust(right=0.72)
    return fig


def _cost(rows, metrics, plt):
    """Counted operations per presentation and per cue, their energy estimate, and latency to a correct answer."""
    from neuromem.binding.cost import COST_KINDS

    fig, axes = plt.subplots(2, 2, figsize=(13, 8.5))
    axes = axes.ravel()
    binders = [b for b in _binders(rows, "cost")]
    kmax = max((r["k"] for r in _select(rows, experiment="cost", condition="novel")), default=None)
    x = np.arange(len(binders))

    def mean_ci(b, phase, metric):
        _, y, c = _mean_ci(rows, "k", experiment="cost", condition="novel", binder=b, phase=phase, metric=metric,
                           k=kmax)
        return (y[0], c[0]) if len(y) else (np.nan, np.nan)

    kinds = [f"{k}_per_item" for k in COST_KINDS]
    for ax, phase in zip(axes[:2], ("learn", "recall")):
        w = 0.8 / len(kinds)
        for i, kind in enumerate(kinds):
            vals = [mean_ci(b, phase, kind)[0] for b in binders]
            ax.bar(x + (i - (len(kinds) - 1) / 2) * w, np.nan_to_num(vals), w,
                   label=kind.replace("_per_item", "").replace("_", " ").replace("macs", "MACs"))
        ax.set_xticks(x, binders)
        ax.set_yscale("log")
        ax.set_ylabel(f"operations per {'presentation' if phase == 'learn' else 'cue'} (log scale)")
        ax.set_title(f"{phase}: operations per {'presentation' if phase == 'learn' else 'cue'} (K={kmax})",
                     fontsize=9)
        ax.tick_params(axis="x", rotation=30)
    axes[1].legend(fontsize=7, loc="upper right")  # the recall panel's upper right is empty in every run
    ax = axes[2]
    for i, (phase, colour) in enumerate((("learn", "tab:gray"), ("recall", "tab:olive"))):
        y, c = zip(*(mean_ci(b, phase, "energy_pj_estimate_per_item") for b in binders))
        ax.bar(x + (i - 0.5) * 0.38, y, 0.38, yerr=np.nan_to_num(c), capsize=2, color=colour,
               label=f"per {'presentation' if phase == 'learn' else 'cue'}")
    ax.set_xticks(x, binders)
    ax.tick_params(axis="x", rotation=30)
    ax.set_yscale("log")
    ax.set_ylabel("energy (pJ, estimate; log scale)")
    ax.set_title("energy estimate from the counts (Horowitz 2014, 45 nm)", fontsize=9)
    ax.legend(fontsize=7)
    ax = axes[3]
    lat_b, lat, lat_ci, blank = [], [], [], []
    for b in binders:
        y, c = mean_ci(b, "recall", "latency_to_correct_answer_ms_median")
        if not np.isnan(y):
            lat_b.append(b)
            lat.append(y)
            lat_ci.append(c)
            blank.append(mean_ci(b, "recall", "blank_trial_false_answer_fraction")[0])
    ax.bar(lat_b, lat, yerr=np.nan_to_num(lat_ci), capsize=3, color=[_colour(metrics, b) for b in lat_b])
    for i, f in enumerate(blank):
        ax.annotate(f"blank trials answered: {f:.2f}", (i, 0), xytext=(0, 3), textcoords="offset points",
                    ha="center", rotation=90, fontsize=7, va="bottom")
    ax.tick_params(axis="x", rotation=30)
    ax.set_ylabel(f"ms (biological)\n{_spread(metrics)}")
    ax.set_title("cue onset to a correct answer\n(median per seed, 1 ms grid)", fontsize=9)
    fig.suptitle(f"Cost of binding and matching, novel concepts at K = {kmax}: counted operations, their energy "
                 "estimate and recall latency")
    fig.tight_layout()
    return fig


def _units(rows, metrics, plt):
    from neuromem.analysis import HUMAN_CONCEPTS_PER_NEURON
    from neuromem.analysis.human import HISTOGRAM_BINS

    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    sel = dict(experiment="units", condition="synthetic-94")
    binders = [b for b in _binders(rows, "units")
               if not _select(rows, binder=b, metric="not_representable", value=1.0, **sel)]
    supervised = {b for b in binders if _select(rows, binder=b, metric="units_assigned_by_label", value=1.0, **sel)}

    def n_responsive(b):
        _, y, _ = _mean_ci(rows, "k", binder=b, metric="n_responsive_units", **sel)
        return y[0] if len(y) else np.nan

    silent = {b for b in binders if n_responsive(b) == 0}  # no unit answers any concept: no histogram

    def label(b):
        if b in silent:
            return f"{b} (no responsive unit)"
        return f"{b} (units assigned by label: supervised)" if b in supervised else b

    ax = axes[0]
    measures = ("population_sparseness", "lifetime_sparseness", "invariance_index")
    width = 0.8 / max(len(binders), 1)
    for i, b in enumerate(binders):
        vals, cis = [], []
        for m in measures:
            _, y, c = _mean_ci(rows, "k", binder=b, metric=m, **sel)
            vals.append(y[0] if len(y) else np.nan)
            cis.append(c[0] if len(c) else 0)
        ax.bar(np.arange(len(measures)) + i * width, vals, width, yerr=bounded_yerr(vals, cis), capsize=2,
               label=label(b), color=_colour(metrics, b), hatch="//" if b in supervised else None)
    ax.set_xticks(np.arange(len(measures)) + 0.4 - width / 2, [m.replace("_", " ") for m in measures], fontsize=8)
    ax.set_title("94 synthetic concepts (a human screening session's count)", fontsize=9)
    ax.set_ylabel(f"value (0-1; {_spread(metrics)})")
    ax.legend(fontsize=7)
    ax = axes[1]
    xs = np.arange(1, len(HISTOGRAM_BINS) + 1)
    ax.plot(xs, HUMAN_CONCEPTS_PER_NEURON, "k--o", label="human MTL (De Falco et al. 2016; ~94 stimuli)")
    for b in (b for b in binders if b not in silent):
        ys = []
        for j in xs:
            _, y, _ = _mean_ci(rows, "k", binder=b, metric=f"concepts_per_responsive_unit_{j}", **sel)
            ys.append(y[0] if len(y) else np.nan)
        _, tv, _ = _mean_ci(rows, "k", binder=b, metric="human_histogram_total_variation", **sel)
        tv_txt = f", TV {tv[0]:.2f}" if len(tv) and np.isfinite(tv[0]) else ""
        ax.plot(xs, ys, marker="o", color=_colour(metrics, b), label=label(b) + tv_txt,
                ls=":" if b in supervised else "-")
    ax.set_xticks(xs, HISTOGRAM_BINS)
    ax.set_xlabel("concepts a responsive unit answers")
    ax.set_ylabel("fraction of responsive units")
    ax.set_title("TV: total variation from the human histogram", fontsize=8)
    ax.legend(fontsize=7)
    fig.suptitle("Concept units")
    return fig


def draw_figures(rows, metrics) -> dict:
    """``{experiment: matplotlib Figure}`` for every experiment present in ``rows`` (the caller closes them).

    Parameters
    ----------
    rows : list of dict
        The comparison's tidy rows (``results.csv``).
    metrics : dict
        Its summary (``metrics.json``): capacity and bits per parameter are read from there, and every
        binder's colour and capacity limit from ``_meta.binder_traits``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figs = {}
    from neuromem.viz.compare_binding_capacity import plot_capacity

    for exp, fn in (("shots", _shots), ("interference", _interference), ("capacity", plot_capacity),
                    ("cost", _cost), ("units", _units)):
        if _select(rows, experiment=exp):
            figs[exp] = fn(rows, metrics, plt)
    return figs


def write_figures(out, rows, metrics) -> list[str]:
    """Write one PNG per experiment present in ``rows`` into ``out`` (see :func:`draw_figures`); returns the names."""
    import matplotlib.pyplot as plt

    out = Path(out)
    made = []
    for exp, fig in draw_figures(rows, metrics).items():
        made.append(_save(fig, out, FIGURES[exp]))
        plt.close(fig)
    return made
