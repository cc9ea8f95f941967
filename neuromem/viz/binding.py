"""The binding-window figure: binding vs onset asynchrony next to the preset's plasticity windows."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neuromem.analysis.statistics import spread_label
from neuromem.network.spec import STDP
from neuromem.viz import bounded_yerr

__all__ = ["plot_binding_window"]


def plot_binding_window(metrics: dict, out) -> Path:
    """Draw ``binding_window.png`` from binding-window metrics (see :mod:`neuromem.experiments.binding_window`).

    Top: invariance index, binding index and picture -> name recall@1 against
    the onset asynchrony ``t_word - t_picture`` (means over seeds, 95 %
    t-interval bars, cut at 0 and 1; none with one seed), with the offsets where the binding index falls to half
    its value at 0 ms. Bottom, on the same time axis: the pair-STDP window of
    the preset (``Delta w / w_max`` against ``t_post - t_pre``), to compare
    the two time scales.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out)
    x = np.asarray(metrics["onset_asynchrony_ms"], dtype=float)
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(7.5, 7), sharex=True, gridspec_kw={"height_ratios": [3, 1.6]})
    styles = {"invariance_index": ("invariance index", "C0", "o"), "binding_index": ("binding index", "C3", "s"),
              "picture_to_name_recall_at_1": ("picture -> name recall@1", "0.45", "^")}
    for key, (label, colour, marker) in styles.items():
        y = np.asarray(metrics[key], dtype=float)
        err = bounded_yerr(y, metrics[f"{key}_ci95"])
        ax.errorbar(x, y, yerr=err, label=label, color=colour, marker=marker, ms=4, capsize=3, lw=1.5)
    lo, hi = metrics.get("binding_half_width_ms", [np.nan, np.nan])
    for v in (lo, hi):
        if v is not None and np.isfinite(v):
            ax.axvline(v, color="C3", ls=":", lw=1)
    ax.axhline(1.0 / 10, color="0.7", ls="--", lw=0.8)
    ax.set_ylim(-0.03, 1.05)
    seeds = metrics.get("seeds", [])
    one_seed = len(seeds) == 1
    ax.set_ylabel(f"binding ({spread_label(len(seeds))})")
    ax.set_title(f"binding window ({metrics.get('dataset')}, preset {metrics.get('preset')}, "
                 f"K = {metrics.get('presentations')}, seed{'' if one_seed else 's'} "
                 f"{','.join(str(s) for s in seeds)})", fontsize=10)
    ax.legend(fontsize=8, loc="center", bbox_to_anchor=(0.5, 0.3))
    stdp = STDP(**metrics["stdp"])
    d = np.linspace(min(x.min(), -100) - 10, max(x.max(), 100) + 10, 601)
    # pair-STDP window of the preset (the closed form in neuromem.network.spec's docstring)
    window = np.where(d > 0, stdp.a_plus * np.exp(-np.abs(d) / stdp.tau_plus_ms),
                      np.where(d < 0, -stdp.a_minus * np.exp(-np.abs(d) / stdp.tau_minus_ms), 0.0))
    ax2.plot(d, window, color="k", lw=1.5,
             label=f"pair STDP, latent -> concept (tau+ {stdp.tau_plus_ms:.0f} ms, tau- {stdp.tau_minus_ms:.0f} ms)")
    ax2.axhline(0, color="0.6", lw=0.8)
    stim = float(metrics.get("stimulus_ms", 200.0))
    fig.text(0.01, 0.005, f"stimuli last {stim:.0f} ms each: they overlap for {stim:.0f} - |offset| ms.\nDotted: "
             f"binding index at half its value at 0 ms. Dashed: chance recall."
             f"{'' if one_seed else ' CI bars cut at 0 and 1.'}", fontsize=8, color="0.3")
    ax2.set_xlim(d.min(), d.max())
    ax2.set_xlabel("onset asynchrony t_word - t_picture (ms)   |   STDP: t_post - t_pre (ms)")
    ax2.set_ylabel("Δw / w_max")
    ax2.legend(fontsize=8, loc="upper left")
    fig.tight_layout(rect=(0, 0.035, 1, 1))
    tmp = out.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(out)
    return out
