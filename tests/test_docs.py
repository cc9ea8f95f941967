"""The documentation: it builds without warnings, runs its gallery, and its tables agree with their runs."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
DOCS_MODULES = ("sphinx", "myst_parser", "sphinx_gallery", "numpydoc", "furo")
_MISSING = [m for m in DOCS_MODULES if importlib.util.find_spec(m) is None]

needs_docs_extra = pytest.mark.skipif(
    bool(_MISSING), reason=f"the docs extra is not installed (missing {', '.join(_MISSING)}); "
                           "install it with: pip install -c constraints.txt -e '.[docs]' (tools/setup.sh does)")


def _docs_tables():
    spec = importlib.util.spec_from_file_location("docs_tables", ROOT / "tools" / "docs_tables.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@needs_docs_extra
def test_docs_build_without_warnings_and_run_the_gallery(tmp_path):
    out = tmp_path / "html"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg", "TQDM_DISABLE": "1"}
    jobs = "2" if (os.cpu_count() or 1) >= 2 else "1"  # every extension used declares parallel reading safe
    run = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-j", jobs, "-b", "html",
                          str(DOCS), str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, f"docs build failed:\n{run.stderr[-6000:]}"
    examples = sorted((ROOT / "examples").glob("plot_*.py"))
    assert len(examples) >= 3
    for ex in examples:  # every example ran and drew its figure
        page = (out / "auto_examples" / f"{ex.stem}.html").read_text()
        assert f"sphx_glr_{ex.stem}_001.png" in page, f"{ex.name} drew no figure"
    assert "largest relative error above it: 0.0" in (out / "auto_examples" / "plot_lif_rate.html").read_text()
    # API pages come from the docstrings
    api = (out / "reference" / "generated" / "neuromem.analysis.literature.html").read_text()
    assert "check_literature" in api and "Tolerance" in api
    # glob toctrees: every page added to guides/ or results/ is listed
    for folder in ("guides", "results"):
        index = (out / folder / "index.html").read_text()
        for md in sorted((DOCS / folder).glob("*.md")):
            if md.stem != "index":
                assert f'href="{md.stem}.html"' in index, f"{folder}/{md.name} is missing from its index"


def test_docs_python_blocks_run():
    """The short Python examples in the guides run (the README's quick start has its own test)."""
    readme_blocks = set(re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.S))
    ran = 0
    for page in sorted((DOCS / "guides").glob("*.md")):
        for code in re.findall(r"```python\n(.*?)```", page.read_text(), flags=re.S):
            if code not in readme_blocks:
                exec(compile(code, str(page), "exec"), {})
                ran += 1
    assert ran >= 2


def test_tables_agree_with_the_runs_they_name():
    tables = _docs_tables()
    assert tables.stale_tables() == []
    marked = [p for p in tables.documents() if tables.MARKER.search(p.read_text())]
    assert marked, "no generated table is marked in README.md or docs/"


def test_a_table_that_disagrees_with_its_run_is_found(tmp_path):
    tables = _docs_tables()
    source = ROOT / "docs" / "measurements" / "gpu_check_h200.json"
    (tmp_path / "docs").mkdir()
    (tmp_path / "run.json").write_text(source.read_text())
    fresh = tables.gpu_check_table(tmp_path / "run.json")
    typed = fresh.replace("1.86x", "2.5x")
    page = tmp_path / "docs" / "gpu.md"
    page.write_text(f"# GPU\n\n<!-- table: gpu-check run.json -->\n{typed}\n<!-- end table -->\n")
    assert tables.stale_tables(tmp_path) == ["docs/gpu.md: run.json"]
    text, sources = tables.render(page.read_text(), tmp_path)
    page.write_text(text)
    assert sources == ["run.json"] and tables.stale_tables(tmp_path) == [] and "1.86x" in text
