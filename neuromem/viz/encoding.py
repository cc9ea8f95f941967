"""Figures of the encoding stage, built from the files ``neuromem encode`` writes.

* ``latent_space.png``: held-out pictures, held-out written name variants and
  spoken names in held-out voices, embedded in 2-D with t-SNE (scikit-learn)
  from the shared 64-d latent space; colour = concept.
* ``reconstruction.png``: decoder reconstructions of familiar (held-out) and
  novel pictures, and the distribution of per-picture reconstruction error
  (the match signal).
* ``concept_confusion.png``: nearest-centroid confusion matrix of held-out
  pictures and, per concept, the fraction of held-out names / spoken names
  that land nearest their own picture centroid.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from neuromem.latents import LatentSpace
from neuromem.viz.palette import concept_colours


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _colours(n):
    return concept_colours(n)


def plot_latent_space(space: LatentSpace, out: Path, *, max_pictures: int = 1000, seed: int = 0) -> Path:
    from sklearn.manifold import TSNE

    plt = _plt()
    rng = np.random.default_rng(seed)
    z_p, y_p = space["picture"].select("heldout")
    if len(z_p) > max_pictures:
        keep = rng.choice(len(z_p), max_pictures, replace=False)
        z_p, y_p = z_p[keep], y_p[keep]
    parts = [("picture", z_p, y_p)]
    z_n, y_n = space["name"].select("heldout")
    parts.append(("name", z_n, y_n))
    if "spoken" in space.modalities:
        z_s, y_s = space["spoken"].select("heldout")
        parts.append(("spoken", z_s, y_s))
    z_all = np.concatenate([p[1] for p in parts])
    perplexity = float(min(30.0, max(2.0, (len(z_all) - 1) / 3)))
    emb = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(z_all)
    cols = _colours(len(space.concepts))
    fig, ax = plt.subplots(figsize=(9, 7.5))
    start = 0
    styles = {"picture": dict(marker="o", s=9, alpha=0.45, linewidths=0),
              "name": dict(marker="*", s=190, edgecolors="k", linewidths=0.8),
              "spoken": dict(marker="^", s=55, edgecolors="k", linewidths=0.5, alpha=0.85)}
    for kind, z, y in parts:
        e = emb[start:start + len(z)]
        start += len(z)
        for k in range(len(space.concepts)):
            m = y == k
            ax.scatter(e[m, 0], e[m, 1], color=cols[k], **styles[kind])
    e_pic = emb[:len(z_p)]
    for k, c in enumerate(space.concepts):
        if np.any(y_p == k):
            cx, cy = np.median(e_pic[y_p == k], axis=0)
            ax.annotate(c, (cx, cy), fontsize=11, weight="bold", ha="center", color="k",
                        bbox=dict(boxstyle="round,pad=0.2", fc="white", ec=cols[k], alpha=0.85))
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], ls="", marker="o", color="grey", label="held-out picture"),
               Line2D([], [], ls="", marker="*", color="grey", markeredgecolor="k", markersize=13,
                      label="held-out written name variant")]
    if "spoken" in space.modalities:
        handles.append(Line2D([], [], ls="", marker="^", color="grey", markeredgecolor="k", markersize=8,
                              label="spoken name, held-out voice"))
    ax.legend(handles=handles, loc="best", fontsize=9, framealpha=0.9)
    enc = space.encoder
    ax.set_title(f"Shared latent space ({space.latent_dim}-d, t-SNE view): {enc.get('dataset', '')}, "
                 f"{enc.get('backbone', '')} + fitted heads, seed {space.seed}", fontsize=11)
    ax.set_xlabel("t-SNE 1")
    ax.set_ylabel("t-SNE 2")
    ax.set_xticks([])
    ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def plot_reconstruction(recon: dict, metrics: dict, out: Path) -> Path:
    plt = _plt()
    n = min(8, len(recon["heldout_pictures"]), len(recon["novel_pictures"]))
    fig = plt.figure(figsize=(13, 5.2))
    gs = fig.add_gridspec(4, n + 4, wspace=0.08, hspace=0.25)
    rows = [("familiar\n(held-out)", recon["heldout_pictures"]), ("reconstruction", recon["heldout_reconstructions"]),
            ("novel\n(photo crop)", recon["novel_pictures"]), ("reconstruction", recon["novel_reconstructions"])]
    for r, (label, pics) in enumerate(rows):
        for i in range(n):
            ax = fig.add_subplot(gs[r, i])
            img = pics[i]
            ax.imshow(img, cmap="gray" if img.ndim == 2 else None, vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if i == 0:
                ax.set_ylabel(label, fontsize=9)
    ax = fig.add_subplot(gs[:, n + 1:])
    eh, en = recon["error_heldout"], recon["error_novel"]
    bins = np.linspace(0, max(eh.max(), en.max()), 40)
    ax.hist(eh, bins=bins, alpha=0.7, label=f"held-out (mean {eh.mean():.3f})", color="tab:blue")
    ax.hist(en, bins=bins, alpha=0.7, label=f"novel (mean {en.mean():.3f})", color="tab:red")
    ax.set_xlabel("reconstruction error (MSE per pixel)")
    ax.set_ylabel("pictures")
    ax.set_title(f"Match signal separates familiar from novel\nROC AUC {metrics.get('recon_novelty_auc', float('nan')):.3f}, "
                 f"compression x{metrics.get('compression_factor', float('nan')):.0f}", fontsize=10)
    ax.legend(fontsize=9)
    fig.suptitle(f"Decoder: latent -> picture ({metrics.get('dataset', '')})", fontsize=12)
    fig.savefig(out, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return out


def plot_confusion(space: LatentSpace, out: Path) -> Path:
    from neuromem.latents import nearest_centroid

    plt = _plt()
    cent = space.centroids("picture", "train")
    z, y = space["picture"].select("heldout")
    pred = nearest_centroid(z, cent)
    k = len(space.concepts)
    conf = np.zeros((k, k))
    for t, p in zip(y, pred):
        conf[t, p] += 1
    conf = conf / conf.sum(1, keepdims=True)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(13, 5.5), gridspec_kw=dict(width_ratios=[1.1, 1]))
    im = ax.imshow(conf, cmap="viridis", vmin=0, vmax=1)
    ax.set_xticks(range(k), space.concepts, rotation=45, ha="right")
    ax.set_yticks(range(k), space.concepts)
    for i in range(k):
        for j in range(k):
            if conf[i, j] >= 0.05:
                ax.text(j, i, f"{conf[i, j]:.2f}", ha="center", va="center", fontsize=7,
                        color="w" if conf[i, j] < 0.6 else "k")
    ax.set_xlabel("nearest picture centroid")
    ax.set_ylabel("true concept")
    ax.set_title(f"Held-out pictures: accuracy {np.mean(pred == y):.3f}")
    fig.colorbar(im, ax=ax, fraction=0.046, label="fraction of concept's pictures")
    width = 0.27
    xs = np.arange(k)
    bars = [("pictures (held-out)", z, y)]
    for mod, label in (("name", "written name variants"), ("spoken", "spoken, held-out voices")):
        if mod in space.modalities:
            bars.append((label,) + space[mod].select("heldout"))
    for i, (label, zz, yy) in enumerate(bars):
        pp = nearest_centroid(zz, cent)
        frac = [np.mean(pp[yy == c] == c) if np.any(yy == c) else np.nan for c in range(k)]
        ax2.bar(xs + (i - 1) * width, frac, width, label=f"{label} ({np.mean(pp == yy):.2f})")
    ax2.set_xticks(xs, space.concepts, rotation=45, ha="right")
    ax2.set_ylim(0, 1.45)
    ax2.set_yticks(np.linspace(0, 1, 6))
    ax2.set_ylabel("fraction nearest own picture centroid")
    ax2.set_title("Each modality reaches its concept")
    ax2.legend(fontsize=8, loc="upper center", ncol=1)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def make_encoding_figures(results_dir: str | Path, out_dir: str | Path | None = None) -> list[Path]:
    """Build all encoding figures from a ``neuromem encode --out DIR`` folder."""
    results = Path(results_dir)
    out = Path(out_dir) if out_dir else results
    out.mkdir(parents=True, exist_ok=True)
    for f in ("metrics.json", "latents.npz", "reconstructions.npz"):
        if not (results / f).exists():
            raise FileNotFoundError(f"{results / f} is missing; run `neuromem encode --out {results}` first")
    metrics = json.loads((results / "metrics.json").read_text())
    space = LatentSpace.load(results / "latents.npz")
    with np.load(results / "reconstructions.npz") as f:
        recon = {k: f[k] for k in f.files}
    return [plot_latent_space(space, out / "latent_space.png", seed=space.seed),
            plot_reconstruction(recon, metrics, out / "reconstruction.png"),
            plot_confusion(space, out / "concept_confusion.png")]
