"""Engine contract, checked against closed forms for every installed engine (and mode)."""

import numpy as np
import pytest

from neuromem.coding import SpikeTrains, poisson_trials
from neuromem.engines import make_engine
from neuromem.network import ConceptLayer, load_preset
from neuromem.validation import lif_rate_hz, measure_lif_rates, measure_stdp_window, stdp_window

#: f-I check: 1.1x to 5x rheobase, and below it (must be silent)
RHEOBASE_MULTIPLES = np.array([0.5, 0.9, 1.1, 1.5, 2.0, 3.0, 5.0])


def test_lif_rate_matches_closed_form(engine_name):
    concept = ConceptLayer()
    drive = RHEOBASE_MULTIPLES * concept.rheobase_mv
    measured = measure_lif_rates(engine_name, drive, concept=concept)
    expected = lif_rate_hz(drive, concept)
    below = RHEOBASE_MULTIPLES < 1
    assert np.all(measured[below] == 0)
    # 2 %: the spike is detected on the first step after the crossing, a bias of up to dt per
    # interval (0.1 ms of 6.5 ms at 5x rheobase)
    np.testing.assert_allclose(measured[~below], expected[~below], rtol=0.02)


def test_lif_rate_other_parameters(engine_name):
    concept = ConceptLayer(tau_m_ms=10.0, v_rest_mv=-70.0, v_reset_mv=-75.0, v_thresh_mv=-50.0, refractory_ms=5.0)
    drive = np.array([1.2, 3.0]) * concept.rheobase_mv
    np.testing.assert_allclose(measure_lif_rates(engine_name, drive, concept=concept),
                               lif_rate_hz(drive, concept), rtol=0.02)


def test_stdp_window_matches_closed_form(engine_name):
    deltas = np.array([-60.0, -20.0, -5.0, -1.0, 1.0, 5.0, 20.0, 60.0])
    actual, dw = measure_stdp_window(engine_name, deltas)
    np.testing.assert_allclose(actual, deltas, atol=0.11)  # the driver places the post spike on time
    ref = stdp_window(actual)
    assert np.all(np.sign(dw) == np.sign(deltas))
    np.testing.assert_allclose(dw, ref, rtol=0.05)


#: Presets held to the contract: the default and the distributed code (human-mtl at 200 of its 1,000 neurons:
#: k-winners-take-all keeps 1 % = 2 winners, the threshold spread and 2 Hz background as in the preset; its
#: neuron model is the default's, so the f-I checks above cover it, and test_mechanisms.py holds the spread
#: and the k-winners rule to closed forms and to the reference).
PRESETS = {"default": {"concept": {"n_neurons": 12}}, "human-mtl": {"concept": {"n_neurons": 200}}}


def _small_spec(preset="default"):
    return load_preset(preset, modalities=("picture", "name"), latent_dim=6, **PRESETS[preset])


def _drive(spec, n_trials=4, seed=0):
    rng = np.random.default_rng(seed)
    rates = rng.uniform(0, 60, size=(n_trials, spec.n_inputs))
    return poisson_trials(rates, stimulus_ms=spec.sim.stimulus_ms, trial_period_ms=spec.sim.trial_period_ms,
                          background_hz=1.0, dt_ms=spec.sim.dt_ms, rng=rng)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_same_seed_same_spikes(engine_name, preset):
    spec = _small_spec(preset)
    drive = _drive(spec)
    runs = []
    for _ in range(2):
        eng = make_engine(engine_name, spec, seed=7)
        r = eng.run(drive, plastic=True)
        runs.append((r, eng.get_state()))
    np.testing.assert_array_equal(runs[0][0].spike_steps, runs[1][0].spike_steps)
    np.testing.assert_array_equal(runs[0][0].spike_indices, runs[1][0].spike_indices)
    np.testing.assert_array_equal(runs[0][1].w_in_mv["picture"], runs[1][1].w_in_mv["picture"])
    assert len(runs[0][0].spike_steps) > 0


@pytest.mark.parametrize("preset", list(PRESETS))
def test_learning_flag_freezes_weights(engine_name, preset):
    spec = _small_spec(preset)
    eng = make_engine(engine_name, spec, seed=1)
    before = eng.get_state()
    eng.run(_drive(spec, 2), plastic=False)
    after = eng.get_state()
    np.testing.assert_array_equal(before.w_in_mv["name"], after.w_in_mv["name"])
    np.testing.assert_array_equal(before.theta_mv, after.theta_mv)
    eng.run(_drive(spec, 2), plastic=True)
    learned = eng.get_state()
    assert not np.array_equal(before.w_in_mv["name"], learned.w_in_mv["name"])
    assert learned.w_fb["picture"].max() > 0 and learned.theta_mv.max() > 0


def test_bad_drive_rejected(engine_name):
    spec = _small_spec()
    eng = make_engine(engine_name, spec, seed=0)
    wrong = SpikeTrains(indices=np.zeros(0, np.int32), steps=np.zeros(0, np.int64), n_neurons=5,
                        n_steps=spec.sim.steps_per_trial, dt_ms=spec.sim.dt_ms)
    with pytest.raises(ValueError, match="input neurons"):
        eng.run(wrong, plastic=False)
    partial = SpikeTrains(indices=np.zeros(0, np.int32), steps=np.zeros(0, np.int64), n_neurons=spec.n_inputs,
                          n_steps=spec.sim.steps_per_trial + 3, dt_ms=spec.sim.dt_ms)
    with pytest.raises(ValueError, match="multiple of the trial"):
        eng.run(partial, plastic=False)
