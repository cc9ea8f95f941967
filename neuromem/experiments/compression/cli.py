"""``neuromem run compression``: options, checks, ``main`` and the figure (the experiment interface)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from neuromem._checks import list_option
from neuromem.analysis import REPORT_SEEDS
from neuromem.experiments.compression.config import (DEFAULT_SIZES, LOSSES, QUICK_LOSSES, QUICK_SIZES,
                                                     CompressionConfig)
from neuromem.experiments.compression.results import FIGURE_FILE, METRICS_FILE, CompressionResults
from neuromem.experiments.compression.run import run_compression

__all__ = ["DESCRIPTION", "HELP", "EXAMPLE", "ENCODES", "add_arguments", "check_args", "config_from_args", "main",
           "results_exist", "make_figures", "tuning_choice"]

DESCRIPTION = "latent size and reconstruction loss -> recall, reconstruction quality, novelty (the seed's question)"
HELP = ("For each latent size, the supervised head and an autoencoder per reconstruction loss (pixel MSE, L1, "
        "SSIM, an uncalibrated feature loss through the pretrained backbone), trained on the fit concepts' "
        "pictures: K-shot nearest-prototype recall of fitted and novel concepts (no spiking network), PSNR, SSIM "
        "and novelty AUC, mean and 95 % t-interval over seeds; the knee (smallest size within 0.02 of the best "
        f"recall) and the loss with the best recall there. Results: {METRICS_FILE}, {FIGURE_FILE}.")
EXAMPLE = "neuromem run compression --dataset digits --seeds 3,4,5,6,7"
ENCODES = True


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The experiment's own options (the command line adds ``--out``, ``--quiet`` and the dataset options)."""
    parser.add_argument("--sizes", type=list_option(int, what="--sizes", example="8,16,32", minimum=2),
                        default=None, help="latent sizes (default 8,16,32,64,128,256)")
    parser.add_argument("--losses", type=list_option(str, what="--losses", example="pixel_mse,ssim"), default=None,
                        help=f"autoencoder losses (default {','.join(LOSSES)})")
    parser.add_argument("--seeds", type=list_option(int, what="--seeds", example="3,4,5,6,7", minimum=0),
                        default=REPORT_SEEDS, help="seeds (default: report seeds 3,4,5,6,7)")
    parser.add_argument("--seed", type=int, default=None, help="one seed only (same as --seeds S)")
    parser.add_argument("--shots", type=int, default=3, help="pictures per concept in its prototype (K, default 3)")
    parser.add_argument("--ae-epochs", type=int, default=60, help="autoencoder training epochs (default 60)")
    parser.add_argument("--quick", action="store_true",
                        help=f"sizes {','.join(map(str, QUICK_SIZES))}, losses {','.join(QUICK_LOSSES)}, "
                             "20 autoencoder epochs (tests, the quick figure set)")
    parser.add_argument("--choose-on", default=None, metavar="DIR",
                        help="a compression run on tuning seeds (0,1,2): the knees and the best loss are taken from "
                             "it and reported on --seeds (default: chosen on --seeds themselves, a warning on "
                             "report seeds)")
    parser.add_argument("--no-figures", action="store_true", help="do not write the figure")
    return parser


def config_from_args(args: argparse.Namespace, seed: int | None = None) -> CompressionConfig:
    """The :class:`CompressionConfig` of parsed options (``seed`` overrides the seeds)."""
    seeds = (seed,) if seed is not None else (args.seed,) if args.seed is not None else tuple(args.seeds)
    quick = bool(getattr(args, "quick", False))
    return CompressionConfig(sizes=args.sizes or (QUICK_SIZES if quick else DEFAULT_SIZES),
                             losses=args.losses or (QUICK_LOSSES if quick else LOSSES), seeds=seeds,
                             shots=args.shots, ae_epochs=20 if quick and args.ae_epochs == 60 else args.ae_epochs)


def check_args(args) -> None:
    """The options, checked before any work (a one-line ``ValueError``)."""
    if args.seed is not None and args.seed < 0:
        raise ValueError(f"--seed {args.seed} must be >= 0")
    choose_on = getattr(args, "choose_on", None)
    if choose_on is not None and not CompressionResults.exist(choose_on):
        raise ValueError(f"--choose-on {choose_on}: no compression results there; run `neuromem run compression "
                         "--seeds 0,1,2 --out DIR` first and give that DIR")
    try:
        config_from_args(args)
    except ValueError as exc:
        raise ValueError(str(exc).replace("CompressionConfig.", "--").replace("_", "-")) from None


def main(args: argparse.Namespace, request, out: Path) -> int:
    """Run every seed, write ``metrics.json`` (and the figure), print the knee and the loss; the exit status."""
    check_args(args)
    cfg = config_from_args(args)
    if request is None:
        raise ValueError("the compression study encodes a dataset per seed; give it an EncodeRequest")
    if len(cfg.seeds) == 1:
        print("neuromem: warning: one seed: no confidence interval (give two or more --seeds)", file=sys.stderr)
    choice = tuning_choice(args.choose_on) if getattr(args, "choose_on", None) else None
    if choice is None and set(cfg.seeds) & set(REPORT_SEEDS):
        print("neuromem: warning: the knees and the best loss are chosen on the reported seeds themselves; give "
              "--choose-on a run on tuning seeds 0,1,2", file=sys.stderr)
    log = None if args.quiet else (lambda msg: print(msg, flush=True))
    m = run_compression(cfg, request.with_options(min_train=cfg.shots), log=log, choice=choice)
    m["config"] = cfg.to_dict()
    m["dataset"] = request.dataset
    CompressionResults(metrics=m).save(out)
    if not args.no_figures:
        make_figures(out, out)
    print(f"{'size':>5s} {'head fit':>9s} {'head novel':>10s} " + " ".join(f"{x:>10s}" for x in cfg.losses))
    for j, d in enumerate(cfg.sizes):
        print(f"{d:5d} {m['head_recall_fitted'][j]:9.3f} {m['head_recall_novel'][j]:10.3f} "
              + " ".join(f"{m['autoencoder_recall_fitted'][x][j]:10.3f}" for x in cfg.losses))
    b = m["best_loss_at_knee"]
    print(f"chosen on seeds {','.join(map(str, m['choice']['seeds']))}: "
          f"knee (head, fitted): {m['knee_head_fitted']} dims; autoencoder knee {b['size']} dims, best loss "
          f"{m['best_loss']} (recall fitted {b['recall_fitted']:.3f}, novel {b['recall_novel']:.3f}, "
          f"PSNR {b['psnr_db']:.1f} dB, SSIM {b['ssim']:.3f})")
    print(f"results: {Path(out) / METRICS_FILE}")
    return 0


def tuning_choice(folder) -> dict:
    """The knees and the best loss that a compression run in ``folder`` chose on its own seeds."""
    from neuromem.experiments.compression.run import choose

    m = CompressionResults.load(folder).metrics
    if "choice_on_these_seeds" in m:
        return dict(m["choice_on_these_seeds"])
    return choose(CompressionConfig(sizes=m["sizes"], losses=m["losses"], seeds=m["seeds"]), m, m["seeds"])


def results_exist(folder) -> bool:
    """Whether ``folder`` holds compression results."""
    return CompressionResults.exist(folder)


def make_figures(results, out=None) -> list[Path]:
    """Redraw the figure from ``results/metrics.json``."""
    from neuromem.viz.compression import plot_compression

    results = Path(results)
    out = Path(out) if out is not None else results
    out.mkdir(parents=True, exist_ok=True)
    return [plot_compression(CompressionResults.load(results).metrics, out / FIGURE_FILE)]
