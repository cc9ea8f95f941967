"""Measure one engine at one size, in its own process (so peak memory is its own).

``python -m neuromem.benchmarks.worker CONFIG.json RESULT.json``; CONFIG holds
``engine, n_in, n_c, repeats, seed, options``. The timed part is the
engine's ``run`` call on the benchmark drive (learning on), repeated from the
same initial state; construction, compilation and one silent warm-up trial
are timed separately as ``build_s``. The timed part is the simulation wall
time each engine reports (``RunResult.wall_s``; for ``brian2-standalone`` the
compiled program's own simulation time, so writing the input files and
starting the program are excluded as for the other engines); the whole call
is reported as ``call_wall_s``.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time

import numpy as np

from neuromem.benchmarks.network import benchmark_drive, benchmark_spec, silent_drive

#: extra engine options the benchmark passes (Brian2 standalone: one compiled block holds the whole drive)
ENGINE_OPTIONS = {
    "brian2-standalone": {"block_trials": 10, "table_rate_hz": 30.0},
    "brian2-runtime": {},
}


def _peak_rss_mb() -> float:
    """Peak resident memory of this process, or of a child program if larger (Brian2 standalone), MB.

    Linux: this process's own peak is ``VmHWM`` (``ru_maxrss`` would inherit the parent's peak across
    fork + exec). A child's ``ru_maxrss`` includes this process's peak up to the moment it was started, so
    the value is the larger of the two, not their sum.
    """
    own = None
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    own = float(line.split()[1])
    except OSError:  # pragma: no cover - not Linux
        pass
    if own is None:  # pragma: no cover
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Brian2 standalone's program
    return max(own, children) / 1024.0


def measure(engine: str, n_in: int, n_c: int, repeats: int = 3, seed: int = 0, options: dict | None = None) -> dict:
    """Build, warm up and time one engine; returns one result row (plain data)."""
    from neuromem.engines import make_engine

    spec = benchmark_spec(n_in, n_c)
    drive = benchmark_drive(spec, seed)
    opts = {**ENGINE_OPTIONS.get(engine, {}), **(options or {})}
    t0 = time.perf_counter()
    eng = make_engine(engine, spec, seed=seed, **opts)
    eng.run(silent_drive(spec), plastic=True)
    build_s = time.perf_counter() - t0
    init = eng.get_state()
    walls, calls, post = [], [], []
    active = None
    for _ in range(repeats):
        eng.set_state(init)
        t = time.perf_counter()
        res = eng.run(drive, plastic=True)
        call = time.perf_counter() - t
        walls.append(float(res.wall_s))  # the engine's own simulation time
        calls.append(call)
        post.append(len(res.spike_steps))
        counts = res.counts(spec.sim.steps_per_trial)
        active = float((counts > 0).mean())
    dtype = getattr(eng, "dtype", np.float64)
    return {
        "engine": engine, "n_in": n_in, "n_c": n_c, "bio_s": drive.duration_ms / 1e3,
        "wall_s": statistics.median(walls), "wall_s_all": walls, "call_wall_s": statistics.median(calls),
        "build_s": build_s, "peak_rss_mb": _peak_rss_mb(), "input_spikes": int(len(drive.steps)),
        "concept_spikes": int(statistics.median(post)), "concept_spikes_all": post, "active_fraction": active,
        "weight_itemsize": int(np.dtype(dtype).itemsize), "weight_dtype": np.dtype(dtype).name,
        "repeats": repeats, "options": {k: v for k, v in opts.items()},
    }


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m neuromem.benchmarks.worker CONFIG.json RESULT.json", file=sys.stderr)
        return 2
    with open(argv[0]) as fh:
        cfg = json.load(fh)
    row = measure(cfg["engine"], int(cfg["n_in"]), int(cfg["n_c"]), int(cfg.get("repeats", 3)),
                  int(cfg.get("seed", 0)), cfg.get("options"))
    with open(argv[1], "w") as fh:
        json.dump(row, fh)
    return 0


if __name__ == "__main__":
    sys.exit(main())
