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
``neuromem.experiments.compare_binding.table.summary_table``) and
``literature-check`` (a results folder checked by ``neuromem check``:
``neuromem.analysis.literature.format_check_table``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"(?m)(^<!-- table: (?P<kind>[\w-]+) (?P<source>\S+) -->\n)(?P<body>.*?)(^<!-- end table -->)", re.S)

#: Row labels of the GPU check's cases (keys of its ``results``).
GPU_CASES = {
    "surrogate_400_neurons_learn_recall_100_presentations_10_epochs":
        "`surrogate`, 400 neurons, 100 presentations x 10 epochs of BPTT + recall",
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


def literature_check_table(source: Path) -> str:
    from neuromem.analysis.literature import CheckRow, format_check_table

    rows = _metrics(source).get("literature_check", {}).get("rows")
    if not rows:
        raise ValueError(f"{source} has no literature_check section; run neuromem check --results on it first")
    return format_check_table([CheckRow(**r) for r in rows])


GENERATORS = {"gpu-check": gpu_check_table, "compare-binding": compare_binding_table,
              "literature-check": literature_check_table}


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
