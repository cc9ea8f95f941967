"""``neuromem sweep`` on every sweepable experiment: binding-window and concept-cells through the same grid.

Each test that runs cells is tiny (a few neurons, a few concepts, one or two offsets; well under 10 s).
"""

import dataclasses
import functools

import pytest

pytest.importorskip("numba")

from neuromem.experiments.binding_window import BindingWindowConfig  # noqa: E402
from neuromem.experiments.concept_cells import ConceptCellsConfig  # noqa: E402
from neuromem.experiments.registry import experiment_names  # noqa: E402
from neuromem.sweep import TIMING_COLUMNS, expand_cells, parse_grid, read_table  # noqa: E402
from neuromem.sweep.run import run_cell  # noqa: E402
from neuromem.validation import synthetic_latent_space  # noqa: E402

SPACE = functools.partial(synthetic_latent_space, n_concepts=3, latent_dim=4, pictures_per_concept=8)
WINDOW = BindingWindowConfig(offsets_ms=(0.0, 100.0), presentations=1, max_test_pictures_per_concept=2,
                             min_word_trials_per_concept=2, blank_trials=2, spec_overrides={"concept": {"n_neurons": 20}})
CELLS = ConceptCellsConfig(n_concepts=4, n_neurons=20, presentations=1, test_pictures_per_concept=1,
                           test_words_per_concept=1, blank_trials=3, at_2n=False, engine_options={"threads": 1})


def _metrics(experiment, grid, base, space_source=None):
    """Every cell of ``grid`` x seed 3, run in this process as a worker would: ``{point: metrics}``."""
    cells = expand_cells(parse_grid(grid, type(base)), (3,), base)
    return {tuple(c.params.values()): run_cell(experiment, c.config, space_source, None, "k", c.params, c.seed)
            ["metrics"] for c in cells}


def test_the_sweepable_experiments_sweep_and_the_others_are_refused_by_name():
    from neuromem.cli.sweep import sweepable

    swept = ("binding-window", "concept-cells", "engram-formation")
    assert set(swept) <= set(experiment_names())
    for name in experiment_names():
        if name in swept:
            assert sweepable(name).run_cell
        else:  # compare-binding (its own grid and cell cache) and the experiments without run_cell yet
            with pytest.raises(ValueError, match=f"{name}' cannot be swept"):
                sweepable(name)


def test_the_figure_shows_the_preferred_metric_or_the_first_of_its_group(tmp_path):
    from neuromem.sweep.figure import sweep_figure

    rows = [{"metric": m, "value": float(v), "seed": s, "presentations": p} for m in
            ("a", "binding_index.at_+0ms", "binding_index.at_+50ms") for v, (p, s) in enumerate([(1, 3), (2, 3)])]
    assert sweep_figure(rows, ["presentations"], tmp_path, preferred="binding_index").name == \
        "sweep_binding_index_at_+0ms.png"
    assert sweep_figure(rows, ["presentations"], tmp_path, preferred="absent").name == "sweep_a.png"


def test_a_cell_is_one_seed_written_into_seeds():
    cells = expand_cells(parse_grid("presentations=1,2", BindingWindowConfig), (3, 4), WINDOW)
    assert [(c.params["presentations"], c.config.seeds, c.seed) for c in cells] == \
        [(1, (3,), 3), (1, (4,), 4), (2, (3,), 3), (2, (4,), 4)]
    with pytest.raises(ValueError, match="--seeds"):
        parse_grid("seeds=1,2", ConceptCellsConfig)


def test_binding_window_grid_over_a_network_parameter_changes_its_results():
    """``spec.concept.n_neurons`` reaches the binding window's network (through its new spec_overrides)."""
    m = _metrics("binding-window", "spec.concept.n_neurons=12,30", WINDOW, SPACE)
    assert set(m[(12,)]) == set(m[(30,)])
    per_offset = [k for k in m[(12,)] if k.startswith("binding_index.at_")]
    assert per_offset == ["binding_index.at_+0ms", "binding_index.at_+100ms"]
    assert [m[(12,)][k] for k in per_offset] != [m[(30,)][k] for k in per_offset]
    with pytest.raises(ValueError, match=r"grid point .*trial_period_ms.*pause_ms"):
        expand_cells(parse_grid("spec.sim.trial_period_ms=500", BindingWindowConfig), (3,), WINDOW)


def test_concept_cells_grid_over_a_field_and_a_network_parameter_changes_its_results():
    m = _metrics("concept-cells", "spec.k_winners_take_all.active_fraction=0.05,0.2", CELLS)
    assert m[(0.05,)]["population_sparseness"] < m[(0.2,)]["population_sparseness"]
    assert sum(m[(0.05,)][f"concepts_per_neuron_histogram.{b}"] for b in ("1", "2", "3", "4", "5", "6+")) == \
        pytest.approx(1.0)
    m = _metrics("concept-cells", "n_concepts=3,6", CELLS)
    assert (m[(3,)]["n_responsive_neurons"], m[(3,)]["n_concepts"]) != (m[(6,)]["n_responsive_neurons"], 6)
    with pytest.raises(ValueError, match=r"grid point .*concept.n_neurons; set n_neurons"):
        expand_cells(parse_grid("spec.concept.n_neurons=30", ConceptCellsConfig), (3,), CELLS)


def test_sweep_command_on_concept_cells_identical_with_one_and_two_workers(tmp_path, capsys):
    """``neuromem sweep --experiment concept-cells --scheduler ADDRESS`` (no dataset: the cells make their own
    data), 2 parameters x 2 seeds on a cluster of 1 worker, then of 2: the same table; options a sweep cannot use
    are refused before any work. (One cluster, grown, so worker start-up is paid once per worker.)"""
    pytest.importorskip("distributed")
    import logging

    from dask.distributed import Client, LocalCluster

    from neuromem.cli.main import main
    from neuromem.sweep.run import WORKER_ENV

    # compile the numba kernels here once (the test session's cache is fresh), so no worker compiles them
    _metrics("concept-cells", "n_neurons=20", CELLS)
    tables = []
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR, env=dict(WORKER_ENV)) as cluster, Client(cluster) as client:
        for workers in (1, 2):
            cluster.scale(workers)
            client.wait_for_workers(workers)
            assert len(client.scheduler_info()["workers"]) == workers
            out = tmp_path / f"w{workers}"
            status = main(["sweep", "--experiment", "concept-cells", "--seeds", "3,4",
                           "--scheduler", cluster.scheduler_address,
                           "--grid", "n_neurons=20,30;spec.k_winners_take_all.active_fraction=0.05,0.2",
                           "--n-concepts", "4", "--presentations", "1", "--no-2n", "--threads", "1",
                           *(["--metric", "population_sparseness"] if workers == 1 else []), "--out", str(out)])
            assert status == 0, capsys.readouterr().err
            tables.append([{k: v for k, v in r.items() if k not in TIMING_COLUMNS}
                           for r in read_table(out / "sweep.parquet")])
            # --metric, else the experiment's SWEEP_METRIC
            figure = "population_sparseness" if workers == 1 else "concepts_per_neuron_tv_to_human"
            assert [p.name for p in out.glob("*.png")] == [f"sweep_{figure}.png"]
    assert tables[0] == tables[1]
    sparse = {(r["n_neurons"], r["spec.k_winners_take_all.active_fraction"], r["seed"]): r["value"]
              for r in tables[0] if r["metric"] == "population_sparseness"}
    assert len(sparse) == 8 and len(set(sparse.values())) > 2  # the cells really differ
    for opt, fix in (("--tradeoff 0.01,0.02", "spec.k_winners_take_all.active_fraction"), ("--jobs 2", "--workers")):
        status = main(["sweep", "--experiment", "concept-cells", "--grid", "n_neurons=20,30", "--seeds", "3",
                       *opt.split(), "--out", str(tmp_path / "refused")])
        err = capsys.readouterr().err
        assert status == 2 and fix in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "refused").exists()
