"""Neo (NIX) and NWB: each format reads back into the same Recording, in the field's own layout; Elephant agrees."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from recording_sample import make_recording

from neuromem.analysis import isi_cv_per_neuron, mean_rate_hz
from neuromem.io import FORMATS, Recording, StimulusEpochs, read_recording, write_recording

LIBRARIES = {"neo": ("neo", "nixio"), "nwb": ("pynwb",)}


@pytest.fixture(params=["neo", "nwb", "npz"])
def fmt(request):
    for lib in LIBRARIES.get(request.param, ()):
        pytest.importorskip(lib)
    return request.param


def test_every_format_reads_back_exactly(tmp_path, recording, fmt):
    name = "rec" + FORMATS[fmt].suffix
    back = read_recording(write_recording(recording, tmp_path / name))  # the format follows from the suffix
    assert back.differences(recording) == []
    assert [p.name for p in tmp_path.iterdir()] == [name]  # nothing half-written left beside it


def test_a_bare_recording_reads_back_exactly(tmp_path, recording, fmt):
    bare = dataclasses.replace(recording, v={}, annotations={},
                               epochs=StimulusEpochs(start_ms=[], stop_ms=[], kind=[], label=[], concept=[],
                                                     items={"picture": []}),
                               spikes={"concept": recording.spikes["concept"]})
    back = read_recording(write_recording(bare, tmp_path / "bare.data", fmt), fmt)  # any name, format given
    assert back.differences(bare) == [] and len(back.epochs) == 0 and list(back.epochs.items) == ["picture"]
    no_epochs = dataclasses.replace(bare, epochs=None)
    assert read_recording(write_recording(no_epochs, tmp_path / "none.data", fmt), fmt).epochs is None


@pytest.fixture(scope="module")
def neo_export(tmp_path_factory):
    """The sample recording and the Neo Block read back from its NIX file (written once for the module)."""
    pytest.importorskip("nixio")
    from neo.io import NixIO

    recording = make_recording()
    path = write_recording(recording, tmp_path_factory.mktemp("neo") / "rec.nix")
    with NixIO(str(path), mode="ro") as io:
        return recording, io.read_block()


def test_neo_file_holds_one_spike_train_per_neuron_a_signal_and_an_epoch(neo_export):
    recording, block = neo_export
    seg = block.segments[0]
    assert len(seg.spiketrains) == sum(st.n_neurons for st in recording.spikes.values())
    train = next(t for t in seg.spiketrains
                 if t.annotations["population"] == "concept" and t.annotations["neuron"] == 5)
    st = recording.spikes["concept"]
    assert np.allclose(train.rescale("ms").magnitude, st.steps[st.indices == 5] * st.dt_ms, rtol=0, atol=1e-12)
    sig = next(s for s in seg.analogsignals if s.annotations["population"] == "concept")
    assert str(sig.units.dimensionality) == "mV" and sig.array_annotations["neuron"].tolist() == [5, 0, 2]
    assert float(sig.sampling_period.rescale("ms")) == pytest.approx(0.1)
    assert seg.epochs[0].labels[0] == "together:cat" and {g.name for g in block.groups} >= {"concept", "input/name"}
    assert block.annotations["engine"] == "numba"


def test_nwb_file_is_valid_with_units_a_population_column_a_timeseries_and_trials(tmp_path, recording):
    pynwb = pytest.importorskip("pynwb")
    from pynwb import NWBHDF5IO

    path = write_recording(recording, tmp_path / "rec.nwb")
    assert list(pynwb.validate(path=str(path))) == []
    with NWBHDF5IO(str(path), mode="r") as io:
        nwb = io.read()
        units = nwb.units.to_dataframe()
        assert len(units) == 32 and set(units["population"]) == {"concept", "input/picture", "input/name"}
        row = units[(units["population"] == "concept") & (units["neuron"] == 5)].iloc[0]
        st = recording.spikes["concept"]
        assert np.allclose(row["spike_times"], st.steps[st.indices == 5] * st.dt_ms / 1000, rtol=0, atol=1e-15)
        v = nwb.acquisition["v_concept"]
        assert v.conversion == 1e-3 and v.rate == pytest.approx(10_000.0) and v.data.shape == (3000, 3)
        trials = nwb.trials.to_dataframe()
        assert trials["concept"].tolist() == ["cat", "dog", "owl", "cat", "", "dog"]
        assert trials["start_time"].tolist() == pytest.approx([0.0, 0.05, 0.1, 0.15, 0.2, 0.25])


def test_elephant_statistics_on_the_neo_export_match_neuromem(neo_export):
    statistics = pytest.importorskip("elephant.statistics")
    recording, block = neo_export
    checked = 0
    for pop in ("input/picture", "concept"):
        ours_rate, ours_cv = mean_rate_hz(recording.spikes[pop]), isi_cv_per_neuron(recording.spikes[pop])
        for train in (t for t in block.segments[0].spiketrains if t.annotations["population"] == pop):
            i = int(train.annotations["neuron"])
            rate = float(statistics.mean_firing_rate(train).rescale("Hz"))
            assert rate == pytest.approx(ours_rate[i], rel=1e-12, abs=0)
            if len(train) >= 3:
                assert float(statistics.cv(statistics.isi(train))) == pytest.approx(ours_cv[i], rel=1e-9)
                checked += 1
            else:
                assert np.isnan(ours_cv[i])
    assert checked >= 15 and ours_rate.max() > 0


def test_recording_save_is_the_npz_format(tmp_path, recording):
    recording.save(tmp_path / "a.npz")
    assert Recording.load(tmp_path / "a.npz").differences(read_recording(tmp_path / "a.npz")) == []


@pytest.mark.parametrize("fmt", ["neo", "nwb"])
def test_a_foreign_or_newer_file_is_refused(recording, fmt):
    from neuromem.io import SchemaError

    for lib in LIBRARIES[fmt]:
        pytest.importorskip(lib)
    if fmt == "neo":
        from neuromem.io.formats.neo_nix import from_neo, to_neo

        block = to_neo(recording)
        block.annotations["neuromem_schema_version"] = 2
        with pytest.raises(SchemaError, match="version 2; this neuromem reads up to 1"):
            from_neo(block)
        block.annotations.pop("neuromem_schema")
        with pytest.raises(SchemaError, match="not written by neuromem"):
            from_neo(block)
    else:
        from neuromem.io.formats.nwb import from_nwb, to_nwb

        nwb = to_nwb(recording)
        with pytest.raises(SchemaError, match="not written by neuromem"):
            from_nwb(type(nwb)(session_description="x", identifier="y", session_start_time=nwb.session_start_time))
