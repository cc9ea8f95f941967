"""Figures of the engram-formation experiment, drawn from its results object (``EngramResults``; PNG)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neuromem.viz.palette import MODALITY_COLOUR_WORDS, MODALITY_COLOURS, concept_colours

__all__ = ["concepts_per_neuron", "write_all"]

_COLORS = MODALITY_COLOURS
#: The words for :data:`_COLORS` in titles.
_COLOUR_WORDS = MODALITY_COLOUR_WORDS


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _preferred_order(resp_union: np.ndarray, counts_mean: np.ndarray) -> np.ndarray:
    """Neurons sorted by preferred concept (responsive first), then by response strength."""
    pref = np.where(resp_union.any(axis=1), counts_mean.argmax(axis=1), resp_union.shape[1])
    strength = counts_mean.max(axis=1)
    return np.lexsort((-strength, pref))


def raster(path, *, concepts, spec, test_res, test_labels, test_modality, resp, counts, per_concept=2):
    """Spikes of the responsive concept neurons (and 5 others) over held-out test trials, on a time axis in ms.

    The first ``per_concept`` test trials of each concept and modality are placed one after another, each
    ``spec.sim.trial_period_ms`` long; the bottom axis is that time in ms, the top axis names each trial's
    concept, the shading marks each stimulus window, the colour its modality.
    """
    plt = _plt()
    mods = [m for m in ("picture", "name", "spoken") if m in resp]
    union = np.logical_or.reduce([resp[m] for m in mods])
    mean_by_concept = np.stack([counts[test_labels == k].mean(axis=0) if np.any(test_labels == k)
                                else np.zeros(counts.shape[1]) for k in range(len(concepts))], axis=1)
    order = _preferred_order(union, mean_by_concept)
    shown = order[: max(int(union.any(axis=1).sum()) + 5, 10)]
    rank = {n: r for r, n in enumerate(shown)}
    per = spec.sim.steps_per_trial
    period = spec.sim.trial_period_ms
    trials = []
    for m in mods:
        for k in range(len(concepts)):
            idx = np.nonzero((test_modality == m) & (test_labels == k))[0][:per_concept]
            trials += [(int(t), m, k) for t in idx]
    fig, ax = plt.subplots(figsize=(max(10, 0.25 * len(trials)), max(5, 1.8 + 0.16 * len(shown))))
    for pos, (t, m, k) in enumerate(trials):
        sel = (test_res.steps // per) == t
        xs = pos * period + (test_res.steps[sel] % per) * spec.sim.dt_ms
        ys = [rank.get(int(n), -1) for n in test_res.indices[sel]]
        keep = np.array(ys) >= 0
        ax.scatter(xs[keep], np.array(ys)[keep], s=4, color=_COLORS[m], marker="|")
        ax.axvspan(pos * period, pos * period + spec.sim.stimulus_ms, color=_COLORS[m], alpha=0.06, lw=0)
    ax.set_xlim(0, max(1, len(trials)) * period)
    top = ax.secondary_xaxis("top")
    top.set_xticks([(p + 0.4) * period for p in range(len(trials))], [concepts[k] for _, _, k in trials],
                   rotation=90, fontsize=8)
    for label, (_, _, k) in zip(top.get_xticklabels(), trials):
        label.set_color(concept_colours(len(concepts))[k])
    top.set_xlabel("test stimulus (held-out, cue alone): its concept (colour = concept, as in every figure)")
    pref = mean_by_concept.argmax(axis=1)
    ax.set_yticks(np.arange(len(shown)))
    ax.set_yticklabels([f"{n} ({concepts[pref[n]]})" if union[n].any() else str(n) for n in shown], fontsize=8)
    ax.set_ylabel("concept neuron (preferred concept)")
    ax.set_xlabel(f"time (ms): test trials one after another, {period:g} ms each; shaded = the "
                  f"{spec.sim.stimulus_ms:g} ms stimulus window")
    ax.set_ylim(-1, len(shown))
    ax.set_title("Concept-neuron spikes across test stimuli: " +
                 ", ".join(f"{m} ({_COLOUR_WORDS[m]})" for m in mods))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def weights(path, *, concepts, spec, init, trained, resp, counts, test_labels):
    plt = _plt()
    mods = list(trained.w_in_mv)
    union = np.logical_or.reduce([resp[m] for m in mods if m in resp])
    mean_by_concept = np.stack([counts[test_labels == k].mean(axis=0) for k in range(len(concepts))], axis=1)
    # responsive neurons first (sorted by preferred concept), then untrained ones for contrast
    rows = _preferred_order(union, mean_by_concept)[: min(30, union.shape[0])]
    npd = spec.coding.neurons_per_dim
    n_dims = min(16, spec.populations[0].latent_dim)
    pref = mean_by_concept.argmax(axis=1)
    ylabels = [f"{n} ({concepts[pref[n]]})" if union[n].any() else str(n) for n in rows]
    fig, axes = plt.subplots(len(mods), 2, figsize=(13, 1.6 + 0.12 * len(rows) * len(mods) + 1.2 * len(mods)),
                             squeeze=False)
    for r, m in enumerate(mods):
        vmax = spec.w_max_mv(m)
        for c, (label, st) in enumerate((("before learning", init), ("after learning", trained))):
            ax = axes[r, c]
            im = ax.imshow(st.w_in_mv[m][: n_dims * npd, rows].T, aspect="auto", cmap="viridis", vmin=0,
                           vmax=vmax, interpolation="nearest")
            ax.set_title(f"{m} -> concept weights, {label}")
            ax.set_xticks(np.arange(0, n_dims * npd, npd) - 0.5)
            ax.set_xticklabels([str(d) for d in range(n_dims)], fontsize=8)
            ax.set_xlabel(f"{m} latent dimension (first {n_dims}; {npd} tuned neurons each)")
            ax.set_yticks(np.arange(len(rows)))
            ax.set_yticklabels(ylabels, fontsize=8)
            ax.set_ylabel("concept neuron (preferred concept)")
            fig.colorbar(im, ax=ax, label="weight (mV)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def concept_cells(path, *, concepts, resp, counts, test_labels, test_modality, window_ms, n_cells=4):
    """Responses of the most selective concept cells to each concept through each modality.

    The title calls them invariant only when every neuron shown answers one concept's pictures and names.
    """
    plt = _plt()
    mods = [m for m in ("picture", "name", "spoken") if m in resp]
    n_c = len(concepts)
    mean = {m: np.stack([counts[(test_modality == m) & (test_labels == k)].mean(axis=0)
                         for k in range(n_c)], axis=1) for m in mods}  # (neurons, concepts)
    sem = {m: np.stack([counts[(test_modality == m) & (test_labels == k)].std(axis=0)
                        / np.sqrt(max(1, ((test_modality == m) & (test_labels == k)).sum()))
                        for k in range(n_c)], axis=1) for m in mods}
    both = resp["picture"] & resp["name"]
    score = both.any(axis=1) * 1e6 + mean["picture"].max(axis=1) + mean["name"].max(axis=1)
    cells = [int(n) for n in np.argsort(-score)[:n_cells] if score[n] > 0]
    if not cells:
        cells = [0]
    fig, axes = plt.subplots(len(cells), 1, figsize=(max(8, 0.8 * n_c), 2.4 * len(cells)), squeeze=False)
    width = 0.8 / len(mods)
    for r, n in enumerate(cells):
        ax = axes[r, 0]
        for j, m in enumerate(mods):
            ax.bar(np.arange(n_c) + (j - (len(mods) - 1) / 2) * width, mean[m][n], width, yerr=sem[m][n],
                   color=_COLORS[m], label=f"{m} (held-out)", capsize=2)
        pref = [concepts[k] for k in np.nonzero(np.logical_or.reduce([resp[m][n] for m in mods]))[0]]
        ax.set_title(f"concept neuron {n}: responds to {', '.join(pref) if pref else 'nothing'}")
        ax.set_ylabel(f"spikes / {window_ms:g} ms\n(mean ± s.e.m.)", fontsize=8)
        ax.set_xticks(np.arange(n_c))
        ax.set_xticklabels(concepts, rotation=30, fontsize=8)
        if r == 0:
            ax.legend(fontsize=8)
    n_invariant = int(both[cells].any(axis=1).sum())
    fig.suptitle("Invariant concept cells: the same neuron answers a concept's pictures and its names"
                 if n_invariant == len(cells) else
                 f"The {len(cells)} most responsive concept neurons ({n_invariant} answer a concept's pictures "
                 f"and its names)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def concepts_per_neuron(path, *, histograms: dict, n_concepts: int, title: str | None = None):
    """Fractions of responsive neurons answering 1, 2, 3, 4, 5, 6+ concepts, for each model, next to the human data.

    Parameters
    ----------
    path : path
        PNG to write.
    histograms : dict of str -> (ndarray (6,), int)
        Per model (the label), its six-bin histogram
        (:func:`neuromem.analysis.concepts_per_neuron_histogram`) and its number of responsive neurons.
    n_concepts : int
        Concepts shown to the models (the human screening showed ~94: with fewer, the upper bins are
        empty by construction).
    title : str, optional
    """
    from neuromem.analysis import DEFALCO2016_STIMULI_PER_SESSION, HISTOGRAM_BINS, HUMAN_CONCEPTS_PER_NEURON

    plt = _plt()
    x = np.arange(len(HISTOGRAM_BINS))
    n_bars = len(histograms) + 1
    width = 0.8 / n_bars
    colours = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd")
    fig, ax = plt.subplots(figsize=(7, 4))
    for i, (label, (hist, n_resp)) in enumerate(histograms.items()):
        ax.bar(x + (i - (n_bars - 1) / 2) * width, np.asarray(hist, dtype=float), width,
               label=f"{label} ({int(n_resp)} responsive neurons)", color=colours[i % len(colours)])
    ax.bar(x + (n_bars - 1) / 2 * width, HUMAN_CONCEPTS_PER_NEURON, width, color="#7f7f7f",
           label=f"human MTL, 688 responsive units, ~{DEFALCO2016_STIMULI_PER_SESSION} stimuli "
                 "(De Falco et al. 2016)")
    ax.set_xticks(x)
    ax.set_xticklabels(HISTOGRAM_BINS)
    ax.set_xlabel("number of concepts a responsive neuron answers")
    ax.set_ylabel("fraction of responsive neurons")
    ax.set_ylim(0, 1)
    ax.set_title(title or f"Concepts per responsive neuron ({n_concepts} concepts shown)", fontsize=10)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _histogram_of(results) -> tuple:
    from neuromem.analysis import concepts_per_neuron_histogram

    union = np.logical_or.reduce([results.responsive[m] for m in results.responsive])
    return concepts_per_neuron_histogram(union), int(union.any(axis=1).sum())


def write_all(results, out) -> list[str]:
    """Write every figure of ``results`` (an ``EngramResults``) into ``out``; returns the file names."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    r = results
    test = r.test_trials
    concepts, spec, counts, resp = r.concepts, r.spec, r.test_counts, r.responsive
    files = {
        "raster_concept_neurons.png": lambda p: raster(p, concepts=concepts, spec=spec, test_res=r.test_spikes,
                                                       test_labels=test.labels, test_modality=test.kind,
                                                       resp=resp, counts=counts),
        "weights_before_after.png": lambda p: weights(p, concepts=concepts, spec=spec, init=r.initial,
                                                      trained=r.trained, resp=resp, counts=counts,
                                                      test_labels=test.labels),
        "concept_cells_pictures_vs_names.png": lambda p: concept_cells(p, concepts=concepts, resp=resp,
                                                                       counts=counts, test_labels=test.labels,
                                                                       test_modality=test.kind,
                                                                       window_ms=spec.sim.stimulus_ms),
        "concepts_per_neuron_vs_human.png": lambda p: concepts_per_neuron(
            p, histograms={f"model: {spec.name}": _histogram_of(r)}, n_concepts=len(concepts)),
    }
    for name, fn in files.items():
        fn(out / name)
    return list(files)
