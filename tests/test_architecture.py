"""Layering: the import-linter layer contract holds and every module imports alone in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
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


#: Imported once by the driver before it forks: the third-party libraries whose import dominates a fresh
#: interpreter's start (torch alone ~1 s). Preloading them changes nothing the test looks for: the order in
#: which *neuromem's* modules import each other, which starts afresh in every forked child.
_PRELOAD = ("numpy", "scipy", "torch", "torchvision", "matplotlib", "brian2", "numba", "sklearn", "skimage")

_DRIVER = r"""
import importlib, importlib.util, os, sys, traceback
for name in sys.argv[1].split(","):
    if importlib.util.find_spec(name) is not None:
        importlib.import_module(name)
assert not any(m == "neuromem" or m.startswith("neuromem.") for m in sys.modules), "preloaded neuromem"
failed, running = [], {}
def reap():
    pid, status = os.wait()
    if status:
        failed.append(running[pid])
    del running[pid]
for mod in sys.argv[2:]:
    if len(running) >= 2:
        reap()
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(mod)
        except BaseException:
            sys.stderr.write(mod + ": " + traceback.format_exc().strip().splitlines()[-1] + "\\n")
            os._exit(1)
        os._exit(0)
    running[pid] = mod
while running:
    reap()
print("FAILED " + " ".join(sorted(failed)))
"""


def test_every_module_imports_alone():
    """Every neuromem module imports first in its own process (a forked child of one driver interpreter)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    mods = _modules()
    assert len(mods) > 100 and "neuromem.binding.stdp" in mods
    r = subprocess.run([sys.executable, "-W", "ignore", "-c", _DRIVER, ",".join(_PRELOAD), *mods],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    failed = r.stdout.strip().splitlines()[-1].removeprefix("FAILED").split()
    assert failed == [], r.stderr[-3000:]


def test_the_import_check_sees_a_module_that_cannot_import_first(tmp_path):
    """A cycle that only works in one order: ``b`` imports alone, ``a`` does not; the driver names ``a`` only."""
    pkg = tmp_path / "cyclepkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from cyclepkg import b\nX = 1\n")
    (pkg / "b.py").write_text("from cyclepkg.a import X\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    r = subprocess.run([sys.executable, "-W", "ignore", "-c", _DRIVER, "numpy", "cyclepkg.b", "cyclepkg.a"],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "FAILED cyclepkg.a"
    assert "ImportError" in r.stderr
