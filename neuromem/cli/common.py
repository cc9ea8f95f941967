"""What several commands share: the dataset and encoder options, the output folder check, the version."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

__all__ = ["HelpFormatter", "add_dataset_args", "check_dataset_args", "check_out_dir", "dataset_option_values",
           "encode_request", "encoder_config", "log", "out_dir_removed_if_unused", "package_version"]


class HelpFormatter(argparse.HelpFormatter):
    """Wraps the description as one paragraph; keeps the example epilog's lines as written."""

    def _fill_text(self, text, width, indent):
        if text.startswith("example:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def package_version(mod: str) -> str:
    """The installed version of distribution ``mod``, or ``"not installed"``."""
    try:
        from importlib.metadata import version

        return version(mod)
    except Exception:
        return "not installed"


def log(msg: str) -> None:
    """A progress line on standard output, flushed at once."""
    print(msg, flush=True)


def add_dataset_args(p, *, seed: bool = True, quiet: bool = True, dataset_required: bool = False,
                     dataset_help: str | None = None, fit_help: str | None = None) -> None:
    """The dataset and encoder options, with each registered dataset's own options.

    ``seed=False`` leaves ``--seed`` to the command (an experiment declares
    its own); ``quiet=False`` leaves ``--quiet`` to it; ``dataset_required``
    makes ``--dataset`` required (no default); ``dataset_help`` and
    ``fit_help`` replace the help of ``--dataset`` and ``--fit-concepts``.
    """
    from neuromem.data.registry import dataset_names, dataset_options

    names = dataset_names()
    dataset_default = {"required": True} if dataset_required else {"default": "digits"}
    p.add_argument("--dataset", **dataset_default, help=dataset_help or (
        f"{', '.join(names[:-1])} or {names[-1]} (digits is embedded; a folder has one sub-folder per concept)"))
    if seed:
        p.add_argument("--seed", type=int, default=3,
                       help="split seed (default 3, a report seed; 0-2 are the tuning seeds)")
    for opt in dataset_options():
        p.add_argument(opt.flag, type=opt.type, default=opt.default, help=opt.help, metavar=opt.metavar)
    p.add_argument("--backbone", default="efficientnet_lite0", help="efficientnet_lite0 | resnet18 | resnet50")
    p.add_argument("--weights", default=None, help="backbone weights file (ResNets; never downloaded)")
    p.add_argument("--input-size", type=int, default=64, help="backbone input side in pixels (default 64)")
    p.add_argument("--latent-dim", type=int, default=64, help="latent size (default 64)")
    p.add_argument("--heldout-fraction", type=float, default=0.2, help="held-out fraction per concept (0.2)")
    p.add_argument("--no-spoken", action="store_true", help="skip spoken names (no espeak-ng needed)")
    p.add_argument("--fit-concepts", default=None, metavar="NAMES|FRACTION", help=fit_help or (
                   "concept split: comma-separated concept names, or a fraction with a decimal point (0.5) "
                        "of the concepts chosen by the seed, fit the encoder parts; the others are novel "
                        "(default: all concepts fit them, no split)"))
    p.add_argument("--no-cache", action="store_true", help="recompute everything")
    if quiet:
        p.add_argument("--quiet", action="store_true", help="no progress bars")


def dataset_option_values(args) -> dict:
    """``{name: value}`` of every registered dataset option as parsed (the loader keeps its own)."""
    from neuromem.data.registry import dataset_options

    return {o.name: getattr(args, o.name, None) for o in dataset_options()}


def check_dataset_args(args) -> None:
    """Dataset options checked before any work (raises a one-line ``ValueError``)."""
    from neuromem.data.registry import dataset_entry

    dataset_entry(args.dataset)  # an unknown name, or folder: without a path
    per_concept = getattr(args, "per_concept", None)
    if per_concept is not None and (per_concept < 0 or per_concept == 1):
        raise ValueError(f"--per-concept {per_concept} must be 0 (all) or at least 2")


def encoder_config(args):
    """The :class:`~neuromem.encoders.EncoderConfig` of the encoder options."""
    from neuromem.encoders import EncoderConfig

    return EncoderConfig(backbone=args.backbone, input_size_px=args.input_size, latent_dim=args.latent_dim,
                         heldout_fraction=args.heldout_fraction, spoken=not args.no_spoken, weights=args.weights)


def encode_request(args, *, min_train: int = 1):
    """The :class:`~neuromem.encoders.request.EncodeRequest` of the dataset and encoder options."""
    from neuromem.encoders.request import EncodeRequest

    return EncodeRequest(dataset=args.dataset, dataset_options=tuple(dataset_option_values(args).items()),
                         min_train=min_train, encoder=encoder_config(args), fit_concepts=args.fit_concepts,
                         use_cache=not args.no_cache, progress=not args.quiet,
                         log=(lambda *_: None) if args.quiet else log)


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


class out_dir_removed_if_unused:
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
