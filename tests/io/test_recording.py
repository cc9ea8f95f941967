"""Recording, its parts and the request: validation with clear errors, npz round trip, canonical spike order."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from recording_sample import make_recording

from neuromem.coding import SpikeTrains
from neuromem.io import (
    MembraneTrace,
    Recording,
    RecordingRequest,
    StimulusEpochs,
    concatenate_recordings,
    epochs_from_trials,
    split_populations,
)


def test_npz_round_trip_is_exact(tmp_path, recording):
    path = recording.save(tmp_path / "rec.npz")
    back = Recording.load(path)
    assert back.differences(recording) == []
    assert back.v["concept"].v_mv.dtype == np.float32 and back.v["input/picture"].start_step == 1000
    assert back.annotations["seed"] == 3 and back.annotations["unknown"] is None
    assert np.isnan(back.annotations["ratio"])
    assert back.epochs.shown(3) == {"picture": 5} and back.epochs.concept[4] == ""


def test_differences_sees_one_changed_spike_value_and_annotation(recording):
    other = make_recording()
    assert other.differences(recording) == []
    st = other.spikes["concept"]
    moved = SpikeTrains(indices=st.indices, steps=np.r_[st.steps[:-1], st.steps[-1] + 1], n_neurons=st.n_neurons,
                        n_steps=st.n_steps, dt_ms=st.dt_ms)
    v = other.v["concept"]
    nudged = MembraneTrace(neurons=v.neurons, v_mv=v.v_mv + np.float32(1e-3), dt_ms=v.dt_ms)
    changed = dataclasses.replace(other, spikes={**other.spikes, "concept": moved}, v={**other.v, "concept": nudged},
                                  annotations={**other.annotations, "seed": 4})
    diff = changed.differences(recording)
    assert "spikes['concept'].steps differ" in diff and "v['concept'].v_mv differ" in diff
    assert any(d.startswith("annotations") for d in diff)


def test_spikes_are_kept_by_step_then_neuron():
    st = SpikeTrains(indices=[3, 1, 2, 0], steps=[0, 0, 5, 5], n_neurons=4, n_steps=10, dt_ms=0.5)
    rec = Recording(dt_ms=0.5, n_steps=10, spikes={"concept": st})
    assert rec.spikes["concept"].indices.tolist() == [1, 3, 0, 2]
    assert rec.spikes["concept"].steps.tolist() == [0, 0, 5, 5]


@pytest.mark.parametrize("change, message", [
    (lambda r: {"spikes": {**r.spikes, "Concept Layer": r.spikes["concept"]}}, "population name 'Concept Layer'"),
    (lambda r: {"dt_ms": 0.2, "v": {}, "spikes": {}, "epochs": None}, None),
    (lambda r: {"dt_ms": 0.2}, r"spikes\['input/picture'\] are on a grid of dt_ms=0.1"),
    (lambda r: {"n_steps": r.n_steps + 1}, "n_steps=3001"),
    (lambda r: {"v": {"concept": MembraneTrace(neurons=[9], v_mv=np.zeros((3, 1), np.float32), dt_ms=0.1)}},
     r"v\['concept'\] names neuron 9; the population has 8"),
    (lambda r: {"v": {"concept": MembraneTrace(neurons=[1], v_mv=np.zeros((3, 1), np.float32), dt_ms=0.1,
                                               start_step=2999)}}, "past the recording's 3000"),
    (lambda r: {"v": {"concept": MembraneTrace(neurons=[1], v_mv=np.zeros((3, 1), np.float32), dt_ms=0.2)}},
     r"v\['concept'\] has dt_ms=0.2"),
    (lambda r: {"n_steps": 10, "spikes": {}, "v": {}}, "an epoch ends at 280.0 ms, after the recording's 1.0 ms"),
    (lambda r: {"annotations": {"when": object()}}, "annotations must be JSON-able"),
    (lambda r: {"n_steps": -1}, "n_steps=-1 must be an integer >= 0"),
])
def test_recording_validation_names_the_problem(recording, change, message):
    if message is None:  # a consistent change is accepted
        assert dataclasses.replace(recording, **change(recording)).dt_ms == 0.2
        return
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(recording, **change(recording))


def test_parts_validate_shapes_and_order():
    with pytest.raises(ValueError, match=r"v_mv must be a float array of shape \(n_samples, 2\)"):
        MembraneTrace(neurons=[0, 1], v_mv=np.zeros((4, 3)), dt_ms=0.1)
    with pytest.raises(ValueError, match="distinct"):
        MembraneTrace(neurons=[1, 1], v_mv=np.zeros((4, 2)), dt_ms=0.1)
    with pytest.raises(ValueError, match="sorted"):
        SpikeTrains(indices=[0, 1], steps=[5, 2], n_neurons=2, n_steps=10, dt_ms=0.1)
    with pytest.raises(ValueError, match="epoch 1 ends at 5.0 ms, not after its start 5.0 ms"):
        StimulusEpochs(start_ms=[0, 5], stop_ms=[1, 5], kind=["a", "b"], label=[0, 0], concept=["x", "x"])
    with pytest.raises(ValueError, match=r"items\['picture'\] must be >= -1"):
        StimulusEpochs(start_ms=[0], stop_ms=[1], kind=["a"], label=[0], concept=["x"], items={"picture": [-2]})
    with pytest.raises(ValueError, match="label must be an array of 2 integers"):
        StimulusEpochs(start_ms=[0, 2], stop_ms=[1, 3], kind=["a", "b"], label=[0.5, 1], concept=["x", "y"])


def test_epochs_from_trials_places_each_stimulus_in_its_trial():
    ep = epochs_from_trials(["together", "blank"], [1, -1], {"picture": [2, -1]}, concepts=("cat", "dog"),
                            trial_period_ms=200.0, stimulus_ms=50.0, onset_ms=10.0, first_trial_ms=1000.0,
                            phase="train")
    assert ep.start_ms.tolist() == [1010.0, 1210.0] and ep.stop_ms.tolist() == [1060.0, 1260.0]
    assert ep.concept.tolist() == ["dog", ""] and ep.phase.tolist() == ["train", "train"]
    with pytest.raises(ValueError, match="label 2 has no name among the 2 concepts"):
        epochs_from_trials(["a"], [2], {}, concepts=("cat", "dog"), trial_period_ms=200.0)
    with pytest.raises(ValueError, match="inside the trial period of 200.0 ms"):
        epochs_from_trials(["a"], [0], {}, concepts=("cat",), trial_period_ms=200.0, stimulus_ms=150, onset_ms=60)


def test_request_expands_inputs_and_names_unknown_populations():
    known = ["concept", "input/picture", "input/name", "readout/name"]
    assert RecordingRequest().spike_populations(known) == ["concept"]
    req = RecordingRequest(spikes=("readout/name",), input_spikes=True, v={"concept": range(3)})
    assert req.spike_populations(known) == ["input/picture", "input/name", "readout/name"]
    assert req.v_neurons("concept").tolist() == [0, 1, 2] and req.v_neurons("input/name") is None
    assert hash(req) == hash(RecordingRequest(spikes=("readout/name",), input_spikes=True, v={"concept": [0, 1, 2]}))
    with pytest.raises(ValueError, match=r"cannot record populations \['hidden'\]: this network has"):
        RecordingRequest(v={"hidden": [0]}).spike_populations(known)
    with pytest.raises(ValueError, match="names a population twice"):
        RecordingRequest(spikes=("concept", "concept"))
    with pytest.raises(ValueError, match="not one string"):
        RecordingRequest(spikes="concept")
    with pytest.raises(ValueError, match="at least one"):
        RecordingRequest(v={"concept": []})
    with pytest.raises(ValueError, match="input_spikes=1 must be True or False"):
        RecordingRequest(input_spikes=1)
    assert req.to_dict() == {"spikes": ["readout/name"], "input_spikes": True, "v": {"concept": [0, 1, 2]},
                             "epochs": True}
    assert dataclasses.asdict(req)["v"] == {"concept": (0, 1, 2)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        req.input_spikes = False


def test_concatenating_the_runs_of_a_session_shifts_every_part():
    whole = make_recording()
    cut = 1500  # three trials of 50 ms in each half

    def half(lo, hi):
        ep = whole.epochs
        rows = (ep.start_ms >= lo * 0.1) & (ep.stop_ms <= hi * 0.1)
        return Recording(
            dt_ms=0.1, n_steps=hi - lo, spikes={p: st.window(lo, hi) for p, st in whole.spikes.items()},
            v={"concept": MembraneTrace(neurons=whole.v["concept"].neurons, v_mv=whole.v["concept"].v_mv[lo:hi],
                                        dt_ms=0.1)},
            epochs=StimulusEpochs(start_ms=ep.start_ms[rows] - lo * 0.1, stop_ms=ep.stop_ms[rows] - lo * 0.1,
                                  kind=ep.kind[rows], label=ep.label[rows], concept=ep.concept[rows],
                                  phase=ep.phase[rows], items={m: v[rows] for m, v in ep.items.items()}),
            annotations=whole.annotations)

    joined = concatenate_recordings([half(0, cut), half(cut, whole.n_steps)])
    expected = dataclasses.replace(whole, v={"concept": whole.v["concept"]})
    assert joined.differences(expected) == []
    with pytest.raises(ValueError, match="part 1 has dt_ms=0.2"):
        concatenate_recordings([whole, dataclasses.replace(whole, dt_ms=0.2, spikes={}, v={}, epochs=None)])
    with pytest.raises(ValueError, match="v of 'input/picture' in part 0 leaves a gap"):
        concatenate_recordings([whole, whole])
    with pytest.raises(ValueError, match="no recordings"):
        concatenate_recordings([])


def test_a_newer_recording_or_another_file_is_refused(tmp_path, recording):
    from neuromem.io import SchemaError
    from neuromem.io.arrays import read_tree, write_tree

    path = recording.save(tmp_path / "rec.npz")
    _, tree = read_tree(path)
    write_tree(tmp_path / "newer.npz", {"x": 1}, schema={"name": "neuromem.recording", "version": 99})
    with pytest.raises(SchemaError, match="version 99; this neuromem reads up to version 1: upgrade neuromem"):
        Recording.load(tmp_path / "newer.npz")
    write_tree(tmp_path / "other.npz", tree, schema={"name": "neuromem.toy", "version": 1})
    with pytest.raises(SchemaError, match="is not a neuromem recording"):
        Recording.load(tmp_path / "other.npz")


def test_an_input_drive_splits_into_its_populations(recording):
    pic, name = recording.spikes["input/picture"], recording.spikes["input/name"]
    k = np.lexsort((np.r_[pic.indices, name.indices + 12], np.r_[pic.steps, name.steps]))
    drive = SpikeTrains(indices=np.r_[pic.indices, name.indices + 12][k], steps=np.r_[pic.steps, name.steps][k],
                        n_neurons=24, n_steps=pic.n_steps, dt_ms=0.1)
    parts = split_populations(drive, {"input/picture": 12, "input/name": 12})
    rebuilt = Recording(dt_ms=0.1, n_steps=pic.n_steps, spikes={**recording.spikes, **parts}, v=recording.v,
                        epochs=recording.epochs, annotations=recording.annotations)
    assert rebuilt.differences(recording) == []
    with pytest.raises(ValueError, match="add up to 20, not the 24 neurons"):
        split_populations(drive, {"input/picture": 12, "input/name": 8})
