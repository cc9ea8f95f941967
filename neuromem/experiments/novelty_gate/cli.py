"""``neuromem run novelty-gate``: options, ``main`` and figures (the experiment interface of the registry)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from neuromem._checks import list_option
from neuromem.analysis import REPORT_SEEDS
from neuromem.analysis.novelty import DEFAULT_MATCH_WEIGHT, DEFAULT_QUANTILE
from neuromem.experiments.novelty_gate.config import NoveltyConfig
from neuromem.experiments.novelty_gate.results import FIGURE_FILE, METRICS_FILE, NoveltyResults
from neuromem.experiments.novelty_gate.run import run_novelty

__all__ = ["DESCRIPTION", "ENCODES", "EXAMPLE", "HELP", "add_arguments", "check_args", "config_from_args", "main",
           "make_figures", "results_exist"]

DESCRIPTION = "the novelty gate: decoder match error and network response, new vs known concepts (ROC AUC)"
HELP = ("Per seed the encoders are fitted on half of the concepts (--fit-concepts, default 0.5) and the concept "
        "layer learns those known concepts; every held-out picture is then scored by the decoder's match error, "
        "by the network's own response (the answering engram's spikes, the picture alone) and by the gate that "
        "combines them, calibrated on half of the known concepts' held-out pictures. Reports the ROC AUCs for "
        "new vs known concepts, the match error's AUC for a wrong recall and the gate's decision accuracy, mean "
        f"and 95 % t-interval over seeds; results: {METRICS_FILE}, arrays.npz, {FIGURE_FILE}.")
EXAMPLE = "neuromem run novelty-gate --dataset digits --seeds 3,4,5,6,7 --out results-22-novelty/digits"
ENCODES = True
DEFAULT_FIT_CONCEPTS = "0.5"


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The experiment's own options (the command line adds the dataset options, ``--out`` and ``--quiet``)."""
    parser.add_argument("--seeds", type=list_option(int, what="--seeds", example="3,4,5,6,7", minimum=0),
                        default=REPORT_SEEDS, help="seeds (default: report seeds 3,4,5,6,7)")
    parser.add_argument("--engine", default="numba", help="engine name (default numba)")
    parser.add_argument("--presentations", type=int, default=3, help="learning presentations per known concept (K)")
    parser.add_argument("--preset", default="default", help="network preset name or TOML path")
    parser.add_argument("--match-weight", type=float, default=DEFAULT_MATCH_WEIGHT,
                        help=f"weight of the match error in the combined score, 0..1 (default {DEFAULT_MATCH_WEIGHT}, "
                             "chosen on tuning seeds 0-2)")
    parser.add_argument("--quantile", type=float, default=DEFAULT_QUANTILE,
                        help=f"calibration quantile of the gate's threshold, 0.5..1 (default {DEFAULT_QUANTILE})")
    parser.add_argument("--no-figures", action="store_true", help="do not draw the figure")
    return parser


def config_from_args(args) -> NoveltyConfig:
    return NoveltyConfig(seeds=tuple(args.seeds), engine=args.engine, preset=args.preset,
                         presentations=args.presentations, match_weight=args.match_weight, quantile=args.quantile)


def check_args(args) -> None:
    """The options, checked before any work (a one-line ``ValueError``)."""
    from neuromem.engines import engine_names
    from neuromem.network.presets import _read

    if not 0.0 <= args.match_weight <= 1.0:
        raise ValueError(f"--match-weight {args.match_weight} is out of range; allowed 0..1")
    if not 0.5 <= args.quantile <= 1.0:
        raise ValueError(f"--quantile {args.quantile} is out of range; allowed 0.5..1")
    if not 1 <= args.presentations <= 100:
        raise ValueError(f"--presentations {args.presentations} is out of range; allowed 1..100")
    if args.engine not in engine_names():
        raise ValueError(f"unknown engine {args.engine!r}; known engines: {engine_names()}")
    _read(args.preset)
    config_from_args(args)


def main(args, request, out: Path) -> int:
    """Encode each seed with a concept split, measure, write ``metrics.json``, ``arrays.npz`` and the figure."""
    check_args(args)
    cfg = config_from_args(args)
    if request.fit_concepts is None:
        request = request.with_options(fit_concepts=DEFAULT_FIT_CONCEPTS)
    request = request.with_options(min_train=cfg.presentations)
    log = (lambda *_: None) if args.quiet else print
    if len(cfg.seeds) == 1:
        print("neuromem: warning: one seed gives no 95 % interval (give two or more --seeds)", file=sys.stderr)
    metrics, items = run_novelty(request.encode, cfg, progress=False, log=log)
    metrics["dataset"] = request.dataset
    arrays = {f"{s}/{k}": np.asarray(v) for s, d in items.items() for k, v in d.items()}
    NoveltyResults(metrics=metrics, arrays=arrays).save(out)
    if not args.no_figures:
        make_figures(out)
    for k in ("novelty_auc_match_error", "novelty_auc_network", "novelty_auc_combined", "wrong_recall_auc",
              "gate_decision_accuracy"):
        v, ci = metrics[k], metrics[f"{k}_ci95"]
        print(f"{k:28s} " + ("n/a" if v is None else f"{v:.3f}" + (f" ± {ci:.3f}" if ci is not None else "")))
    print(f"results: {Path(out) / METRICS_FILE}")
    return 0


def results_exist(folder) -> bool:
    return NoveltyResults.exist(folder)


def make_figures(results, out=None) -> list[Path]:
    """Draw the match-error distributions of known and new concepts with the gate's threshold."""
    from neuromem.viz.novelty import plot_match_error_distributions

    res = NoveltyResults.load(results)
    out = Path(out) if out is not None else Path(results)
    out.mkdir(parents=True, exist_ok=True)
    return [plot_match_error_distributions(res.metrics, res.arrays, out / FIGURE_FILE)]
