"""The results base: strict metrics.json, arrays of every kind experiments keep, schema versions, atomic files."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import pytest

from neuromem.coding import SpikeTrains
from neuromem.io import METRICS_FILE, Missing, Recording, Results, SchemaError, read_schema
from neuromem.network.spec import NetworkState
from neuromem.protocols import StimulusWindow, TrialSequence


@dataclass(frozen=True, kw_only=True)
class ToyResults(Results):
    """What an experiment keeps today: metrics, counts, concept spikes, trials, a network state."""

    SCHEMA_NAME = "neuromem.toy"
    SCHEMA_VERSION = 1
    counts: np.ndarray
    spikes: SpikeTrains
    trials: TrialSequence
    trained: NetworkState

    def arrays_to_save(self):
        return {"counts": self.counts, "spikes": self.spikes, "trials": self.trials, "trained": self.trained}

    @classmethod
    def from_saved(cls, *, metrics, arrays, recording):
        t = arrays["trials"]
        windows = None if t["windows"] is None else {m: StimulusWindow(**w) for m, w in t["windows"].items()}
        return cls(metrics=metrics, recording=recording, counts=arrays["counts"], spikes=arrays["spikes"],
                   trials=TrialSequence(**{**t, "windows": windows}), trained=NetworkState(**arrays["trained"]))


def _toy(recording=None) -> ToyResults:
    rng = np.random.default_rng(0)
    spikes = SpikeTrains(indices=[2, 0, 1], steps=[1, 4, 4], n_neurons=3, n_steps=10, dt_ms=0.1)
    trials = TrialSequence(kind=np.array(["together", "picture"]), labels=np.array([0, 1]),
                           items={"picture": np.array([3, 4]), "name": np.array([1, -1])},
                           windows={"name": StimulusWindow(onset_ms=20.0, duration_ms=100.0)})
    state = NetworkState(w_in_mv={"input/picture": rng.random((4, 3)).astype(np.float32)},
                         w_fb={"input/picture": np.zeros((3, 4), np.float32)}, theta_mv=np.array([0.5, 0.0, 1.5]))
    metrics = {"recall": 0.9, "recall_ci95": Missing("one seed"), "blank_rate_hz": math.nan,
               "per_seed": {"3": {"recall": np.float64(0.9)}}, "concepts": ("cat", "dog")}
    return ToyResults(metrics=metrics, counts=np.arange(6).reshape(2, 3), spikes=spikes, trials=trials,
                      trained=state, recording=recording)


def test_round_trip_keeps_metrics_arrays_trials_states_and_spikes(tmp_path, recording):
    res = _toy(recording)
    paths = res.save(tmp_path)
    assert sorted(p.name for p in paths.values()) == ["arrays.npz", "metrics.json", "recording.npz"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["arrays.npz", "metrics.json", "recording.npz"]  # no temp
    doc = json.loads((tmp_path / METRICS_FILE).read_text(), parse_constant=lambda c: pytest.fail(f"bare {c}"))
    assert doc["_schema"] == {"name": "neuromem.toy", "version": 1}
    assert doc["recall"] == 0.9 and doc["recall_ci95"] is None
    assert doc["_missing"] == {"/recall_ci95": "one seed", "/blank_rate_hz": "not a number (NaN)"}
    back = ToyResults.load(tmp_path)
    assert back.metrics["recall"] == 0.9 and back.metrics["recall_ci95"].reason == "one seed"
    assert math.isnan(back.metrics["blank_rate_hz"]) and back.metrics["concepts"] == ["cat", "dog"]
    assert np.array_equal(back.counts, res.counts)
    for f in ("indices", "steps", "n_neurons", "n_steps", "dt_ms"):
        assert np.array_equal(getattr(back.spikes, f), getattr(res.spikes, f)), f
    assert back.trials.sha256() == res.trials.sha256()
    assert back.trials.windows["name"] == StimulusWindow(onset_ms=20.0, duration_ms=100.0)
    assert np.array_equal(back.trained.w_in_mv["input/picture"], res.trained.w_in_mv["input/picture"])
    assert back.trained.w_in_mv["input/picture"].dtype == np.float32
    assert np.array_equal(back.trained.theta_mv, res.trained.theta_mv)
    assert back.recording.differences(recording) == []
    assert read_schema(tmp_path) == ("neuromem.toy", 1)


def test_metrics_only_results_need_nothing_but_a_schema_name(tmp_path):
    @dataclass(frozen=True, kw_only=True)
    class WindowResults(Results):
        SCHEMA_NAME = "neuromem.window"

    WindowResults(metrics={"half_width_ms": [-99.0, 94.0]}).save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.json"]
    back = WindowResults.load(tmp_path)
    assert back.metrics == {"half_width_ms": [-99.0, 94.0]} and back.recording is None


@dataclass(frozen=True, kw_only=True)
class ToyResultsV2(ToyResults):
    SCHEMA_VERSION = 2


def test_a_newer_schema_is_refused_with_a_clear_message(tmp_path):
    ToyResultsV2(**{f: getattr(_toy(), f) for f in ("metrics", "counts", "spikes", "trials", "trained")}).save(tmp_path)
    with pytest.raises(SchemaError, match="schema version 2 of 'neuromem.toy'; this neuromem reads up to "
                                          "version 1: upgrade neuromem"):
        ToyResults.load(tmp_path)


def test_an_older_schema_is_read_through_its_converter_and_refused_without_one(tmp_path):
    _toy().save(tmp_path)
    with pytest.raises(SchemaError, match="schema version 1, which this neuromem cannot convert to version 2"):
        ToyResultsV2.load(tmp_path)

    def v1_to_v2(metrics, arrays):
        renamed = {("recall_at_1" if k == "recall" else k): v for k, v in metrics.items()}
        return renamed, {**arrays, "counts": arrays["counts"] * 10}

    @dataclass(frozen=True, kw_only=True)
    class Converted(ToyResultsV2):
        CONVERTERS = {1: v1_to_v2}

    back = Converted.load(tmp_path)
    assert back.metrics["recall_at_1"] == 0.9 and "recall" not in back.metrics
    assert np.array_equal(back.counts, np.arange(6).reshape(2, 3) * 10)


def test_files_written_before_schemas_read_as_version_zero(tmp_path):
    (tmp_path / METRICS_FILE).write_text('{"recall": 0.5, "ci95": NaN}')
    np.savez(tmp_path / "arrays.npz", counts=np.ones((2, 2)))

    @dataclass(frozen=True, kw_only=True)
    class Legacy(Results):
        SCHEMA_NAME = "neuromem.legacy"
        CONVERTERS = {0: lambda m, a: ({**m, "converted": True}, a)}
        counts: np.ndarray

        @classmethod
        def from_saved(cls, *, metrics, arrays, recording):
            return cls(metrics=metrics, counts=arrays["counts"], recording=recording)

    assert read_schema(tmp_path) == (None, 0)
    back = Legacy.load(tmp_path)
    assert back.metrics["converted"] and math.isnan(back.metrics["ci95"]) and back.counts.sum() == 4


def test_another_kind_of_results_and_mismatched_files_are_refused(tmp_path):
    _toy().save(tmp_path / "toy")
    with pytest.raises(SchemaError, match="holds 'neuromem.toy' results, not 'neuromem.results'"):
        Results.load(tmp_path / "toy")
    ToyResultsV2(**{f: getattr(_toy(), f) for f in ("metrics", "counts", "spikes", "trials", "trained")}).save(
        tmp_path / "v2")
    (tmp_path / "toy" / "arrays.npz").replace(tmp_path / "v2" / "arrays.npz")
    with pytest.raises(SchemaError, match="come from different runs"):
        ToyResultsV2.load(tmp_path / "v2")
    with pytest.raises(FileNotFoundError, match="no metrics.json"):
        ToyResults.load(tmp_path / "nowhere")


def test_bad_declarations_and_reserved_keys_are_refused():
    with pytest.raises(ValueError, match="reserved"):
        Results(metrics={"_missing": {}})
    with pytest.raises(TypeError, match="must name its schema"):
        type("Bad", (Results,), {})
    with pytest.raises(TypeError, match="SCHEMA_VERSION=0"):
        type("Bad", (Results,), {"SCHEMA_NAME": "neuromem.bad", "SCHEMA_VERSION": 0})
    with pytest.raises(TypeError, match=r"CONVERTERS keys \[1\]"):
        type("Bad", (Results,), {"SCHEMA_NAME": "neuromem.bad", "CONVERTERS": {1: None}})
    with pytest.raises(TypeError, match="Recording"):
        Results(metrics={}, recording="not a recording")
    assert isinstance(Recording(dt_ms=0.1, n_steps=0), Recording)


def test_an_object_array_is_refused_before_anything_is_written(tmp_path):
    @dataclass(frozen=True, kw_only=True)
    class Bad(Results):
        SCHEMA_NAME = "neuromem.bad"

        def arrays_to_save(self):
            return {"labels": np.array([object()])}

    with pytest.raises(TypeError, match="dtype object at labels"):
        Bad(metrics={}).save(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_saving_again_without_a_recording_removes_the_old_one(tmp_path, recording):
    Results(metrics={"run": 1}, recording=recording).save(tmp_path)
    Results(metrics={"run": 2}).save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.json"]
    assert Results.load(tmp_path).recording is None
