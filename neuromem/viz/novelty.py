"""The novelty-gate figure: match errors of known and new concepts, and the gate's combined score, with thresholds."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neuromem.analysis.novelty import fit_gate

__all__ = ["plot_match_error_distributions"]


def _standardised(metrics: dict, arrays: dict):
    """Per seed (evaluated pictures only): z of the log match error, the combined score, known flags, thresholds."""
    z_e, s, known, thr_e, thr_s = [], [], [], [], []
    for seed in metrics["seeds"]:
        e, r = arrays[f"{seed}/match_error"], arrays[f"{seed}/response"]
        kn, cal = arrays[f"{seed}/known"].astype(bool), arrays[f"{seed}/calibration"].astype(bool)
        g_e = fit_gate(e[cal], r[cal], match_weight=1.0, quantile=metrics["quantile"])
        g = fit_gate(e[cal], r[cal], match_weight=metrics["match_weight"], quantile=metrics["quantile"])
        ev = ~cal
        z_e.append(g_e.score(e[ev], r[ev]))
        s.append(g.score(e[ev], r[ev]))
        known.append(kn[ev])
        thr_e.append(g_e.threshold)
        thr_s.append(g.threshold)
    return np.concatenate(z_e), np.concatenate(s), np.concatenate(known), thr_e, thr_s


def plot_match_error_distributions(metrics: dict, arrays: dict, out) -> Path:
    """Draw the novelty figure from novelty-gate results (:mod:`neuromem.experiments.novelty_gate`).

    Left: the log match error of the evaluated held-out pictures, standardised
    per seed against that seed's calibration pictures (known concepts), for
    known and for new concepts, pooled over seeds, with the match-error-only
    threshold (the calibration quantile; one line per seed). Right: the
    gate's combined score (match error and network response) with its
    threshold. Titles give the pooled-seed mean AUCs.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out)
    z_e, s, known, thr_e, thr_s = _standardised(metrics, arrays)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    panels = ((z_e, thr_e, "log match error (z vs calibration)", metrics.get("novelty_auc_match_error")),
              (s, thr_s, f"combined score (match weight {metrics['match_weight']:g})",
               metrics.get("novelty_auc_combined")))
    for ax, (x, thr, label, a) in zip(axes, panels):
        lo, hi = np.percentile(x, [0.5, 99.5])
        bins = np.linspace(lo, hi, 40)
        ax.hist(x[known], bins=bins, alpha=0.6, density=True, label=f"known concepts (n={int(known.sum())})",
                color="tab:blue")
        ax.hist(x[~known], bins=bins, alpha=0.6, density=True, label=f"new concepts (n={int((~known).sum())})",
                color="tab:red")
        thr_label = f"threshold: calibration {metrics['quantile']:g} quantile (per seed)"
        for i, t in enumerate(thr):
            ax.axvline(t, color="k", ls="--", lw=0.8, label=thr_label if i == 0 else None)
        ax.set_xlabel(label)
        ax.set_ylabel("density")
        ax.set_title(f"AUC new vs known {a:.3f} (mean of {len(metrics['seeds'])} seeds)" if a is not None else "")
        ax.legend(fontsize=7)
    fig.suptitle(f"{metrics.get('dataset', '')}: held-out pictures, seeds {','.join(map(str, metrics['seeds']))}",
                 fontsize=9)
    fig.tight_layout()
    tmp = out.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(out)
    return out
