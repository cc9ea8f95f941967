"""The numba engine's thread count follows the free cores; the loaded benchmark case measures every phase."""

from __future__ import annotations

import pytest

numba_engine = pytest.importorskip("neuromem.engines.numba.engine")


@pytest.mark.parametrize("cores, busy, synapses, want", [
    (2, 0, 64_000_000, 2),    # large network, idle machine: both cores
    (2, 2, 64_000_000, 1),    # one busy process per core: one thread (no per-step wait for a partner)
    (2, 1, 64_000_000, 1),
    (8, 3, 64_000_000, 2),
    (2, 0, 128_000, 1),       # small network: a step's work is too small to share
    (1, 0, 64_000_000, 1),
])
def test_default_threads_follow_free_cores_and_network_size(monkeypatch, cores, busy, synapses, want):
    monkeypatch.setattr(numba_engine, "available_cores", lambda: cores)
    monkeypatch.setattr(numba_engine, "busy_elsewhere", lambda: busy)
    monkeypatch.setattr(numba_engine.os, "cpu_count", lambda: cores)
    assert numba_engine.default_threads(synapses) == want


def test_engine_rechooses_threads_at_each_run_and_results_do_not_change(monkeypatch):
    from neuromem.benchmarks.network import benchmark_drive, benchmark_spec

    spec = benchmark_spec(64, 64)
    drive = benchmark_drive(spec, 0)
    monkeypatch.setattr(numba_engine, "MIN_SYNAPSES_FOR_THREADS", 1)
    monkeypatch.setattr(numba_engine, "available_cores", lambda: 2)
    monkeypatch.setattr(numba_engine.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(numba_engine, "busy_elsewhere", lambda: 0)
    eng = numba_engine.NumbaEngine(spec, seed=1)
    init = eng.get_state()
    r2 = eng.run(drive, plastic=True)
    assert eng.threads == 2 and len(eng._blocks) == 2
    monkeypatch.setattr(numba_engine, "busy_elsewhere", lambda: 2)
    eng.set_state(init)
    r1 = eng.run(drive, plastic=True)
    assert eng.threads == 1 and len(eng._blocks) == 1
    assert sorted(zip(r1.spike_steps, r1.spike_indices)) == sorted(zip(r2.spike_steps, r2.spike_indices))


def test_busy_elsewhere_sees_busy_processes():
    from neuromem.benchmarks.loaded import busy_processes

    numba_engine._LOAD_CACHE["t"] = -1e9
    with busy_processes(3):
        numba_engine._LOAD_CACHE["t"] = -1e9
        assert numba_engine.busy_elsewhere() >= 2  # 3 spinning processes (the scheduler may be mid-switch)


def test_loaded_benchmark_reports_every_phase_alone_and_loaded():
    from neuromem.benchmarks.loaded import format_loaded_table, run_loaded_benchmark

    res = run_loaded_benchmark(engines="numba", repeats=1, n_trials=3, log=lambda *_: None)
    rows = res["rows"]
    assert [(r["case"], r["phase"]) for r in rows] == [("numba", "learning"), ("numba", "test"),
                                                        ("numba, 2 threads fixed", "learning"),
                                                        ("numba, 2 threads fixed", "test")]
    for r in rows:
        assert r["unloaded_s"] > 0 and r["loaded_s"] > 0
        assert r["loaded_over_unloaded"] == pytest.approx(r["loaded_s"] / r["unloaded_s"])
    assert rows[2]["threads_unloaded"] == 2
    assert "numba, 2 threads fixed" in format_loaded_table(res)
