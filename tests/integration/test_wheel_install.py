"""A regular (non-editable) wheel install in a fresh virtualenv, run from outside the repository, loads the default preset.

The fresh virtualenv borrows the test environment's third-party packages through a ``.pth`` file (so nothing is
downloaded); ``neuromem`` itself must come from the wheel installed into that virtualenv, which the test asserts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import json, sys
import neuromem
from neuromem.network import available_presets, load_preset
spec = load_preset("default", latent_dim=4)
print(json.dumps({"file": neuromem.__file__, "presets": available_presets(), "n_inputs": spec.n_inputs,
                  "tau_theta_ms": str(spec.homeostasis.tau_theta_ms), "prefix": sys.prefix}))
"""


def test_wheel_installs_and_loads_the_default_preset(tmp_path):
    pytest.importorskip("setuptools")
    wheels = tmp_path / "wheels"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                        str(wheels), str(ROOT)], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    (wheel,) = wheels.glob("neuromem-*.whl")

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    py = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # third-party packages of the test environment, after the venv's own site-packages
    (site / "zz_borrowed.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    r = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", "--no-index", "--ignore-installed", "-q",
                        str(wheel)], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NEUROMEM_MODELS_DIR")}
    r = subprocess.run([str(py), "-c", CHECK], capture_output=True, text=True, timeout=600, cwd=outside, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    import json

    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert Path(out["file"]).resolve().is_relative_to(env_dir.resolve()), out["file"]
    assert not Path(out["file"]).resolve().is_relative_to(ROOT)
    assert {"default", "soft-wta"} <= set(out["presets"])
    assert out["n_inputs"] == 2 * 4 * 10 and out["tau_theta_ms"] == "inf"
