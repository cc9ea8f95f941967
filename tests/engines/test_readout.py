"""Readout populations: the feedback synapses drive LIF neurons whose spikes decode the completed latent."""

import numpy as np
import pytest

from neuromem.analysis import recall_from_readout
from neuromem.coding import LatentSquash, SpikeTrains, encode_rates
from neuromem.engines import available_engines
from neuromem.network import load_preset
from neuromem.readout import ReadoutLayer, ReadoutPopulations, readout_spec, readout_state

#: every installed engine except the standalone build (a new structure: ~40 s of compilation)
ENGINES = [e for e in ("numba", "norse", "brian2-runtime") if available_engines().get(e) == "ok"]
N_CONCEPT_NEURONS, LATENT_DIM = 6, 4


def _setup():
    spec = load_preset("default", modalities=("picture", "name"), latent_dim=LATENT_DIM,
                       concept={"n_neurons": N_CONCEPT_NEURONS}, sim={"stimulus_ms": 60.0, "trial_period_ms": 70.0})
    rng = np.random.default_rng(0)
    proto = rng.normal(size=(3, LATENT_DIM))
    squash = LatentSquash(mean=np.zeros(LATENT_DIM), scale=np.ones(LATENT_DIM))
    # concept neuron k (k < 3) has learned concept k's name pattern; the others only the initial weights
    f = rng.uniform(0, 0.01, size=(N_CONCEPT_NEURONS, spec.population("name").n_neurons))
    f[:3] = 0.5 * (encode_rates(proto, spec.coding, squash) / spec.coding.rate_max_hz)
    # trial k: concept neuron k fires at 200 Hz through the stimulus window; trial 3: silence
    per, win = spec.sim.steps_per_trial, spec.sim.stimulus_steps
    steps = [t * per + s for t in range(3) for s in range(0, win, 50)]
    idx = [t for t in range(3) for _ in range(0, win, 50)]
    # trial 4: an unbound neuron (initial feedback weights only) fires the same way
    steps += [4 * per + s for s in range(0, win, 50)]
    idx += [3] * len(range(0, win, 50))
    spikes = SpikeTrains(indices=np.array(idx), steps=np.array(steps), n_neurons=N_CONCEPT_NEURONS,
                         n_steps=5 * per, dt_ms=spec.sim.dt_ms)
    return spec, proto, squash, f, spikes


@pytest.fixture(scope="module")
def readout_counts():
    spec, proto, squash, f, spikes = _setup()
    return {e: ReadoutPopulations(spec, ("name",), engine=e).run(spikes, {"name": f})["name"] for e in ENGINES}


@pytest.mark.parametrize("engine", ENGINES)
def test_readout_decodes_the_learned_pattern(engine, readout_counts):
    spec, proto, squash, _, _ = _setup()
    counts = readout_counts[engine]
    assert counts.shape == (5, spec.population("name").n_neurons)
    assert counts[3].sum() == 0 and counts[:3].sum(axis=1).min() >= 10  # silent without concept spikes
    assert counts[4].sum() == 0  # an unbound concept neuron drives no readout neuron above threshold
    pred, silent = recall_from_readout(counts, proto, spec.coding, squash, np.random.default_rng(0))
    np.testing.assert_array_equal(pred[:3], [0, 1, 2])
    np.testing.assert_array_equal(silent, [False, False, False, True, True])


def test_engines_agree_on_readout_spikes(readout_counts):
    if len(ENGINES) < 2:
        pytest.skip("needs two engines")
    ref = readout_counts[ENGINES[0]]
    for e in ENGINES[1:]:
        # float32 vs float64: a readout spike may move across a window edge; totals within 1 %
        c = readout_counts[e]
        assert abs(int(c.sum()) - int(ref.sum())) <= 0.01 * ref.sum(), e
        assert np.abs(c - ref).sum() <= 0.02 * ref.sum(), e


def test_readout_spec_and_state_checks():
    spec, _, _, f, _ = _setup()
    ro_spec = readout_spec(spec, "name", ReadoutLayer(w_fb_mv=40.0))
    assert ro_spec.n_inputs == N_CONCEPT_NEURONS
    assert ro_spec.concept.n_neurons == spec.population("name").n_neurons
    assert [type(m).__name__ for m in ro_spec.mechanisms] == ["PairSTDP"] and ro_spec.sim == spec.sim
    assert ro_spec.w_max_mv("name") >= 40.0 * spec.feedback.f_max  # no clipping of the frozen weights
    st = readout_state(ro_spec, f, ReadoutLayer(w_fb_mv=40.0))
    np.testing.assert_allclose(st.w_in_mv["name"], 40.0 * f)
    with pytest.raises(ValueError, match="shape"):
        readout_state(ro_spec, f.T)
    with pytest.raises(ValueError, match="w_fb_mv"):
        ReadoutLayer(w_fb_mv=0.0)
    with pytest.raises(KeyError, match="spoken"):
        readout_spec(spec, "spoken")
