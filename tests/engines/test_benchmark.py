"""``neuromem bench --quick`` (through the library entry points the CLI wires)."""

import argparse
import json

import pytest

from neuromem.benchmarks import add_cli_arguments, main_from_args, parse_sizes, run_benchmark
from neuromem.benchmarks.suite import REQUIRED_KEYS
from neuromem.engines import available_engines


def test_parse_sizes():
    assert parse_sizes("512x1000, 4096X16000") == ((512, 1000), (4096, 16000))
    with pytest.raises(ValueError, match="N_INxN_C"):
        parse_sizes("512by1000")
    with pytest.raises(ValueError, match="no sizes"):
        parse_sizes(" , ")


def test_unknown_or_missing_engine_rejected(tmp_path):
    with pytest.raises(ValueError, match="unknown engines"):
        run_benchmark(engines="nest", out_dir=tmp_path, quick=True, log=lambda *a: None)


def test_quick_benchmark_runs_and_writes_bench_json(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    add_cli_arguments(parser)
    args = parser.parse_args(["--quick", "--repeats", "3", "--out", str(tmp_path)])
    assert main_from_args(args) == 0
    printed = capsys.readouterr().out
    assert "s/bio-s" in printed and "x brian2-sa" in printed
    data = json.loads((tmp_path / "bench.json").read_text())
    rows = data["rows"]
    installed = [e for e in ("brian2-standalone", "brian2-runtime", "numba", "norse")
                 if available_engines().get(e) == "ok"]
    assert sorted(r["engine"] for r in rows) == sorted(installed)
    assert data["meta"]["copy_bandwidth_gb_s"] > 0.5
    for r in rows:
        assert set(REQUIRED_KEYS) <= set(r)
        assert (r["n_in"], r["n_c"]) == (512, 1000)
        assert r["wall_s_per_bio_s"] > 0 and r["syn_updates_per_s"] > 0 and r["peak_rss_mb"] > 10
        assert r["build_s"] > 0 and r["time_over_bandwidth_bound"] > 0 and len(r["wall_s_all"]) == 3
        # the inhibition keeps 1-5 % of the concept neurons active per stimulus
        assert 0.01 <= r["active_fraction"] <= 0.05
    # every engine simulated the same input spikes
    assert len({r["input_spikes"] for r in rows}) == 1
    if "brian2-standalone" in installed:
        sa = next(r for r in rows if r["engine"] == "brian2-standalone")
        assert sa["speedup_vs_brian2_standalone"] == pytest.approx(1.0)
        assert all(r["speedup_vs_brian2_standalone"] is not None for r in rows)


def test_scale_page_is_generated_from_the_saved_measurements():
    """docs/results/scale.md is what ``python -m neuromem.benchmarks.report`` writes from docs/measurements/
    (never edited by hand); without GPU measurements it says why they are missing."""
    from pathlib import Path

    from neuromem.benchmarks.report import main, scale_page

    root = Path(__file__).resolve().parents[2]
    assert main(["--root", str(root), "--check"]) == 0
    page = scale_page(None, None, None)
    assert "no CUDA machine was available" in page and "tools/gpu_check.sh" in page
