"""The concept-cells engram results page: table and figure generated from saved engram-formation runs.

    python tools/concept_cells_engram.py results-19     # collect, write the summary, table and figure

Reads ``<results>/<dataset>-<preset>/seed_<S>/metrics.json`` (``neuromem run engram-formation --fit-concepts
0.5 ...``, one folder per seed), writes the per-seed numbers the page needs to
``docs/measurements/concept_cells_engram.json``, regenerates the table between the markers
``<!-- table: concept-cells-engram ... -->`` / ``<!-- end table -->`` of
``docs/results/concept-cells-engram.md`` from that file, and draws the concepts-per-neuron figure
(``default`` and ``human-mtl`` side by side with the human data, pooled over seeds) into
``figures/readme/digits_concepts_per_neuron_default_vs_human_mtl.png``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np

from neuromem.analysis import t_ci95

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = ROOT / "docs" / "measurements" / "concept_cells_engram.json"
PAGE = ROOT / "docs" / "results" / "concept-cells-engram.md"
FIGURE = ROOT / "figures" / "readme" / "digits_concepts_per_neuron_default_vs_human_mtl.png"
MARKER = re.compile(r"(?ms)(^<!-- table: concept-cells-engram (?P<source>\S+) -->\n)(.*?)(^<!-- end table -->)")
#: Metrics kept per seed (the page's table and figure need no more).
KEYS = ("picture_to_name_recall_at_1", "nearest_prototype_reference_recall_at_1", "no_binder_lookup_recall_at_1",
        "invariance_index", "invariance_index_by_sd", "invariance_index_spoken", "neurons_per_concept_mean",
        "n_responsive_neurons", "concepts_per_neuron_histogram", "population_sparseness",
        "blank_trial_answer_fraction", "blank_max_rate_hz", "blank_isi_cv", "blank_isi_cv_n_neurons",
        "blank_period_max_rate_hz", "n_concepts", "n_concept_neurons", "engine", "presentations", "novel_concepts")


def collect(results: Path) -> dict:
    """``{"<dataset>/<preset>": {"<seed>": {key: value}}}`` from the run folders under ``results``."""
    out = {}
    for folder in sorted(p for p in results.iterdir() if p.is_dir()):
        for seed_dir in sorted(folder.glob("seed_*")):
            f = seed_dir / "metrics.json"
            if not f.is_file():
                continue
            m = json.loads(f.read_text())
            out.setdefault(f"{m['dataset']}/{m['preset']}", {})[str(m["seed"])] = {k: m.get(k) for k in KEYS}
    return out


def _values(runs: dict, fn) -> np.ndarray:
    return np.array([np.nan if fn(r) is None else fn(r) for r in runs.values()], dtype=np.float64)


def _cell(v: np.ndarray, digits: int = 3) -> str:
    if np.isnan(v).all():
        return "undefined"
    mean = np.nanmean(v)
    ci = t_ci95(v[~np.isnan(v)]) if (~np.isnan(v)).sum() > 1 else float("nan")
    return f"{mean:.{digits}f} ± {ci:.{digits}f}" if np.isfinite(ci) else f"{mean:.{digits}f}"


#: Rows: label, value per seed, target (text), whether a seed meets it (None: no target).
ROWS = (
    ("invariance, pictures vs names (5 SD)", lambda r: r["invariance_index"], ">= 0.8",
     lambda v: v >= 0.8),
    ("invariance at 3 SD", lambda r: r["invariance_index_by_sd"]["3"], "", None),
    ("invariance at 7 SD", lambda r: r["invariance_index_by_sd"]["7"], ">= 0.7", lambda v: v >= 0.7),
    ("invariance, pictures vs spoken names", lambda r: r["invariance_index_spoken"], "", None),
    ("picture -> name recall@1 (network, offline readout)", lambda r: r["picture_to_name_recall_at_1"], "", None),
    ("nearest-prototype reference (K-shot)", lambda r: r["nearest_prototype_reference_recall_at_1"], "", None),
    ("recall minus reference (paired)", lambda r: r["picture_to_name_recall_at_1"]
     - r["nearest_prototype_reference_recall_at_1"], ">= -0.05", lambda v: v >= -0.05),
    ("no-binder lookup", lambda r: r["no_binder_lookup_recall_at_1"], "", None),
    ("recall minus (no-binder + 0.3) (paired)", lambda r: r["picture_to_name_recall_at_1"]
     - r["no_binder_lookup_recall_at_1"] - 0.3, ">= 0", lambda v: v >= 0),
    ("neurons per concept", lambda r: r["neurons_per_concept_mean"], ">= 5", lambda v: v >= 5),
    ("population sparseness", lambda r: r["population_sparseness"], "", None),
    ("blank trials with an answering neuron", lambda r: r["blank_trial_answer_fraction"], "<= 0.05",
     lambda v: v <= 0.05),
    ("highest blank-trial rate (Hz)", lambda r: r["blank_max_rate_hz"], "<= 5", lambda v: v <= 5),
    ("neurons with >= 10 spikes in the 20 s blank period", lambda r: r["blank_isi_cv_n_neurons"], "", None),
    ("CV of ISIs in the 20 s blank period", lambda r: r["blank_isi_cv"], "", None),
)


def table(summary: dict) -> str:
    """Markdown table: one column per dataset/preset (mean ± 95 % t-interval over seeds; seeds meeting a target)."""
    cols = list(summary)
    head = "| measurement (novel concepts) | target | " + " | ".join(
        f"{c} (seeds {','.join(summary[c])})" for c in cols) + " |"
    lines = [head, "|---|---|" + "---|" * len(cols)]
    for label, fn, target, ok in ROWS:
        cells = []
        for c in cols:
            v = _values(summary[c], fn)
            cell = _cell(v)
            if ok is not None and not np.isnan(v).all():
                cell += f" ({int(sum(ok(x) for x in v if not np.isnan(x)))}/{len(v)} seeds)"
            cells.append(cell)
        lines.append(f"| {label} | {target} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


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
    text = PAGE.read_text()
    text = MARKER.sub(lambda m: f"{m.group(1)}{table(json.loads((ROOT / m.group('source')).read_text()))}\n"
                                f"{m.group(4)}", text)
    PAGE.write_text(text)
    hists = {f"model: {p} (N = {next(iter(summary[f'digits/{p}'].values()))['n_concept_neurons']})":
             pooled_histogram(summary[f"digits/{p}"]) for p in ("default", "human-mtl") if f"digits/{p}" in summary}
    if hists:
        n_c = next(iter(summary["digits/human-mtl"].values()))["n_concepts"]
        concepts_per_neuron(FIGURE, histograms=hists, n_concepts=n_c,
                            title=f"Concepts per responsive neuron: digits, {n_c} novel concepts, pooled over the "
                                  "report seeds, vs human MTL (~94 stimuli)")
    print(f"wrote {SUMMARY.relative_to(ROOT)}, the table of {PAGE.relative_to(ROOT)}, {FIGURE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
