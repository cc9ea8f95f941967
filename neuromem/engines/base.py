"""Engine interface and registry.

An engine turns a :class:`~neuromem.network.NetworkSpec` into something
runnable. Experiments only use this interface, so adding an engine (e.g. a
PyTorch/Norse one) never changes an experiment:

>>> eng = make_engine("brian2-runtime", spec, seed=0)      # doctest: +SKIP
>>> result = eng.run(drive, plastic=True)                   # doctest: +SKIP
>>> state = eng.get_state()                                  # doctest: +SKIP

Only ``neuromem/engines/<name>/`` imports an engine's library; the registry
imports it lazily by name and a missing library gives a clear message.
"""

from __future__ import annotations

import abc
import importlib
import importlib.util
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from neuromem.coding.spikes import SpikeTrains
from neuromem.config import cache_dir
from neuromem.network.spec import NetworkSpec, NetworkState, initial_state

__all__ = [
    "Engine",
    "EngineUnavailable",
    "RunResult",
    "available_engines",
    "cache_dir",
    "engine_names",
    "engine_status",
    "make_engine",
    "register_engine",
]


class EngineUnavailable(ImportError):
    """The library an engine needs is not installed (or not usable here)."""


@dataclass(frozen=True)
class RunResult:
    """Concept-layer spikes of one :meth:`Engine.run` call (plain numpy data).

    Parameters
    ----------
    spike_indices : ndarray of int32
        Concept neuron of each spike.
    spike_steps : ndarray of int64
        Time step of each spike from the start of the run (time = step * dt_ms).
    n_neurons : int
    n_steps : int
    dt_ms : float
    """

    spike_indices: np.ndarray
    spike_steps: np.ndarray
    n_neurons: int
    n_steps: int
    dt_ms: float

    def __post_init__(self):
        i = np.asarray(self.spike_indices, dtype=np.int32)
        s = np.asarray(self.spike_steps, dtype=np.int64)
        order = np.lexsort((i, s))
        object.__setattr__(self, "spike_indices", i[order])
        object.__setattr__(self, "spike_steps", s[order])

    @property
    def spike_times_ms(self) -> np.ndarray:
        return self.spike_steps * self.dt_ms

    def counts(self, steps_per_window: int, *, window_steps: int | None = None, offset_steps: int = 0) -> np.ndarray:
        """Spike counts per consecutive window and neuron, shape (n_windows, n_neurons).

        Window ``k`` is ``[k * steps_per_window + offset_steps, ... + window_steps)``
        (``window_steps`` defaults to the whole period).
        """
        n_win = self.n_steps // steps_per_window
        win = steps_per_window if window_steps is None else window_steps
        k, r = np.divmod(self.spike_steps - offset_steps, steps_per_window)
        keep = (r >= 0) & (r < win) & (k >= 0) & (k < n_win)
        out = np.zeros((n_win, self.n_neurons), dtype=np.int64)
        np.add.at(out, (k[keep], self.spike_indices[keep]), 1)
        return out


class Engine(abc.ABC):
    """Runs a :class:`NetworkSpec`.

    Contract (checked by ``tests/engines``):

    * ``run(drive, plastic=...)`` simulates ``drive.n_steps`` steps of
      ``spec.sim.dt_ms``; ``drive`` holds the spikes of all input neurons
      (populations concatenated in ``spec.populations`` order). The run length
      must be a whole number of trial periods. At each trial start the
      dynamic variables (v, currents, traces, refractoriness) are reset;
      weights and adaptive thresholds persist across trials and runs.
    * ``plastic=True`` turns on STDP, feedback learning and threshold
      adaptation; ``plastic=False`` freezes all three.
    * ``bias_mv`` adds a constant drive ``R I`` (mV) per concept neuron.
    * Identical spec, state and drive give identical spikes.

    Parameters
    ----------
    spec : NetworkSpec
    seed : int
        Seed of the initial state (see :func:`~neuromem.network.initial_state`).
    progress : bool
        Show a progress bar during long runs.
    """

    name: ClassVar[str] = "abstract"

    def __init__(self, spec: NetworkSpec, *, seed: int = 0, progress: bool = False):
        if not isinstance(spec, NetworkSpec):
            raise TypeError(f"spec must be a NetworkSpec; got {type(spec).__name__}")
        self.spec = spec
        self.seed = seed
        self.progress = bool(progress)
        self._state = initial_state(spec, seed)

    def get_state(self) -> NetworkState:
        """Copy of the current weights and thresholds."""
        return self._state.copy()

    def set_state(self, state: NetworkState) -> None:
        """Replace the weights and thresholds (copied)."""
        state.check(self.spec)
        self._state = state.copy()

    def reset(self) -> None:
        """Back to the seeded initial state."""
        self._state = initial_state(self.spec, self.seed)

    def _check_drive(self, drive: SpikeTrains, bias_mv) -> np.ndarray:
        if not isinstance(drive, SpikeTrains):
            raise TypeError(f"drive must be SpikeTrains; got {type(drive).__name__}")
        if drive.n_neurons != self.spec.n_inputs:
            raise ValueError(f"drive has {drive.n_neurons} input neurons; the network has {self.spec.n_inputs} "
                             f"({', '.join(f'{p.modality}: {p.n_neurons}' for p in self.spec.populations)})")
        if abs(drive.dt_ms - self.spec.sim.dt_ms) > 1e-12:
            raise ValueError(f"drive uses dt_ms={drive.dt_ms}; the network uses {self.spec.sim.dt_ms}")
        per = self.spec.sim.steps_per_trial
        if drive.n_steps == 0 or drive.n_steps % per:
            raise ValueError(f"drive lasts {drive.n_steps} steps; it must be a positive multiple of the trial "
                             f"period ({per} steps)")
        nc = self.spec.concept.n_neurons
        b = np.zeros(nc) if bias_mv is None else np.broadcast_to(np.asarray(bias_mv, dtype=np.float64), (nc,)).copy()
        if not np.all(np.isfinite(b)) or np.abs(b).max(initial=0) > 1e4:
            raise ValueError("bias_mv must be finite and within +-1e4 mV")
        return b

    @abc.abstractmethod
    def run(self, drive: SpikeTrains, *, plastic: bool, bias_mv=None) -> RunResult:
        """Simulate ``drive`` and return the concept spikes (see the class contract)."""


# ---- registry -----------------------------------------------------------------
_REGISTRY: dict[str, tuple[str, tuple[str, ...], dict]] = {}


def register_engine(name: str, target: str, *, requires: tuple[str, ...] = (), **options) -> None:
    """Register an engine under ``name``.

    Parameters
    ----------
    name : str
        Name used by :func:`make_engine` (e.g. ``"brian2-standalone"``).
    target : str
        ``"module:ClassName"``; imported only when the engine is made.
    requires : tuple of str
        Top-level packages the engine needs (checked without importing them).
    **options
        Keyword arguments passed to the class (e.g. a mode).
    """
    _REGISTRY[name] = (target, tuple(requires), dict(options))


def engine_names() -> list[str]:
    return sorted(_REGISTRY)


def _missing(requires) -> list[str]:
    return [r for r in requires if importlib.util.find_spec(r) is None]


def available_engines() -> dict[str, str]:
    """``{name: "ok" | "missing <packages>"}`` for every registered engine."""
    return {n: ("ok" if not _missing(req) else "missing " + ", ".join(_missing(req)))
            for n, (_, req, _) in sorted(_REGISTRY.items())}


#: Alias used by ``neuromem info``.
engine_status = available_engines


def engine_class(name: str):
    """The engine class and its registered options (imports its library)."""
    if name not in _REGISTRY:
        raise KeyError(f"unknown engine {name!r}; known engines: {engine_names()}")
    target, requires, options = _REGISTRY[name]
    miss = _missing(requires)
    if miss:
        raise EngineUnavailable(f"engine {name!r} needs {', '.join(miss)}, which is not installed; "
                                f"install it with: pip install 'neuromem[{miss[0]}]'")
    mod_name, cls_name = target.split(":")
    return getattr(importlib.import_module(mod_name), cls_name), options


def make_engine(name: str, spec: NetworkSpec, *, seed: int = 0, **kwargs) -> Engine:
    """Instantiate the engine registered as ``name`` for ``spec``."""
    cls, options = engine_class(name)
    return cls(spec, seed=seed, **{**options, **kwargs})


register_engine("brian2", "neuromem.engines.brian2.engine:Brian2Engine", requires=("brian2",), mode="standalone")
register_engine("brian2-standalone", "neuromem.engines.brian2.engine:Brian2Engine", requires=("brian2",),
                mode="standalone")
register_engine("brian2-runtime", "neuromem.engines.brian2.engine:Brian2Engine", requires=("brian2",),
                mode="runtime")
