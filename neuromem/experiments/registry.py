"""The experiment registry: one line per experiment.

An experiment is a package (or module) of :mod:`neuromem.experiments` that defines

``DESCRIPTION`` : str
    One line for ``neuromem run --help``.
``HELP`` : str
    One paragraph for ``neuromem run <name> --help``.
``EXAMPLE`` : str
    A command line to start from.
``ENCODES`` : bool
    Whether the command line adds the dataset and encoder options and passes
    an :class:`~neuromem.encoders.request.EncodeRequest` (the experiment
    encodes each seed's split with ``request.encode(seed)``; it never reads
    the dataset's option names).
``add_arguments(parser)``
    Adds the experiment's own options (``--seed`` / ``--seeds`` included;
    the command line adds ``--out`` and ``--quiet``).
``check_args(args)``
    Raises a one-line ``ValueError`` for a bad option, before any work (and
    before the output folder is created).
``main(args, request, out) -> int``
    Runs it: ``request`` is the EncodeRequest (None unless ``ENCODES``),
    ``out`` the created output folder (a Path); returns the exit status.

and optionally ``results_exist(folder) -> bool`` with ``make_figures(folder, out) -> list[Path]``
(used by ``neuromem figures``), and, to be sweepable (``neuromem sweep``), ``CONFIG`` (the options' frozen
dataclass, with a ``seed`` field or a ``seeds`` tuple that a cell sets to its one seed, and a
``spec_overrides`` dict for ``spec.<section>.<field>`` grid keys), ``config_from_args(args) -> CONFIG`` and
``run_cell(config, space, *, dataset) -> dict`` (one seed on one latent space, or ``space=None`` for an
experiment with ``ENCODES = False``; nothing written; its metrics, whose numeric scalars, nested dicts
included, become the sweep table's rows), optionally ``check_sweep_args(args)`` (a one-line ``ValueError``
for an option a sweep cannot use) and ``SWEEP_METRIC`` (the metric, or the group of metrics, of the sweep's
figure by default). Adding an experiment is one package plus one
line in :data:`EXPERIMENTS` (or one :func:`register_experiment` call).
Modules are imported when used, and an import error inside one surfaces as it is.
"""

from __future__ import annotations

import importlib

__all__ = ["EXPERIMENTS", "REQUIRED_ATTRIBUTES", "experiment_names", "load_experiment", "register_experiment"]

#: name (the ``neuromem run`` sub-command) -> module
EXPERIMENTS: dict[str, str] = {
    "engram-formation": "neuromem.experiments.engram_formation",
    "binding-window": "neuromem.experiments.binding_window",
    "compare-binding": "neuromem.experiments.compare_binding",
    "concept-cells": "neuromem.experiments.concept_cells",
    "concept-association": "neuromem.experiments.concept_association",
    "compression": "neuromem.experiments.compression",
    "novelty-gate": "neuromem.experiments.novelty_gate",
}

REQUIRED_ATTRIBUTES = ("DESCRIPTION", "HELP", "EXAMPLE", "ENCODES", "add_arguments", "check_args", "main")


def register_experiment(name: str, module: str) -> None:
    """Register (or replace) an experiment at run time."""
    EXPERIMENTS[str(name)] = str(module)


def experiment_names() -> list[str]:
    return sorted(EXPERIMENTS)


def load_experiment(name: str):
    """Import the experiment registered as ``name``.

    Raises
    ------
    KeyError
        For an unregistered name.
    TypeError
        If it lacks one of :data:`REQUIRED_ATTRIBUTES`.
    """
    if name not in EXPERIMENTS:
        raise KeyError(f"unknown experiment {name!r}; known experiments: {experiment_names()}")
    mod = importlib.import_module(EXPERIMENTS[name])
    missing = [a for a in REQUIRED_ATTRIBUTES if not hasattr(mod, a)]
    if missing:
        raise TypeError(f"experiment {mod.__name__} lacks {missing}")
    return mod
