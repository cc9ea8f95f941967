"""Every experiment's metrics.json is strict JSON on the results base, also for one seed (no interval)."""

from __future__ import annotations

import json
import math

import pytest

from neuromem.io import read_schema


def _refuse_constant(name):
    raise ValueError(f"bare {name} in metrics.json")


def _strict(path) -> dict:
    return json.loads(path.read_text(), parse_constant=_refuse_constant)


def test_binding_window_metrics_are_strict_and_stamped(tmp_path):
    from neuromem.experiments.binding_window.results import BindingWindowResults

    metrics = {"onset_asynchrony_ms": [-50.0, 0.0], "binding_index": [0.4, 0.6],
               "binding_index_ci95": [math.nan, math.nan], "binding_half_width_ms": [math.nan, 50.0]}
    path = BindingWindowResults(metrics=metrics).save(tmp_path)  # one seed: no interval
    doc = _strict(path)
    assert doc["binding_index_ci95"] == [None, None] and "/binding_index_ci95/0" in doc["_missing"]
    assert read_schema(tmp_path).name == "neuromem.binding-window"
    back = BindingWindowResults.load(tmp_path).metrics
    assert math.isnan(back["binding_index_ci95"][1]) and back["binding_half_width_ms"][1] == 50.0
    # a folder written before the schema (bare NaN) still loads
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "metrics.json").write_text('{"onset_asynchrony_ms": [0.0], "binding_index_ci95": [NaN]}')
    assert math.isnan(BindingWindowResults.load(tmp_path / "old").metrics["binding_index_ci95"][0])


def test_compare_binding_with_one_seed_writes_no_nan(tmp_path):
    pytest.importorskip("torch")
    from neuromem.experiments.compare_binding import GridConfig, run_compare_binding, synthetic_concepts
    from neuromem.experiments.compare_binding.results import read_metrics
    from neuromem.latents import LatentSpace

    base = synthetic_concepts(6, 8, 0.4, n_train=6, n_test=4, seed=3)
    space = LatentSpace(concepts=base.concepts, modalities=base.modalities, seed=3, fit_concepts=base.concepts[:3])
    grid = GridConfig(shots=(1,), seeds=(3,), n_units=12, interference_k=1, capacity_sizes=(12,),
                      capacity_max_per_unit=2, test_per_concept=4, word_repeats=1)
    m = run_compare_binding({3: space}, dataset="toy", out_dir=tmp_path, binders=("hopfield",), grid=grid,
                            progress=False)
    doc = _strict(tmp_path / "metrics.json")  # the reading itself refuses a bare NaN
    ci = [p for p in doc["_missing"] if p.endswith("_ci95")]
    assert ci and all(doc[p.lstrip("/").replace("~1", "/")] is None for p in ci[:5])
    assert read_schema(tmp_path).name == "neuromem.compare-binding"
    back = read_metrics(tmp_path / "metrics.json")
    key = "shots/fitted/hopfield/k=1/picture_to_name_recall_at_1"
    assert back[key] == pytest.approx(m[key]) and math.isnan(back[key + "_ci95"])
    assert back["_meta"]["binder_traits"]["hopfield"]["family"] == "hebbian"



# engram formation, one seed: tests/integration/test_engram_formation.py::test_cli_runs_one_seed_and_defaults_to_report_seeds
