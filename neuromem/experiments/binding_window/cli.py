"""The binding-window experiment's command-line options and ``main`` (the experiment interface of the registry)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

from neuromem._checks import list_option
from neuromem._timing import StageClock
from neuromem.analysis import REPORT_SEEDS
from neuromem.analysis.statistics import ONE_SEED, spread_label
from neuromem.experiments.binding_window.analysis import PER_OFFSET
from neuromem.experiments.binding_window.config import DEFAULT_OFFSETS_MS, BindingWindowConfig
from neuromem.experiments.binding_window.results import FIGURE_FILE, METRICS_FILE, BindingWindowResults
from neuromem.experiments.binding_window.run import run_binding_window

__all__ = ["DESCRIPTION", "HELP", "EXAMPLE", "ENCODES", "add_arguments", "check_args", "config_from_args", "main",
           "results_exist", "make_figures"]

DESCRIPTION = "binding of pictures and names vs their onset asynchrony inside one trial (the binding window)"
HELP = ("For every onset asynchrony t_word - t_picture a fresh network (the same initial weights) learns every "
        "concept from K presentations with the word shifted against the picture inside one trial; held-out "
        "pictures and names then test it. Invariance, binding index and picture -> name recall per offset, mean "
        f"and 95 % t-interval over seeds, and the offsets where binding falls to half; results: {METRICS_FILE}, "
        f"{FIGURE_FILE}.")
EXAMPLE = "neuromem run binding-window --dataset digits --offsets-ms -150,-100,-50,0,50,100,150 --seeds 3,4,5,6,7"
ENCODES = True


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the experiment's own options (the command line adds ``--out``, ``--quiet`` and the dataset options)."""
    # "--offsets-ms -150,-125,..." : a value starting with a minus sign and a digit is a value, not an option
    # (argparse's own test only accepts single negative numbers)
    parser._negative_number_matcher = re.compile(r"^-\d[\d.,\s-]*$")
    parser.add_argument("--offsets-ms", type=list_option(float, what="--offsets-ms", example="-50,0,50"),
                        default=DEFAULT_OFFSETS_MS,
                        help="onset asynchronies t_word - t_picture in ms (default -150,-125,...,150)")
    parser.add_argument("--seeds", type=list_option(int, what="--seeds", example="3,4,5,6,7", minimum=0),
                        default=REPORT_SEEDS, help="seeds, one run each on its own split (default: report seeds "
                                                   "3,4,5,6,7)")
    parser.add_argument("--seed", type=int, default=None, help="one seed only (same as --seeds S)")
    parser.add_argument("--engine", default="numba", help="engine name (default numba)")
    parser.add_argument("--presentations", type=int, default=3, help="learning presentations per concept (K)")
    parser.add_argument("--preset", default="default", help="network preset name in models/ or a TOML path")
    parser.add_argument("--spoken", action="store_true",
                        help="shift the spoken names together with the written names (a third population)")
    parser.add_argument("--no-figures", action="store_true", help="do not write the figure")
    return parser


def config_from_args(args: argparse.Namespace) -> BindingWindowConfig:
    """The :class:`BindingWindowConfig` of parsed :func:`add_arguments` options."""
    seeds = (args.seed,) if args.seed is not None else args.seeds
    return BindingWindowConfig(offsets_ms=args.offsets_ms, seeds=seeds, engine=args.engine,
                               presentations=args.presentations, preset=args.preset, use_spoken=args.spoken)


def check_args(args) -> None:
    """The options, checked before any work (raises a one-line ``ValueError``)."""
    from neuromem.engines import engine_names
    from neuromem.network.presets import _read

    if not 1 <= args.presentations <= 100:
        raise ValueError(f"--presentations {args.presentations} is out of range; allowed 1..100")
    if args.seed is not None and args.seed < 0:
        raise ValueError(f"--seed {args.seed} must be >= 0")
    cfg = config_from_args(args)
    if cfg.engine not in engine_names():
        raise ValueError(f"unknown engine {cfg.engine!r}; known engines: {engine_names()}")
    _read(cfg.preset)  # FileNotFoundError naming where it looked


def main(args: argparse.Namespace, request, out: Path) -> int:
    """Encode each seed's split (``request.encode``), run every offset, print the curve; returns the exit status."""
    check_args(args)
    cfg = config_from_args(args)
    if request is None:
        raise ValueError("the binding window encodes a dataset per seed; give it an EncodeRequest")
    if cfg.use_spoken and not request.encoder.spoken:
        raise ValueError("--spoken shifts the spoken names too, but the dataset is encoded without spoken names "
                         "(--no-spoken); give one of them")
    given = getattr(request, "clock", None)  # a caller's clock: the caller prints the timings; our own: we do
    clock = given or StageClock()
    request = request.with_options(min_train=cfg.presentations)

    def encode(seed):
        with clock.stage("encoding"):
            return request.encode(seed).space

    if len(cfg.seeds) == 1:
        print(f"neuromem: warning: {ONE_SEED} (give two or more --seeds for 95 % t-intervals)", file=sys.stderr)
    with clock.stage("binding window"):  # the encoding inside it is counted under encoding
        m = run_binding_window(encode, cfg, out_dir=out, progress=not args.quiet, figures=not args.no_figures,
                               dataset=request.dataset)
    print(f"{'offset ms':>10s} {'invariance':>13s} {'binding':>13s} {'pic->name':>13s}   "
          f"({spread_label(len(cfg.seeds))})")
    for i, off in enumerate(m["onset_asynchrony_ms"]):
        print(f"{off:10.0f} " + " ".join(f"{_mean_ci(m[k][i], m[k + '_ci95'][i]):>13s}" for k in PER_OFFSET))
    lo, hi = m["binding_half_width_ms"]
    side = [f"{v:+.0f} ms" if np.isfinite(v) else "not reached" for v in (lo, hi)]
    print(f"binding index falls to half at {side[0]} (word first) and {side[1]} (word after)")
    print(f"results: {Path(out) / METRICS_FILE}")
    if given is None:
        print(clock.line())
    return 0


def _mean_ci(value, ci) -> str:
    """``0.930±0.021``, or the value alone when there is no interval (one seed: NaN)."""
    return f"{value:.3f}" + (f"±{ci:.3f}" if ci is not None and np.isfinite(ci) else "")


def results_exist(folder) -> bool:
    """Whether ``folder`` holds binding-window results."""
    return BindingWindowResults.exist(folder)


def make_figures(results, out=None) -> list[Path]:
    """Rebuild the figure from ``results/metrics.json``."""
    from neuromem.viz.binding import plot_binding_window

    results = Path(results)
    out = Path(out) if out is not None else results
    out.mkdir(parents=True, exist_ok=True)
    return [plot_binding_window(BindingWindowResults.load(results).metrics, out / FIGURE_FILE)]
