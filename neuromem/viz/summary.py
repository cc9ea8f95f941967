"""``summary.png``: one page of what a reader of the seed wants first, drawn from the figure set's ``metrics.json``.

Six panels, each from one section (a missing section leaves its panel saying so):
recall of a name from a picture after a few pairings, next to the no-binder
lookup, the nearest-prototype reference and chance (``engram_formation``);
binding index against picture-name onset asynchrony (``binding_window``);
each binder's novel-concept recall at the fewest shots (``compare_binding``);
concepts per responsive neuron next to the human recordings (``concept_cells``);
recall against latent size, supervised head vs reconstruction-trained
autoencoders (``compression``); the literature check's pass / fail counts.
Each panel's axes carry a label (``ax.get_label()``: the section name) so a
test can read its data back.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neuromem.viz import bounded_yerr
from neuromem.viz.compression import LOSS_COLOURS
from neuromem.viz.palette import MODALITY_COLOURS

__all__ = ["draw_summary", "plot_summary", "ENGRAM_BARS"]

#: engram_formation keys of the first panel's bars, with their labels
ENGRAM_BARS = (("picture_to_name_network_recall_at_1", "network\n(readout spikes)"),
               ("picture_to_name_recall_at_1", "network\n(offline decode)"),
               ("nearest_prototype_reference_recall_at_1", "nearest-\nprototype ref."),
               ("no_binder_lookup_recall_at_1", "no-binder\nlookup"),
               ("chance_recall_at_1", "chance"))


def _num(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


def _missing(ax, what: str) -> None:
    ax.text(0.5, 0.5, f"{what}:\nnot in these results", ha="center", va="center", transform=ax.transAxes,
            fontsize=9, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])


def _engram(ax, m: dict | None) -> None:
    if not m:
        return _missing(ax, "engram formation")
    y = np.array([_num(m.get(k)) for k, _ in ENGRAM_BARS])
    ci = np.array([_num(m.get(f"{k}_ci95")) for k, _ in ENGRAM_BARS])
    ax.bar(range(len(y)), y, yerr=bounded_yerr(y, ci), capsize=3,
           color=["0.2", "0.45", "tab:purple", "tab:brown", "0.8"])
    ax.set_xticks(range(len(y)), [lab for _, lab in ENGRAM_BARS], fontsize=7)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("picture -> name recall@1", fontsize=8)
    seeds = m.get("seeds", [])
    k = _num(m.get("presentations"))
    ax.set_title(f"Engram formation, fitted digits, K = {int(k) if k == k else '?'}\n"
                 f"seeds {','.join(map(str, seeds))}; invariance {_num(m.get('invariance_index')):.2f}", fontsize=9)


def _binding(ax, m: dict | None) -> None:
    if not m:
        return _missing(ax, "binding window")
    x = np.asarray(m["onset_asynchrony_ms"], dtype=float)
    for key, colour in (("binding_index", MODALITY_COLOURS["name"]), ("invariance_index", "0.3")):
        if key not in m:
            continue
        y = np.array([_num(v) for v in m[key]])
        ci = np.array([_num(v) for v in m.get(f"{key}_ci95", [None] * len(y))])
        ax.errorbar(x, y, yerr=bounded_yerr(y, ci), marker="o", ms=3, capsize=2, color=colour,
                    label=key.replace("_", " "))
    ax.set_xlabel("name onset - picture onset (ms)", fontsize=8)
    ax.set_ylabel("index (0-1)", fontsize=8)
    hw = m.get("binding_half_width_ms") or [float("nan")] * 2
    ax.set_title(f"Binding window: half-widths {_num(hw[0]):.0f} / +{_num(hw[1]):.0f} ms\n"
                 f"seeds {','.join(map(str, m.get('seeds', [])))}", fontsize=9)
    ax.legend(fontsize=7)


def _compare(ax, m: dict | None) -> None:
    import re

    pat = re.compile(r"^shots/novel/([^/]+)/k=(\d+)/picture_to_name_recall_at_1$")
    found = [(mt.group(1), int(mt.group(2))) for mt in map(pat.match, m or {}) if mt]
    if not found:
        return _missing(ax, "compare binding")
    k = min(s for _, s in found)
    names = sorted(b for b, s in found if s == k)
    key = lambda b: f"shots/novel/{b}/k={k}/picture_to_name_recall_at_1"  # noqa: E731
    y = np.array([_num(m[key(b)]) for b in names])
    ci = np.array([_num(m.get(key(b) + "_ci95")) for b in names])
    traits = m.get("_meta", {}).get("binder_traits", {})
    ax.bar(range(len(y)), y, yerr=bounded_yerr(y, ci), capsize=3,
           color=[traits.get(b, {}).get("colour", "0.6") for b in names])
    ax.set_xticks(range(len(y)), names, rotation=30, fontsize=7)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("novel picture -> name recall@1", fontsize=8)
    ax.set_title(f"Binders on novel concepts, K = {k}\n(prototype = nearest-prototype reference)", fontsize=9)


def _concept_cells(ax, m: dict | None) -> None:
    if not m or "concepts_per_neuron_histogram" not in m:
        return _missing(ax, "concept cells")
    model = np.array([_num(v) for v in m["concepts_per_neuron_histogram"]])
    human = np.array([_num(v) for v in m["human_concepts_per_neuron_histogram"]])
    x = np.arange(len(model))
    ax.bar(x - 0.2, human, 0.4, color="0.6", label="human MTL (De Falco 2016)")
    ax.bar(x + 0.2, model, 0.4, color="tab:red", label="model")
    ax.set_xticks(x, ["1", "2", "3", "4", "5", "6+"][:len(x)], fontsize=8)
    ax.set_xlabel("concepts answered per responsive neuron", fontsize=8)
    ax.set_ylabel("fraction of responsive neurons", fontsize=8)
    ax.set_title(f"Concept cells, {m.get('n_concepts', '?')} concepts, N = {m.get('n_neurons', '?')}\n"
                 f"TV to human {_num(m.get('concepts_per_neuron_tv_to_human')):.2f}; sparseness "
                 f"{100 * _num(m.get('population_sparseness')):.2f} %", fontsize=9)
    ax.legend(fontsize=7)


def _compression(ax, m: dict | None) -> None:
    if not m or "sizes" not in m:
        return _missing(ax, "compression")
    sizes = np.asarray(m["sizes"], dtype=float)
    for label, key, style in (("supervised head", "head_recall_fitted", "-o"),
                              ("supervised head, novel", "head_recall_novel", "--o")):
        ax.plot(sizes, [_num(v) for v in m[key]], style, ms=3, color="0.2", label=label)
    for loss, vals in m.get("autoencoder_recall_fitted", {}).items():
        ax.plot(sizes, [_num(v) for v in vals], "-s", ms=3, color=LOSS_COLOURS.get(loss), label=f"autoencoder, {loss}")
    knee = m.get("knee_head_fitted")
    if knee is not None:
        ax.axvline(_num(knee), color="0.5", ls=":", lw=1)
    ax.set_xscale("log", base=2)
    ax.set_xticks(sizes, [str(int(v)) for v in sizes])
    ax.set_xlabel("latent size (dimensions)", fontsize=8)
    ax.set_ylabel("nearest-prototype recall@1 (fitted concepts)", fontsize=8)
    ax.set_ylim(0, 1.05)
    chosen = ",".join(map(str, m.get("choice", {}).get("seeds", m.get("seeds", []))))
    ax.set_title(f"Compression: head knee {knee} dims; autoencoders' best loss {m.get('best_loss', '?')}\n"
                 f"(chosen on seeds {chosen}; dashed: head, novel concepts)", fontsize=9)
    ax.legend(fontsize=6)


def _check(ax, m: dict | None) -> None:
    ax.axis("off")
    if not m:
        return _missing(ax, "literature check")
    lines = [f"Literature check: {m.get('n_pass', 0)} pass, {m.get('n_fail', 0)} FAIL, "
             f"{m.get('n_not_in_results', 0)} not in these results"]
    for r in m.get("rows", [])[:12]:
        value = r.get("model")
        lines.append(f"{r.get('status', '?'):>6}  {r.get('key', '?')}: "
                     + (f"{_num(value):.3g}" if value is not None else "-"))
    ax.text(0.0, 1.0, "\n".join(lines), va="top", family="monospace", fontsize=7, transform=ax.transAxes)


def draw_summary(metrics: dict):
    """The one-page summary as an open matplotlib figure (see the module docstring)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 3, figsize=(15, 9))
    panels = (("engram_formation", _engram), ("binding_window", _binding), ("compare_binding", _compare),
              ("concept_cells", _concept_cells), ("compression", _compression), ("literature_check", _check))
    for ax, (name, draw) in zip(axes.flat, panels):
        ax.set_label(name)
        draw(ax, metrics.get(name))
    quick = metrics.get("figure_set", {}).get("quick")
    fig.suptitle("neuromem: engrams and concept cells from pictures and names (digits)"
                 + (" - quick set, one seed" if quick else " - report seeds 3-7"), fontsize=12)
    fig.tight_layout()
    return fig


def plot_summary(metrics: dict, path) -> Path:
    """:func:`draw_summary` written to ``path`` (PNG); returns ``path``."""
    import matplotlib.pyplot as plt

    fig = draw_summary(metrics)
    path = Path(path)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
