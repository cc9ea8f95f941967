"""The concept-cells experiment's command-line options and ``main`` (the experiment interface of the registry)."""

from __future__ import annotations

import argparse
from pathlib import Path

from neuromem._checks import list_option, parse_list
from neuromem.analysis import REPORT_SEEDS
from neuromem.experiments.concept_cells.config import CAPACITY_BINDERS, CAPACITY_N_NEURONS, ConceptCellsConfig
from neuromem.experiments.concept_cells.results import FIGURE_FILES, METRICS_FILE, ConceptCellsResults

__all__ = ["DESCRIPTION", "HELP", "EXAMPLE", "ENCODES", "add_arguments", "check_args", "check_sweep_args",
           "config_from_args", "main", "results_exist", "make_figures"]

DESCRIPTION = "many concepts at once: concept cells' code against human MTL statistics, and capacity"
HELP = ("A layer of N concept neurons learns C synthetic concepts (the real latents' geometry; picture, written and "
        "spoken name as distinct noisy views) and is tested with held-out cues: the histogram of concepts per "
        "responsive neuron (pooled over seeds) against the human one (De Falco et al. 2016), population "
        "sparseness at N and 2N, co-responses to related concepts; with --capacity the one-shot capacity at "
        f"N = {CAPACITY_N_NEURONS} beside the hopfield and softmax binders; with --tradeoff a sweep over the "
        f"k-winners-take-all active fraction. Results: {METRICS_FILE} and {', '.join(FIGURE_FILES.values())}.")
EXAMPLE = ("neuromem run concept-cells --n-concepts 94 --concept-neurons 1000 --preset human-mtl --seeds 3,4,5,6,7 "
           "--capacity --out results/concept-cells")
ENCODES = False


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the experiment's own options (the command line adds ``--out`` and ``--quiet``)."""
    parser.add_argument("--n-concepts", type=int, default=94, help="concepts shown (default 94: a human session)")
    parser.add_argument("--concept-neurons", type=int, default=1000, help="concept neurons N (default 1000)")
    parser.add_argument("--preset", default="human-mtl", help="network preset name or TOML path (default human-mtl)")
    parser.add_argument("--seeds", type=list_option(int, what="--seeds", example="3,4,5,6,7", minimum=0),
                        default=REPORT_SEEDS, help="seeds, one run each (default: report seeds 3,4,5,6,7)")
    parser.add_argument("--seed", type=int, default=None, help="one seed only (same as --seeds S)")
    parser.add_argument("--engine", default="numba", help="engine name (default numba)")
    parser.add_argument("--threads", type=int, default=None, help="engine threads (numba; default: the engine's)")
    parser.add_argument("--presentations", type=int, default=3, help="learning presentations per concept (K, 1-5)")
    parser.add_argument("--capacity", action="store_true",
                        help=f"also find the one-shot capacity at N = {CAPACITY_N_NEURONS} (spiking, hopfield, softmax)")
    parser.add_argument("--capacity-below", action="store_true",
                        help="when the spiking layer fails at N/2, bisect below it too (about 7 more runs)")
    parser.add_argument("--capacity-binders", type=_binder_list,
                        default=CAPACITY_BINDERS, help="binders measured beside the spiking layer's capacity "
                                                       "(default hopfield,softmax; '' for none)")
    parser.add_argument("--no-2n", action="store_true", help="skip the run with 2N neurons")
    parser.add_argument("--tradeoff", type=list_option(float, what="--tradeoff", example="0.005,0.01,0.02"),
                        default=(), help="k-winners-take-all active fractions to sweep (the trade-off figure)")
    parser.add_argument("--jobs", type=int, default=1, help="seeds run in parallel processes (default 1)")
    parser.add_argument("--no-figures", action="store_true", help="do not write the figures")
    return parser


def config_from_args(args: argparse.Namespace) -> ConceptCellsConfig:
    """The :class:`ConceptCellsConfig` of parsed :func:`add_arguments` options."""
    seeds = (args.seed,) if args.seed is not None else args.seeds
    opts = {"threads": int(args.threads)} if args.threads is not None else {}
    return ConceptCellsConfig(n_concepts=args.n_concepts, n_neurons=args.concept_neurons, preset=args.preset,
                              seeds=seeds, engine=args.engine, presentations=args.presentations,
                              at_2n=not args.no_2n, capacity=bool(args.capacity),
                              capacity_below_half_n=bool(args.capacity_below),
                              capacity_binders=args.capacity_binders, engine_options=opts)


def check_args(args) -> None:
    """The options, checked before any work (raises a one-line ``ValueError``)."""
    from neuromem.engines import engine_names
    from neuromem.network.presets import _read

    if args.seed is not None and args.seed < 0:
        raise ValueError(f"--seed {args.seed} must be >= 0")
    if args.jobs < 1:
        raise ValueError(f"--jobs {args.jobs} must be >= 1")
    if args.threads is not None and args.threads < 1:
        raise ValueError(f"--threads {args.threads} must be >= 1")
    bad = [f for f in args.tradeoff if not 0 < f < 1]
    if bad:
        raise ValueError(f"--tradeoff {bad}: active fractions must lie in (0, 1)")
    cfg = config_from_args(args)  # ValueError naming the field for --n-concepts, --concept-neurons, ...
    from neuromem.binding import binder_names

    unknown = [b for b in cfg.capacity_binders if b not in binder_names() and b != "readout"]
    if unknown:
        raise ValueError(f"--capacity-binders {unknown}: unknown binders; known: {binder_names()}")
    if cfg.engine not in engine_names():
        raise ValueError(f"unknown engine {cfg.engine!r}; known engines: {engine_names()}")
    _read(cfg.preset)  # FileNotFoundError naming where it looked


def check_sweep_args(args) -> None:
    """The options a sweep cannot use (one seed per cell on dask workers): a one-line ``ValueError`` with the fix."""
    if len(args.tradeoff):
        raise ValueError("--tradeoff is a sweep of its own; in neuromem sweep give "
                         "--grid \"spec.k_winners_take_all.active_fraction=0.01,0.02\" instead")
    if args.jobs != 1:
        raise ValueError("--jobs runs seeds in processes; neuromem sweep runs its cells on dask workers "
                         "(--workers N) instead")


def main(args: argparse.Namespace, request, out: Path) -> int:
    """Run every seed, print the human comparison and the targets; returns the exit status."""
    from neuromem.experiments.concept_cells.run import run_concept_cells

    check_args(args)
    m = run_concept_cells(config_from_args(args), tradeoff_fractions=tuple(args.tradeoff), out_dir=out, jobs=args.jobs,
                          progress=not args.quiet, figures=not args.no_figures)
    print("concepts per responsive neuron (1, 2, 3, 4, 5, 6+):")
    print("  model " + " ".join(f"{v:6.3f}" for v in m["concepts_per_neuron_histogram"]))
    print("  human " + " ".join(f"{v:6.3f}" for v in m["human_concepts_per_neuron_histogram"]))
    for name, t in m["targets"].items():
        state = {True: "met", False: "NOT met", None: "not measured"}[t["met"]]
        print(f"{name:24s} {state}: {t['value']}")
    print(f"results: {Path(out) / METRICS_FILE}")
    return 0


def results_exist(folder) -> bool:
    """Whether ``folder`` holds concept-cells results."""
    return ConceptCellsResults.exist(folder)


def make_figures(results, out=None) -> list[Path]:
    """Rebuild the figures from ``results/metrics.json``."""
    from neuromem.viz.concept_cells import plot_concept_cells

    results = Path(results)
    out = Path(out) if out is not None else results
    out.mkdir(parents=True, exist_ok=True)
    return plot_concept_cells(ConceptCellsResults.load(results).metrics, out)


def _binder_list(text: str) -> tuple:
    """``--capacity-binders``: '' for none, else a list through the one list parser (no empty or repeated entry)."""
    if text.strip() == "":
        return ()
    try:
        return parse_list(text, str, what="--capacity-binders", example="hopfield,softmax")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
