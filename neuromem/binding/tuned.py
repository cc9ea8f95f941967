"""Every binder's tuned hyper-parameters: ``neuromem/binding/binders.toml``, read into binder options.

The file is written by :func:`neuromem.experiments.binding_tuning.tune`
(chosen once on the tuning seeds' validation split) and shipped as package
data, so a wheel install reads the same values. One section per binder
holds its chosen values; a dotted key (``pair_stdp.a_plus``) is a preset
section's parameter of a spiking binder (its ``spec_overrides``). The
``[tuning]`` table holds the grid and every candidate's scores; it is no
binder and is not read as options.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

__all__ = ["TUNED_FILE", "TUNING_TABLE", "binder_options", "comparison_options", "load_tuned", "read_tuning"]

#: The tuned hyper-parameters (package data).
TUNED_FILE = Path(__file__).resolve().with_name("binders.toml")
#: The table of ``binders.toml`` with the search record (grid, candidates, scores).
TUNING_TABLE = "tuning"
_CONFIG_KEYS = ("epochs", "learning_rate", "weight_decay")


def binder_options(values: dict) -> dict:
    """Constructor options of a binder from one section's values.

    ``epochs``, ``learning_rate`` and ``weight_decay`` become a backprop
    binder's :class:`~neuromem.binding._backprop.BackpropConfig` (``config``);
    a table value (``{"pair_stdp": {"a_plus": 0.05}}``, from dotted keys) is a
    preset section override and goes into ``spec_overrides``; every other key
    is passed as it is.
    """
    values = dict(values)
    out = {}
    if "epochs" in values:
        from neuromem.binding._backprop import BackpropConfig

        out["config"] = BackpropConfig(epochs=int(values["epochs"]), learning_rate=float(values["learning_rate"]),
                                       weight_decay=float(values.get("weight_decay", 0.0)))
    overrides = {k: dict(v) for k, v in values.items() if isinstance(v, dict)}
    if overrides:
        out["spec_overrides"] = overrides
    out.update({k: v for k, v in values.items() if k not in _CONFIG_KEYS and not isinstance(v, dict)})
    return out


def _read(path) -> dict:
    import tomllib

    path = Path(path)
    if not path.exists():
        return {}
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def load_tuned(path=TUNED_FILE) -> dict:
    """Binder options from ``binders.toml`` (``{}`` when absent): ``{binder: {"config": ..., ...}}``.

    A section under a binder's old name (a deprecated alias) is read as its current name's.
    """
    from neuromem.binding.registry import ALIASES

    return {ALIASES.get(name, name): binder_options(vals) for name, vals in _read(path).items()
            if name != TUNING_TABLE}  # an old name: its new one


def read_tuning(path=TUNED_FILE) -> dict:
    """The search record of ``binders.toml``: ``{binder: {"seeds", "shots", "grid", "candidates", ...}}``."""
    return dict(_read(path).get(TUNING_TABLE, {}))


#: Binders without a search of their own: the binder whose tuned values they take, and their own epochs.
BORROWED = {"surrogate-matched": ("surrogate", 30), "surrogate-matched-100": ("surrogate", 100)}


def comparison_options(engine: str = "numba", path=TUNED_FILE) -> dict:
    """Every binder's options in the comparison: the tuned values, and ``engine`` for the spiking STDP binders.

    ``surrogate-matched`` and ``surrogate-matched-100`` (:data:`BORROWED`) take ``surrogate``'s tuned values
    (loss, learning rates, batch size), each with its own epochs (30, 100): a search of their own (8
    candidates, BPTT through 2,000 steps per trial, 3 tuning seeds) does not fit two cores.
    """
    options = load_tuned(path)
    for name in ("stdp", "stdp-human-mtl"):
        options[name] = {**options.get(name, {}), "engine": engine}
    for name, (source, epochs) in BORROWED.items():
        if name not in options and source in options:
            options[name] = dict(options[source])
            if "config" in options[name]:  # recorded with the epochs the binder runs
                options[name]["config"] = replace(options[name]["config"], epochs=epochs)
    return options
