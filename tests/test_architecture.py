"""Layering: the import-linter layer contract holds and every module imports alone in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _modules() -> list[str]:
    out = []
    for p in sorted((ROOT / "neuromem").rglob("*.py")):
        parts = p.relative_to(ROOT).with_suffix("").parts
        out.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return out


def test_layer_contract_is_kept():
    importlinter_cli = pytest.importorskip("importlinter.cli")
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        code = importlinter_cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True,
                                             no_logo=True)
    finally:
        os.chdir(cwd)
    assert code == 0, "an import points up the layers; run `lint-imports` for the offending chain"


def test_layer_contract_catches_an_upward_import(tmp_path):
    """The same contract, applied to a copy of the package with one upward import added, is broken."""
    pytest.importorskip("importlinter.cli")
    import shutil

    shutil.copytree(ROOT / "neuromem", tmp_path / "neuromem", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "neuromem" / "network" / "_upward.py").write_text("from neuromem.engram import EngramNetwork\n")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    lint = Path(sys.executable).with_name("lint-imports")
    r = subprocess.run([str(lint), "--config", "pyproject.toml", "--no-cache"], cwd=tmp_path, capture_output=True,
                       text=True, env={**os.environ, "PYTHONPATH": str(tmp_path)}, timeout=300)
    assert "neuromem.network._upward -> neuromem.engram" in r.stdout, r.stdout[-2000:]
    code = r.returncode
    assert code == 1


def test_every_module_imports_alone():
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}

    def run(mod):
        r = subprocess.run([sys.executable, "-W", "ignore", "-c", f"import {mod}"], capture_output=True, text=True,
                           env=env, cwd=ROOT, timeout=300)
        return mod, r.returncode, r.stderr.strip().splitlines()[-1:] if r.returncode else []

    with ThreadPoolExecutor(max_workers=2) as pool:
        failed = [(m, err) for m, code, err in pool.map(run, _modules()) if code]
    assert failed == []
