"""Batched vs trial by trial (``neuromem bench --batched``) and the concept layer's scale table (``--scale``).

``--batched``: the engram experiment's frozen test phase in the shape of
the digits run (:mod:`neuromem.benchmarks.phases`: 620 cue trials of 250 ms
after the network has learned), run in one process, the cases interleaved
round by round so that a change of load on the machine touches all of them
alike; medians of ``repeats`` rounds:

``numba``
    the numba engine, trial after trial (the production path);
``torch-batched``
    every test cue a row of one PyTorch batch (``Session(test_engine="torch-batched")``);
``torch-batched, trial by trial``
    the same engine and arithmetic, one trial after another (``batch_trials=False``).

Reported: wall seconds of each case, the ratios to the numba engine and of
batched to trial by trial, and whether every case gave numba's spike counts.

``--scale``: the concept layer at ``N = 1e3, 1e4, 1e5`` neurons x 1,280
inputs (:func:`neuromem.benchmarks.benchmark_spec`: pair STDP, feedback,
adaptive threshold, lateral inhibition; 1 s of biology, learning on), per
engine in its own process (:func:`neuromem.benchmarks.processes.run_worker`):
time per biological second and peak resident memory. A combination is
skipped, with the reason written into the table, when the engine's time at
the previous size times the size ratio exceeds ``max_s_per_run``, or when
its memory (its weights at 24 bytes per synapse, or, once measured, its peak
at the previous size times the size ratio) would not fit 80 % of the memory
free at the start.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time

import numpy as np

__all__ = ["BATCHED_CASES", "SCALE_ENGINES", "SCALE_SIZES", "SCALE_INPUTS", "run_batched_benchmark", "run_scale_table",
           "format_batched_table", "main_batched"]

#: (label, engine, engine options)
BATCHED_CASES = (("numba", "numba", {"threads": 1}),
                 ("torch-batched", "torch-batched", {}),
                 ("torch-batched, trial by trial", "torch-batched", {"batch_trials": False}))
#: engines of the scale table (brian2: its default, C++ standalone, mode)
SCALE_ENGINES = ("numba", "torch-batched", "reference", "norse", "brian2-standalone")
#: concept neurons of the scale table
SCALE_SIZES = (1_000, 10_000, 100_000)
#: inputs of the scale table (the default preset's pictures + names: 2 x 64 dims x 10 neurons)
SCALE_INPUTS = 1280
#: bytes per synapse an engine holds at most (two weight matrices and a gather buffer, float64 at worst)
_BYTES_PER_SYNAPSE = 24


def _machine() -> dict:
    import torch

    return {"cpu_count": os.cpu_count(), "torch_threads": torch.get_num_threads(), "python": platform.python_version(),
            "machine": platform.machine(), "torch": torch.__version__,
            "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
            "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "command": " ".join(sys.argv)}


def run_batched_benchmark(*, repeats: int = 3, seed: int = 0, scale: float = 1.0, threads: int = 1,
                          log=print) -> dict:
    """Time the engram test phase batched and trial by trial, side by side (see the module docstring).

    Parameters
    ----------
    repeats : int
        Rounds (every case once per round), >= 1; medians are reported.
    seed : int
        Seed of the latents, trials and input spikes (:func:`~neuromem.benchmarks.phases.engram_phases`).
    scale : float
        Fraction of the digits' item counts, in (0, 1] (1: the full test phase).
    threads : int
        PyTorch intra-op threads (numba runs on 1 thread in every case), >= 1.
    log : callable

    Returns
    -------
    dict
        ``{"cases": [...], "meta": {...}}``; each case has ``wall_s`` (median), ``wall_s_all``,
        ``over_numba`` and ``same_counts_as_numba``; ``meta["batched_over_trial_by_trial"]`` is the ratio
        of the two torch-batched cases' medians.

    Raises
    ------
    ValueError
        For ``repeats`` or ``threads`` < 1 or ``scale`` outside (0, 1].
    """
    import torch

    from neuromem.benchmarks.phases import engram_phases
    from neuromem.engines import make_engine

    if int(repeats) < 1 or int(threads) < 1 or not 0 < float(scale) <= 1:
        raise ValueError(f"repeats={repeats!r} and threads={threads!r} must be >= 1 and scale={scale!r} in (0, 1]")
    torch.set_num_threads(int(threads))
    meta = _machine()
    ph = engram_phases(seed, scale=scale)
    learner = make_engine("numba", ph.spec, seed=seed, threads=1)
    learner.run(ph.learning, plastic=True)
    trained = learner.get_state()
    engines = []
    for label, name, opts in BATCHED_CASES:
        eng = make_engine(name, ph.spec, seed=seed, **opts)
        eng.set_state(trained)
        if name == "numba":  # compiled before timing
            eng.run(ph.test, plastic=False)
        engines.append((label, eng))
    walls = {label: [] for label, _ in engines}
    counts = {}
    per, win = ph.spec.sim.steps_per_trial, ph.spec.sim.stimulus_steps
    for r in range(int(repeats)):
        for label, eng in engines:
            t0 = time.perf_counter()
            res = eng.run(ph.test, plastic=False)
            walls[label].append(time.perf_counter() - t0)
            counts.setdefault(label, res.counts(per, window_steps=win))
            log(f"  round {r + 1}: {label}: {walls[label][-1]:.3g} s")
    ref = statistics.median(walls["numba"])
    cases = [{"case": label, "engine": eng.name, "wall_s": statistics.median(walls[label]),
              "wall_s_all": walls[label], "over_numba": statistics.median(walls[label]) / ref,
              "same_counts_as_numba": bool(np.array_equal(counts[label], counts["numba"])),
              "concept_spikes": int(counts[label].sum())} for label, eng in engines]
    med = {c["case"]: c["wall_s"] for c in cases}
    meta.update({"repeats": int(repeats), "seed": int(seed), "scale": float(scale),
                 "n_test_trials": ph.n_test_trials, "bio_s": ph.test.duration_ms / 1e3,
                 "n_inputs": ph.spec.n_inputs, "n_concept_neurons": ph.spec.concept.n_neurons,
                 "batched_over_trial_by_trial": med["torch-batched"] / med["torch-batched, trial by trial"],
                 "batched_over_numba": med["torch-batched"] / med["numba"]})
    return {"cases": cases, "meta": meta}


def format_batched_table(result: dict) -> str:
    """Plain-text table of :func:`run_batched_benchmark`'s result."""
    lines = [f"{'case':32s} {'wall s (median)':>16s} {'x numba':>8s}  same counts"]
    for c in result["cases"]:
        lines.append(f"{c['case']:32s} {c['wall_s']:16.3g} {c['over_numba']:8.3g}  {c['same_counts_as_numba']}")
    m = result["meta"]
    lines.append(f"batched / trial by trial (torch-batched): {m['batched_over_trial_by_trial']:.3g}; "
                 f"{m['n_test_trials']} test trials, {m['bio_s']:.0f} s of biology")
    return "\n".join(lines)


def _free_memory_bytes() -> float:
    try:
        with open("/proc/meminfo") as fh:
            info = {ln.split(":")[0]: float(ln.split()[1]) * 1024 for ln in fh}
        return info["MemAvailable"]
    except (OSError, KeyError):  # pragma: no cover - not Linux
        return float("inf")


def run_scale_table(*, engines=SCALE_ENGINES, sizes=SCALE_SIZES,
                    n_inputs: int = SCALE_INPUTS, repeats: int = 3, max_s_per_run: float = 300.0, seed: int = 0,
                    threads: int = 1, log=print) -> dict:
    """Time per biological second and peak memory of the concept layer per engine and size (module docstring).

    Parameters
    ----------
    engines : sequence of str
        Installed engine names.
    sizes : sequence of int
        Concept neurons, increasing.
    n_inputs : int
    repeats : int
        Timed runs per combination (1 above 1e4 neurons).
    max_s_per_run : float
        A combination whose estimated wall time per run exceeds this is skipped, s.
    seed : int
    threads : int
        Threads of every engine (``OMP_NUM_THREADS`` and ``NUMBA_NUM_THREADS`` of the worker processes).
    log : callable

    Returns
    -------
    dict
        ``{"rows": [...], "meta": {...}}``: one row per engine and size, measured (the keys of
        :func:`~neuromem.benchmarks.processes.complete_row`) or ``{"skipped": reason}``.
    """
    from neuromem.benchmarks.processes import complete_row, measure_copy_bandwidth, run_worker

    started = _machine()
    free = _free_memory_bytes()
    os.environ["OMP_NUM_THREADS"] = os.environ["NUMBA_NUM_THREADS"] = str(int(threads))  # inherited by the workers
    rows, last, peaks = [], {}, {}
    bw = measure_copy_bandwidth(64 << 20)
    for n_c in sizes:
        for eng in engines:
            need = n_inputs * n_c * _BYTES_PER_SYNAPSE
            if eng in peaks:  # the measured peak at the previous size, scaled by the size
                need = max(need, peaks[eng][1] * n_c / peaks[eng][0])
            guess = None if eng not in last else last[eng][1] * n_c / last[eng][0]
            if need > 0.8 * free:
                reason = f"needs ~{need / 1e9:.1f} GB; {free / 1e9:.1f} GB free"
            elif guess is not None and guess > max_s_per_run:
                reason = f"~{guess:.0f} s per run expected (x{n_c // last[eng][0]} the previous size); limit " \
                         f"{max_s_per_run:.0f} s"
            elif eng in last and last[eng][1] is None:
                reason = "the previous size failed"
            else:
                reason = None
            if reason:
                log(f"  {eng} {n_inputs}x{n_c}: skipped ({reason})")
                rows.append({"engine": eng, "n_in": n_inputs, "n_c": n_c, "skipped": reason})
                continue
            log(f"  {eng} {n_inputs}x{n_c} ...")
            reps = repeats if n_c <= 10_000 else 1
            row = complete_row(run_worker(eng, n_inputs, n_c, reps, seed, max(60.0, 4 * max_s_per_run)),
                               bw["copy_bandwidth_gb_s"] * 1e9, None)
            last[eng] = (n_c, None if row.get("error") else row["wall_s_per_bio_s"] * row["bio_s"])
            if row.get("peak_rss_mb"):
                peaks[eng] = (n_c, row["peak_rss_mb"] * 1e6)
            log(f"    {row.get('error') or format(row['wall_s_per_bio_s'], '.4g') + ' s per bio-s'}, "
                f"peak {row.get('peak_rss_mb') or 0:.0f} MB")
            rows.append(row)
    ended = _machine()
    meta = {**started, "finished_utc": ended["started_utc"], "load_average_at_end": ended["load_average_at_start"],
            **bw, "sizes": list(sizes), "n_inputs": n_inputs,
            "engine_threads": int(threads),
            "repeats": repeats, "max_s_per_run": max_s_per_run, "free_memory_gb_at_start": free / 1e9,
            "memory_estimate": "its weights at 24 bytes per synapse, or, when larger, its measured peak at the "
                               "previous size times the size ratio"}
    return {"rows": rows, "meta": meta}


def main_batched(args) -> int:
    """``neuromem bench --batched`` / ``--scale``: run, print, write ``bench_batched.json`` / ``bench_scale.json``
    into ``args.out``; 2 for a bad option."""
    from pathlib import Path

    from neuromem._io import atomic_write_json

    try:
        if args.scale:
            engines = ((args.engines.split(",") if isinstance(args.engines, str) else list(args.engines)) if args.engines
                       else SCALE_ENGINES)
            result, name = run_scale_table(engines=engines, repeats=args.repeats, seed=args.seed), "bench_scale.json"
        else:
            result = run_batched_benchmark(repeats=args.repeats, seed=args.seed, scale=args.batched_scale)
            name = "bench_batched.json"
            print(format_batched_table(result))
    except ValueError as exc:
        print(f"neuromem bench: {exc}", file=sys.stderr)
        return 2
    Path(args.out).mkdir(parents=True, exist_ok=True)
    path = atomic_write_json(Path(args.out) / name, result)
    print(f"wrote {path}")
    return 0
