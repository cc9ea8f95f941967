"""The experiment registry: one line per experiment.

An experiment is a module of :mod:`neuromem.experiments` that defines

``DESCRIPTION`` : str
    One line for ``neuromem run --help``.
``NEEDS_LATENT_SPACE`` : bool
    Whether the CLI encodes a dataset first (and adds the dataset options).
``add_cli_arguments(parser)``
    Adds the experiment's own options.
``main_from_args(space, args) -> int``
    Runs it (``space`` is the encoded LatentSpace, or None) and returns the exit status.

and optionally ``ENCODES_PER_SEED = True`` (the CLI then adds the dataset
options and sets ``args.encode_seed(seed) -> EncodeResult``, so the experiment
can run several seeds, each on its own split), ``results_exist(folder) -> bool`` with
``make_figures(folder, out) -> list[Path]`` (used by ``neuromem figures``).
Adding an experiment is one module plus one line in :data:`EXPERIMENTS`
(or one :func:`register_experiment` call). Modules are imported when used,
and an import error inside one surfaces as it is.
"""

from __future__ import annotations

import importlib

__all__ = ["EXPERIMENTS", "REQUIRED_ATTRIBUTES", "experiment_names", "load_experiment", "register_experiment"]

#: name (the ``neuromem run`` sub-command) -> module
EXPERIMENTS: dict[str, str] = {
    "engram-formation": "neuromem.experiments.engram_formation",
    "binding-window": "neuromem.experiments.binding_window",
    "compare-binding": "neuromem.experiments.compare_binding",
}

REQUIRED_ATTRIBUTES = ("DESCRIPTION", "NEEDS_LATENT_SPACE", "add_cli_arguments", "main_from_args")


def register_experiment(name: str, module: str) -> None:
    """Register (or replace) an experiment at run time."""
    EXPERIMENTS[str(name)] = str(module)


def experiment_names() -> list[str]:
    return sorted(EXPERIMENTS)


def load_experiment(name: str):
    """Import the experiment module registered as ``name``.

    Raises
    ------
    KeyError
        For an unregistered name.
    TypeError
        If the module lacks one of :data:`REQUIRED_ATTRIBUTES`.
    """
    if name not in EXPERIMENTS:
        raise KeyError(f"unknown experiment {name!r}; known experiments: {experiment_names()}")
    mod = importlib.import_module(EXPERIMENTS[name])
    missing = [a for a in REQUIRED_ATTRIBUTES if not hasattr(mod, a)]
    if missing:
        raise TypeError(f"experiment module {mod.__name__} lacks {missing}")
    return mod
