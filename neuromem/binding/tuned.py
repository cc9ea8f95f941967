"""The backprop binders' tuned hyper-parameters: ``neuromem/binding/binders.toml``, read into binder options.

The file is written by :func:`neuromem.experiments.binding_tuning.tune`
(chosen once on the tuning seeds' validation split) and shipped as package
data, so a wheel install reads the same values.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["TUNED_FILE", "binder_options", "load_tuned"]

#: The tuned hyper-parameters (package data).
TUNED_FILE = Path(__file__).resolve().with_name("binders.toml")
_CONFIG_KEYS = ("epochs", "learning_rate", "weight_decay")


def binder_options(values: dict) -> dict:
    """Constructor options of a backprop binder from one section's values.

    ``epochs``, ``learning_rate`` and ``weight_decay`` become its
    :class:`~neuromem.binding._backprop.BackpropConfig` (``config``); every
    other key is passed as it is.
    """
    from neuromem.binding._backprop import BackpropConfig

    cfg = BackpropConfig(epochs=int(values["epochs"]), learning_rate=float(values["learning_rate"]),
                         weight_decay=float(values.get("weight_decay", 0.0)))
    return {"config": cfg, **{k: v for k, v in values.items() if k not in _CONFIG_KEYS}}


def load_tuned(path=TUNED_FILE) -> dict:
    """Binder options from ``binders.toml`` (``{}`` when absent): ``{binder: {"config": ..., ...}}``.

    A section under a binder's old name (a deprecated alias) is read as its current name's.
    """
    import tomllib

    path = Path(path)
    if not path.exists():
        return {}
    with open(path, "rb") as fh:
        d = tomllib.load(fh)
    from neuromem.binding.registry import ALIASES

    return {ALIASES.get(name, name): binder_options(vals) for name, vals in d.items()}  # an old name: its new one
