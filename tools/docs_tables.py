"""Tables in README.md and docs/ generated from saved results, never typed.

A generated table sits between two markers that name its generator and its
source (a path relative to the repository root):

    <!-- table: gpu-check docs/measurements/gpu_check_h200.json -->
    | ... |
    <!-- end table -->

(each marker at the start of its line).

    python tools/docs_tables.py --write   # regenerate every marked table from its source
    python tools/docs_tables.py --check   # exit 1, naming the table, when one disagrees with its source

Generators: ``gpu-check`` (``tools/gpu_check.py``'s JSON), ``compare-binding``
(a ``neuromem run compare-binding`` folder or its ``metrics.json``:
``neuromem.experiments.compare_binding.table.summary_table``),
``compare-binding-summary`` (a comparison's ``summary.md``: its headline table,
checked against the ``metrics.json`` beside it), ``compare-binding-novel`` (the same without its
fitted-concept rows),
``literature-check`` (a results folder checked by ``neuromem check``:
``neuromem.analysis.literature.format_check_table``), ``concept-cells`` and ``concept-cells-tradeoff`` (a
``neuromem run concept-cells`` folder: ``neuromem.experiments.concept_cells.table``) and
``concept-cells-engram`` (``docs/measurements/concept_cells_engram.json``, written by
``tools/concept_cells_engram.py``), ``thesaurus`` (``results-22-thesaurus/metrics.json``, written by
``simulations/thesaurus_fashion.py``), ``compression-recall`` and ``compression-choice`` (a
``neuromem run compression`` folder: ``neuromem.experiments.compression.table``), ``figure-set`` (a
``neuromem figures --all`` folder: ``neuromem.cli.figure_set.table``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"(?m)(^<!-- table: (?P<kind>[\w-]+) (?P<source>\S+) -->\n)(?P<body>.*?)(^<!-- end table -->)", re.S)

#: Row labels of the GPU check's cases (keys of its ``results``).
GPU_CASES = {
    "surrogate_400_neurons_learn_recall_100_presentations_10_epochs":
        "`surrogate`, 400 neurons, 100 presentations x 10 epochs of BPTT + recall",
    "surrogate_matched_100_neurons_learn_recall_100_presentations_10_epochs":
        "`surrogate-matched`, 100 neurons, 0.1 ms x 200 ms trials, 100 presentations x 10 epochs of BPTT + recall",
    "contrastive_256_dims_learn_recall_100_presentations_300_epochs":
        "`contrastive`, 256 shared dims, 100 presentations x 300 epochs + recall",
    "norse_engine_1280x4000_1s_biology_plastic": "`norse` engine, 1280 inputs x 4000 LIF, 1 s of biology, plastic",
}


def _metrics(source: Path) -> dict:
    return json.loads((source / "metrics.json" if source.is_dir() else source).read_text())


def gpu_check_table(source: Path) -> str:
    """The CPU vs GPU table of one ``tools/gpu_check.py`` run."""
    d = json.loads(source.read_text())
    lines = [f"| case | CPU ({d['cpu_cores']} cores) | GPU ({d['gpu']}) | speed-up |", "|---|---|---|---|"]
    for key, r in d["results"].items():
        lines.append(f"| {GPU_CASES.get(key, key.replace('_', ' '))} | {r['cpu_s']:.3g} s | {r['cuda_s']:.3g} s | "
                     f"{r['gpu_speedup']:.3g}x |")
    return "\n".join(lines)


def compare_binding_table(source: Path) -> str:
    from neuromem.experiments.compare_binding.table import summary_table

    m = _metrics(source)
    return summary_table(m, shots=tuple(m.get("_meta", {}).get("grid", {}).get("shots", (1, 5))))


def compare_binding_summary_table(source: Path) -> str:
    """The headline table of a comparison's ``summary.md`` (written by ``neuromem run compare-binding``).

    The table is checked against the run itself: it must equal the table
    generated afresh from the same folder's ``metrics.json``.
    """
    from neuromem.experiments.compare_binding.summary import TABLE_END, TABLE_START, headline_table

    text = source.read_text()
    if TABLE_START not in text or TABLE_END not in text:
        raise ValueError(f"{source} has no headline table; give the summary.md of a compare-binding run")
    table = text.split(TABLE_START, 1)[1].split(TABLE_END, 1)[0].strip()
    metrics = source.with_name("metrics.json")
    if metrics.is_file() and headline_table(_metrics(metrics)).strip() != table:
        raise ValueError(f"{source} disagrees with {metrics}; re-run the comparison or neuromem figures on it")
    return table


def compare_binding_novel_table(source: Path) -> str:
    """The headline table of a comparison's ``summary.md`` without its fitted-concept rows (the README's view).

    On fitted concepts the no-binder lookup already answers (the rows measure the
    encoder); the novel-concept, retention, capacity and bits rows stay, unchanged.
    """
    lines = compare_binding_summary_table(source).splitlines()
    return "\n".join(line for line in lines if not line.startswith("| fitted,"))


def literature_check_table(source: Path) -> str:
    from neuromem.analysis.literature import CheckRow, format_check_table

    rows = _metrics(source).get("literature_check", {}).get("rows")
    if not rows:
        raise ValueError(f"{source} has no literature_check section; run neuromem check --results on it first")
    return format_check_table([CheckRow(**r) for r in rows])


#: Rows of the concept-cells engram table: label, value of one seed, target (text), whether a value meets it.
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


def _values(runs: dict, fn) -> np.ndarray:
    return np.array([np.nan if fn(r) is None else fn(r) for r in runs.values()], dtype=np.float64)


def _cell(v: np.ndarray, digits: int = 3) -> str:
    from neuromem.analysis import t_ci95

    if np.isnan(v).all():
        return "undefined"
    mean = np.nanmean(v)
    ci = t_ci95(v[~np.isnan(v)]) if (~np.isnan(v)).sum() > 1 else float("nan")
    return f"{mean:.{digits}f} ± {ci:.{digits}f}" if np.isfinite(ci) else f"{mean:.{digits}f}"


def concept_cells_engram_table(source: Path) -> str:
    """The novel-concept table of the human-mtl page: one column per dataset/preset of
    ``docs/measurements/concept_cells_engram.json`` (``tools/concept_cells_engram.py``), mean ± 95 %
    t-interval over seeds, and the seeds meeting each target."""
    summary = json.loads(source.read_text())
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


def concept_cells_table(source: Path) -> str:
    """The human comparison, targets and per-seed values of a ``neuromem run concept-cells`` folder."""
    from neuromem.experiments.concept_cells.table import markdown_tables

    return markdown_tables(_metrics(source))


def concept_cells_tradeoff_table(source: Path) -> str:
    """The trade-off rows of a concept-cells folder written with ``--tradeoff`` (or tools/concept_cells_tradeoff.py)."""
    from neuromem.experiments.concept_cells.table import tradeoff_table

    m = _metrics(source)
    if not m.get("tradeoff"):
        raise ValueError(f"{source} has no trade-off; run neuromem run concept-cells --tradeoff ... into it")
    return tradeoff_table(m["tradeoff"], m.get("capacity_n_neurons"))


def thesaurus_table(source: Path) -> str:
    """The thesaurus route on Fashion-MNIST (``simulations/thesaurus_fashion.py``'s ``metrics.json``)."""
    m = _metrics(source)
    rows = [("superordinate hit fraction (top-k classes under the concept's superordinate)",
             "superordinate_hit_fraction"),
            ("`thesaurus_parent_accuracy` (novel concept placed by the thesaurus)", "thesaurus_parent_accuracy"),
            ("`locality_parent_accuracy` (novel concept placed by latent locality alone)", "locality_parent_accuracy"),
            ("`thesaurus_parent_majority_baseline` (always the commonest parent)",
             "thesaurus_parent_majority_baseline")]
    lines = [f"| measure (report seeds {', '.join(map(str, m['seeds']))}) | mean | 95 % CI | per seed |",
             "|---|---|---|---|"]
    for label, key in rows:
        v = m[key]
        lines.append(f"| {label} | {v['mean']:.3f} | ± {v['ci95']:.3f} | "
                     f"{', '.join(f'{x:.2f}' for x in v['per_seed'])} |")
    return "\n".join(lines)


NOVELTY_ROWS = (("`novelty_auc_match_error`", "novelty_auc_match_error"), ("`novelty_auc_network`", "novelty_auc_network"),
                ("`novelty_auc_combined` (target >= 0.9)", "novelty_auc_combined"),
                ("`wrong_recall_auc` (target >= 0.7)", "wrong_recall_auc"),
                ("`gate_decision_accuracy`", "gate_decision_accuracy"),
                ("new concepts called new", "gate_new_recall"), ("known concepts called new", "gate_known_false_new"),
                ("recall of known concepts, network", "network_recall_known"),
                ("recall of known concepts, nearest-prototype reference", "nearest_prototype_recall_known"))


def novelty_gate_table(source: Path) -> str:
    """The novelty-gate table: digits, Fashion-MNIST and the user-like folder of a ``results-22-novelty`` folder
    (``<source>/digits/metrics.json``, ``<source>/fashion-mnist/metrics.json``, ``<source>/user_folder.json``)."""
    cols = {"digits": source / "digits" / "metrics.json", "Fashion-MNIST": source / "fashion-mnist" / "metrics.json",
            "user-like photo folder": source / "user_folder.json"}
    runs = {name: json.loads(f.read_text()) for name, f in cols.items()}
    head = "| | " + " | ".join(f"{n} (seeds {','.join(str(s) for s in m['seeds'])})" for n, m in runs.items()) + " |"
    lines = [head, "|---|" + "---|" * len(runs)]
    for label, key in NOVELTY_ROWS:
        cells = []
        for m in runs.values():
            v, ci, n = m.get(key), m.get(f"{key}_ci95"), m.get(f"{key}_n_seeds")
            if v is None:
                cells.append("undefined")
                continue
            cell = f"{v:.3f}" + (f" ± {ci:.3f}" if ci is not None and np.isfinite(ci) else "")
            if n is not None and n != len(m["seeds"]):
                cell += f" ({n} of {len(m['seeds'])} seeds defined)"
            cells.append(cell)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def compression_recall_table(source: Path) -> str:
    """Recall, PSNR, SSIM and novelty AUC per latent size of a ``neuromem run compression`` folder."""
    from neuromem.experiments.compression.table import recall_table

    return recall_table(_metrics(source))


def compression_choice_table(source: Path) -> str:
    """The knees and the loss of a compression folder (chosen on its tuning seeds) with their numbers."""
    from neuromem.experiments.compression.table import choice_table

    return choice_table(_metrics(source))


def figure_set_table(source: Path) -> str:
    """The numbers each figure of a ``neuromem figures --all`` folder shows (its ``metrics.json``)."""
    from neuromem.cli.figure_set.table import figure_numbers_table

    return figure_numbers_table(_metrics(source))


GENERATORS = {"gpu-check": gpu_check_table, "compression-recall": compression_recall_table,
              "compression-choice": compression_choice_table, "figure-set": figure_set_table,
              "compare-binding": compare_binding_table,
              "compare-binding-summary": compare_binding_summary_table,
              "compare-binding-novel": compare_binding_novel_table,
              "literature-check": literature_check_table, "concept-cells": concept_cells_table,
              "concept-cells-tradeoff": concept_cells_tradeoff_table,
              "concept-cells-engram": concept_cells_engram_table,
              "novelty-gate": novelty_gate_table, "thesaurus": thesaurus_table}


def documents(root: Path = ROOT) -> list[Path]:
    """README.md, REPRODUCING.md and every Markdown page under docs/ (generated folders left out)."""
    skip = {"_build", "auto_examples", "generated"}
    pages = [p for p in sorted((root / "docs").rglob("*.md")) if not skip & set(p.relative_to(root).parts)]
    return [p for p in (root / "README.md", root / "REPRODUCING.md") if p.is_file()] + pages


def render(text: str, root: Path = ROOT) -> tuple[str, list[str]]:
    """``text`` with every marked table regenerated, and the sources it names."""
    sources = []

    def sub(m):
        kind, source = m.group("kind"), m.group("source")
        if kind not in GENERATORS:
            raise ValueError(f"unknown table generator {kind!r}; use one of {sorted(GENERATORS)}")
        path = root / source
        if not path.exists():
            raise FileNotFoundError(f"table source {source} does not exist; store the run there or fix the marker")
        sources.append(source)
        return f"{m.group(1)}{GENERATORS[kind](path).rstrip()}\n{m.group(5)}"

    return MARKER.sub(sub, text), sources


def stale_tables(root: Path = ROOT) -> list[str]:
    """``"page: source"`` for every marked table that disagrees with the run it names."""
    stale = []
    for page in documents(root):
        text = page.read_text()
        for m in MARKER.finditer(text):
            fresh, _ = render(m.group(0), root)
            if fresh != m.group(0):
                stale.append(f"{page.relative_to(root)}: {m.group('source')}")
    return stale


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="regenerate every marked table")
    action.add_argument("--check", action="store_true", help="exit 1 when a table disagrees with its source")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_tables()
        for s in stale:
            print(f"table differs from its source: {s} (run python tools/docs_tables.py --write)", file=sys.stderr)
        return 1 if stale else 0
    for page in documents():
        text = page.read_text()
        fresh, sources = render(text)
        if fresh != text:
            page.write_text(fresh)
            print(f"{page.relative_to(ROOT)}: regenerated {', '.join(sources)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
