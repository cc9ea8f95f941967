"""The seed's Figure 1 drawn from a real run: encoders, latent spaces with their sizes, concept nodes, links.

Left to right: each modality's encoder (its layer sizes), its latent space
(the concepts' training latents on the space's first two principal
components, each concept's mean point marked), then the concept layer: one
node per concept (its engram neurons counted), linked to the concept's point
in every latent space; a link's width is the learned mean input weight from
that modality onto the concept's engram neurons gained by learning (mV). Colours: one per
concept (:mod:`neuromem.viz.palette`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neuromem.viz.palette import MODALITY_COLOURS, concept_colours

__all__ = ["draw_model_scheme", "plot_model_scheme"]


def plot_model_scheme(scheme: dict, path) -> Path:
    """Figure 1 (:func:`draw_model_scheme`) written to ``path`` (PNG); returns ``path``."""
    import matplotlib.pyplot as plt

    fig = draw_model_scheme(scheme)
    path = Path(path)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def draw_model_scheme(scheme: dict):
    """Figure 1 from :func:`neuromem.cli.figure_set.scheme.model_scheme`'s data (an open matplotlib figure).

    Each link is a ``ConnectionPatch`` with ``gid = "link:<modality>:<concept>"``, its weight (mV) as
    ``weight_mv`` and a width proportional to it; each latent panel's concept means are its second scatter
    of each concept (so a test can read the plotted data back).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import ConnectionPatch, FancyBboxPatch

    mods = list(scheme["modalities"])
    concepts = scheme["concepts"]
    cols = concept_colours(len(concepts))
    fig = plt.figure(figsize=(13, 2.9 * len(mods) + 0.8))
    grid = fig.add_gridspec(len(mods), 3, width_ratios=[1.1, 1.3, 1.2], wspace=0.35, hspace=0.35)
    ax_c = fig.add_subplot(grid[:, 2])
    n_c = len(concepts)
    ys = np.linspace(0.95, 0.05, n_c)
    w_max = max(float(np.max(scheme["links"][m])) for m in mods) or 1.0
    for k, c in enumerate(concepts):
        ax_c.scatter([0.7], [ys[k]], s=420, color=cols[k], edgecolors="k", zorder=3)
        ax_c.text(0.78, ys[k], f"{c}\n{len(scheme['engram_neurons'][k])} engram neuron(s)", va="center",
                  fontsize=8)
    ax_c.set_xlim(0, 1.3)
    ax_c.set_ylim(0, 1)
    ax_c.axis("off")
    ax_c.set_title(f"concept layer: {scheme['n_concept_neurons']} LIF neurons;\none node per concept\n"
                   f"link width: mean weight gained in learning\n(largest {w_max:.2f} mV)", fontsize=9)
    for r, m in enumerate(mods):
        info = scheme["modalities"][m]
        ax_e = fig.add_subplot(grid[r, 0])
        ax_e.axis("off")
        ax_e.add_patch(FancyBboxPatch((0.05, 0.2), 0.9, 0.6, boxstyle="round,pad=0.02", fc="white",
                                      ec=MODALITY_COLOURS[m], lw=2))
        sizes = " -> ".join(str(s) for s in info["layers"])
        ax_e.text(0.5, 0.5, f"{m} encoder\n{info['encoder']}\nhead: {sizes}\n"
                            f"code: {info['code_neurons']} input neurons", ha="center", va="center", fontsize=8)
        if r == 0 and scheme.get("decoder_layers"):
            ax_e.text(0.5, 0.05, "decoder (match signal): " + " -> ".join(map(str, scheme["decoder_layers"])),
                      ha="center", fontsize=7, color="0.3")
        ax_l = fig.add_subplot(grid[r, 1])
        pts, labels = info["points"], info["labels"]
        for k in range(n_c):
            sel = labels == k
            ax_l.scatter(pts[sel, 0], pts[sel, 1], s=6, color=cols[k], alpha=0.35, lw=0)
            ax_l.scatter(*info["prototypes"][k], s=70, color=cols[k], edgecolors="k", zorder=3)
        ax_l.set_title(f"{m} latent space ({info['latent_dim']}-d; PCs 1-2 of the training latents)", fontsize=9)
        ax_l.set_xlabel("PC 1 (latent units)", fontsize=8)
        ax_l.set_ylabel("PC 2 (latent units)", fontsize=8)
        ax_l.tick_params(labelsize=7)
        for k in range(n_c):
            w = float(scheme["links"][m][k])
            if not np.all(np.isfinite(info["prototypes"][k])) or w <= 0:
                continue
            link = ConnectionPatch(xyA=tuple(info["prototypes"][k]), coordsA=ax_l.transData, xyB=(0.7, ys[k]),
                                   coordsB=ax_c.transData, color=cols[k], lw=0.3 + 3.5 * w / w_max, alpha=0.6)
            link.set_gid(f"link:{m}:{concepts[k]}")
            link.weight_mv = w
            fig.add_artist(link)
    fig.suptitle(f"Figure 1 from a run (seed {scheme['seed']}): encoders -> latent spaces -> concept nodes; "
                 "each concept node linked to its points in every latent space", fontsize=11)
    return fig
