"""``neuromem sweep``: any registered experiment over a grid of its options x seeds, on dask.distributed.

``neuromem sweep --experiment NAME --grid "KEY=V1,V2;KEY2=..." --seeds 3,4,5 [--scheduler ADDRESS]
[--workers N] [EXPERIMENT OPTIONS] --out DIR``: the experiment options are those of
``neuromem run NAME`` (e.g. ``--dataset digits --engine numba``) and set what the grid does not. Every
check (experiment, grid keys and values, options, output folder) runs before any work.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import sys
from pathlib import Path

from neuromem._checks import list_option
from neuromem._io import atomic_write_json
from neuromem.analysis import REPORT_SEEDS
from neuromem.cli.common import add_dataset_args, encode_request
from neuromem.sweep.figure import sweep_figure

__all__ = ["SUMMARY", "DESCRIPTION", "EXAMPLE", "add_arguments", "run", "experiment_options", "sweepable"]

SUMMARY = "run an experiment over a grid of options x seeds (dask.distributed)"
DESCRIPTION = ("Runs a registered experiment over a grid of its config fields (or spec.<section>.<field> network "
         "parameters) x seeds on dask.distributed: a local cluster of single-threaded workers by default, an "
         "existing cluster with --scheduler. Finished cells are kept in DIR/cells/ and never recomputed; a failed "
         "cell is retried once and reported; Ctrl-C keeps the finished cells. Results: DIR/sweep.parquet and sweep.csv (one row per "
         "cell and metric), DIR/sweep.json and a figure. Options not listed here are the experiment's own "
         "(as for neuromem run NAME).")
EXAMPLE = ('neuromem sweep --experiment engram-formation --grid "presentations=1,3;spec.concept.n_neurons=100,200" '
            "--seeds 3,4,5 --dataset digits --engine numba --controls '' --out results/sweep-k-n")


def _keep_unknown(parser: argparse.ArgumentParser) -> None:
    """Let ``parser`` (a sub-command) pass the options it does not know on as ``experiment_options``."""
    plain = parser.parse_known_args

    def parse_known_args(args=None, namespace=None):
        ns, extra = plain(args, namespace)
        ns.experiment_options = list(extra)
        return ns, []

    parser.parse_known_args = parse_known_args


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``sweep`` options; options it does not know are the experiment's own (``experiment_options``)."""
    p.add_argument("--experiment", required=True, help="registered experiment name")
    p.add_argument("--grid", required=True, help='"KEY=V1,V2;KEY2=V3,V4" (config fields or spec.<section>.<field>)')
    p.add_argument("--seeds", type=list_option(int, what="--seeds", example="3,4,5", minimum=0),
                   default=REPORT_SEEDS, help="seeds of every grid point (default: report seeds 3,4,5,6,7)")
    p.add_argument("--scheduler", default=None, help="address of an existing dask scheduler (tcp://host:8786)")
    p.add_argument("--workers", type=int, default=None, help="local workers (default: one per free core)")
    p.add_argument("--metric", default=None, help="metric of the figure (default: the experiment's SWEEP_METRIC)")
    p.add_argument("--out", required=True,
                   help="the sweep's folder (cells, sweep.parquet, sweep.csv, sweep.json, figure)")
    _keep_unknown(p)


def sweepable(name: str):
    """The registered experiment ``name`` if it can be swept; ValueError naming what it lacks."""
    from neuromem.experiments.registry import load_experiment

    try:
        exp = load_experiment(name)
    except KeyError as exc:
        raise ValueError(str(exc).strip("'\"")) from None
    missing = [a for a in ("CONFIG", "config_from_args", "run_cell") if not hasattr(exp, a)]
    if missing:
        raise ValueError(f"experiment {name!r} cannot be swept: it defines no {', '.join(missing)} "
                         f"(see neuromem.experiments.registry)")
    return exp


def experiment_options(exp, name: str, options) -> argparse.Namespace:
    """The experiment's own options parsed as ``neuromem run NAME`` would, then checked."""
    ep = argparse.ArgumentParser(prog=f"neuromem sweep --experiment {name}")
    ep.add_argument("--quiet", action="store_true")
    if exp.ENCODES:
        add_dataset_args(ep, seed=False, quiet=False)
    exp.add_arguments(ep)
    args = ep.parse_args(list(options))
    args.quiet = True
    exp.check_args(args)
    if hasattr(exp, "check_sweep_args"):  # options that mean nothing inside one cell
        exp.check_sweep_args(args)
    return args


def _encoded_space(request, *, seed: int):
    return request.encode(seed).space


def _data_key(request) -> str:
    fields = {f.name: getattr(request, f.name) for f in dataclasses.fields(request)
              if f.name not in ("log", "progress", "use_cache", "min_train")}  # min_train: a check, not the data
    return json.dumps(fields, sort_keys=True, default=lambda o: dataclasses.asdict(o) if dataclasses.is_dataclass(o)
                      else str(o))


def run(args) -> int:
    """Run ``neuromem sweep`` from parsed options; 0 when every cell finished, 1 when some failed, 130 on Ctrl-C."""
    from neuromem.sweep.grid import expand_cells, parse_grid
    from neuromem.sweep.run import run_sweep
    from neuromem.sweep.store import read_table

    import importlib.util

    if importlib.util.find_spec("distributed") is None:
        raise ValueError("neuromem sweep needs dask.distributed; install it with pip install 'neuromem[sweep]'")
    exp = sweepable(args.experiment)
    grid = parse_grid(args.grid, exp.CONFIG)
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers {args.workers} must be >= 1")
    eargs = experiment_options(exp, args.experiment, getattr(args, "experiment_options", []))
    cells = expand_cells(grid, args.seeds, exp.config_from_args(eargs))
    if exp.ENCODES:  # every cell's split must hold its presentations (checked where the split is made)
        k = max(int(getattr(c.config, "presentations", 1)) for c in cells)
        request = dataclasses.replace(encode_request(eargs, min_train=k), progress=False, log=None)
        data_key, space_source, dataset = (_data_key(request), functools.partial(_encoded_space, request),
                                           request.dataset)
    else:  # the experiment makes its own data from the cell's config and seed
        data_key, space_source, dataset = "made by the experiment", None, None
    out = Path(args.out).expanduser()
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is an existing file, not a folder; choose a folder path")
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_json(out / "sweep.json", {"experiment": args.experiment, "grid": grid, "seeds": list(args.seeds),
                                           "experiment_options": list(args.experiment_options),
                                           "command": " ".join(sys.argv)})
    try:
        report = run_sweep(args.experiment, cells, out=out, data_key=data_key, space_source=space_source,
                           dataset=dataset, scheduler=args.scheduler, workers=args.workers)
    except KeyboardInterrupt:
        return 130
    figure = sweep_figure(read_table(report.table), list(grid), out, metric=args.metric,
                          preferred=getattr(exp, "SWEEP_METRIC", "picture_to_name_recall_at_1"))
    for f in report.failed:
        print(f"failed: {f['params']} seed {f['seed']}: {f['error']}", file=sys.stderr)
    print(f"{report.n_cells} cells ({report.n_cached} finished before, {report.n_run} run now, "
          f"{len(report.failed)} failed): {report.table}" + (f", {figure}" if figure else ""))
    return 1 if report.failed else 0
