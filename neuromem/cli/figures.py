"""``neuromem figures``: rebuild the figures of a results folder."""

from __future__ import annotations

from pathlib import Path

from neuromem.cli.common import check_out_dir

SUMMARY = "rebuild figures from a results folder, or make the whole figure set (--all)"
DESCRIPTION = ("Redraw every figure from saved results, without re-running anything: a folder written by "
               "`neuromem encode`, by `neuromem run EXPERIMENT`, or by `neuromem demo` (one sub-folder per stage). "
               "The PNGs go next to the results unless --out names another folder. With --all: run every "
               "experiment the figure set needs into --out (finished runs are kept and reused; a second run "
               "redoes only what changed), draw every figure, Figure 1 and summary.png, write one metrics.json "
               "with a section per experiment and the literature check; --quick: report seed 3 and small grids.")
EXAMPLE = "neuromem figures --all --quick --out results/figures-quick"


def add_arguments(p) -> None:
    p.add_argument("--results", default=None, help="folder written by encode / run")
    p.add_argument("--out", default=None, help="where to write the PNGs (default: the results folder); with "
                                               "--all the figure set's folder (required)")
    p.add_argument("--all", action="store_true", help="run and draw the whole figure set into --out")
    p.add_argument("--quick", action="store_true", help="with --all: report seed 3 and small grids (minutes)")


def run(args) -> int:
    if args.all:
        if args.results is not None:
            raise ValueError("--all runs its own experiments; leave out --results (or leave out --all to redraw "
                             "a results folder)")
        if args.out is None:
            raise ValueError("--all needs --out DIR (the figure set's folder)")
        from neuromem.cli.figure_set.run import run_figure_set

        run_figure_set(check_out_dir(args.out), quick=args.quick)
        return 0
    if args.quick:
        raise ValueError("--quick belongs to --all; add --all or leave out --quick")
    if args.results is None:
        raise ValueError("give --results DIR (a results folder to redraw) or --all --out DIR (the whole set)")
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
