"""Scale benchmark of the concept store (``neuromem bench-store``): not a test.

For each size, in a fresh worker process: draw synthetic clustered latents,
build a :class:`~neuromem.store.ConceptStore`, commit it as a memory
generation, load it back, and time lookups through the whole store.

Synthetic latents
-----------------
``n_items`` points in ``latent_dim`` (64) dimensions, ``items_per_concept``
(100) per concept: concept centres ``c ~ N(0, sigma_b^2 I)``, items
``c + N(0, sigma_w^2 I)``, with ``sigma_b / sigma_w = sqrt(1 / r^2 - 1)`` so
that the mean within-concept / between-concept distance ratio is ``r`` (the
``within_between_distance_ratio`` of the real digits latents, 0.44 by
default). The ratio actually reached is measured on a sample and reported.

Reported per size (``bench_store.json``)
----------------------------------------
``build_s``
    Adding the items to the store plus building the ANN index.
``commit_s``, ``load_s``
    Committing the generation (SQLite + index + manifest, fsynced) and
    loading it back (checksums verified, index loaded by its stamp).
``disk_mb``
    Size of the committed generation folder.
``peak_rss_mb``
    Peak resident memory of the worker process (``VmHWM``).
``lookup_median_ms``, ``lookup_p99_ms``
    Wall time of :meth:`ConceptStore.lookup` for one query latent (ANN search,
    neighbour votes, centroid distance, link decision), over ``n_queries``
    fresh points of random concepts, on the loaded store.
``lookup_cpu_median_ms``, ``lookup_cpu_p99_ms``
    The same lookups' CPU time of the querying thread (``time.thread_time``):
    the work itself, without time spent preempted by other processes.
``recall_at_10``
    Mean overlap of the index's 10 nearest items with the exact 10 nearest
    (brute force, FAISS ``IndexFlatL2``) for the same queries.
``concept_accuracy``
    Fraction of queries answered with the concept they were drawn from.
``load_average_1min_before_after``
    The machine's 1-minute load average around the run: other processes on
    the cores inflate the 99th percentile (a query preempted for one
    scheduler slice takes milliseconds).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

__all__ = ["synthetic_latents", "run_size", "run_benchmark", "parse_size"]

DEFAULT_SIZES = (10_000, 100_000, 1_000_000)


def synthetic_latents(n_items: int, *, latent_dim: int = 64, items_per_concept: int = 100, ratio: float = 0.44,
                      n_queries: int = 0, seed: int = 0):
    """Clustered latents (module docstring). Returns ``(latents, labels, queries, query_labels)``."""
    if not 0.05 <= ratio <= 0.95:
        raise ValueError(f"ratio={ratio} is out of range; allowed 0.05..0.95")
    rng = np.random.default_rng(seed)
    n_c = max(2, n_items // items_per_concept)
    sigma_w = 1.0
    sigma_b = sigma_w * np.sqrt(1.0 / ratio**2 - 1.0)
    centres = (rng.standard_normal((n_c, latent_dim)) * sigma_b).astype(np.float32)
    labels = np.arange(n_items) % n_c
    z = centres[labels] + rng.standard_normal((n_items, latent_dim), dtype=np.float32) * sigma_w
    ql = rng.integers(0, n_c, n_queries)
    q = centres[ql] + rng.standard_normal((n_queries, latent_dim), dtype=np.float32) * sigma_w
    return z.astype(np.float32), labels, q.astype(np.float32), ql


def _peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 2**20


def run_size(n_items: int, *, n_queries: int = 2000, ratio: float = 0.44, seed: int = 0, threads: int = 2,
             workdir: str | Path | None = None) -> dict:
    """Benchmark one size in this process (see the module docstring)."""
    import faiss

    from neuromem.encoders.quality import within_between_ratio
    from neuromem.store import persist
    from neuromem.store.concepts import ConceptStore

    faiss.omp_set_num_threads(threads)
    load_before = os.getloadavg()[0]
    z, y, q, ql = synthetic_latents(n_items, ratio=ratio, n_queries=n_queries, seed=seed)
    measured_ratio = within_between_ratio(z[:20000], y[:20000], seed=seed)
    names = [f"c{k:07d}" for k in range(int(y.max()) + 1)]
    t0 = time.perf_counter()
    store = ConceptStore(z.shape[1])
    for n in names:
        store.add_concept(n, when="1970-01-01T00:00:00+00:00")
    store.add_items_many([names[k] for k in y], "picture", z, (f"#{i}" for i in range(len(z))))
    store.fit_locality()
    _ = store.index  # builds the ANN index
    build_s = time.perf_counter() - t0
    kind = store.index.kind_
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        root = Path(tmp) / "memory"
        t0 = time.perf_counter()
        gen = persist.commit_generation(root, store.save,
                                        derived=("index.faiss", "index.faiss.stamp.json"))
        commit_s = time.perf_counter() - t0
        disk_mb = _du_mb(gen)
        del store
        t0 = time.perf_counter()
        g, _ = persist.current_generation(root)
        loaded = ConceptStore.load(g)
        load_s = time.perf_counter() - t0
        index_from_file = loaded.index_loaded_
        faiss.omp_set_num_threads(1)  # one query at a time, as a recall does
        lat = np.empty(n_queries)
        cpu = np.empty(n_queries)
        answers = []
        for i in range(n_queries):
            c1 = time.thread_time()
            t1 = time.perf_counter()
            answers.append(loaded.lookup(q[i], modality="picture")[0])
            lat[i] = time.perf_counter() - t1
            cpu[i] = time.thread_time() - c1
        got = np.array([a.neighbour_ids for a in answers])
        exact = faiss.IndexFlatL2(z.shape[1])
        exact.add(z)
        faiss.omp_set_num_threads(threads)
        _, truth = exact.search(q, 10)
        recall10 = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(got, truth)]))
        acc = float(np.mean([a.concept == names[k] for a, k in zip(answers, ql)]))
    return {"n_items": int(n_items), "n_concepts": len(names), "latent_dim": int(z.shape[1]),
            "within_between_ratio_target": ratio, "within_between_ratio_measured": measured_ratio,
            "index_kind": kind, "build_s": build_s, "commit_s": commit_s, "load_s": load_s,
            "index_loaded_from_file": bool(index_from_file), "disk_mb": disk_mb, "peak_rss_mb": _peak_rss_mb(),
            "n_queries": int(n_queries), "lookup_median_ms": float(np.median(lat) * 1e3),
            "lookup_p99_ms": float(np.percentile(lat, 99) * 1e3),
            "lookup_cpu_median_ms": float(np.median(cpu) * 1e3),
            "lookup_cpu_p99_ms": float(np.percentile(cpu, 99) * 1e3), "recall_at_10": recall10,
            "concept_accuracy": acc, "threads": threads,
            "load_average_1min_before_after": [load_before, os.getloadavg()[0]]}


def run_benchmark(sizes=DEFAULT_SIZES, *, out_dir, n_queries: int = 2000, ratio: float = 0.44, seed: int = 0,
                  timeout_s: float = 3600.0, log=print) -> dict:
    """Each size in its own worker process (fresh peak memory); writes ``bench_store.json`` to ``out_dir``."""
    from neuromem._io import atomic_write_json
    from neuromem.store.memory import _versions

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in sizes:
        cmd = [sys.executable, "-m", "neuromem.store.bench", "--worker", str(int(n)), "--queries", str(n_queries),
               "--ratio", str(ratio), "--seed", str(seed), "--workdir", str(out)]
        log(f"store benchmark: {int(n):,} items ...")
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, env=dict(os.environ))
        except subprocess.TimeoutExpired:
            rows.append({"n_items": int(n), "error": f"timed out after {timeout_s} s"})
            continue
        if proc.returncode != 0:
            rows.append({"n_items": int(n), "error": proc.stderr.strip().splitlines()[-1:]})
            log(proc.stderr[-2000:])
            continue
        row = json.loads(proc.stdout.strip().splitlines()[-1])
        rows.append(row)
        log("  " + ", ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()))
    result = {"rows": rows, "versions": _versions(), "cpu_count": os.cpu_count(),
              "command": " ".join(["neuromem", "bench-store"] + sys.argv[2:])}
    atomic_write_json(out / "bench_store.json", result)
    return result


def parse_size(text: str) -> int:
    """One ``--sizes`` entry (``"1e5"``) as an item count in 1e3..1e8 (the list is read by ``neuromem._checks``).

    Raises
    ------
    ValueError
        For a value that is not a number or lies outside 1e3..1e8.
    """
    try:
        size = int(float(text))
    except ValueError:
        raise ValueError(f"--sizes must be comma-separated numbers like 1e4,1e5,1e6; got {text!r}") from None
    if not 1000 <= size <= 10**8:
        raise ValueError(f"--sizes must lie in 1e3..1e8; got {text!r}")
    return size


if __name__ == "__main__":  # worker entry point
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--worker", type=int, required=True)
    ap.add_argument("--queries", type=int, default=2000)
    ap.add_argument("--ratio", type=float, default=0.44)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", default=None)
    a = ap.parse_args()
    print(json.dumps(run_size(a.worker, n_queries=a.queries, ratio=a.ratio, seed=a.seed, workdir=a.workdir)))
