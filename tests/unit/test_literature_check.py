"""``neuromem check``: the model's numbers against published ones, on a results folder the test writes."""

from __future__ import annotations

import argparse
import json
import math

import pytest

from neuromem.analysis.human import human_concepts_per_neuron_histogram
from neuromem.analysis.literature import NOT_IN_RESULTS, TARGETS, Tolerance, check_literature
from neuromem.validation.literature_cli import add_check_command, cmd_check


def _write(folder, metrics):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "metrics.json").write_text(json.dumps(metrics))
    return folder


def _engram_metrics(**over):
    m = {
        "_schema": {"name": "neuromem.engram-formation", "version": 1},
        "dataset": "digits", "presentations": 3, "n_concepts": 10,
        "population_sparseness": 0.004,             # Waydo ~0.5 %, factor 3: pass
        "invariance_index": 0.3,                    # >= 0.5 required: FAIL
        "binding_index": 0.84,                      # after K = 3 <= 5: pass
        "concepts_per_responsive_neuron": [0.5, 0.3, 0.2, 0.0],   # 0.5 multi-concept vs 0.504: pass
        "picture_to_name_network_recall_at_1": 0.97,
        "spontaneous_rate_hz": None,
        "_missing": {"/spontaneous_rate_hz": "not a number (NaN)"},
    }
    m.update(over)
    return m


def _run(folder, *extra):
    parser = argparse.ArgumentParser()
    add_check_command(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["check", "--results", str(folder), *extra])
    return args.func(args)


def test_check_passes_and_fails_by_the_stated_tolerances(tmp_path, capsys):
    folder = _write(tmp_path / "run", _engram_metrics())
    page = tmp_path / "docs" / "literature-check.md"
    assert _run(folder, "--docs", str(page)) == 0
    out = capsys.readouterr().out
    assert "FAIL" in out and "| pass |" in out and NOT_IN_RESULTS in out

    saved = json.loads((folder / "metrics.json").read_text())
    check = saved["literature_check"]
    status = {r["key"]: r["status"] for r in check["rows"]}
    assert status["mtl_sparseness"] == "pass"
    assert status["invariance"] == "FAIL"
    assert status["association_few_pairings"] == "pass"
    assert status["concepts_per_neuron"] == "pass"
    assert status["diehl_cook_classifier"] == "context"
    assert status["hopfield_capacity"] == status["willshaw_capacity"] == NOT_IN_RESULTS
    assert status["lif_rate"] == NOT_IN_RESULTS
    assert check["failed"] == ["invariance"] and check["n_fail"] == 1
    # the rest of the file is kept, in the results base's strict form
    assert saved["_schema"] == {"name": "neuromem.engram-formation", "version": 1}
    assert saved["population_sparseness"] == 0.004 and saved["dataset"] == "digits"
    assert saved["_missing"]["/spontaneous_rate_hz"] == "not a number (NaN)"
    assert "FAIL" in page.read_text() and "Waydo" in page.read_text()
    # --strict turns a failure into exit status 1
    assert _run(folder, "--strict") == 1


def test_a_number_outside_the_tolerance_fails_and_inside_passes(tmp_path):
    sparse = next(t for t in TARGETS if t.key == "mtl_sparseness")
    assert sparse.tolerance == Tolerance(kind="factor", value=3.0)
    inside = {r.key: r.status for r in check_literature({"population_sparseness": 0.005 * 2.9})}
    outside = {r.key: r.status for r in check_literature({"population_sparseness": 0.005 * 3.1})}
    assert inside["mtl_sparseness"] == "pass" and outside["mtl_sparseness"] == "FAIL"
    # hard winner-take-all: one concept per neuron, half of the human neurons answer several
    rows = {r.key: r for r in check_literature({"concepts_per_responsive_neuron": [1.0, 0.0]})}
    human_multi = 1.0 - human_concepts_per_neuron_histogram()[0]
    assert math.isclose(rows["concepts_per_neuron"].reference, human_multi) and 0.49 < human_multi < 0.52
    assert rows["concepts_per_neuron"].model == 0.0 and rows["concepts_per_neuron"].status == "FAIL"


def test_sections_capacity_and_closed_forms_are_found(tmp_path):
    metrics = {
        "compare_binding": {"capacity/synthetic/stdp/n_units=50/bits_per_parameter": 0.003,
                            "capacity/synthetic/stdp/n_units=200/bits_per_parameter": 0.002},
        "closed_form": {"lif_rate_max_relative_error": 0.015, "stdp_window_max_relative_error": 0.08},
        "engram_formation": _engram_metrics(presentations=10),
    }
    rows = {r.key: r for r in check_literature(metrics)}
    assert rows["hopfield_capacity"].model == 0.002 and rows["hopfield_capacity"].status == "FAIL"
    assert "n_units=200" in rows["hopfield_capacity"].model_from
    assert rows["lif_rate"].status == "pass" and rows["stdp_window"].status == "FAIL"
    assert rows["mtl_sparseness"].model_from == "engram_formation.population_sparseness"
    # 10 presentations is not "a few": no number for the association row
    assert rows["association_few_pairings"].status == NOT_IN_RESULTS


def test_bad_folder_and_tolerance_are_clear_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="metrics.json"):
        _run(tmp_path)
    (tmp_path / "metrics.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="JSON object"):
        _run(tmp_path)
    with pytest.raises(ValueError, match="kind"):
        Tolerance(kind="roughly")
    with pytest.raises(ValueError, match="factor"):
        Tolerance(kind="factor", value=0.5)


def test_a_binder_comparison_is_read_from_its_stdp_units_at_the_largest_k():
    metrics = {"units/novel/stdp/k=1/population_sparseness": 0.5,
               "units/novel/stdp/k=5/population_sparseness": 0.004,
               "units/novel/stdp/k=5/population_sparseness_ci95": 0.9,
               "units/novel/stdp/k=5/concepts_per_responsive_unit_1": 0.75,
               "units/novel/stdp/k=5/concepts_per_responsive_unit_2": 0.25,
               "units/novel/hopfield/k=5/invariance_index": 1.0}
    rows = {r.key: r for r in check_literature(metrics)}
    assert rows["mtl_sparseness"].model == 0.004 and rows["mtl_sparseness"].status == "pass"
    assert "k=5" in rows["mtl_sparseness"].model_from
    assert rows["concepts_per_neuron"].model == 0.25 and rows["concepts_per_neuron"].status == "FAIL"
    assert rows["invariance"].status == NOT_IN_RESULTS  # another binder's units are not the model's


def test_module_entry_point_reports_a_missing_folder_in_one_line(tmp_path, capsys):
    from neuromem.validation.literature_cli import main

    assert main(["--results", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "does not exist" in err[0]
    folder = _write(tmp_path / "run", _engram_metrics())
    assert main(["--results", str(folder)]) == 0


def test_multi_concept_share_taken_where_the_concept_count_matches_the_recordings():
    # an engram run (10 concepts, one concept per neuron) sorts first; the 94-concept run must be the one compared
    metrics = {"concept_cells": {"n_concepts": 94, "concepts_per_neuron_histogram": [0.5, 0.2, 0.1, 0.1, 0.05, 0.05]},
               "a_engram": {"n_concepts": 10, "concepts_per_responsive_neuron": [1.0, 0.0]}}
    row = {r.key: r for r in check_literature(metrics)}["concepts_per_neuron"]
    assert row.model == 0.5 and row.status == "pass" and row.model_from == "concept_cells.concepts_per_neuron_histogram"
    del metrics["concept_cells"]
    assert {r.key: r for r in check_literature(metrics)}["concepts_per_neuron"].model == 0.0
