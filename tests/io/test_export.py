"""``neuromem export`` as a function: finds the recording, converts it, writes atomically, explains every refusal."""

from __future__ import annotations

import sys
import textwrap

import pytest

from neuromem.io import FORMATS, FormatUnavailable, Results, export_results, read_recording, register_format

TOY_FORMAT = '''
"""A toy format: spike counts per population as text (read back as an empty recording of the same grid)."""
from neuromem.io import Recording

def write(recording, path):
    path.write_text("\\n".join(f"{p} {len(s.steps)} {recording.dt_ms} {recording.n_steps}"
                               for p, s in sorted(recording.spikes.items())))

def read(path):
    pop, n, dt, n_steps = path.read_text().splitlines()[0].split()
    return Recording(dt_ms=float(dt), n_steps=int(n_steps))
'''


@pytest.fixture
def results_dir(tmp_path, recording):
    Results(metrics={"recall": 1.0}, recording=recording).save(tmp_path / "run")
    return tmp_path / "run"


def test_export_writes_neo_beside_the_recording(results_dir, recording):
    pytest.importorskip("neo")
    pytest.importorskip("nixio")
    out = export_results(results_dir, "neo")
    assert out == results_dir / "recording.nix"
    assert read_recording(out).differences(recording) == []


def test_export_writes_nwb_where_asked(results_dir, recording, tmp_path):
    pytest.importorskip("pynwb")
    out = export_results(results_dir, "nwb", tmp_path / "elsewhere" / "run.data")
    assert out == tmp_path / "elsewhere" / "run.data"
    assert read_recording(out, "nwb").differences(recording) == []
    assert export_results(results_dir, "nwb") == results_dir / f"recording{FORMATS['nwb'].suffix}"


def test_export_explains_each_refusal(tmp_path, results_dir, recording):
    with pytest.raises(ValueError, match="unknown format 'hdf5'; known formats: neo, npz, nwb"):
        export_results(results_dir, "hdf5")
    Results(metrics={}).save(tmp_path / "no_rec")
    with pytest.raises(FileNotFoundError, match="no recording in .*no_rec"):
        export_results(tmp_path / "no_rec", "npz")
    for seed in (3, 4):
        Results(metrics={}, recording=recording).save(tmp_path / "multi" / f"seed_{seed}")
    with pytest.raises(FileNotFoundError, match="sub-folders have one: export one of .*seed_3, .*seed_4"):
        export_results(tmp_path / "multi", "npz")
    with pytest.raises(FileNotFoundError, match="no results folder"):
        export_results(tmp_path / "absent", "npz")
    with pytest.raises(ValueError, match="is the recording itself"):
        export_results(results_dir, "npz")


def test_a_missing_extra_names_the_pip_install(monkeypatch, results_dir):
    monkeypatch.setitem(FORMATS, "neo", FORMATS["neo"]._replace(requires=("neo_not_installed_here",)))
    with pytest.raises(FormatUnavailable, match=r"needs neo_not_installed_here, .*pip install 'neuromem\[neo\]'"):
        export_results(results_dir, "neo")


def test_a_new_format_is_one_module_and_one_registry_line(tmp_path, monkeypatch, results_dir, recording):
    (tmp_path / "toy_counts_format.py").write_text(textwrap.dedent(TOY_FORMAT))
    monkeypatch.syspath_prepend(str(tmp_path))
    register_format("counts", "toy_counts_format", suffix=".counts", description="spike counts as text")
    try:
        out = export_results(results_dir, "counts")
        assert out.name == "recording.counts"
        assert out.read_text().splitlines() == [f"{p} {len(s.steps)} 0.1 3000"
                                                for p, s in sorted(recording.spikes.items())]
        assert read_recording(out).n_steps == 3000
    finally:
        FORMATS.pop("counts")
        sys.modules.pop("toy_counts_format", None)
