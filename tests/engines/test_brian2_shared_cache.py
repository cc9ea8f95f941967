"""Overlapping processes sharing one Brian2 standalone cache all finish, with the same results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

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
