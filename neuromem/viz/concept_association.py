"""Figures of the concept-association experiment: an Ison-style raster, response fractions against pairings,
concepts per neuron before and after pairing. Each is drawn from a run's metrics."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neuromem.viz import bounded_yerr

__all__ = ["FILES", "plot_concept_association", "plot_fractions", "plot_histograms", "plot_raster"]

FILES = {"raster": "association_raster.png", "fractions": "response_fraction_vs_pairings.png",
         "histogram": "concepts_per_neuron_before_after.png"}
BINS = ("1", "2", "3", "4", "5", "6+")


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_raster(metrics: dict, path) -> Path | None:
    """One neuron's spikes to A, B and a control concept before and after pairing (None without raster data)."""
    r = metrics.get("raster")
    if not r:
        return None
    plt = _plt()
    from matplotlib.ticker import MaxNLocator

    roles = ("A", "B", "control")
    fig, axes = plt.subplots(2, 3, figsize=(9, 4.6), sharex=True, sharey="col")
    for i, when in enumerate(("before", "after")):
        for j, role in enumerate(roles):
            ax = axes[i, j]
            d = r[when][role]
            for t, (kind, sp) in enumerate(zip(d["kind"], d["spikes_ms"])):
                ax.vlines(sp, t + 0.6, t + 1.4, color="tab:red" if kind == "name" else "k", lw=1)
            ax.axvspan(0, r["stimulus_ms"], color="0.92", zorder=0)
            ax.set_ylim(0.4, max(len(d["kind"]), 1) + 0.6)
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            if i == 0:
                ax.set_title(f"{role}: {r['concepts'][role]}", fontsize=10)
            if j == 0:
                ax.set_ylabel(f"{when} pairing\ntrial", fontsize=9)
            if i == 1:
                ax.set_xlabel("ms from cue onset")
    n_after = len(metrics.get("pairing_counts", [])) - 1
    fig.suptitle(f"neuron {r['neuron']} (seed {metrics['seeds'][0]}), before and after {n_after} pairings of "
                 f"A's picture with B's name; black: picture cues, red: written-name cues", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)


def plot_fractions(metrics: dict, path) -> Path:
    """Response fractions against pairing trials (mean and 95 % CI over seeds) with the control and the band."""
    plt = _plt()
    n = np.asarray(metrics["pairing_counts"])
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 4))
    for key, colour, label in (("paired_response_fraction", "tab:red", "A's neurons answering B (paired)"),
                               ("control_response_fraction", "0.4", "C's neurons answering D (never paired)"),
                               ("own_response_retained", "tab:blue", "A's neurons still answering A")):
        y, ci = np.asarray(metrics[key], float), np.asarray(metrics[f"{key}_ci95"], float)
        ax.errorbar(n, y, yerr=bounded_yerr(y, ci), color=colour, marker="o", ms=4, capsize=2, label=label)
    ax.set_xlabel("pairing trials")
    ax.set_ylabel("fraction of neurons")
    ax.set_ylim(-0.03, 1.05)
    ax.legend(frameon=False, fontsize=8)
    ax.set_title(f"{metrics['preset']}, seeds {', '.join(map(str, metrics['seeds']))}", fontsize=10)
    for key, colour, label in (("shared_fraction", "tab:red", "paired A, B"),
                               ("control_shared_fraction", "0.4", "control C, D")):
        y, ci = np.asarray(metrics[key], float), np.asarray(metrics[f"{key}_ci95"], float)
        bx.errorbar(n, y, yerr=bounded_yerr(y, ci), color=colour, marker="o", ms=4, capsize=2, label=label)
    band = metrics.get("shared_fraction_band")
    if band:
        bx.axhspan(band["min"], band["max"], color="tab:green", alpha=0.15,
                   label=f"band: min {band['min']:.3f} (chance + 2 sd), max {band['max']:.2f}")
        bx.axhline(band["chance"], color="tab:green", ls=":", label=f"chance (gamma = {band['gamma']:.4f})")
        bx.axhline(band["fit"], color="tab:green", ls="--",
                   label=f"Gastaldi et al. fit at this gamma ({band['fit']:.3f})")
    bx.set_xlabel("pairing trials")
    bx.set_ylabel("shared fraction c of the two engrams")
    bx.set_ylim(-0.03, 1.05)
    bx.legend(frameon=False, fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)


def plot_histograms(metrics: dict, path) -> Path:
    """Concepts per responsive neuron before and after pairing, pooled over seeds."""
    plt = _plt()
    x = np.arange(len(BINS))
    fig, ax = plt.subplots(figsize=(6, 4))
    for off, when, colour in ((-0.2, "before", "0.6"), (0.2, "after", "tab:red")):
        h = metrics.get(f"concepts_per_neuron_histogram_{when}") or [0.0] * len(BINS)
        c = metrics[f"concepts_per_neuron_counts_{when}"]
        ax.bar(x + off, h, 0.4, color=colour, label=f"{when} pairing ({sum(c)} responsive neurons)")
    ax.set_xticks(x, BINS)
    ax.set_xlabel("concepts a responsive neuron answers")
    ax.set_ylabel("fraction of responsive neurons")
    ax.set_title(f"{metrics['n_concepts']} concepts per seed, pooled over seeds", fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)


def plot_concept_association(metrics: dict, out) -> list[Path]:
    """Every figure into ``out``; returns the paths written."""
    out = Path(out)
    paths = [plot_raster(metrics, out / FILES["raster"]), plot_fractions(metrics, out / FILES["fractions"]),
             plot_histograms(metrics, out / FILES["histogram"])]
    return [p for p in paths if p is not None]
