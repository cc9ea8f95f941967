"""The runtime session: the same spikes as the network run by hand, recordings that add up, variants, refusals."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

pytest.importorskip("numba")

from neuromem.engram import EngramNetwork, fit_squash  # noqa: E402
from neuromem.network import load_preset  # noqa: E402
from neuromem.protocols import StimulusWindow, choose_training, heldout_trials, training_trials  # noqa: E402
from neuromem.seeds import SeedTree  # noqa: E402
from neuromem.session import RecordRequest, Session, as_record_request, trial_rates  # noqa: E402
from neuromem.validation import synthetic_latent_space  # noqa: E402

MODS = ("picture", "name")
OVERRIDES = {"concept": {"n_neurons": 6}, "sim": {"stimulus_ms": 50.0, "trial_period_ms": 60.0}}


@pytest.fixture(scope="module")
def space():
    return synthetic_latent_space(n_concepts=3, latent_dim=3, pictures_per_concept=8, seed=1)


@pytest.fixture(scope="module")
def trials(space):
    plan = choose_training(space, 2, np.random.default_rng(0), MODS)
    test = heldout_trials(space, MODS, np.random.default_rng(1), max_pictures_per_concept=1,
                          min_word_trials_per_concept=1, blank_trials=2)
    return training_trials(space, plan, MODS), test


def _session(space, **kw):
    return Session(space, "default", overrides=OVERRIDES, modalities=MODS, engine="numba",
                   engine_options={"threads": 1}, seeds=SeedTree(5), **kw)


def test_session_runs_what_the_network_runs_by_hand(space, trials):
    train, test = trials
    s = _session(space)
    learned = s.train(train)
    tested = s.test(test)
    spec = load_preset("default", modalities=MODS, latent_dim=space.latent_dim, **OVERRIDES)
    net = EngramNetwork(spec, fit_squash(space, MODS), engine="numba", seed=SeedTree(5),
                        threads=1)
    d_train = net.drive(trial_rates(net, space, train), seed=SeedTree(5).rng("input_spikes", "train"))
    r_train = net.engine.run(d_train, plastic=True)
    r_test = net.engine.run(net.drive(trial_rates(net, space, test), seed=SeedTree(5).rng("input_spikes", "test")),
                            plastic=False)
    np.testing.assert_array_equal(learned.spikes.steps, r_train.steps)
    np.testing.assert_array_equal(tested.spikes.indices, r_test.indices)
    np.testing.assert_array_equal(learned.drive.steps, d_train.steps)
    per, win = spec.sim.steps_per_trial, spec.sim.stimulus_steps
    np.testing.assert_array_equal(tested.counts, r_test.counts(per, window_steps=win))
    assert tested.counts.shape == (len(test), 6) and learned.counts.sum() > 0
    np.testing.assert_array_equal(s.get_state().w_in_mv["name"], net.get_state().w_in_mv["name"])
    s.reset()
    np.testing.assert_allclose(s.get_state().w_in_mv["picture"], s.initial_state.w_in_mv["picture"], rtol=1e-6)


def test_recording_adds_up(space, trials):
    train, test = trials
    s = _session(space, readout_targets=("name",))
    s.train(train)
    req = RecordRequest(spikes=("concept", "readout/name"), input_spikes=True)
    run = s.test(test, record=req, readout=True)
    rec = run.recording
    assert sorted(rec.spikes) == ["concept", "input/name", "input/picture", "readout/name"]
    np.testing.assert_array_equal(rec.spikes["concept"].steps, run.spikes.steps)
    # the input populations are the drive, cut at the population boundary
    pic, name = rec.spikes["input/picture"], rec.spikes["input/name"]
    assert pic.n_neurons + name.n_neurons == s.spec.n_inputs
    assert len(pic.steps) + len(name.steps) == len(run.drive.steps)
    assert name.indices.max() < name.n_neurons
    # readout spikes in the stimulus windows are the readout counts
    per, win = s.spec.sim.steps_per_trial, s.spec.sim.stimulus_steps
    np.testing.assert_array_equal(rec.spikes["readout/name"].counts(per, window_steps=win), run.readout_counts["name"])
    ep = rec.epochs
    assert len(ep["start_ms"]) == len(test) and ep["kind"][0] == "blank" and ep["label"][0] == -1
    np.testing.assert_allclose(ep["start_ms"], np.arange(len(test)) * 60.0)
    np.testing.assert_allclose(ep["stop_ms"] - ep["start_ms"], 50.0)
    assert ep["concept"][-1] == space.concepts[test.labels[-1]] and set(ep["phase"]) == {"test"}
    assert rec.annotations["engine"] == "numba" and rec.annotations["seed"] == 5
    assert rec.n_steps == len(test) * per and rec.v == {}


def test_epochs_follow_the_stimulus_windows(space, trials):
    train, _ = trials
    s = _session(space)
    shifted = dataclasses.replace(train, windows={"picture": StimulusWindow(onset_ms=0.0, duration_ms=20.0),
                                                  "name": StimulusWindow(onset_ms=30.0, duration_ms=20.0)})
    ep = s.train(shifted, record=("concept",)).recording.epochs
    np.testing.assert_allclose(ep["stop_ms"] - ep["start_ms"], 50.0)
    assert ep["items"]["name"][0] == train.items["name"][0]


def test_variant_keeps_code_and_seeds(space):
    s = _session(space)
    v = s.variant(sim={"trial_period_ms": 120.0})
    assert v.spec.sim.trial_period_ms == 120.0 and v.spec.concept.n_neurons == 6
    assert v.squash["name"] is s.squash["name"]  # the fitted code is shared, not fitted again
    np.testing.assert_array_equal(v.initial_state.w_in_mv["name"], s.initial_state.w_in_mv["name"])


def test_refusals(space, trials):
    train, test = trials
    s = _session(space, readout_targets=("name",))
    with pytest.raises(ValueError, match="learning off"):
        s.train(train, record=("readout/name",))
    with pytest.raises(ValueError, match="no readout population"):
        s.test(test, record=("readout/picture",))
    with pytest.raises(ValueError, match="not one a session records"):
        RecordRequest(spikes=("concept", "hidden"))
    with pytest.raises(TypeError, match="record="):
        as_record_request(3)
    with pytest.raises(ValueError, match="latent space or latents"):
        Session(None, "default", modalities=MODS)
    with pytest.raises(ValueError, match="for 'concept' only"):
        s.test(test, record=RecordRequest(v={"readout/name": [0]}))


def test_membrane_potential_of_chosen_neurons(space, trials):
    _, test = trials
    s = _session(space)
    plain = s.test(test)
    busiest = [int(n) for n in np.argsort(-np.bincount(plain.spikes.indices, minlength=6), kind="stable")[:2]]
    run = s.test(test, record=RecordRequest(v={"concept": busiest}))
    np.testing.assert_array_equal(run.spikes.steps, plain.spikes.steps)  # recording changes nothing
    v = run.recording.v["concept"]
    assert v["v_mv"].shape == (run.recording.n_steps, 2) and v["v_mv"].dtype == np.float32
    np.testing.assert_array_equal(v["neurons"], busiest)
    assert np.all(np.isfinite(v["v_mv"])) and v["v_mv"].std() > 0
    for q, n in enumerate(busiest):  # a sample is taken after the step's spike and reset
        spike_steps = run.spikes.steps[run.spikes.indices == n]
        assert len(spike_steps) > 0
        np.testing.assert_allclose(v["v_mv"][spike_steps, q], s.spec.concept.v_reset_mv, atol=1e-4)


def test_latents_given_directly(space):
    ref = {m: space[m].latents for m in MODS}
    s = Session(None, "default", overrides=OVERRIDES, engine="numba", engine_options={"threads": 1}, seeds=2,
                fit_latents=ref)
    z = {m: space[m].latents[:3] for m in MODS}
    run = s.train(z, rng=np.random.default_rng(0), record=("concept",))
    assert run.counts.shape == (3, 6) and set(run.recording.epochs["kind"]) == {"together"}
    with pytest.raises(ValueError, match="made without one"):
        s.rates(training_trials(space, choose_training(space, 1, np.random.default_rng(0), MODS), MODS))


def test_a_session_recording_is_the_io_recording_the_writers_take(space, trials, tmp_path):
    """One recording layer: the session's request is the io request (session populations only), and its
    recording converts to the io Recording that the npz writer writes and reads back unchanged."""
    from neuromem.io import RecordingRequest
    from neuromem.io.formats import read_recording, write_recording

    _, test = trials
    s = _session(space)
    req = RecordRequest(spikes=("concept",), input_spikes=True, v={"concept": [0, 1]})
    assert isinstance(req, RecordingRequest)
    run = s.test(test, record=req)
    rec = run.recording.to_recording()
    back = read_recording(write_recording(rec, tmp_path / "run.npz"))
    assert sorted(back.spikes) == sorted(run.recording.spikes)
    np.testing.assert_array_equal(back.spikes["concept"].steps, run.spikes.steps)
    np.testing.assert_array_equal(back.v["concept"].v_mv, run.recording.v["concept"]["v_mv"])
    np.testing.assert_array_equal(back.epochs.start_ms, run.recording.epochs["start_ms"])
    assert list(back.epochs.concept) == list(run.recording.epochs["concept"])
