"""Same seed, same engine -> the same spikes and metrics as the stored reference.

The reference (``tests/data/regression_reference.json``) was produced by
``python -m neuromem.validation.regression --write``; a change that alters
results on purpose re-baselines it with that command and says why.
"""

import json

import pytest

from neuromem.engines import available_engines
from neuromem.validation import regression

STORED = json.loads(regression.REFERENCE_FILE.read_text())

# default suite: both engines; the second brian2-runtime seed (~40 s) only with -m slow
CASES = [pytest.param(key, marks=pytest.mark.slow) if key == "brian2-runtime/seed1" else key
         for key in STORED["runs"]]


@pytest.fixture(scope="module")
def space():
    s = regression.load_latents()
    assert regression._sha256([s[m].latents for m in sorted(s.modalities)]) == STORED["latents_sha256"]
    return s


def test_reference_covers_the_stated_engines_and_seeds():
    assert STORED["engines"] == ["numba", "brian2-runtime"]
    assert sorted(STORED["runs"]) == sorted(f"{e}/seed{s}" for e in STORED["engines"] for s in STORED["seeds"])
    assert STORED["case"] == regression.CASE
    for r in STORED["runs"].values():  # the reference is not a silent network
        assert r["n_train_spikes"] > 0 and r["n_test_spikes"] > 0


@pytest.mark.parametrize("key", CASES)
def test_same_spikes_and_metrics(space, key):
    engine, seed = key.split("/seed")
    status = available_engines().get(engine, "unknown engine")
    if status != "ok":
        pytest.skip(f"{engine}: {status}")
    fresh = regression.run_case(space, engine, int(seed))
    assert regression.compare(STORED["runs"][key], fresh) == []


def test_compare_detects_a_change():
    run = STORED["runs"]["numba/seed0"]
    changed = json.loads(json.dumps(run))
    changed["metrics"]["picture_to_name_recall_at_1"] = 0.5
    changed["spikes_sha256"] = "0" * 64
    diff = regression.compare(run, changed)
    assert any("spikes_sha256" in d for d in diff) and any("picture_to_name_recall_at_1" in d for d in diff)
