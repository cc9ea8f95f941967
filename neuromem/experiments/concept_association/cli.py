"""The concept-association experiment's command-line options and ``main`` (the experiment interface of the registry)."""

from __future__ import annotations

import argparse
from pathlib import Path

from neuromem._checks import list_option
from neuromem.analysis import REPORT_SEEDS
from neuromem.experiments.concept_association.config import AssociationConfig
from neuromem.experiments.concept_association.results import FIGURE_FILES, METRICS_FILE, AssociationResults

__all__ = ["DESCRIPTION", "HELP", "EXAMPLE", "ENCODES", "add_arguments", "check_args", "config_from_args", "main",
           "results_exist", "make_figures"]

DESCRIPTION = "association by pairing: concept cells of A come to answer B after A and B are shown together"
HELP = ("Single concepts are learned first (picture and written name together, K presentations); then A's picture "
        "is shown with B's written name in one stimulus window for 1, 2, ... --pairings trials while control pairs "
        "are shown apart, and every concept is tested alone after each pairing count: the fraction of A's neurons "
        "that come to answer B (Ison, Quian Quiroga & Fried 2015) against the control pairs, A's own response "
        "retained, the two engrams' shared fraction against a band (chance + 2 SD to 0.5: this layer's rules; "
        "Gastaldi et al. 2021's fit c ~ 0.04 beside it), A -> B cued recall "
        "and whether A and B stay distinguishable. --memory adds the pairs that formed as association links, with "
        f"strength, to a memory learned on the same concepts. Results: {METRICS_FILE} and "
        f"{', '.join(FIGURE_FILES.values())}.")
EXAMPLE = "neuromem run concept-association --dataset digits --preset human-mtl --seeds 3,4,5,6,7 --out results/assoc"
ENCODES = True


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the experiment's own options (the command line adds ``--out``, ``--quiet`` and the dataset options)."""
    d = AssociationConfig()
    parser.add_argument("--seeds", type=list_option(int, what="--seeds", example="3,4,5,6,7", minimum=0),
                        default=REPORT_SEEDS, help="seeds, one run each (default: report seeds 3,4,5,6,7)")
    parser.add_argument("--seed", type=int, default=None, help="one seed only (same as --seeds S)")
    parser.add_argument("--preset", default=d.preset, help=f"network preset name or TOML path (default {d.preset})")
    parser.add_argument("--engine", default=d.engine, help=f"engine name (default {d.engine})")
    parser.add_argument("--pairs", type=int, default=d.n_pairs,
                        help=f"pairs shown together, and as many control pairs (default {d.n_pairs})")
    parser.add_argument("--presentations", type=int, default=d.presentations,
                        help=f"learning presentations per concept before pairing (default {d.presentations})")
    parser.add_argument("--pairings", type=int, default=d.max_pairings,
                        help=f"pairing trials per pair (default {d.max_pairings})")
    parser.add_argument("--name-onset-ms", type=float, default=d.name_onset_ms,
                        help=f"B's name onset after A's picture in a pairing trial, ms (default {d.name_onset_ms:g})")
    parser.add_argument("--pairing-tau-theta-ms", type=float, default=d.pairing_tau_theta_ms,
                        help="decay time constant of the adaptive threshold during the pairing trials, ms ('inf': the "
                             f"preset's own; default {d.pairing_tau_theta_ms:g}, chosen on tuning seeds 0-2)")
    parser.add_argument("--no-plasticity-during-pairing", action="store_true",
                        help="pairing trials with learning off (the control that must fail the pairing test)")
    parser.add_argument("--memory", default=None,
                        help="memory folder (from `neuromem learn` on the same concepts): the pairs that formed "
                             "become its association links, with strength; a new generation is saved")
    parser.add_argument("--no-figures", action="store_true", help="do not write the figures")
    return parser


def config_from_args(args: argparse.Namespace, seed=None) -> AssociationConfig:
    """The :class:`AssociationConfig` of parsed :func:`add_arguments` options."""
    seeds = (seed,) if seed is not None else ((args.seed,) if args.seed is not None else args.seeds)
    return AssociationConfig(seeds=seeds, preset=args.preset, engine=args.engine, n_pairs=args.pairs,
                             presentations=args.presentations, max_pairings=args.pairings,
                             name_onset_ms=args.name_onset_ms, pairing_plastic=not args.no_plasticity_during_pairing,
                             pairing_tau_theta_ms=args.pairing_tau_theta_ms)


def check_args(args) -> None:
    """The options, checked before any work (raises a one-line ``ValueError``)."""
    from neuromem.engines import engine_names
    from neuromem.network.presets import _read

    if args.seed is not None and args.seed < 0:
        raise ValueError(f"--seed {args.seed} must be >= 0")
    cfg = config_from_args(args)  # ValueError naming the field for --pairs, --pairings, ...
    if cfg.engine not in engine_names():
        raise ValueError(f"unknown engine {cfg.engine!r}; known engines: {engine_names()}")
    _read(cfg.preset)  # FileNotFoundError naming where it looked
    stim = _stimulus_ms(cfg)
    if not cfg.name_onset_ms < stim:
        raise ValueError(f"--name-onset-ms {cfg.name_onset_ms:g} must be below the preset's stimulus of {stim:g} ms "
                         "(A's picture and B's name share one stimulus window)")
    if args.memory is not None and not Path(args.memory).expanduser().is_dir():
        raise FileNotFoundError(f"--memory {args.memory} is not a memory folder; make one with `neuromem learn`")


def _stimulus_ms(cfg: AssociationConfig) -> float:
    from neuromem.network import load_preset

    return load_preset(cfg.preset, modalities=("picture", "name"), latent_dim=1, **cfg.overrides).sim.stimulus_ms


def main(args: argparse.Namespace, request, out: Path) -> int:
    """Run every seed on its own split, print the targets; returns the exit status."""
    from neuromem.experiments.concept_association.experiment import run_concept_association

    check_args(args)
    if request is None:
        raise ValueError("concept association encodes a dataset per seed; give it an EncodeRequest")
    cfg = config_from_args(args)
    request = request.with_options(min_train=cfg.presentations)
    m = run_concept_association(cfg, lambda s: request.encode(s).space, out_dir=out, dataset=request.dataset,
                                progress=not args.quiet, figures=not args.no_figures)
    for name, t in m["targets"].items():
        state = {True: "met", False: "NOT met", None: "not measured"}[t["met"]]
        value = "-" if t["value"] is None else f"{t['value']:.3f}"
        print(f"{t['target']:78s} {state}: {value}")
    if args.memory is not None:
        from neuromem.experiments.concept_association.links import add_pairing_associations

        added, gen = add_pairing_associations(args.memory, m)
        print(f"association links added to {args.memory}: {added or 'none formed'} (saved {gen})")
    print(f"results: {Path(out) / METRICS_FILE}")
    return 0


def results_exist(folder) -> bool:
    """Whether ``folder`` holds concept-association results."""
    return AssociationResults.exist(folder)


def make_figures(results, out=None) -> list[Path]:
    """Rebuild the figures from ``results/metrics.json``."""
    from neuromem.viz.concept_association import plot_concept_association

    results = Path(results)
    out = Path(out) if out is not None else results
    out.mkdir(parents=True, exist_ok=True)
    return plot_concept_association(AssociationResults.load(results).metrics, out)
