"""``neuromem bench``: the same network on every installed engine, side by side."""

from __future__ import annotations

import sys
from pathlib import Path

from neuromem._checks import list_option

SUMMARY = "time the same network on every installed engine, side by side"
DESCRIPTION = ("Build one network (N_in inputs x N_c concept neurons, the default preset) and time it on every "
               "installed engine at each size, each engine in its own process; print a table in seconds per "
               "biological second and write bench.json. With --loaded: each experiment phase alone and beside "
               "one busy process per core (bench_loaded.json); with --batched: the engram test phase batched "
               "vs trial by trial; with --scale: the concept layer at 1e3-1e5 neurons.")
EXAMPLE = "neuromem bench --quick --out results/bench"


def _one_size(text: str) -> tuple[int, int]:
    from neuromem.benchmarks.suite import parse_sizes

    return parse_sizes(text)[0]


def add_arguments(parser) -> None:
    from neuromem.benchmarks.suite import DEFAULT_ENGINES

    parser.add_argument("--quick", action="store_true", help="small size only (512x1000), for CI")
    parser.add_argument("--sizes", type=list_option(_one_size, what="--sizes", example="512x1000,4096x16000"),
                        default=None, help="comma-separated N_INxN_C sizes (default 512x1000,2048x4000,4096x16000)")
    parser.add_argument("--engines", type=list_option(str, what="--engines", example="numba,brian2-runtime"),
                        default=None, help=f"comma-separated engine names (default: the installed ones of "
                                           f"{','.join(DEFAULT_ENGINES)})")
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
    parser.add_argument("--out", required=True, help="folder for bench.json (bench_loaded.json with --loaded, "
                                                     "bench_batched.json with --batched, bench_scale.json with --scale)")


def run(args) -> int:
    """0 if every engine ran, 1 otherwise; bad options raise ``ValueError`` (one line, exit 2)."""
    engines = ",".join(args.engines) if args.engines else None
    if args.batched or args.scale:
        from neuromem.benchmarks.batched import main_batched

        return main_batched(args)
    if args.loaded:
        from neuromem._io import atomic_write_json
        from neuromem.benchmarks.loaded import format_loaded_table, run_loaded_benchmark

        result = run_loaded_benchmark(engines=engines, repeats=args.repeats, seed=args.seed)
        print(format_loaded_table(result))
        path = atomic_write_json(Path(args.out) / "bench_loaded.json", {**result, "command": " ".join(sys.argv)})
        print(f"\nwrote {path}")
        return 0
    from neuromem.benchmarks.suite import run_benchmark

    result = run_benchmark(sizes=args.sizes, engines=engines, repeats=args.repeats, out_dir=args.out,
                           quick=args.quick, seed=args.seed, timeout_s=args.timeout)
    return 1 if any(r.get("error") for r in result["rows"]) else 0
