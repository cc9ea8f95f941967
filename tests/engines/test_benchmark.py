"""``neuromem bench --quick`` (the command, in-process)."""

import json

import pytest

from neuromem.benchmarks import parse_sizes, run_benchmark
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


def _quick_bench(tmp_path, capsys, engines, repeats, size=(512, 1000)):
    from neuromem.cli import main

    args = ["bench", "--sizes", "%dx%d" % size, "--repeats", str(repeats), "--out", str(tmp_path)]
    assert main(args + (["--engines", ",".join(engines)] if engines else [])) == 0
    printed = capsys.readouterr().out
    assert "s/bio-s" in printed
    data = json.loads((tmp_path / "bench.json").read_text())
    rows = data["rows"]
    expected = engines or [e for e in ("brian2-standalone", "brian2-runtime", "numba", "norse")
                           if available_engines().get(e) == "ok"]
    assert sorted(r["engine"] for r in rows) == sorted(expected)
    assert data["meta"]["copy_bandwidth_gb_s"] > 0.5
    for r in rows:
        assert set(REQUIRED_KEYS) <= set(r)
        assert (r["n_in"], r["n_c"]) == size
        assert r["wall_s_per_bio_s"] > 0 and r["syn_updates_per_s"] > 0 and r["peak_rss_mb"] > 10
        assert r["build_s"] > 0 and r["time_over_bandwidth_bound"] > 0 and len(r["wall_s_all"]) == repeats
        # the inhibition keeps 1-5 % of the concept neurons active per stimulus
        assert 0.01 <= r["active_fraction"] <= 0.05
    # every engine simulated the same input spikes
    assert len({r["input_spikes"] for r in rows}) == 1
    return printed, rows


def test_small_benchmark_writes_bench_json(tmp_path, capsys):
    """The default suite's check of the command and its file: numba at 64 x 100, two repeats (every installed
    engine at the quick size is the slow test below; norse alone costs ~40 s per biological second)."""
    if available_engines().get("numba") != "ok":
        pytest.skip("numba is not installed")
    _quick_bench(tmp_path, capsys, ["numba"], repeats=2, size=(64, 100))


@pytest.mark.slow
def test_quick_benchmark_runs_and_writes_bench_json(tmp_path, capsys):
    """Every installed engine at the quick size (512 x 1000), three repeats, speed-ups against Brian2 standalone."""
    printed, rows = _quick_bench(tmp_path, capsys, None, repeats=3)
    assert "x brian2-sa" in printed
    if any(r["engine"] == "brian2-standalone" for r in rows):
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


def test_a_further_scale_run_joins_the_table_with_its_own_conditions():
    """The brian2 rows, measured in a run of their own, sit in the one table by size, marked with their run."""
    from neuromem.benchmarks.report import scale_page

    def run(engine, sizes, command, skipped=()):
        meta = {"command": command, "cpu_count": 2, "engine_threads": 1, "n_inputs": 1280, "started_utc": "T0",
                "load_average_at_start": [1.0], "free_memory_gb_at_start": 9.0, "max_s_per_run": 300.0}
        rows = [{"engine": engine, "n_c": n, "n_in": 1280, **({"skipped": "too slow"} if n in skipped else
                {"wall_s_per_bio_s": n / 1000, "peak_rss_mb": 100.0, "build_s": 1.0, "wall_s_all": [1, 1, 1]})}
                for n in sizes]
        return {"meta": meta, "rows": rows}

    page = scale_page(None, run("numba", (1000, 10000), "bench A"), None,
                      more_scale=[run("brian2-standalone", (1000, 10000), "bench B", skipped=(10000,))])
    table = [ln for ln in page.splitlines() if ln.startswith("| numba") or ln.startswith("| brian2")]
    assert [ln.split(" | ")[:2] for ln in table] == [["| numba", "1,000"], ["| brian2-standalone", "1,000"],
                                                     ["| numba", "10,000"], ["| brian2-standalone", "10,000"]]
    assert table[1].endswith("median of 3 (run 2) |") and table[3].endswith("skipped: too slow (run 2) |")
    assert "`bench A`" in page and "Rows marked (run 2), brian2-standalone: `bench B`" in page


def test_the_scale_table_skips_a_size_whose_measured_memory_would_not_fit(monkeypatch):
    """Memory is extrapolated from the previous size's measured peak (Brian2 holds ~160 bytes per synapse, far
    above the 24-byte weight estimate), so a size that would exhaust the machine is skipped, not started."""
    import neuromem.benchmarks.batched as batched
    import neuromem.benchmarks.processes as processes

    for var in ("OMP_NUM_THREADS", "NUMBA_NUM_THREADS"):
        monkeypatch.setenv(var, "1")
    started = []

    def run_worker(eng, n_in, n_c, reps, seed, timeout):
        started.append(n_c)
        return {"engine": eng, "n_in": n_in, "n_c": n_c, "wall_s_per_bio_s": 1e-3, "bio_s": 1.0,
                "peak_rss_mb": 160e-6 * n_in * n_c}  # 160 bytes per synapse

    monkeypatch.setattr(processes, "run_worker", run_worker)
    monkeypatch.setattr(processes, "complete_row", lambda row, *a: row)
    monkeypatch.setattr(processes, "measure_copy_bandwidth", lambda n: {"copy_bandwidth_gb_s": 1.0})
    monkeypatch.setattr(batched, "_free_memory_bytes", lambda: 10e9)
    rows = batched.run_scale_table(engines=("brian2-standalone",), sizes=(1_000, 10_000, 100_000), log=lambda *a: 0)
    assert started == [1_000, 10_000]  # 1e5 x 1280 at 24 bytes would be 3.1 GB and run; measured: ~20 GB
    assert rows["rows"][-1]["skipped"].startswith("needs ~20.5 GB; 10.0 GB free")
