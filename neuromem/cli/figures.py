"""``neuromem figures``: rebuild the figures of a results folder."""

from __future__ import annotations

from pathlib import Path

from neuromem.cli.common import check_out_dir

SUMMARY = "rebuild figures from a results folder"
DESCRIPTION = ("Redraw every figure from saved results, without re-running anything: a folder written by "
               "`neuromem encode`, by `neuromem run EXPERIMENT`, or by `neuromem demo` (one sub-folder per stage). "
               "The PNGs go next to the results unless --out names another folder.")
EXAMPLE = "neuromem figures --results results/demo --out figures/demo"


def add_arguments(p) -> None:
    p.add_argument("--results", required=True, help="folder written by encode / run")
    p.add_argument("--out", default=None, help="where to write the PNGs (default: the results folder)")


def run(args) -> int:
    from neuromem.experiments.registry import experiment_names, load_experiment
    from neuromem.viz.encoding import make_encoding_figures

    results = Path(args.results)
    if not results.is_dir():
        raise FileNotFoundError(f"--results {results} is not a folder; pass a folder written by encode, run or demo")
    if args.out is not None:
        check_out_dir(args.out)
    exps = [load_experiment(name) for name in experiment_names()]
    # the folder itself, or (as ``demo`` writes) one sub-folder per stage
    folders = [results] + sorted(d for d in results.iterdir() if d.is_dir())
    made = []
    for d in folders:
        out = args.out if args.out is None or d == results else Path(args.out) / d.name
        if (d / "latents.npz").exists() and (d / "reconstructions.npz").exists():
            made += make_encoding_figures(d, out)
        for exp in exps:
            if hasattr(exp, "results_exist") and exp.results_exist(d):
                made += list(exp.make_figures(d, out))
        if made and d == results:
            break
    if not made:
        raise FileNotFoundError(
            f"no results to plot in {results} or its sub-folders: expected latents.npz + reconstructions.npz "
            f"(written by `neuromem encode --out DIR`) or an experiment's results (written by "
            f"`neuromem run EXPERIMENT --out DIR`); `neuromem demo` writes both under results/demo/")
    print("figures: " + ", ".join(str(f) for f in made))
    return 0
