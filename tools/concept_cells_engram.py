"""The concept-cells engram results page: table and figure generated from saved engram-formation runs.

    python tools/concept_cells_engram.py results-19     # collect, write the summary, table and figure

Reads every ``<results>/.../seed_<S>/metrics.json`` (e.g. ``<results>/<dataset>-<preset>/seed_<S>``) (``neuromem run engram-formation --fit-concepts
0.5 ...``, one folder per seed), writes the per-seed numbers the page needs to
``docs/measurements/concept_cells_engram.json``, regenerates the table between the markers
``<!-- table: concept-cells-engram ... -->`` / ``<!-- end table -->`` of
``docs/results/concept-cells-engram.md`` from that file (the generator ``concept-cells-engram`` of
``tools/docs_tables.py``, which ``--check`` holds to it), and draws the concepts-per-neuron figure
(``default`` and ``human-mtl`` side by side with the human data, pooled over seeds) into
``figures/readme/digits_concepts_per_neuron_default_vs_human_mtl.png``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

import docs_tables

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = ROOT / "docs" / "measurements" / "concept_cells_engram.json"
FIGURE = ROOT / "figures" / "readme" / "digits_concepts_per_neuron_default_vs_human_mtl.png"
#: Metrics kept per seed (the page's table and figure need no more).
KEYS = ("picture_to_name_recall_at_1", "nearest_prototype_reference_recall_at_1", "no_binder_lookup_recall_at_1",
        "invariance_index", "invariance_index_by_sd", "invariance_index_spoken", "neurons_per_concept_mean",
        "n_responsive_neurons", "concepts_per_neuron_histogram", "population_sparseness",
        "blank_trial_answer_fraction", "blank_max_rate_hz", "blank_isi_cv", "blank_isi_cv_n_neurons",
        "blank_period_max_rate_hz", "n_concepts", "n_concept_neurons", "engine", "presentations", "novel_concepts")


def collect(results: Path) -> dict:
    """``{"<dataset>/<preset>": {"<seed>": {key: value}}}`` from the run folders under ``results``."""
    out = {}
    for f in sorted(results.rglob("seed_*/metrics.json")):  # sub-folders too (results-19/excitability/...)
        m = json.loads(f.read_text())
        out.setdefault(f"{m['dataset']}/{m['preset']}", {})[str(m["seed"])] = {k: m.get(k) for k in KEYS}
    return dict(sorted(out.items()))


def pooled_histogram(runs: dict) -> tuple[np.ndarray, int]:
    """Six-bin histogram over the responsive neurons of every seed together, and their number."""
    counts = sum(np.asarray(r["concepts_per_neuron_histogram"]) * r["n_responsive_neurons"] for r in runs.values())
    n = int(sum(r["n_responsive_neurons"] for r in runs.values()))
    return (counts / n if n else counts), n


def main(argv) -> int:
    from neuromem.viz.engram import concepts_per_neuron

    if len(argv) != 1:
        sys.exit(__doc__)
    summary = collect(Path(argv[0]))
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    docs_tables.main(["--write"])  # every marked table, this page's among them
    hists = {f"model: {p} (N = {next(iter(summary[f'digits/{p}'].values()))['n_concept_neurons']})":
             pooled_histogram(summary[f"digits/{p}"]) for p in ("default", "human-mtl") if f"digits/{p}" in summary}
    if hists:
        n_c = next(iter(summary["digits/human-mtl"].values()))["n_concepts"]
        concepts_per_neuron(FIGURE, histograms=hists, n_concepts=n_c,
                            title=f"Concepts per responsive neuron, digits: {n_c} novel concepts, report seeds "
                                  "pooled\n(the human screening showed ~94 stimuli)")
    print(f"wrote {SUMMARY.relative_to(ROOT)} and {FIGURE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
