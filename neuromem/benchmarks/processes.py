"""The benchmark's measuring processes and what every row derives from them (shared by ``bench`` and ``--scale``).

:func:`run_worker` runs :mod:`neuromem.benchmarks.worker` for one engine and
size in a fresh process (so its peak memory is its own);
:func:`complete_row` adds the derived keys (see
:mod:`neuromem.benchmarks.suite`); :func:`measure_copy_bandwidth` is the
memory-bandwidth reference.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

__all__ = ["REQUIRED_KEYS", "measure_copy_bandwidth", "run_worker", "complete_row"]

REQUIRED_KEYS = ("engine", "n_in", "n_c", "wall_s_per_bio_s", "syn_updates_per_s", "peak_rss_mb", "build_s",
                 "speedup_vs_brian2_standalone", "time_over_bandwidth_bound")


def measure_copy_bandwidth(nbytes: int = 256 << 20, repeats: int = 5) -> dict:
    """Bandwidth of a large float32 array copy, bytes read + written per second.

    Returns the best of ``repeats`` copies with one thread (``numpy.copyto``)
    and with two threads (each copying one half), and the larger of the two.
    """
    n = max(1, nbytes // 4)
    a = np.ones(n, np.float32)
    b = np.empty_like(a)
    np.copyto(b, a)

    def one():
        t = time.perf_counter()
        np.copyto(b, a)
        return time.perf_counter() - t

    def two():
        h = n // 2
        th = threading.Thread(target=np.copyto, args=(b[h:], a[h:]))
        t = time.perf_counter()
        th.start()
        np.copyto(b[:h], a[:h])
        th.join()
        return time.perf_counter() - t

    bw1 = 2 * a.nbytes / min(one() for _ in range(repeats))
    bw2 = 2 * a.nbytes / min(two() for _ in range(repeats))
    return {"copy_bandwidth_1thread_gb_s": bw1 / 1e9, "copy_bandwidth_2threads_gb_s": bw2 / 1e9,
            "copy_bandwidth_gb_s": max(bw1, bw2) / 1e9, "copy_bytes": int(a.nbytes)}


def run_worker(engine, n_in, n_c, repeats, seed, timeout_s, options=None) -> dict:
    """Measure one engine at one size in its own process (:mod:`neuromem.benchmarks.worker`); its row, or
    ``{"engine", "n_in", "n_c", "error"}``."""
    with tempfile.TemporaryDirectory(prefix="neuromem-bench-") as tmp:
        cfg, res = Path(tmp) / "config.json", Path(tmp) / "result.json"
        cfg.write_text(json.dumps({"engine": engine, "n_in": n_in, "n_c": n_c, "repeats": repeats, "seed": seed,
                                   "options": options or {}}))
        try:
            proc = subprocess.run([sys.executable, "-m", "neuromem.benchmarks.worker", str(cfg), str(res)],
                                  capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            return {"engine": engine, "n_in": n_in, "n_c": n_c, "error": f"timed out after {timeout_s} s"}
        if proc.returncode != 0 or not res.exists():
            tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-5:]
            return {"engine": engine, "n_in": n_in, "n_c": n_c,
                    "error": f"worker exited with {proc.returncode}: " + " | ".join(tail)}
        return json.loads(res.read_text())


def complete_row(row: dict, bandwidth_bps: float, brian2_sa_s: float | None) -> dict:
    """Add the derived keys to a worker row."""
    out = {k: None for k in REQUIRED_KEYS}
    out.update(row)
    if "error" in row:
        return out
    bio = row["bio_s"]
    wall = row["wall_s"] / bio
    updates = row["input_spikes"] * row["n_c"] + row["concept_spikes"] * row["n_in"]
    bound = updates * 2 * row["weight_itemsize"] / bandwidth_bps / bio
    out.update({
        "wall_s_per_bio_s": wall,
        "syn_updates_per_s": updates / row["wall_s"],
        "synaptic_updates": updates,
        "bandwidth_bound_s_per_bio_s": bound,
        "time_over_bandwidth_bound": wall / bound,
        "speedup_vs_brian2_standalone": (brian2_sa_s / wall) if brian2_sa_s else None,
        "copy_bandwidth_gb_s": bandwidth_bps / 1e9,
    })
    return out
