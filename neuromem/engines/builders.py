"""Which engine builds which mechanism: one table, one builder per (engine, mechanism), one refusal.

Every engine family (its :attr:`~neuromem.engines.Engine.backend`) builds each
mechanism of a spec (:mod:`neuromem.network.mechanisms`) through the builder
listed here for (backend, mechanism class), in the way Nengo registers one
build function per object type. What a builder receives is the engine's own
vocabulary:

``reference``, ``numba``, ``norse``, ``torch-batched``
    ``builder(mechanism, k, spec, seed)`` writes the mechanism's per-step
    constants into ``k`` (a dict of
    :class:`~neuromem.engines.discrete.StepConstants` fields, holding the
    values that switch every mechanism off until a builder sets them). The
    array engines run the discrete model of
    :mod:`neuromem.engines.discrete` and share its builders; listing a
    builder under an engine's name says that the engine's loop implements
    the mechanism.
``brian2``
    ``builder(mechanism, model)`` adds equations, threshold terms, resets,
    objects and run-time values to a
    :class:`~neuromem.engines.brian2.model.ModelParts`.

:func:`check_mechanisms` is the one place a spec is refused for a mechanism
an engine cannot build (:class:`~neuromem.engines.Engine` calls it when an
engine is made).
"""

from __future__ import annotations

import importlib

from neuromem.network.mechanisms import (
    AdaptiveThreshold,
    HebbianFeedback,
    KWinnersTakeAll,
    LateralInhibition,
    PairSTDP,
    ThresholdSpread,
)

__all__ = ["BUILDERS", "MechanismUnsupported", "backends_for", "builder", "check_mechanisms", "register_builder"]


class MechanismUnsupported(ValueError):
    """A spec has a mechanism that the chosen engine cannot build."""


_D = "neuromem.engines.discrete:"
_B = "neuromem.engines.brian2.mechanisms:"
#: the engines whose loops run the discrete model (they share its builders)
ARRAY_BACKENDS = ("reference", "numba", "norse", "torch-batched")


def _array(name: str) -> dict:
    return {backend: _D + name for backend in ARRAY_BACKENDS}


#: mechanism class -> {engine backend: builder ("module:function", imported when used, or a callable)}.
BUILDERS: dict[type, dict[str, object]] = {
    PairSTDP: {**_array("build_pair_stdp"), "brian2": _B + "build_pair_stdp"},
    HebbianFeedback: {**_array("build_hebbian_feedback"), "brian2": _B + "build_hebbian_feedback"},
    AdaptiveThreshold: {**_array("build_adaptive_threshold"), "brian2": _B + "build_adaptive_threshold"},
    ThresholdSpread: {**_array("build_threshold_spread"), "brian2": _B + "build_threshold_spread"},
    LateralInhibition: {**_array("build_lateral_inhibition"), "brian2": _B + "build_lateral_inhibition"},
    KWinnersTakeAll: {**_array("build_k_winners"), "brian2": _B + "build_k_winners"},
}


def register_builder(backend: str, mechanism: type, target) -> None:
    """List (or replace) the builder of ``mechanism`` for an engine backend.

    Parameters
    ----------
    backend : str
        ``"reference"``, ``"numba"``, ``"norse"``, ``"brian2"`` or a new engine's backend name.
    mechanism : type
        A :class:`~neuromem.network.Mechanism` subclass.
    target : str or callable
        ``"module:function"`` or the builder itself (see the module docstring for its signature).
    """
    if isinstance(target, str) and target.count(":") != 1:
        raise ValueError(f"target={target!r} must be 'module:function' or a callable")
    if not (isinstance(target, str) or callable(target)):
        raise TypeError(f"target must be 'module:function' or a callable; got {type(target).__name__}")
    BUILDERS.setdefault(mechanism, {})[str(backend)] = target


def backends_for(mechanism: type) -> list[str]:
    """The engine backends that can build ``mechanism``."""
    return sorted(BUILDERS.get(mechanism, {}))


def check_mechanisms(spec, backend: str, engine: str) -> None:
    """Refuse a spec with a mechanism that ``backend`` has no builder for (the one place this is decided).

    Raises
    ------
    MechanismUnsupported
        Naming the engine, the mechanism, its preset section and the engines that can build it.
    """
    for m in spec.mechanisms:
        cls = type(m)
        if backend not in BUILDERS.get(cls, {}):
            able = backends_for(cls)
            raise MechanismUnsupported(
                f"engine {engine!r} cannot build the mechanism {cls.__name__} (preset section "
                f"[{m.section}]): it has no builder for it; "
                + (f"engines that can: {', '.join(able)}" if able else "no engine has a builder for it yet")
                + f"; or remove [{m.section}] from the network")


def builder(backend: str, mechanism: type):
    """The builder of ``mechanism`` for ``backend`` (imports it if listed as ``"module:function"``)."""
    target = BUILDERS.get(mechanism, {}).get(backend)
    if target is None:
        raise MechanismUnsupported(f"no {backend!r} builder for {mechanism.__name__}")
    if isinstance(target, str):
        mod, fn = target.split(":")
        target = getattr(importlib.import_module(mod), fn)
    return target
