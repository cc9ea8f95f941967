"""The compression study's figure, drawn from its ``metrics.json`` (never simulating).

Four panels against latent size (log2 axis): recall of fitted concepts,
recall of novel concepts (supervised head, each autoencoder loss, the
frozen-backbone and pixel references, chance), PSNR and novelty AUC; the
knees are marked. Error bars: 95 % t-intervals over seeds (none with one seed).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neuromem.viz import bounded_yerr

__all__ = ["draw_compression", "plot_compression", "LOSS_COLOURS"]

#: one colour per loss (the head in black)
LOSS_COLOURS = {"head": "k", "pixel_mse": "tab:blue", "pixel_l1": "tab:cyan", "ssim": "tab:olive",
                "feature": "tab:pink"}


def _curve(ax, x, y, ci, label, colour, bounded=True):
    y, ci = np.asarray(y, float), np.nan_to_num(np.asarray(ci, float))
    yerr = bounded_yerr(y, ci) if bounded else ci
    ax.errorbar(x, y, yerr=yerr, marker="o", ms=3, capsize=2, color=colour, label=label, lw=1.2)


def draw_compression(m: dict):
    """The figure (open); each line's label names the curve (``head``, ``autoencoder <loss>``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.asarray(m["sizes"], float)
    fig, axes = plt.subplots(1, 4, figsize=(17, 4.3))
    panels = (("recall_fitted", "recall@1, fitted concepts", True), ("recall_novel", "recall@1, novel concepts", True),
              ("psnr_db", "PSNR of held-out pictures (dB)", False), ("novelty_auc", "novelty AUC (foreign vs held-out)",
                                                                     True))
    for ax, (k, ylabel, bounded) in zip(axes, panels):
        _curve(ax, x, m[f"head_{k}"], m.get(f"head_{k}_ci95", [np.nan] * len(x)), "head", LOSS_COLOURS["head"],
               bounded)
        for loss in m["losses"]:
            _curve(ax, x, m[f"autoencoder_{k}"][loss], m.get(f"autoencoder_{k}_ci95", {}).get(loss, [np.nan] * len(x)),
                   f"autoencoder {loss}" + (" (uncalibrated)" if loss == "feature" else ""),
                   LOSS_COLOURS.get(loss, "0.4"), bounded)
        if k.startswith("recall"):
            for ref, style in (("backbone_features", "--"), ("pixels", ":")):
                ax.axhline(m[f"{ref}_{k}"], color="0.4", ls=style, lw=1, label=f"{ref.replace('_', ' ')} (no latent)")
            ax.axhline(m["chance_recall_at_1"], color="0.75", lw=1, label="chance")
            ax.set_ylim(0, 1.05)
        ax.set_xscale("log", base=2)
        ax.set_xticks(x, [str(int(v)) for v in x])
        ax.set_xlabel("latent size (dimensions)")
        ax.set_ylabel(ylabel)
    chosen = ",".join(map(str, m.get("choice", {}).get("seeds", m.get("seeds", []))))
    axes[0].axvline(m["knee_head_fitted"], color="k", ls=":", lw=1)
    axes[0].set_title(f"knee of the head: {m['knee_head_fitted']} dims (chosen on seeds {chosen})", fontsize=9)
    b = m["best_loss_at_knee"]
    axes[1].axvline(b["size"], color=LOSS_COLOURS.get(m["best_loss"], "0.4"), ls=":", lw=1)
    axes[1].set_title(f"autoencoders' knee {b['size']} dims; best loss there: {m['best_loss']} "
                      f"(seeds {chosen})", fontsize=9)
    axes[2].set_title(f"{m['best_loss']} at {b['size']} dims: PSNR {b['psnr_db']:.1f} dB, SSIM {b['ssim']:.2f}",
                      fontsize=9)
    axes[3].set_ylim(0.4, 1.02)
    axes[0].legend(fontsize=7, loc="lower right")  # every curve and reference line of the recall panels
    seeds = m.get("seeds", [])
    fig.suptitle(f"Compression on {m.get('dataset', '?')}: supervised head vs autoencoders trained by reconstruction "
                 f"alone; K = {m.get('shots', '?')} nearest-prototype recall; seeds {','.join(map(str, seeds))}"
                 + (" (one seed: no CI)" if len(seeds) < 2 else " (95 % CI)"), fontsize=10)
    fig.tight_layout()
    return fig


def plot_compression(m: dict, path) -> Path:
    """:func:`draw_compression` written to ``path``; returns ``path``."""
    import matplotlib.pyplot as plt

    fig = draw_compression(m)
    path = Path(path)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
