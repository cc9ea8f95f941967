"""``neuromem bench-store``: the concept store at scale (synthetic clustered latents)."""

from __future__ import annotations

from pathlib import Path

from neuromem._checks import list_option
from neuromem.store.bench import parse_size

SUMMARY = "concept-store scale benchmark (synthetic clustered latents)"
DESCRIPTION = ("Fill a concept store with synthetic clustered latents at each size (one process per size) and "
               "measure build time, disk, memory, lookup latency (median and 99th percentile) and recall@10; "
               "write bench_store.json into --out.")
EXAMPLE = "neuromem bench-store --sizes 1e4,1e5,1e6 --out results/bench-store"


def add_arguments(p) -> None:
    p.add_argument("--sizes", type=list_option(parse_size, what="--sizes", example="1e4,1e5,1e6"),
                   default=(10_000, 100_000, 1_000_000), help="comma-separated item counts (default 1e4,1e5,1e6)")
    p.add_argument("--queries", type=int, default=2000, help="lookups timed per size (>= 1000; default 2000)")
    p.add_argument("--ratio", type=float, default=0.44, help="within / between concept distance ratio (0.44)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--timeout", type=float, default=3600.0, help="limit per size, seconds")
    p.add_argument("--out", required=True, help="folder for bench_store.json")


def run(args) -> int:
    from neuromem.store.bench import run_benchmark

    if args.queries < 1000:
        raise ValueError(f"--queries {args.queries} is too few; at least 1000 give a meaningful 99th percentile")
    result = run_benchmark(list(args.sizes), out_dir=args.out, n_queries=args.queries, ratio=args.ratio,
                           seed=args.seed, timeout_s=args.timeout)
    print(f"results: {Path(args.out) / 'bench_store.json'}")
    return 1 if any("error" in r for r in result["rows"]) else 0
