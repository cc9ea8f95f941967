"""Progress off a terminal (plain lines, no carriage returns) and stage timings that add up."""

from __future__ import annotations

import io
import types

import pytest

from neuromem._progress import progress
from neuromem._timing import StageClock


class _FakeClock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_off_a_terminal_progress_is_a_plain_line_every_few_seconds():
    stream, clock = io.StringIO(), _FakeClock()
    bar = progress(range(10), desc="binding", unit="cell", stream=stream, every_s=5.0, clock=clock)
    for i in bar:
        bar.set_postfix_str(f"cell {i}")
        clock.t += 2.0  # 2 s per item: a line after every 3rd item (6 s), never more often than every 5 s
    text = stream.getvalue()
    assert "\r" not in text and "\x1b" not in text
    lines = text.splitlines()
    assert lines[0] == "binding: 3/10 cell (30 %), 6 s; cell 2"
    assert len(lines) == 3 + 1  # at 6, 12, 18 s, and the closing line
    assert lines[-1] == "binding: done, 10/10 cell (100 %), 20 s"


def test_short_loops_and_quiet_runs_print_nothing():
    stream, clock = io.StringIO(), _FakeClock()
    assert list(progress(range(3), desc="fast", stream=stream, clock=clock)) == [0, 1, 2]
    quiet = progress(range(3), desc="quiet", stream=stream, enabled=False, clock=clock)
    for _ in quiet:
        clock.t += 100.0
    assert stream.getvalue() == ""
    with pytest.raises(ValueError, match="every_s"):
        progress(range(3), desc="x", every_s=0)


def test_a_terminal_gets_a_bar():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    bar = progress(range(3), desc="bar", stream=Tty())
    assert type(bar).__name__ == "tqdm" or "tqdm" in type(bar).__module__
    assert list(bar) == [0, 1, 2]


def test_stages_add_up_and_a_nested_stage_counts_once():
    clock = _FakeClock()
    stages = StageClock(clock=clock)
    clock.t += 1.0  # before any stage: other
    with stages.stage("experiment"):
        clock.t += 2.0
        with stages.stage("encoding"):
            clock.t += 3.0
        clock.t += 4.0
        with stages.stage("encoding"):
            clock.t += 0.5
    with stages.stage("figures"):
        clock.t += 1.5
    s = stages.seconds()
    assert s == {"experiment": 6.0, "encoding": 3.5, "figures": 1.5, "other": 1.0}
    assert sum(s.values()) == stages.total_s() == 12.0
    assert stages.line() == "time: experiment 6.0 s, encoding 3.5 s, figures 1.5 s, other 1.0 s, total 12.0 s"


def _stages(out: str) -> dict:
    """The one time breakdown a run prints (a second ``time:`` line fails the test)."""
    lines = [ln for ln in out.splitlines() if ln.startswith("time: ")]
    assert len(lines) == 1, lines
    line = lines[0]
    parts = dict(p.rsplit(" ", 2)[:2] for p in line[len("time: "):].split(", "))
    return {k: float(v) for k, v in parts.items()}


def test_compare_binding_counts_its_encoding_under_encoding(monkeypatch, tmp_path, capsys):
    """The run's stages (encoding inside the experiment) sum to its total, and encoding is not 0.0 s."""
    import time

    import neuromem.encoders.request as request_module
    import neuromem.experiments.compare_binding.cli as cb_cli
    from neuromem.cli import main

    def encode_dataset(dataset, **kw):  # the encoder's work, 0.3 s per seed
        time.sleep(0.3)
        return types.SimpleNamespace(space=None)

    def run(spaces, **kw):  # the binding, 0.2 s
        time.sleep(0.2)
        return {"_meta": {"seeds": list(spaces)}}

    monkeypatch.setattr(request_module, "encode_dataset", encode_dataset)
    monkeypatch.setattr(cb_cli, "run_compare_binding", run)
    assert main(["run", "compare-binding", "--dataset", "digits", "--binders", "hopfield", "--seeds", "3,4",
                 "--quiet", "--out", str(tmp_path / "out")]) == 0
    st = _stages(capsys.readouterr().out)
    assert st["encoding"] >= 0.6 - 0.05
    assert st["binding"] >= 0.2 - 0.05
    parts = sum(v for k, v in st.items() if k != "total")
    assert parts == pytest.approx(st["total"], abs=0.05 * len(st))  # printed to 0.1 s each


def test_an_experiment_without_encoding_is_one_stage_of_the_one_breakdown(monkeypatch, tmp_path, capsys):
    """``neuromem run concept-cells`` (no EncodeRequest): the run is timed under the experiment's name, once."""
    import time

    import neuromem.experiments.concept_cells.run as cc_run
    from neuromem.cli import main

    def run(cfg, **kw):  # the experiment's work, 0.3 s
        time.sleep(0.3)
        return {"concepts_per_neuron_histogram": [1.0] + [0.0] * 5,
                "human_concepts_per_neuron_histogram": [0.5] * 2 + [0.0] * 4, "targets": {}}

    monkeypatch.setattr(cc_run, "run_concept_cells", run)
    assert main(["run", "concept-cells", "--seeds", "3", "--quiet", "--out", str(tmp_path / "out")]) == 0
    st = _stages(capsys.readouterr().out)
    assert st["concept-cells"] >= 0.3 - 0.05 and set(st) == {"concept-cells", "other", "total"}
    assert sum(v for k, v in st.items() if k != "total") == pytest.approx(st["total"], abs=0.15)


def test_a_long_stage_reports_progress_in_a_log_file(monkeypatch, tmp_path, capsys):
    """compare-binding's cells, stderr not a terminal: plain progress lines (a bar printed nothing here)."""
    import neuromem._progress
    from neuromem.experiments.compare_binding import GridConfig, run_compare_binding, synthetic_concepts
    from neuromem.latents import LatentSpace

    monkeypatch.setattr(neuromem._progress, "EVERY_S", 1e-9)  # every item is "a few seconds" later
    base = synthetic_concepts(4, 8, 0.4, n_train=3, n_test=2, seed=3)
    space = LatentSpace(concepts=base.concepts, modalities=base.modalities, seed=3, fit_concepts=base.concepts[:2])
    grid = GridConfig(shots=(1, 2), seeds=(3,), n_units=8, interference_k=1, capacity_sizes=(8,),
                      capacity_max_per_unit=2, test_per_concept=2, word_repeats=1)
    run_compare_binding({3: space}, dataset="toy", out_dir=tmp_path, binders=("hopfield",), grid=grid,
                        experiments=("shots",), progress=True)
    err = capsys.readouterr().err
    assert "\r" not in err
    lines = [ln for ln in err.splitlines() if ln.startswith("compare-binding: ")]
    assert lines[0].startswith("compare-binding: 1/8 cell (12 %)")  # 2 conditions x 2 K x (reference + binder)
    assert lines[-1].startswith("compare-binding: done, 8/8 cell (100 %)")


def test_engram_formation_counts_its_encoding_under_encoding(monkeypatch, tmp_path, capsys):
    """Any request object (here a stand-in without a clock): encoding is timed by the experiment itself."""
    import argparse
    import time

    import neuromem.experiments.engram_formation.cli as ef_cli

    class SlowRequest:
        dataset = "synthetic"

        def with_options(self, **kw):
            return self

        def encode(self, seed):
            time.sleep(0.3)
            return types.SimpleNamespace(space=None)

        def backbone_features(self, seed):
            return None

    def run(space, cfg, **kw):
        time.sleep(0.2)
        return {"chance_recall_at_1_interval95": [0.0, 0.2]}

    monkeypatch.setattr(ef_cli, "run_engram_formation", run)
    parser = argparse.ArgumentParser()
    ef_cli.add_arguments(parser)
    args = parser.parse_args(["--engine", "numba", "--seed", "3", "--no-figures"])
    args.quiet = True
    assert ef_cli.main(args, SlowRequest(), tmp_path) == 0
    st = _stages(capsys.readouterr().out)
    assert st["encoding"] >= 0.3 - 0.05 and st["engram formation"] >= 0.2 - 0.05
    assert sum(v for k, v in st.items() if k != "total") == pytest.approx(st["total"], abs=0.05 * len(st))
