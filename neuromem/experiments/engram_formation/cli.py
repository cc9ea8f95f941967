"""The engram-formation experiment's command-line options and ``main`` (the experiment interface of the registry)."""

from __future__ import annotations

import argparse
from pathlib import Path


from neuromem._checks import list_option, parse_list
from neuromem._timing import StageClock
from neuromem.analysis import ONE_SEED, REPORT_SEEDS, mean_ci_text, summarise_seeds
from neuromem.experiments.engram_formation.config import CONTROLS, EngramConfig
from neuromem.experiments.engram_formation.results import METRICS_FILE, RESULTS_FILE, EngramResults, EngramSummary
from neuromem.experiments.engram_formation.run import run_engram_formation

__all__ = ["DESCRIPTION", "HELP", "EXAMPLE", "ENCODES", "add_arguments", "check_args", "config_from_args", "main",
           "results_exist", "make_figures"]

#: One line for ``neuromem run --help``.
DESCRIPTION = "multimodal engram formation and recall"
#: One paragraph for ``neuromem run engram-formation --help``.
HELP = ("Pictures and names (and spoken names) of every concept are shown together K times to a spiking concept "
        "layer with STDP; held-out pictures and names are then shown alone and the concept neurons' responses "
        "analysed: recall through the network's readout populations and offline, invariance, sparseness, next to "
        "non-spiking references and controls (untrained, shuffled pairing, asynchronous). Each seed encodes its own "
        f"split; results: metrics.json, {RESULTS_FILE} and figures (seed_<S>/ per seed when several).")
#: A command line to start from.
EXAMPLE = "neuromem run engram-formation --dataset digits --engine numba --presentations 3 --seeds 3,4,5,6,7"
#: The command line adds the dataset and encoder options and passes an EncodeRequest.
ENCODES = True

#: Keys printed by the command line (mean ± 95 % CI over seeds), each next to its reference.
_PRINTED = (("picture_to_name_network_recall_at_1", "picture -> name, through the readout population"),
            ("picture_to_name_recall_at_1", "picture -> name, offline feedback readout"),
            ("nearest_prototype_reference_recall_at_1", "  reference: K-shot picture prototypes (same latents)"),
            ("no_binder_lookup_recall_at_1", "  reference: no-binder lookup (nearest name prototype)"),
            ("frozen_backbone_prototype_recall_at_1", "  reference: frozen backbone, no fitted head"),
            ("name_to_picture_network_recall_at_1", "name -> picture, through the readout population"),
            ("name_to_picture_recall_at_1", "name -> picture, offline feedback readout"),
            ("nearest_prototype_reference_name_recall_at_1", "  reference: presented name prototypes"),
            ("spoken_to_name_recall_at_1", "spoken -> name, offline feedback readout"),
            ("nearest_prototype_reference_spoken_recall_at_1", "  reference: presented spoken prototypes"),
            ("chance_recall_at_1", "chance"),
            ("invariance_index", "invariance, pictures vs written names"),
            ("invariance_index_spoken", "invariance, pictures vs spoken names"),
            ("binding_index", "binding index, pictures vs written names"),
            ("neurons_per_concept_mean", "neurons per concept"),
            ("spontaneous_rate_hz", "spontaneous rate in blank trials (Hz)"),
            ("blank_max_rate_hz", "highest single-neuron rate in blank trials (Hz)"),
            ("blank_trial_answer_fraction", "blank trials in which a neuron answers"),
            ("blank_isi_cv", "CV of ISIs in a continuous blank period"),
            ("population_sparseness", "population sparseness"))


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the experiment's own options (the command line adds ``--out``, ``--quiet`` and the dataset options)."""
    parser.add_argument("--config", default=None, help="TOML file of EngramConfig options (flags given override it)")
    parser.add_argument("--engine", default=None, help="engine name (default: brian2 = cpp_standalone)")
    parser.add_argument("--test-engine", default=None,
                        help="engine of the frozen test runs (default: --engine); torch-batched runs all test cues "
                             "of a phase side by side")
    parser.add_argument("--presentations", type=int, default=None, help="learning presentations per concept (K)")
    parser.add_argument("--seeds", type=list_option(int, what="--seeds", example="3,4,5,6,7", minimum=0),
                        default=REPORT_SEEDS,
                        help="seeds, one run each on its own split, summarised with 95 %% t-intervals "
                             "(default: report seeds 3,4,5,6,7; tuning seeds are 0,1,2)")
    parser.add_argument("--seed", type=int, default=None, help="one seed only (same as --seeds S)")
    parser.add_argument("--preset", default=None, help="network preset name (shipped or in models/) or a TOML path")
    parser.add_argument("--max-test-pictures", type=int, default=None,
                        help="cap on held-out test pictures per concept (default: all)")
    parser.add_argument("--controls", type=_controls, default=None,
                        help=f"comma-separated controls to run (default: {','.join(CONTROLS)}; '' for none)")
    parser.add_argument("--novelty-gate", action="store_true",
                        help="learn through the novelty gate: a new presentation (no engram answers, or the "
                             "network's feedback reconstruction does not match the picture) recruits free neurons, a "
                             "familiar one strengthens the engram that answered (off by default)")
    parser.add_argument("--no-figures", action="store_true", help="do not write figures")
    return parser


def _controls(value) -> tuple:
    """``--controls``: '' (none) or a comma-separated list through the one list parser (no empty or repeated entry)."""
    if isinstance(value, (tuple, list)):
        return tuple(value)
    if not str(value).strip():
        return ()
    try:
        return parse_list(value, str, what="--controls", example=",".join(CONTROLS))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def config_from_args(args: argparse.Namespace, seed: int | None = None) -> EngramConfig:
    """The :class:`EngramConfig` of parsed :func:`add_arguments` options (flags override ``--config``)."""
    base = EngramConfig.from_toml(args.config).to_dict() if getattr(args, "config", None) else {}
    flags = {"engine": getattr(args, "engine", None), "test_engine": getattr(args, "test_engine", None),
             "presentations": getattr(args, "presentations", None),
             "preset": getattr(args, "preset", None),
             "max_test_pictures_per_concept": getattr(args, "max_test_pictures", None)}
    base.update({k: v for k, v in flags.items() if v is not None})
    if seed is not None:
        base["seed"] = int(seed)
    elif getattr(args, "seed", None) is not None:
        base["seed"] = args.seed
    if getattr(args, "controls", None) is not None:
        base["controls"] = _controls(args.controls)
    if getattr(args, "novelty_gate", False):
        base["novelty_gate"] = True
    return EngramConfig.from_dict(base)


def _seeds_of(args) -> tuple:
    return (args.seed,) if getattr(args, "seed", None) is not None else tuple(getattr(args, "seeds", REPORT_SEEDS))


def check_args(args) -> None:
    """The options, checked before any work (raises a one-line ``ValueError`` naming the option)."""
    from neuromem.engines import engine_names
    from neuromem.network.presets import _read

    k = args.presentations
    if k is not None and not 1 <= k <= 100:
        raise ValueError(f"--presentations {k} is out of range; allowed 1..100")
    if args.max_test_pictures is not None and args.max_test_pictures < 1:
        raise ValueError(f"--max-test-pictures {args.max_test_pictures} must be at least 1")
    if args.seed is not None and args.seed < 0:
        raise ValueError(f"--seed {args.seed} must be >= 0")
    if args.controls is not None:
        unknown = set(_controls(args.controls)) - set(CONTROLS)
        if unknown:
            raise ValueError(f"--controls: unknown {sorted(unknown)}; allowed {','.join(CONTROLS)}")
    if args.preset is not None:
        _read(args.preset)  # FileNotFoundError naming where it looked
    cfg = config_from_args(args)
    if cfg.engine not in engine_names():
        raise ValueError(f"unknown engine {cfg.engine!r}; known engines: {engine_names()}")


def main(args: argparse.Namespace, request, out: Path) -> int:
    """Run every seed on its own split (``request.encode(seed)``), print mean ± 95 % CI of the main metrics.

    With one seed, ``out`` holds that run's results; with several,
    ``out/seed_<S>/`` holds each run and ``out/metrics.json`` the summary
    (every number's mean over seeds and ``<metric>_ci95``, plus ``per_seed``).

    Returns the exit status (0).
    """
    check_args(args)
    seeds = _seeds_of(args)
    configs = [config_from_args(args, seed=s) for s in seeds]  # option errors before any encoding
    if request is None:
        raise ValueError("engram formation encodes a dataset per seed; give it an EncodeRequest")
    given = getattr(request, "clock", None)  # a caller's clock: the caller prints the timings; our own: we do
    clock = given or StageClock()
    request = request.with_options(min_train=configs[0].presentations)
    out = Path(out)
    per_seed = []
    for seed, cfg in zip(seeds, configs):
        with clock.stage("encoding"):
            space = request.encode(seed).space
            feats = request.backbone_features(seed)
        seed_out = out if len(seeds) == 1 else out / f"seed_{seed}"
        with clock.stage("engram formation"):
            per_seed.append(run_engram_formation(space, cfg, out_dir=seed_out, progress=not args.quiet,
                                                 figures=not args.no_figures, dataset=request.dataset,
                                                 backbone_features=feats))
    summary = per_seed[0] if len(seeds) == 1 else {
        **summarise_seeds(per_seed, keep=("dataset", "engine", "test_engine", "preset", "modalities",
                                          "human_concepts_per_responsive_neuron", "criterion")),
        "seeds": list(seeds), "per_seed": {str(s): m for s, m in zip(seeds, per_seed)}}
    if len(seeds) > 1:
        EngramSummary(metrics=summary).save(out)
    _print_summary(summary, seeds, per_seed[0]["chance_recall_at_1_interval95"])
    print(f"results: {out / METRICS_FILE}" + (" (+ seed_<S>/ per seed)" if len(seeds) > 1 else ""))
    if given is None:
        print(clock.line())
    return 0


def _print_summary(summary: dict, seeds, chance_band) -> None:
    print(f"seeds {','.join(str(s) for s in seeds)} (mean ± 95 % t-interval over seeds)" if len(seeds) > 1
          else f"seed {seeds[0]} ({ONE_SEED})")
    for key, label in _PRINTED:
        v = summary.get(key)
        if isinstance(v, float):
            ci = summary.get(f"{key}_ci95")
            print(f"  {label:50s} {mean_ci_text(v, ci if isinstance(ci, float) else None)}")
    lo, hi = chance_band
    for name, m in summary.get("controls", {}).items():
        v = m.get("picture_to_name_recall_at_1")
        inv = m.get("invariance_index")
        print(f"  control {name:22s} picture->name {v:.3f} (chance band {lo:.3f}-{hi:.3f})  invariance "
              f"{inv if inv is None else round(inv, 3)}")


def results_exist(folder) -> bool:
    """Whether ``folder`` holds results of this experiment."""
    return (Path(folder) / RESULTS_FILE).is_file()


def make_figures(results, out=None) -> list[Path]:
    """Rebuild the figures from a results folder (``metrics.json`` + ``engram_results.npz``)."""
    from neuromem.viz.engram import write_all

    results = Path(results)
    out = Path(out) if out is not None else results
    names = write_all(EngramResults.load(results), out)
    return [out / n for n in names]
