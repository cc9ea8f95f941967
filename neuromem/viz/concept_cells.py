"""Figures of the concept-cells experiment: the human histogram, sparseness against N, the trade-off."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neuromem.analysis.statistics import spread_label
from neuromem.viz import bounded_yerr

__all__ = ["plot_concept_cells", "plot_histogram", "plot_sparseness", "plot_tradeoff"]

FILES = {"histogram": "concepts_per_neuron.png", "sparseness": "sparseness_vs_n.png", "tradeoff": "tradeoff.png"}
BINS = ("1", "2", "3", "4", "5", "6+")


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _seeds(metrics):
    return [metrics[f"seed_{s}"] for s in metrics["seeds"] if f"seed_{s}" in metrics]


def plot_histogram(metrics: dict, path) -> Path:
    """Concepts per responsive neuron: the model pooled over seeds (bars, seeds as dots) beside the human data."""
    plt = _plt()
    x = np.arange(len(BINS))
    fig, ax = plt.subplots(figsize=(6.5, 4))
    human = metrics["human_concepts_per_neuron_histogram"]
    ax.bar(x - 0.2, human, 0.4, color="0.6", label="human MTL (De Falco et al. 2016)")
    ax.bar(x + 0.2, metrics["concepts_per_neuron_histogram"], 0.4, color="tab:red",
           label=f"{metrics['preset']}, pooled over seeds {', '.join(map(str, metrics['seeds']))}")
    for r in _seeds(metrics):
        ax.plot(x + 0.2, r["concepts_per_neuron_histogram"], "k.", ms=4, alpha=0.6)
    ax.set_xticks(x, BINS)
    ax.set_xlabel("concepts a responsive neuron answers")
    ax.set_ylabel("fraction of responsive neurons")
    tv = metrics["concepts_per_neuron_tv_to_human"]
    ax.set_title(f"{metrics['n_concepts']} concepts, N = {metrics['n_neurons']}: total variation {tv:.3f} "
                 "(target <= 0.10)", fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)


def plot_sparseness(metrics: dict, path) -> Path:
    """Population sparseness at N and 2N per seed and their mean, against the 1/N of one neuron per stimulus."""
    plt = _plt()
    n = metrics["n_neurons"]
    fig, ax = plt.subplots(figsize=(5.5, 4))
    ns = np.array([n, 2 * n])
    for r in _seeds(metrics):
        if "population_sparseness_at_2n" in r:
            ax.plot(ns, [r["population_sparseness"], r["population_sparseness_at_2n"]], "-", color="tab:red",
                    alpha=0.3, lw=1)
    if "population_sparseness_at_2n" in metrics:
        y = np.array([metrics["population_sparseness"], metrics["population_sparseness_at_2n"]])
        err = [metrics["population_sparseness_ci95"], metrics["population_sparseness_at_2n_ci95"]]
        ax.errorbar(ns, y, yerr=err, color="tab:red", marker="o", capsize=3, label=f"{metrics['preset']} ({spread_label(len(metrics.get('seeds', ())))})")
    else:  # run without the 2N layer (--no-2n): the point at N alone
        ax.errorbar([n], [metrics["population_sparseness"]], yerr=[metrics.get("population_sparseness_ci95", np.nan)],
                    color="tab:red", marker="o", capsize=3,
                    label=f"{metrics['preset']} at N only (run without 2N; {spread_label(len(metrics.get('seeds', ())))})")
    grid = np.geomspace(n / 2, 4 * n, 20)
    ax.plot(grid, 1 / grid, "k--", lw=1, label="1/N: one neuron per stimulus")
    ax.axhspan(0.001, 0.03, color="0.9", zorder=0, label="target 0.1-3 %")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("concept neurons N")
    ax.set_ylabel("population sparseness")
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)


def plot_tradeoff(metrics: dict, path) -> Path:
    """Measures over the k-winners-take-all active fraction (means, 95 % CI), capacity / N on its own axis."""
    plt = _plt()
    rows = metrics["tradeoff"]["rows"]
    x = np.array([r["active_fraction"] for r in rows]) * 100
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 5))
    styles = {"invariance_index": ("invariance (picture vs name)", "C0"),
              "multi_concept_fraction": ("responsive neurons answering >= 2 concepts", "C1"),
              "picture_to_name_recall_at_1": ("picture -> name recall@1", "0.4")}
    for key, (label, c) in styles.items():
        y = np.array([r.get(key, np.nan) for r in rows], dtype=float)
        e = bounded_yerr(y, [r.get(f"{key}_ci95", np.nan) for r in rows])
        ax.errorbar(x, y, yerr=e, marker="o", color=c, capsize=3, label=label)
    tv = [r.get("concepts_per_neuron_tv_to_human", np.nan) for r in rows]
    ax.plot(x, tv, marker="D", color="C3", label="TV of the pooled histogram to the human one")
    ax.axhline(0.10, color="C3", ls=":", lw=1)
    ax.set_xscale("log")
    ax.set_xlabel("active fraction of the k-winners-take-all (% of N)")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(f"value ({spread_label(len(metrics.get('seeds', ())))})")
    ax.legend(frameon=False, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2)
    y = np.array([r.get("neurons_per_concept_mean", np.nan) for r in rows], dtype=float)
    ax2.errorbar(x, y, yerr=[r.get("neurons_per_concept_mean_ci95", np.nan) for r in rows], marker="s",
                 color="C2", capsize=3, label=f"neurons per concept (N = {metrics['n_neurons']})")
    ax2.set_xscale("log")
    for a in (ax, ax2):
        a.set_xticks(x, [f"{v:g}" for v in x])
        a.minorticks_off()
    ax2.set_xlabel("active fraction of the k-winners-take-all (% of N)")
    ax2.set_ylabel("neurons per concept")
    cap = np.array([r.get("capacity_concepts", np.nan) for r in rows], dtype=float)
    if np.isfinite(cap).any():
        n_cap = metrics.get("capacity_n_neurons") or 1
        ax3 = ax2.twinx()
        below = np.array([_below_half(r) for r in rows])
        err = np.array([r.get("capacity_concepts_ci95", np.nan) for r in rows]) / n_cap
        for mask, marker, label in ((~below, "^", f"capacity / N (N = {n_cap})"),
                                    (below, "v", f"capacity / N (N = {n_cap}): below N/2, N/2 - 1 shown")):
            if (mask & np.isfinite(cap)).any():
                ax3.errorbar(x[mask], cap[mask] / n_cap, yerr=err[mask], marker=marker, ls="none", color="C4",
                             capsize=3, label=label)
        ax3.axhline(1.0, color="C4", ls=":", lw=1)
        ax3.set_ylabel("capacity / N", color="C4")
        ax3.set_ylim(0, max(1.1, float(np.nanmax(cap / n_cap)) * 1.1))
        ax3.legend(frameon=False, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.3))
    ax2.legend(frameon=False, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.22))
    best = metrics["tradeoff"].get("best")
    if best:
        for a in (ax, ax2):
            a.axvline(best["active_fraction"] * 100, color="k", lw=0.8, ls="--")
    fig.suptitle(f"{metrics['n_concepts']} concepts, seeds {', '.join(map(str, metrics['seeds']))}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)


def _below_half(row: dict) -> bool:
    """Whether every seed of a summary row had its spiking capacity below N/2 (the value is then an upper bound)."""
    seeds = [row[f"seed_{s}"] for s in row.get("seeds", []) if f"seed_{s}" in row]
    flags = [r.get("capacity", {}).get("spiking", {}).get("capacity_below_half_n") for r in seeds]
    return bool(flags) and all(flags)


def plot_concept_cells(metrics: dict, out) -> list[Path]:
    """Every figure the metrics allow into folder ``out``."""
    out = Path(out)
    paths = [plot_histogram(metrics, out / FILES["histogram"]), plot_sparseness(metrics, out / FILES["sparseness"])]
    if metrics.get("tradeoff"):
        paths.append(plot_tradeoff(metrics, out / FILES["tradeoff"]))
    return paths
