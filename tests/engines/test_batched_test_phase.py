"""The engram experiment's frozen test runs on the torch-batched engine (all cues of a phase side by side) give
the numba engine's counts and metrics, after learning on numba.

Learning runs on numba in both runs; the learned weights are copied into the test engine, so the only
difference left is float32 summation order, which the engines share for frozen trials (input rows added in
the order of the inputs, per neuron): the counts are expected to be identical, not merely close.
"""

import numpy as np
import pytest

pytest.importorskip("numba")
pytest.importorskip("torch")

from neuromem.experiments.engram_formation import EngramConfig, run  # noqa: E402
from neuromem.session import Session  # noqa: E402
from neuromem.validation import synthetic_latent_space  # noqa: E402


@pytest.fixture(scope="module")
def runs():
    space = synthetic_latent_space(n_concepts=4, latent_dim=8, pictures_per_concept=12, seed=2)
    out = {}
    for test_engine in (None, "torch-batched"):
        cfg = EngramConfig(engine="numba", test_engine=test_engine, presentations=2, seed=3,
                           controls=("untrained", "shuffled_pairing"), control_test_pictures_per_concept=3,
                           engine_options={"threads": 1})
        out[test_engine] = run(space, cfg, progress=False)
    return out[None], out["torch-batched"]


def test_batched_test_phase_gives_the_numba_counts(runs):
    numba, batched = runs
    assert numba.test_counts.sum() > 200  # the network answers the cues
    np.testing.assert_array_equal(batched.test_counts, numba.test_counts)
    np.testing.assert_array_equal(batched.test_spikes.steps, numba.test_spikes.steps)
    for name, counts in numba.control_test_counts.items():
        np.testing.assert_array_equal(batched.control_test_counts[name], counts)
    # the controls differ from the trained network: the weights really travel into the test engine
    assert not np.array_equal(numba.control_test_counts["untrained"][:5], numba.test_counts[:5])


def test_batched_test_phase_gives_the_numba_metrics(runs):
    numba, batched = runs
    assert batched.metrics["test_engine"] == "torch-batched" and "test_engine" not in numba.metrics
    for key in ("picture_to_name_recall_at_1", "picture_to_name_network_recall_at_1", "name_to_picture_recall_at_1",
                "population_sparseness", "invariance_index", "binding_index"):
        assert batched.metrics[key] == numba.metrics[key], key


def test_test_engine_used_for_frozen_runs_only():
    space = synthetic_latent_space(n_concepts=2, latent_dim=4, pictures_per_concept=6, seed=1)
    s = Session(space, overrides={"concept": {"n_neurons": 8}}, engine="numba", engine_options={"threads": 1},
                test_engine="torch-batched", seeds=5)
    assert s.test_engine.name == "torch-batched" and s.engine.name == "numba"
    np.testing.assert_array_equal(s.test_engine.get_state().theta_mv, s.get_state().theta_mv)
    for m in s.spec.modalities:  # built from the same seed: the same initial weights (up to float32 rounding)
        np.testing.assert_allclose(s.test_engine.get_state().w_in_mv[m], s.initial_state.w_in_mv[m], rtol=1e-6)
    assert s.variant(sim={"trial_period_ms": 400.0}).test_engine_name == "torch-batched"
    with pytest.raises(TypeError, match="test_engine"):
        EngramConfig(test_engine=3)
