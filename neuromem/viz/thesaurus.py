"""Figure of the thesaurus route on Fashion-MNIST: per-concept hits and placements beside their references."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neuromem._io import atomic_write_bytes

__all__ = ["per_concept_figure"]


def per_concept_figure(metrics: dict, path) -> Path:
    """Two panels from the results of ``simulations/thesaurus_fashion.py``.

    Left: fraction of each concept's pictures whose top-k ImageNet classes lie
    below its superordinate, with the chance level of k random classes.
    Right: how often (over the report seeds) each concept, made novel, is
    placed under its true superordinate by the thesaurus and by latent
    locality alone, with the always-the-commonest-parent baseline.
    """
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    concepts = metrics["concepts"]
    x = np.arange(len(concepts))
    chance = [metrics["superordinate_hit_chance"][p] for p in metrics["true_parent"]]
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.2), sharex=True)
    a.bar(x, metrics["superordinate_hit_fraction_per_concept"], color="tab:blue",
          label=f"top-{metrics['config']['top_k']} classes under the superordinate")
    a.scatter(x, chance, marker="_", s=400, color="k", zorder=3, label=f"chance ({metrics['config']['top_k']} random classes)")
    a.set_ylabel("fraction of pictures")
    a.set_ylim(0, 1.3)
    a.set_yticks(np.linspace(0, 1, 6))
    a.set_title("ImageNet head -> WordNet superordinate")
    a.legend(fontsize=8, loc="upper right")
    w = 0.38
    b.bar(x - w / 2, metrics["thesaurus_placed_right_per_concept"], w, color="tab:green", label="thesaurus")
    b.bar(x + w / 2, metrics["locality_placed_right_per_concept"], w, color="tab:orange", label="locality alone")
    base = metrics["thesaurus_parent_majority_baseline"]["mean"]
    b.axhline(base, color="k", ls="--", lw=1, label=f"majority baseline (accuracy {base:.2f})")
    b.set_ylabel("fraction of report seeds placed right")
    b.set_ylim(0, 1.3)
    b.set_yticks(np.linspace(0, 1, 6))
    b.set_title("novel concept placed under its superordinate")
    b.legend(fontsize=8, loc="upper right")
    for ax in (a, b):
        ax.set_xticks(x)
        ax.set_xticklabels([f"{c}\n({p})" for c, p in zip(concepts, metrics["true_parent"])], fontsize=7, rotation=30)
    seeds = ", ".join(map(str, metrics["seeds"]))
    fig.suptitle(f"Fashion-MNIST, {metrics['config']['per_concept']} pictures per concept, seeds {seeds}; "
                 f"head at {metrics['config']['classify_size_px']} px"
                 f"{' (inverted)' if metrics['config']['invert'] else ''}", fontsize=10)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return atomic_write_bytes(Path(path), buf.getvalue())
