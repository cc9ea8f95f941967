"""Side-by-side engine benchmark: every engine and size in its own process, one table, ``bench.json``.

Per engine and size (medians of ``repeats`` runs of the same 1 s of
biology from the same initial state):

``wall_s_per_bio_s``
    Wall time of the simulation loop per biological second (process start,
    construction and compilation excluded; those are ``build_s``).
``syn_updates_per_s``
    ``(input spikes x N_c + concept spikes x N_in) / wall``.
``speedup_vs_brian2_standalone``
    Brian2 cpp_standalone's time / this engine's time, same size, same run.
``time_over_bandwidth_bound``
    This engine's time / the memory-bandwidth bound: every synaptic update
    reads and writes one weight (``2 x itemsize`` bytes of the engine's
    weight dtype), divided by the bandwidth of a large array copy (read +
    write bytes per second, the best of a one-thread and a two-thread copy)
    measured in the same benchmark run.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path

from neuromem.benchmarks.processes import REQUIRED_KEYS, complete_row, measure_copy_bandwidth, run_worker
from neuromem.engines import available_engines

__all__ = ["DEFAULT_SIZES", "QUICK_SIZES", "DEFAULT_ENGINES", "RUNTIME_MAX_SYNAPSES", "parse_sizes",
           "measure_copy_bandwidth", "run_benchmark", "format_table", "add_cli_arguments", "main_from_args"]

DEFAULT_SIZES = ((512, 1000), (2048, 4000), (4096, 16000))
QUICK_SIZES = ((512, 1000),)
DEFAULT_ENGINES = ("brian2-standalone", "brian2-runtime", "numba", "norse")
#: brian2-runtime (numpy target) only runs up to this many synapses
RUNTIME_MAX_SYNAPSES = 1_000_000

def parse_sizes(text: str) -> tuple[tuple[int, int], ...]:
    """``"512x1000,2048x4000"`` -> ``((512, 1000), (2048, 4000))`` (N_in x N_c)."""
    out = []
    for part in str(text).split(","):
        part = part.strip().lower()
        if not part:
            continue
        try:
            a, b = part.split("x")
            n_in, n_c = int(a), int(b)
        except ValueError:
            raise ValueError(f"size {part!r} is not of the form N_INxN_C (e.g. 4096x16000)") from None
        if not (1 <= n_in <= 1_000_000 and 1 <= n_c <= 100_000):
            raise ValueError(f"size {part!r}: need 1 <= N_in <= 1e6 and 1 <= N_c <= 1e5")
        out.append((n_in, n_c))
    if not out:
        raise ValueError("no sizes given")
    return tuple(out)


def format_table(rows) -> str:
    """Plain-text table of benchmark rows."""
    head = ("engine", "N_in x N_c", "s/bio-s", "syn upd/s", "peak MB", "build s", "x brian2-sa", "x bound",
            "in spikes", "out spikes", "active")
    lines = []

    def fmt(v, f):
        return "-" if v is None else format(v, f)

    for r in rows:
        if r.get("error"):
            lines.append((r["engine"], f"{r['n_in']}x{r['n_c']}", "error: " + r["error"][:60]))
            continue
        lines.append((r["engine"], f"{r['n_in']}x{r['n_c']}", fmt(r["wall_s_per_bio_s"], ".4g"),
                      fmt(r["syn_updates_per_s"], ".3g"), fmt(r["peak_rss_mb"], ".0f"), fmt(r["build_s"], ".3g"),
                      fmt(r["speedup_vs_brian2_standalone"], ".3g"), fmt(r["time_over_bandwidth_bound"], ".3g"),
                      str(r["input_spikes"]), str(r["concept_spikes"]), fmt(r["active_fraction"], ".3f")))
    widths = [max(len(h), *(len(x[k]) for x in lines if len(x) > k)) for k, h in enumerate(head)]
    rows_txt = ["  ".join(h.ljust(w) for h, w in zip(head, widths))]
    rows_txt.append("  ".join("-" * w for w in widths))
    for x in lines:
        rows_txt.append("  ".join(c.ljust(w) for c, w in zip(x, widths)))
    return "\n".join(rows_txt)


def run_benchmark(sizes=None, engines=None, repeats: int = 3, out_dir=None, quick: bool = False, *, seed: int = 0,
                  timeout_s: float = 1800.0, log=print) -> dict:
    """Run every engine at every size, each in its own process; write ``out_dir/bench.json``.

    Parameters
    ----------
    sizes : sequence of (int, int) or str, optional
        ``(N_in, N_c)`` pairs or ``"512x1000,..."``; default
        :data:`DEFAULT_SIZES` (``quick``: :data:`QUICK_SIZES`).
    engines : sequence of str or str, optional
        Engine names (comma-separated string allowed); default every
        installed engine of :data:`DEFAULT_ENGINES`. ``brian2-runtime`` is
        skipped above :data:`RUNTIME_MAX_SYNAPSES` synapses.
    repeats : int
        Timed runs per engine and size (the median is reported), >= 1.
    out_dir : path, optional
        Where ``bench.json`` goes (nothing written if None).
    quick : bool
        Small size only (for CI).
    seed : int
        Seed of the input spikes and initial weights (the same for every engine).
    timeout_s : float
        Limit per engine and size, seconds.
    log : callable
        Progress messages and the final table (``print``; pass ``lambda *a: None`` for silence).

    Returns
    -------
    dict
        ``{"rows": [...], "meta": {...}}`` as written to ``bench.json``.
    """
    if sizes is None:
        sizes = QUICK_SIZES if quick else DEFAULT_SIZES
    elif isinstance(sizes, str):
        sizes = parse_sizes(sizes)
    sizes = tuple((int(a), int(b)) for a, b in sizes)
    status = available_engines()
    if engines is None:
        engines = [e for e in DEFAULT_ENGINES if status.get(e) == "ok"]
    elif isinstance(engines, str):
        engines = [e.strip() for e in engines.split(",") if e.strip()]
    engines = list(engines)
    unknown = [e for e in engines if e not in status]
    if unknown:
        raise ValueError(f"unknown engines {unknown}; known: {sorted(status)}")
    missing = [e for e in engines if status[e] != "ok"]
    if missing:
        raise ValueError(f"engines not installed here: {', '.join(f'{e} ({status[e]})' for e in missing)}")
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats={repeats!r} must be an int >= 1")
    # Brian2 standalone first at each size: the other engines' speed-ups refer to it
    engines.sort(key=lambda e: e != "brian2-standalone")

    log(f"measuring copy bandwidth ...")
    bw = measure_copy_bandwidth(64 << 20 if quick else 256 << 20)
    log(f"copy bandwidth {bw['copy_bandwidth_gb_s']:.1f} GB/s (read + write; 1 thread "
        f"{bw['copy_bandwidth_1thread_gb_s']:.1f}, 2 threads {bw['copy_bandwidth_2threads_gb_s']:.1f})")
    rows = []
    t_start = time.time()
    for n_in, n_c in sizes:
        brian2_sa = None
        for eng in engines:
            if eng == "brian2-runtime" and n_in * n_c > RUNTIME_MAX_SYNAPSES:
                log(f"  {eng} {n_in}x{n_c}: skipped (runtime mode only up to {RUNTIME_MAX_SYNAPSES:.0e} synapses)")
                continue
            log(f"  {eng} {n_in}x{n_c} ...")
            t = time.perf_counter()
            raw = run_worker(eng, n_in, n_c, repeats, seed, timeout_s)
            if eng == "brian2-standalone" and "error" not in raw:
                brian2_sa = raw["wall_s"] / raw["bio_s"]
            row = complete_row(raw, bw["copy_bandwidth_gb_s"] * 1e9, brian2_sa)
            row["worker_total_s"] = time.perf_counter() - t
            rows.append(row)
            if row.get("error"):
                log(f"    error: {row['error']}")
            else:
                log(f"    {row['wall_s_per_bio_s']:.4g} s per bio-s, build {row['build_s']:.3g} s")
        # engines measured before brian2-standalone finished get their ratio now
        for r in rows:
            if (r["n_in"], r["n_c"]) == (n_in, n_c) and not r.get("error") and brian2_sa:
                r["speedup_vs_brian2_standalone"] = brian2_sa / r["wall_s_per_bio_s"]
    meta = {
        **bw,
        "sizes": [list(s) for s in sizes], "engines": engines, "repeats": repeats, "seed": seed, "quick": quick,
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t_start)),
        "total_s": time.time() - t_start,
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        "cpu_count": os.cpu_count(), "python": platform.python_version(), "machine": platform.machine(),
        "command": " ".join(sys.argv),
    }
    result = {"rows": rows, "meta": meta}
    log("")
    log(format_table(rows))
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        from neuromem._io import atomic_write_json

        atomic_write_json(out / "bench.json", result)
        log(f"\nwrote {out / 'bench.json'}")
    return result


def add_cli_arguments(parser) -> None:
    """Add the ``neuromem bench`` options to an ``argparse`` parser."""
    parser.add_argument("--quick", action="store_true", help="small size only (512x1000), for CI")
    parser.add_argument("--sizes", default=None,
                        help="comma-separated N_INxN_C sizes (default 512x1000,2048x4000,4096x16000)")
    parser.add_argument("--engines", default=None,
                        help=f"comma-separated engine names (default: the installed ones of {','.join(DEFAULT_ENGINES)})")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per engine and size; median reported")
    parser.add_argument("--seed", type=int, default=0, help="seed of inputs and initial weights")
    parser.add_argument("--timeout", type=float, default=1800.0, help="limit per engine and size, seconds")
    parser.add_argument("--loaded", action="store_true",
                        help="instead: each experiment phase alone vs beside one busy process per core "
                             "(bench_loaded.json; target within 3x)")
    parser.add_argument("--batched", action="store_true",
                        help="instead: the engram test phase batched (torch-batched) vs trial by trial vs numba, "
                             "side by side (bench_batched.json)")
    parser.add_argument("--batched-scale", type=float, default=1.0,
                        help="--batched: fraction of the digits' test items (default 1: all)")
    parser.add_argument("--scale", action="store_true", help="instead: the concept layer at 1e3, 1e4, 1e5 neurons x "
                        "1,280 inputs per engine, time per biological second and peak memory (bench_scale.json)")
    parser.add_argument("--out", required=True, help="folder for bench.json (bench_loaded.json with --loaded)")


def main_from_args(args) -> int:
    """Run the benchmark from parsed ``add_cli_arguments`` options; 0 if every engine ran, 1 otherwise."""
    if getattr(args, "batched", False) or getattr(args, "scale", False):
        from neuromem.benchmarks.batched import main_batched

        return main_batched(args)
    if getattr(args, "loaded", False):
        from neuromem._io import atomic_write_json
        from neuromem.benchmarks.loaded import format_loaded_table, run_loaded_benchmark

        try:
            result = run_loaded_benchmark(engines=args.engines, repeats=args.repeats, seed=args.seed)
        except ValueError as exc:
            print(f"neuromem bench: {exc}", file=sys.stderr)
            return 2
        print(format_loaded_table(result))
        path = atomic_write_json(Path(args.out) / "bench_loaded.json", {**result, "command": " ".join(sys.argv)})
        print(f"\nwrote {path}")
        return 0
    try:
        sizes = parse_sizes(args.sizes) if args.sizes else None
        result = run_benchmark(sizes=sizes, engines=args.engines, repeats=args.repeats, out_dir=args.out,
                               quick=args.quick, seed=args.seed, timeout_s=args.timeout)
    except ValueError as exc:
        print(f"neuromem bench: {exc}", file=sys.stderr)
        return 2
    return 1 if any(r.get("error") for r in result["rows"]) else 0
