"""The engine registry: one table, engines imported lazily by name.

Adding an engine is one line in :data:`ENGINES` (or one
:func:`register_engine` call from user code). Nothing here imports an
engine's library until :func:`make_engine` is called.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import NamedTuple

from neuromem.engines.base import Engine, EngineUnavailable
from neuromem.network.spec import NetworkSpec

__all__ = ["ENGINES", "EngineEntry", "available_engines", "engine_class", "engine_names", "engine_status",
           "make_engine", "register_engine"]


class EngineEntry(NamedTuple):
    """One registered engine.

    Parameters
    ----------
    target : str
        ``"module:ClassName"``; imported only when the engine is made.
    requires : tuple of str
        Top-level packages the engine needs (checked without importing them).
    extra : str or None
        The ``neuromem[...]`` extra that installs them (None: part of the base install).
    options : dict
        Keyword arguments passed to the class (e.g. a mode).
    """

    target: str
    requires: tuple = ()
    extra: str | None = None
    options: dict = {}


_B2 = "neuromem.engines.brian2.engine:Brian2Engine"

#: name -> entry; the one place engines are registered.
ENGINES: dict[str, EngineEntry] = {
    "brian2": EngineEntry(_B2, ("brian2",), "brian2", {"mode": "standalone"}),
    "brian2-standalone": EngineEntry(_B2, ("brian2",), "brian2", {"mode": "standalone"}),
    "brian2-runtime": EngineEntry(_B2, ("brian2",), "brian2", {"mode": "runtime"}),
    "numba": EngineEntry("neuromem.engines.numba.engine:NumbaEngine", ("numba",), None),
    "norse": EngineEntry("neuromem.engines.norse.engine:NorseEngine", ("torch", "norse"), "norse"),
    "reference": EngineEntry("neuromem.engines.reference:ReferenceEngine", (), None),
    "torch-batched": EngineEntry("neuromem.engines.torch_batched.engine:TorchBatchedEngine", ("torch",), None),
}


def register_engine(name: str, target: str, *, requires: tuple[str, ...] = (), extra: str | None = None,
                    **options) -> None:
    """Register (or replace) an engine under ``name`` at run time (see :class:`EngineEntry`)."""
    if not isinstance(target, str) or target.count(":") != 1:
        raise ValueError(f"target={target!r} must be 'module:ClassName'")
    ENGINES[str(name)] = EngineEntry(target, tuple(requires), extra, dict(options))


def engine_names() -> list[str]:
    """Names of every registered engine (installed or not)."""
    return sorted(ENGINES)


def _missing(requires) -> list[str]:
    return [r for r in requires if importlib.util.find_spec(r) is None]


def available_engines() -> dict[str, str]:
    """``{name: "ok" | "missing <packages>"}`` for every registered engine."""
    out = {}
    for n, e in sorted(ENGINES.items()):
        miss = _missing(e.requires)
        out[n] = "ok" if not miss else "missing " + ", ".join(miss)
    return out


#: Alias used by ``neuromem info``.
engine_status = available_engines


def engine_class(name: str):
    """``(class, options)`` of the engine registered as ``name`` (imports its library).

    Raises
    ------
    KeyError
        For an unregistered name.
    EngineUnavailable
        When a package the engine needs is not installed (the message names the extra that installs it).
    """
    if name not in ENGINES:
        raise KeyError(f"unknown engine {name!r}; known engines: {engine_names()}")
    e = ENGINES[name]
    miss = _missing(e.requires)
    if miss:
        hint = f"pip install 'neuromem[{e.extra}]'" if e.extra else f"pip install {' '.join(miss)}"
        raise EngineUnavailable(f"engine {name!r} needs {', '.join(miss)}, which is not installed; "
                                f"install it with: {hint}")
    mod_name, cls_name = e.target.split(":")
    cls = getattr(importlib.import_module(mod_name), cls_name)
    if not (isinstance(cls, type) and issubclass(cls, Engine)):
        raise TypeError(f"engine {name!r}: {e.target} is not an Engine subclass")
    return cls, dict(e.options)


def make_engine(name: str, spec: NetworkSpec, *, seed=0, **kwargs) -> Engine:
    """Instantiate the engine registered as ``name`` for ``spec`` (``kwargs`` override its options)."""
    cls, options = engine_class(name)
    return cls(spec, seed=seed, **{**options, **kwargs})
