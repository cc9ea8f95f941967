"""``import neuromem`` exposes the main API, documented, and stays light."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import neuromem

ROOT = Path(__file__).resolve().parents[2]


def test_the_main_api_is_importable_from_the_package():
    from neuromem.data import load_dataset
    from neuromem.engram import EngramNetwork
    from neuromem.io import export_results
    from neuromem.store import learn, load_memory

    assert neuromem.load_dataset is load_dataset and neuromem.EngramNetwork is EngramNetwork
    assert neuromem.learn is learn and neuromem.load_memory is load_memory
    assert neuromem.export_results is export_results
    for name in neuromem.__all__:
        assert getattr(neuromem, name) is not None, name
    for word in ("load_dataset", "encode_dataset", "EngramNetwork", "Session", "learn", "export_results", "SeedTree"):
        assert word in neuromem.__doc__, word


def test_importing_the_package_imports_no_heavy_library():
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    code = "import sys, neuromem; print(sorted(m for m in ('torch', 'numba', 'brian2', 'matplotlib') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stderr
