"""``neuromem run compare-binding``: the experiment's options, checks, run and figures.

The experiment interface: :data:`DESCRIPTION`, :data:`HELP`, :data:`EXAMPLE`,
:data:`ENCODES` (the command line adds the dataset and encoder options and
passes an :class:`~neuromem.encoders.EncodeRequest`), :func:`add_arguments`
(own options only), :func:`check_args`, :func:`main`, :func:`results_exist`
and :func:`make_figures`.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from neuromem._checks import list_option
from neuromem._timing import StageClock
from neuromem.analysis.statistics import ONE_SEED
from neuromem.experiments.compare_binding.config import GridConfig
from neuromem.experiments.compare_binding.results import read_metrics, read_rows, write_metrics
from neuromem.experiments.compare_binding.results import results_exist as _results_exist
from neuromem.experiments.compare_binding.run import default_binders, resolve_binders, run_compare_binding
from neuromem.experiments.compare_binding.statistics import PER_SEED, per_seed
from neuromem.experiments.compare_binding.summary import summary_markdown
from neuromem.experiments.compare_binding.table import recall_lines

__all__ = ["DESCRIPTION", "HELP", "EXAMPLE", "ENCODES", "DEFAULT_FIT_CONCEPTS", "add_arguments", "check_args",
           "main", "results_exist", "make_figures"]

DESCRIPTION = "Hebbian vs backprop binders on the same latents, presentations and test items"
HELP = ("Every binder (--binders) learns the same K presentations per concept and is tested on the same held-out "
        "cues, per seed, on the fitted and on the novel concepts of that seed's concept split (--fit-concepts, "
        "default 0.5): recall after K shots, retention after a second group of concepts, capacity on synthetic "
        "concept sets, counted cost and concept-unit statistics. Writes results.csv (tidy rows), metrics.json "
        "(mean and 95-percent t-interval over seeds), one figure per experiment, and cells/ (finished cells, "
        "reused by a second run with the same options). Without --shots the reduced grid runs (K 1, 5; seeds 3, 4, 5); "
        "--quick is the test grid (K 1, 5; seed 3; 50 units).")
EXAMPLE = "neuromem run compare-binding --dataset digits --quick --out results/compare-quick"
#: The command line adds the dataset and encoder options and passes an EncodeRequest (one split per seed).
ENCODES = True
#: The concept split when the request names none: the comparison needs novel concepts.
DEFAULT_FIT_CONCEPTS = "0.5"


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The comparison's own options (the dataset and encoder options are the command line's)."""
    parser.add_argument("--binders", type=list_option(str, what="--binders", example="stdp,hopfield"), default=None,
                        help="comma-separated binders (default: every registered binder, "
                             f"{','.join(default_binders())})")
    parser.add_argument("--shots", type=list_option(int, what="--shots", example="1,5", minimum=1), default=None,
                        help="comma-separated K values (default: the reduced grid 1,5 with capacity at N=100; "
                             "giving --shots, e.g. the full 1,2,3,5,10,15, also runs capacity at N=50,200; capacity "
                             "is bisected in 1..16N concepts)")
    parser.add_argument("--seeds", type=list_option(int, what="--seeds", example="3,4,5", minimum=0), default=None,
                        help="comma-separated report seeds (default: 3,4,5)")
    parser.add_argument("--quick", action="store_true", help="a small grid for tests (~2 min): K 1,5; seed 3")
    parser.add_argument("--engine", default="numba", help="engine of the stdp binders (default numba)")
    parser.add_argument("--fit-fraction", type=_fraction, default=None, metavar="F",
                        help="deprecated: the same as --fit-concepts F")
    return parser


def _fraction(text: str) -> float:
    """``--fit-fraction``'s value: a number (its range, (0, 1), is checked by :func:`check_args`)."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; give a fraction in (0, 1) such as 0.5, "
                                         f"or concept names with --fit-concepts") from None


def _warn(message: str) -> None:
    """A warning on stderr, one line (warnings of the ``warnings`` module are hidden on a command line)."""
    print(f"neuromem: warning: {message}", file=sys.stderr)


def _fit_concepts(args, request):
    """The concept split: ``--fit-concepts``, or the deprecated ``--fit-fraction``, or :data:`DEFAULT_FIT_CONCEPTS`."""
    fraction = getattr(args, "fit_fraction", None)
    if fraction is not None:
        return fraction
    return DEFAULT_FIT_CONCEPTS if request.fit_concepts is None else request.fit_concepts


def _binders(args, *, tell: bool = False) -> tuple[str, ...]:
    """The registered names of ``--binders`` (``tell``: print a renamed binder's warning on stderr too)."""
    import warnings

    def resolve():
        return resolve_binders(args.binders) if args.binders else default_binders()

    try:
        if not tell:
            return resolve()
        with warnings.catch_warnings(record=True) as renamed:
            warnings.simplefilter("always", DeprecationWarning)
            names = resolve()
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
    for w in renamed:  # DeprecationWarning is hidden on a command line: say it there
        print(f"neuromem: warning: {w.message}", file=sys.stderr)
    return names


def _grid(args) -> GridConfig:
    shots = tuple(args.shots) if args.shots else None
    seeds = tuple(args.seeds) if args.seeds else None
    return GridConfig.quick(shots=shots, seeds=seeds) if args.quick else GridConfig.reduced(shots=shots, seeds=seeds)


def check_args(args) -> None:
    """The options checked before any work (raises a one-line ``ValueError``; warns on stderr)."""
    _binders(args, tell=True)
    _grid(args)
    if getattr(args, "fit_fraction", None) is not None:
        if getattr(args, "fit_concepts", None) is not None:
            raise ValueError("--fit-fraction is the deprecated spelling of --fit-concepts; give only --fit-concepts")
        if not 0.0 < args.fit_fraction < 1.0:
            raise ValueError(f"--fit-fraction {args.fit_fraction:g} is out of range; give a fraction in (0, 1) such "
                             f"as 0.5 (--fit-fraction is the deprecated spelling of --fit-concepts)")
        _warn(f"--fit-fraction is deprecated; use --fit-concepts {args.fit_fraction:g} (the same split)")
    from neuromem.engines import engine_names

    if args.engine not in engine_names():
        raise ValueError(f"unknown engine {args.engine!r}; known engines: {engine_names()}")


def _check_train_items(request, grid: GridConfig) -> None:
    """K against every seed's train pictures and the concept split of every seed, before the (long) encoding."""
    import numpy as np

    from neuromem.data.base import split_pictures

    for seed in grid.seeds:
        ds = request.load(seed)
        train = ~split_pictures(ds.picture_labels, seed=seed, heldout_fraction=request.encoder.heldout_fraction)
        n_train = int(np.bincount(ds.picture_labels[train], minlength=ds.n_concepts).min())
        if max(grid.shots) > n_train:
            raise ValueError(f"K={max(grid.shots)} is larger than the train items: a concept of {request.dataset} "
                             f"has {n_train} train pictures with seed {seed}; use --shots with K <= {n_train}")
        request.config_for(ds, seed)  # a bad --fit-concepts: its one-line error now


def main(args, request, out) -> int:
    """Encode each seed's concept split with ``request``, run the comparison into ``out``, print the recall.

    Parameters
    ----------
    args : argparse.Namespace
        The options of :func:`add_arguments`.
    request : EncodeRequest
        Dataset and encoder options; spoken names are not encoded (the comparison binds pictures and names),
        and a request without a concept split gets :data:`DEFAULT_FIT_CONCEPTS`.
    out : path
        Output folder.
    """
    from neuromem.binding.tuned import comparison_options

    grid = _grid(args)
    binders = _binders(args)
    request_clock = request.clock
    clock = request_clock or StageClock()  # a caller's clock: the caller prints the timings; our own: we do
    request = replace(request, encoder=replace(request.encoder, spoken=False), min_train=max(grid.shots),
                      fit_concepts=_fit_concepts(args, request), clock=clock)
    with clock.stage("encoding"):  # reading the datasets is part of encoding them
        _check_train_items(request, grid)
    if len(grid.seeds) == 1:
        _warn(f"{ONE_SEED} (give two or more --seeds, e.g. 3,4,5, for 95 % t-intervals)")
    spaces = {seed: request.encode(seed).space for seed in grid.seeds}
    options = comparison_options(args.engine)  # chosen once on the tuning seeds (neuromem/binding/binders.toml)
    with clock.stage("binding"):
        m = run_compare_binding(spaces, dataset=request.dataset, out_dir=out, binders=binders, grid=grid,
                                binder_options=options, progress=request.progress, clock=clock)
    print("\n".join(recall_lines(m, shots=grid.shots, binders=binders)))
    print()
    print(summary_markdown(m))  # the verdict, as written to summary.md
    print(f"results: {Path(out) / 'results.csv'}, metrics.json, summary.md")
    if clock is not request_clock:
        print(clock.line())
    return 0


def results_exist(folder) -> bool:
    """Whether ``folder`` holds a comparison's results (``results.csv`` + ``metrics.json``)."""
    return _results_exist(folder)


def make_figures(folder, out=None) -> list[Path]:
    """Redraw the comparison's figures from ``folder``'s ``results.csv`` into ``out`` (default: ``folder``).

    ``summary.md`` is rewritten there too, from ``folder``'s ``metrics.json`` (it is derived from it
    alone), so a stored run's verdict follows the current table layout without re-running anything; a
    ``metrics.json`` written before per-seed values were stored gets them from ``results.csv`` (rewritten
    in ``out``), so its verdicts are paired too.
    """
    from neuromem._io import atomic_write_bytes
    from neuromem.viz.compare_binding import write_figures

    folder = Path(folder)
    out = Path(out) if out is not None else folder
    out.mkdir(parents=True, exist_ok=True)
    metrics = read_metrics(folder / "metrics.json")
    rows = read_rows(folder / "results.csv")
    if PER_SEED not in metrics:
        metrics[PER_SEED] = per_seed(rows)
        write_metrics(out / "metrics.json", metrics)
    names = write_figures(out, rows, metrics)
    atomic_write_bytes(out / "summary.md", summary_markdown(metrics).encode())
    return [out / n for n in names]
