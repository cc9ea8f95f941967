"""``neuromem sweep``: the grid, the cell cache, and results that do not depend on the number of workers."""

import dataclasses
import functools

import pytest

pytest.importorskip("numba")
pytest.importorskip("distributed")

from neuromem.experiments.engram_formation import EngramConfig  # noqa: E402
from neuromem.sweep import TIMING_COLUMNS, expand_cells, parse_grid, read_table, run_sweep  # noqa: E402
from neuromem.sweep.figure import sweep_figure  # noqa: E402
from neuromem.validation import synthetic_latent_space  # noqa: E402

#: a tiny, fast engram experiment: 3 concepts, 4-d latents, no controls, no readout populations
BASE = EngramConfig(engine="numba", presentations=1, controls=(), network_recall=False, blank_trials=2,
                    min_word_trials_per_concept=2, spec_overrides={"concept": {"n_neurons": 20}})
SPACE = functools.partial(synthetic_latent_space, n_concepts=3, latent_dim=4, pictures_per_concept=8)
GRID = "presentations=1,3;spec.concept.n_neurons=12,24"
SEEDS = (3, 4, 5)


def test_grid_parsed_against_the_config_fields():
    grid = parse_grid("presentations=1,3; use_spoken=false ;max_test_pictures_per_concept=none,2;"
                      "spec.concept.n_neurons=12", EngramConfig)
    assert grid == {"presentations": [1, 3], "use_spoken": [False], "max_test_pictures_per_concept": [None, 2],
                    "spec.concept.n_neurons": [12]}
    cells = expand_cells(grid, SEEDS, BASE)
    assert len(cells) == 2 * 2 * 3
    assert cells[0].config.spec_overrides == {"concept": {"n_neurons": 12}} and cells[0].config.seed == 3
    assert [c.seed for c in cells[:3]] == [3, 4, 5] and cells[-1].config.presentations == 3
    with pytest.raises(ValueError, match="unknown grid key 'presentation'; known keys: engine, test_engine"):
        parse_grid("presentation=1,2", EngramConfig)
    with pytest.raises(ValueError, match="--seeds"):
        parse_grid("seed=1,2", EngramConfig)
    with pytest.raises(ValueError, match="not KEY=V1"):
        parse_grid("presentations", EngramConfig)
    with pytest.raises(ValueError, match="'1,,2' has an empty entry"):
        parse_grid("presentations=1,,2", EngramConfig)
    with pytest.raises(ValueError, match="'presentations': invalid literal"):
        parse_grid("presentations=one", EngramConfig)
    with pytest.raises(ValueError, match=r"grid point \{'presentations': 0\}.*\[1, 100\]"):
        expand_cells(parse_grid("presentations=0", EngramConfig), SEEDS, BASE)


def _table(path):
    return [{k: v for k, v in r.items() if k not in TIMING_COLUMNS} for r in read_table(path)]


def test_two_parameters_three_seeds_identical_with_one_and_two_workers(tmp_path):
    """The same 12 cells on 1 and on 2 workers give the same table; the 2-worker sweep also holds a cell that
    fails (retried, reported, the others unharmed); a second sweep finds every cell finished."""
    cells = expand_cells(parse_grid(GRID, EngramConfig), SEEDS, BASE)
    bad = dataclasses.replace(BASE, presentations=7)  # needs 7 train pictures per concept; the space has 6
    failing = expand_cells({"presentations": [7]}, (3,), bad)
    kw = dict(data_key="synthetic-3x4", space_source=SPACE, dataset="synthetic", log=lambda *a: None)
    one = run_sweep("engram-formation", cells, out=tmp_path / "one", workers=1, **kw)
    two = run_sweep("engram-formation", cells + failing, out=tmp_path / "two", workers=2, **kw)
    assert (one.n_run, two.n_run, len(one.failed), len(two.failed)) == (12, 12, 0, 1)
    assert "train pictures" in two.failed[0]["error"]
    assert (tmp_path / "two" / "cells" / f"{two.failed[0]['key']}.error.json").is_file()
    rows = _table(one.table)
    assert one.table.name == "sweep.parquet" and _table(one.table.with_name("sweep.csv")) == rows
    assert rows == _table(two.table)
    recall = {(r["presentations"], r["spec.concept.n_neurons"], r["seed"]): r["value"] for r in rows
              if r["metric"] == "picture_to_name_recall_at_1"}
    assert len(recall) == 12 and len(set(recall.values())) > 1  # the cells really differ
    # finished cells are not recomputed (no cluster is even started)
    again = run_sweep("engram-formation", cells, out=tmp_path / "one", workers=1, **kw)
    assert (again.n_cached, again.n_run) == (12, 0) and _table(again.table) == rows
    # the figure is drawn from the table
    fig = sweep_figure(read_table(one.table), ["presentations", "spec.concept.n_neurons"], tmp_path)
    assert fig.name == "sweep_picture_to_name_recall_at_1.png" and fig.stat().st_size > 5000


def test_an_undefined_metric_is_no_row_and_cell_files_stay_strict_json(tmp_path):
    """NaN (a metric undefined on a cell) is left out of the cell record, so cell files are strict JSON."""
    import json

    from neuromem.sweep.store import flatten_metrics, write_cell

    flat = flatten_metrics({"a": float("nan"), "b": 1, "c": {"d": float("inf"), "e": True}, "timings_s": {"x": 1.0}})
    assert flat == {"b": 1.0, "c.e": 1.0}
    path = write_cell(tmp_path, "k", {"metrics": flat})
    json.loads(path.read_text(), parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    with pytest.raises(ValueError):
        write_cell(tmp_path, "k2", {"metrics": {"a": float("nan")}})

