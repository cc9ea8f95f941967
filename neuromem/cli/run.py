"""``neuromem run EXPERIMENT``: every registered experiment, each with its own options.

The experiments come from :mod:`neuromem.experiments.registry`; each
declares its options (``add_arguments``), checks them (``check_args``) and
runs (``main``). This module adds ``--out`` and ``--quiet`` to each, and the
dataset and encoder options (with every dataset's own options, from
:mod:`neuromem.data.registry`) to those that encode.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

from neuromem.cli.common import (HelpFormatter, add_dataset_args, check_dataset_args, check_out_dir,
                                 encode_request, out_dir_removed_if_unused)

SUMMARY = "run an experiment"
DESCRIPTION = ("Run one registered experiment: it encodes each seed's split when it needs latents (cached), runs "
               "the spiking network or the binders, and writes metrics.json, its results files and figures into "
               "--out (default results/<experiment>-<UTC time>/, created before any work). `neuromem run "
               "EXPERIMENT --help` lists the experiment's own options.")
EXAMPLE = "neuromem run engram-formation --dataset digits --engine numba --presentations 3 --seeds 3,4,5,6,7"


def add_arguments(p) -> None:
    from neuromem.experiments.registry import experiment_names, load_experiment

    exps = p.add_subparsers(dest="experiment", required=True, metavar="EXPERIMENT")
    for name in experiment_names():
        exp = load_experiment(name)
        e = exps.add_parser(name, help=exp.DESCRIPTION, description=exp.HELP,
                            epilog=f"example:\n  {exp.EXAMPLE}" if exp.EXAMPLE else None,
                            formatter_class=HelpFormatter)
        e.add_argument("--out", default=None,
                       help=f"output folder (default: results/{name}-<UTC time>/), created before any work")
        e.add_argument("--quiet", action="store_true", help="no progress bars")
        if exp.ENCODES:
            add_dataset_args(e, seed=False, quiet=False)
        exp.add_arguments(e)


def default_out_dir(experiment: str) -> Path:
    """``results/<experiment>-<UTC timestamp>/`` (the default output folder of ``run``)."""
    return Path("results") / f"{experiment}-{datetime.now(timezone.utc).strftime('%Y%m%d-%H%M%S')}"


def check_run_args(args, exp) -> None:
    """The options of ``run EXPERIMENT`` checked before any work (raises ``ValueError``)."""
    if exp.ENCODES:
        check_dataset_args(args)
    exp.check_args(args)  # the experiment's own options, before --out is created


def run(args) -> int:
    from neuromem.experiments.registry import load_experiment

    exp = load_experiment(args.experiment)
    t0 = time.perf_counter()
    check_run_args(args, exp)
    if args.out is None:
        args.out = str(default_out_dir(args.experiment))
    with out_dir_removed_if_unused(args.out):
        out = check_out_dir(args.out)
        print(f"results will be written to {out}", flush=True)
        request = encode_request(args) if exp.ENCODES else None
        status = int(exp.main(args, request, out) or 0)
    print(f"time: total {time.perf_counter() - t0:.1f} s (encoding included)")
    return status
