"""Overlapping processes sharing one Brian2 standalone cache all finish, with the same results."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("brian2")

WORKER = r"""
import hashlib, json, sys
import numpy as np
from neuromem.coding import poisson_trials
from neuromem.engines import make_engine
from neuromem.network import load_preset

spec = load_preset("default", modalities=("picture", "name"), latent_dim=5, concept={"n_neurons": 11})
out = []
for loop in range(int(sys.argv[1])):
    rng = np.random.default_rng(5)
    rates = rng.uniform(0, 60, size=(6, spec.n_inputs))
    drive = poisson_trials(rates, stimulus_ms=spec.sim.stimulus_ms, trial_period_ms=spec.sim.trial_period_ms,
                           background_hz=1.0, dt_ms=spec.sim.dt_ms, rng=rng)
    eng = make_engine("brian2-standalone", spec, seed=4, block_trials=2)
    r = eng.run(drive, plastic=True)
    t = eng.run(drive, plastic=False)
    w = eng.get_state().w_in_mv["picture"]
    out.append([len(r.spike_steps), len(t.spike_steps), hashlib.sha256(np.round(w, 9).tobytes()).hexdigest()])
print("RESULT " + json.dumps(out))
"""


def _setup():
    from neuromem.coding import poisson_trials
    from neuromem.network import load_preset

    spec = load_preset("default", modalities=("picture", "name"), latent_dim=6, concept={"n_neurons": 12})
    rng = np.random.default_rng(3)
    rates = rng.uniform(0, 60, size=(5, spec.n_inputs))
    drive = poisson_trials(rates, stimulus_ms=spec.sim.stimulus_ms, trial_period_ms=spec.sim.trial_period_ms,
                           background_hz=1.0, dt_ms=spec.sim.dt_ms, rng=rng)
    return spec, drive


def test_a_run_never_deletes_run_argument_files_another_process_uses():
    """Brian2 names run-argument files by content: a file of another process with the same content (here: the
    all-zero bias every process passes) must survive this process's run and clean-up."""
    from neuromem.engines import make_engine
    from neuromem.engines.brian2.standalone import ACTIVE as _ACTIVE

    spec, drive = _setup()
    eng = make_engine("brian2-standalone", spec, seed=2, block_trials=2)
    eng.run(drive, plastic=False)  # builds (or reuses) the project
    static = Path(_ACTIVE["device"].project_dir) / "static_arrays"
    zeros = np.zeros(spec.concept.n_neurons, dtype=np.float64)
    other = static / f"init_nm_concept_bias_{hashlib.md5(zeros.data).hexdigest()}.dat"
    zeros.tofile(other)  # as another process would have written it just before its own run
    r = eng.run(drive, plastic=True)
    assert other.is_file()
    assert len(r.spike_steps) > 0
    assert not [f for f in os.listdir(static) if f.startswith("p")]  # this process's own files are gone
    other.unlink()


def test_a_second_process_reuses_the_program_without_rewriting_it():
    """A program that another process may be running is never rebuilt (it used to be relinked in place)."""
    from neuromem.engines import make_engine
    from neuromem.engines.brian2.standalone import ACTIVE as _ACTIVE

    spec, drive = _setup()
    make_engine("brian2-standalone", spec, seed=2, block_trials=2).run(drive, plastic=False)
    main = Path(_ACTIVE["device"].project_dir) / "main"
    before = main.stat()
    code = ("import sys; sys.path.insert(0, %r); from tests.engines.test_brian2_shared_cache import _setup; "
            "from neuromem.engines import make_engine; spec, drive = _setup(); "
            "print(len(make_engine('brian2-standalone', spec, seed=2, block_trials=2).run(drive, plastic=True)"
            ".spike_steps))" % os.getcwd())
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, PYTHONPATH=os.getcwd()))
    assert r.returncode == 0, r.stderr[-2000:]
    assert int(r.stdout.split()[-1]) > 0
    after = main.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (before.st_ino, before.st_mtime_ns, before.st_size)


@pytest.mark.slow
def test_overlapping_processes_share_one_standalone_cache(tmp_path):
    env = dict(os.environ, NEUROMEM_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=os.getcwd())
    procs = []
    for i in range(3):  # started apart so builds, runs and clean-ups of different processes overlap
        procs.append(subprocess.Popen([sys.executable, "-c", WORKER, "3"], env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
        time.sleep(2.0 * (i + 1))
    results = []
    for p in procs:
        out, err = p.communicate(timeout=900)
        assert p.returncode == 0, err[-3000:]
        results.append(json.loads(out.split("RESULT ", 1)[1]))
    assert all(r == results[0] for r in results)  # every process, every loop: the same numbers
    assert all(loop == results[0][0] for loop in results[0])
    assert results[0][0][0] > 0
    static = os.listdir(next((tmp_path / "cache" / "brian2" / "standalone").glob("*/static_arrays")))
    assert not [f for f in static if f.startswith("p")]  # run-argument files removed by their own process
