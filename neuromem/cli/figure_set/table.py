"""The numbers each figure of a figure set shows, as a markdown table generated from its ``metrics.json``.

``tools/docs_tables.py`` writes it into ``docs/results/figure-set.md`` and
fails its check when the page and the stored set disagree. One row per figure
that the set drew (``figure_set.figures``), in the order drawn; a figure with
no row here is listed with "-" so a new figure cannot go unlisted.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

__all__ = ["figure_numbers_table", "FIGURE_NUMBERS"]


def _f(x, digits: int = 3) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "-"
    return "-" if math.isnan(v) else f"{v:.{digits}f}"


def _drawn(m, job: str) -> dict:
    """The numbers of the run a job's figures are drawn from: the figure seed's own for a per-seed job
    (its section also holds the mean over seeds, which no figure of the job shows), else the section."""
    e = m.get(job, {})
    seed = e.get("figure_seed")
    return e.get(f"seed_{seed}", e) if seed is not None else e


def _encoding(m):
    e = _drawn(m, "encoding")
    return (f"held-out picture accuracy {_f(e.get('heldout_picture_accuracy'))}; written names "
            f"{_f(e.get('name_to_picture_centroid_fraction'))} and spoken names "
            f"{_f(e.get('spoken_to_picture_centroid_fraction'))} nearest their own picture centroid")


def _recon(m):
    e = _drawn(m, "encoding")
    return (f"reconstruction error {_f(e.get('recon_error_heldout'))} (held-out digits) vs "
            f"{_f(e.get('recon_error_novel'))} (photograph crops) per pixel; novelty AUC "
            f"{_f(e.get('recon_novelty_auc'))}; compression x{_f(e.get('compression_factor'), 0)}")


def _engram(m, mean: bool = False):
    e = m.get("engram_formation", {}) if mean else _drawn(m, "engram_formation")
    return (f"picture -> name recall {_f(e.get('picture_to_name_network_recall_at_1'))} (readout spikes) vs "
            f"nearest-prototype reference {_f(e.get('nearest_prototype_reference_recall_at_1'))}, no-binder lookup "
            f"{_f(e.get('no_binder_lookup_recall_at_1'))}, chance {_f(e.get('chance_recall_at_1'), 2)}; "
            f"{_f(e.get('n_responsive_neurons'), 0)} responsive neurons, invariance {_f(e.get('invariance_index'), 2)}")


def _engram_cpn(m):
    e = _drawn(m, "engram_formation")
    h = e.get("concepts_per_neuron_histogram") or [float("nan")]
    return (f"share of responsive neurons answering one concept {_f(h[0], 2)} (model) vs "
            f"{_f((e.get('human_concepts_per_responsive_neuron') or [float('nan')])[0], 2)} (human)")


def _window(m):
    b = m.get("binding_window", {})
    hw = b.get("binding_half_width_ms") or [float("nan")] * 2
    bi = b.get("binding_index") or []
    return (f"binding index {', '.join(_f(x, 2) for x in bi)} at offsets "
            f"{', '.join(_f(x, 0) for x in b.get('onset_asynchrony_ms', []))} ms; half-widths {_f(hw[0], 0)} / "
            f"+{_f(hw[1], 0)} ms")


def _shots(m):
    c = m.get("compare_binding", {})
    pat = re.compile(r"^shots/novel/([^/]+)/k=(\d+)/picture_to_name_recall_at_1$")
    found = sorted((int(g.group(2)), g.group(1)) for g in map(pat.match, c) if g)
    if not found:
        return "-"
    k = found[0][0]
    key = "shots/novel/{}/k={}/picture_to_name_recall_at_1"
    return f"novel concepts, K = {k}: " + ", ".join(f"{b} {_f(c[key.format(b, k)], 2)}"
                                                   for kk, b in found if kk == k)


def _per_binder(m, pattern: str, digits: int = 2, scale: float = 1.0) -> str:
    """``binder value`` for every key of the compare_binding section matching ``pattern`` (binder as group 1)."""
    c = m.get("compare_binding", {})
    pat = re.compile(pattern)
    found = sorted((g.group(1), c[k]) for k, g in ((k, pat.match(k)) for k in c) if g)
    return ", ".join(f"{b} {_f(float(v) * scale, digits) if v is not None else 'n/a'}" for b, v in found) or "-"


def _interference(m):
    return ("retention of the first group after the second: "
            + _per_binder(m, r"^interference/synthetic/([^/]+)/k=\d+/retention$")
            + " (n/a: cannot hold both groups by construction)")


def _capacity(m):
    """Capacity and bits at every binder size N the run tested (50 quick, 100 default, 50 and 200 with --shots)."""
    sizes = sorted({int(g.group(1)) for k in m.get("compare_binding", {})
                    for g in [re.match(r"^capacity/synthetic/[^/]+/n_units=(\d+)/capacity$", k)] if g})
    return "; ".join(
        f"capacity at N = {n} (concepts): " + _per_binder(m, rf"^capacity/synthetic/([^/]+)/n_units={n}/capacity$", 0)
        + "; bits per plastic parameter: "
        + _per_binder(m, rf"^capacity/synthetic/([^/]+)/n_units={n}/bits_per_parameter$", 4) for n in sizes) or "-"


def _cost(m):
    return ("per recall cue, novel K = 5: synaptic events "
            + _per_binder(m, r"^cost/novel/([^/]+)/k=5/recall/synaptic_events_per_item$", 0)
            + "; MACs " + _per_binder(m, r"^cost/novel/([^/]+)/k=5/recall/macs_per_item$", 0))


def _units(m):
    return ("94 synthetic concepts: TV to the human histogram "
            + _per_binder(m, r"^units/synthetic-94/([^/]+)/k=\d+/human_histogram_total_variation$")
            + "; invariance " + _per_binder(m, r"^units/synthetic-94/([^/]+)/k=\d+/invariance_index$"))


def _cells(m):
    c = m.get("concept_cells", {})
    h = c.get("concepts_per_neuron_histogram") or []
    return (f"{_f(c.get('n_concepts'), 0)} concepts, N = {_f(c.get('n_neurons'), 0)}: one / two / three concepts "
            f"{' / '.join(_f(x, 2) for x in h[:3])} (human "
            f"{' / '.join(_f(x, 2) for x in (c.get('human_concepts_per_neuron_histogram') or [])[:3])}); TV "
            f"{_f(c.get('concepts_per_neuron_tv_to_human'), 2)}")


def _sparseness(m):
    c = m.get("concept_cells", {})
    return f"population sparseness {_f(100 * float(c.get('population_sparseness', 'nan')), 2)} % at N"


def _compression(m):
    c = m.get("compression", {})
    if "sizes" not in c:
        return "-"
    h = c.get("head_at_knee", {})
    b = c.get("best_loss_at_knee", {})
    return (f"head knee {c.get('knee_head_fitted')} dims (fitted {_f(h.get('recall_fitted'))}, novel "
            f"{_f(h.get('recall_novel'))}); autoencoder knee {b.get('size')} dims, best loss {c.get('best_loss')} "
            f"(fitted {_f(b.get('recall_fitted'))}, novel {_f(b.get('recall_novel'))}, "
            f"PSNR {_f(b.get('psnr_db'), 1)} dB, SSIM {_f(b.get('ssim'), 2)}); chosen on seeds "
            f"{','.join(map(str, c.get('choice', {}).get('seeds', c.get('seeds', []))))}")


def _check(m):
    c = m.get("literature_check", {})
    return (f"literature check: {c.get('n_pass', 0)} pass, {c.get('n_fail', 0)} FAIL, "
            f"{c.get('n_not_in_results', 0)} not in these results")


def _figure1(m):
    e = m.get("engram_formation", {})
    return (f"{_f(e.get('n_concepts'), 0)} concepts, {_f(e.get('n_concept_neurons'), 0)} concept neurons, latent "
            f"size {_f(e.get('latent_dim'), 0)}")


def _summary(m):
    # summary.png draws the engram panel from the mean over seeds
    return "; ".join(s for s in (_engram(m, mean=True), _window(m), _shots(m), _cells(m), _check(m)) if s != "-")


#: figure file name -> (what it shows, the numbers it shows from ``metrics.json``)
FIGURE_NUMBERS = {
    "latent_space.png": ("shared latent space of pictures, written and spoken names (t-SNE)", _encoding),
    "reconstruction.png": ("decoder reconstructions, familiar vs novel pictures", _recon),
    "concept_confusion.png": ("per-concept accuracy and confusion", _encoding),
    "concept_cells_pictures_vs_names.png": ("most responsive concept neurons' spikes per cue modality", _engram),
    "raster_concept_neurons.png": ("raster of the concept neurons to pictures and names", _engram),
    "weights_before_after.png": ("input weights before and after learning", _engram),
    "concepts_per_neuron_vs_human.png": ("concepts per responsive neuron vs human MTL", _engram_cpn),
    "binding_window.png": ("binding and invariance index vs picture-name onset asynchrony", _window),
    "binding_shots.png": ("picture -> name recall vs shots per binder", _shots),
    "binding_interference.png": ("retention after a second group is learned without replay", _interference),
    "binding_capacity.png": ("capacity by bisection and bits per plastic parameter", _capacity),
    "binding_cost.png": ("counted operations per presentation and per cue, latency", _cost),
    "binding_units.png": ("sparseness, invariance and concepts per unit of each binder", _units),
    "concepts_per_neuron.png": ("concepts per responsive neuron vs human MTL", _cells),
    "sparseness_vs_n.png": ("population sparseness vs layer size", _sparseness),
    "compression.png": ("recall, PSNR, novelty AUC vs latent size: head vs autoencoders", _compression),
    "figure1.png": ("the seed's Figure 1 drawn from the run", _figure1),
    "summary.png": ("one page of the headline numbers", _summary),
}


def figure_numbers_table(m: dict) -> str:
    """Markdown: one row per figure drawn (``figure_set.figures``), with the numbers it shows."""
    figures = m.get("figure_set", {}).get("figures", {})
    if not figures:
        raise ValueError("no figure_set.figures in these metrics; give the metrics.json of neuromem figures --all")
    lines = ["| figure | shows | numbers (from the set's metrics.json) |", "|---|---|---|"]
    for job, paths in figures.items():
        for p in paths:
            name = Path(p).name
            what, fn = FIGURE_NUMBERS.get(name, ("-", lambda _m: "-"))
            lines.append(f"| `{job}/{name}` | {what} | {fn(m)} |")
    return "\n".join(lines)
