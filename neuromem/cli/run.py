"""``neuromem run EXPERIMENT``: every registered experiment, each with its own options.

The experiments come from :mod:`neuromem.experiments.registry`; each
declares its options (``add_arguments``), checks them (``check_args``) and
runs (``main``). This module adds ``--out`` and ``--quiet`` to each, and the
dataset and encoder options (with every dataset's own options, from
:mod:`neuromem.data.registry`) to those that encode.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone
from pathlib import Path

from neuromem._timing import StageClock
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
    """Run the experiment and print one time breakdown at the end (stages summing to the total).

    The command owns the run's :class:`~neuromem._timing.StageClock`: an experiment that encodes gets it on
    its ``EncodeRequest`` and names its own stages (``encoding``, ...) without printing them; one that does
    not is timed as one stage under its name.
    """
    from neuromem.experiments.registry import load_experiment

    clock = StageClock()
    exp = load_experiment(args.experiment)
    check_run_args(args, exp)
    if args.out is None:
        args.out = str(default_out_dir(args.experiment))
    with out_dir_removed_if_unused(args.out):
        out = check_out_dir(args.out)
        print(f"results will be written to {out}", flush=True)
        if exp.ENCODES:
            status = int(exp.main(args, dataclasses.replace(encode_request(args), clock=clock), out) or 0)
        else:
            with clock.stage(args.experiment):
                status = int(exp.main(args, None, out) or 0)
    print(clock.line())
    return status
