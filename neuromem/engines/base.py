"""The engine interface: what every engine implements, and the rules stated once.

An engine turns a :class:`~neuromem.network.NetworkSpec` into something
runnable. Experiments and runtime objects only use this interface, so adding
an engine never changes an experiment:

>>> eng = make_engine("brian2-runtime", spec, seed=0)      # doctest: +SKIP
>>> result = eng.run(drive, plastic=True)                   # doctest: +SKIP
>>> eng.store(); eng.run(other, plastic=True); eng.restore()  # doctest: +SKIP

A new engine subclasses :class:`Engine`, implements three methods
(``_read_state``, ``_write_state``, ``_run``) and gets one line in
:mod:`neuromem.engines.registry`; it builds the spec's mechanisms through
its builders in :data:`neuromem.engines.builders.BUILDERS` (its
:attr:`Engine.backend`). Only ``neuromem/engines/<name>/`` imports an
engine's library.
"""

from __future__ import annotations

import abc
import math
import time
from dataclasses import dataclass, field, replace
from typing import ClassVar, NamedTuple

import numpy as np

from neuromem.coding.spikes import SpikeTrains
from neuromem.engines.builders import check_mechanisms
from neuromem.network.spec import NetworkSpec, NetworkState, initial_state

__all__ = ["Engine", "EngineUnavailable", "RunFlags", "RunResult", "run_flags"]


class EngineUnavailable(ImportError):
    """The library an engine needs is not installed (or not usable here)."""


@dataclass(frozen=True)
class RunResult(SpikeTrains):
    """Concept-layer spikes of one :meth:`Engine.run` call, plus its simulation wall time.

    A :class:`~neuromem.coding.SpikeTrains` of the concept neurons (spikes
    sorted by step, then neuron) with one extra field.

    Parameters
    ----------
    indices : ndarray of int32, shape (n_spikes,)
        Concept neuron of each spike.
    steps : ndarray of int64, shape (n_spikes,)
        Time step of each spike from the start of the run (time = step * dt_ms).
    n_neurons, n_steps : int
    dt_ms : float
    wall_s : float
        Wall-clock seconds the engine spent simulating (for Brian2
        cpp_standalone: the compiled program's own simulation time, without
        writing inputs or starting the program); NaN when unknown.
    v_neurons : ndarray of int64, shape (n_recorded,), or None
        The concept neurons whose membrane potential was recorded (``record_v`` of :meth:`Engine.run`).
    v_mv : ndarray of float32, shape (n_steps, n_recorded), or None
        Their membrane potential at the end of each step, mV (see :meth:`Engine.run`).
    """

    wall_s: float = field(default=math.nan, compare=False)
    v_neurons: np.ndarray | None = field(default=None, compare=False)
    v_mv: np.ndarray | None = field(default=None, compare=False)

    def __post_init__(self):
        i = np.asarray(self.indices, dtype=np.int32)
        s = np.asarray(self.steps, dtype=np.int64)
        if i.shape == s.shape and i.ndim == 1:
            order = np.lexsort((i, s))
            object.__setattr__(self, "indices", i[order])
            object.__setattr__(self, "steps", s[order])
        super().__post_init__()

    # names used by the engram experiment's files
    @property
    def spike_indices(self) -> np.ndarray:
        """Alias of :attr:`indices`."""
        return self.indices

    @property
    def spike_steps(self) -> np.ndarray:
        """Alias of :attr:`steps`."""
        return self.steps


class RunFlags(NamedTuple):
    """What a run may change; derived once from ``plastic`` by :meth:`Engine.flags`.

    Parameters
    ----------
    learn : bool
        STDP of the latent->concept weights, growth of the feedback weights
        and threshold increments ``theta += theta_plus_mv`` at concept spikes.
    adapt : bool
        Whether theta raises the threshold (``v > v_thresh + theta``).
    keep_theta : bool
        Whether the changes of theta during the run (increments and decay)
        are kept afterwards.
    """

    learn: bool
    adapt: bool
    keep_theta: bool


def run_flags(spec: NetworkSpec, plastic: bool) -> RunFlags:
    """The one rule for what a run may change (see :class:`RunFlags`): learning is ``plastic``; theta raises
    the threshold while learning, and at test only if ``AdaptiveThreshold.apply_at_test``; the changes of theta
    are kept only after a learning run."""
    plastic = bool(plastic)
    ho = spec.homeostasis
    return RunFlags(learn=plastic, adapt=ho.raises_threshold(plastic) if ho is not None else plastic,
                    keep_theta=plastic)


class Engine(abc.ABC):
    """Runs a :class:`NetworkSpec`.

    Contract (stated here once for every engine and checked by
    ``tests/engines``; the step order is :mod:`neuromem.engines.discrete`,
    the trial-reset rule :data:`neuromem.protocols.RESET_RULE`):

    * ``run(drive, plastic=...)`` simulates ``drive.n_steps`` steps of
      ``spec.sim.dt_ms``; ``drive`` holds the spikes of all input neurons
      (populations concatenated in ``spec.populations`` order). The run length
      must be a whole number of trial periods. At each trial start the state
      is reset as :data:`~neuromem.protocols.RESET_RULE` states (dynamic
      variables, traces and the k-winners-take-all winner set reset;
      weights, adaptive thresholds and threshold offsets persist).
    * Every mechanism of the spec is built by the engine's builder for it
      (:data:`neuromem.engines.builders.BUILDERS`); a spec with a mechanism
      the engine has no builder for is refused when the engine is made
      (:class:`~neuromem.engines.builders.MechanismUnsupported`).
    * ``plastic=True`` turns on STDP, feedback learning and threshold
      adaptation (theta raises the threshold and grows at spikes);
      ``plastic=False`` freezes all three: theta raises the threshold only if
      ``AdaptiveThreshold.apply_at_test``, and whatever theta does during a
      frozen run is discarded afterwards (see :func:`run_flags`).
    * ``bias_mv`` adds a constant drive ``R I`` (mV) per concept neuron.
    * ``record_v`` (distinct concept-neuron indices) records their membrane
      potential at the *end* of every step (after integration, threshold and
      reset, so a neuron that spiked shows ``v_reset``; at the end of a
      trial's last step, before the next trial's reset): ``v_mv[t, q]`` is
      neuron ``record_v[q]``'s potential at the end of step ``t``.
    * Identical spec, state and drive give identical spikes.

    State is handled here once: the initial state is built from ``seed``
    (:func:`~neuromem.network.initial_state`) the first time it is needed;
    :meth:`get_state`, :meth:`set_state`, :meth:`reset`, :meth:`store` and
    :meth:`restore` work through two hooks each engine implements,
    ``_read_state()`` and ``_write_state(state)``.

    Parameters
    ----------
    spec : NetworkSpec
    seed : int or numpy.random.SeedSequence
        Seed of the initial state (and of the mechanisms drawing from it, e.g.
        :class:`~neuromem.network.ThresholdSpread`).
    progress : bool
        Show a progress bar during long runs.

    Raises
    ------
    MechanismUnsupported
        If the engine has no builder for one of the spec's mechanisms.
    """

    name: ClassVar[str] = "abstract"
    #: Whose mechanism builders the engine uses (:data:`neuromem.engines.builders.BUILDERS`); None: an engine
    #: that reads the spec itself (its mechanisms are then not checked).
    backend: ClassVar[str | None] = None
    #: Whether ``_run`` takes ``record_v`` (membrane recording).
    records_v: ClassVar[bool] = False

    def __init__(self, spec: NetworkSpec, *, seed=0, progress: bool = False):
        if not isinstance(spec, NetworkSpec):
            raise TypeError(f"spec must be a NetworkSpec; got {type(spec).__name__}")
        if not isinstance(seed, np.random.SeedSequence) and (
                isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
            raise TypeError(f"seed must be a non-negative int or a numpy SeedSequence; got {seed!r}")
        if self.backend is not None:
            check_mechanisms(spec, self.backend, self.name)
        self.spec = spec
        self.seed = seed
        self.progress = bool(progress)
        self._state_written = False
        self._stored: dict[str, NetworkState] = {}

    # ---- hooks each engine implements --------------------------------------------------
    @abc.abstractmethod
    def _read_state(self) -> NetworkState:
        """The current weights and thresholds as a new (float64) NetworkState."""

    @abc.abstractmethod
    def _write_state(self, state: NetworkState) -> None:
        """Load ``state`` (already checked against the spec); keep no reference to its arrays."""

    @abc.abstractmethod
    def _run(self, drive: SpikeTrains, flags: RunFlags, bias_mv: np.ndarray) -> RunResult:
        """Simulate a checked drive with the given flags (see the class contract).

        An engine with ``records_v = True`` also takes ``record_v`` (checked int64 indices, or None) and
        returns the potentials as ``v_mv`` (n_steps, n_recorded) in any float dtype.
        """

    # ---- state ---------------------------------------------------------------------------
    def initial_state(self) -> NetworkState:
        """The seeded initial state (a new copy each call)."""
        return initial_state(self.spec, self.seed)

    def _ensure_state(self) -> None:
        if not self._state_written:
            self._write_state(self.initial_state())
            self._state_written = True

    def get_state(self) -> NetworkState:
        """Copy of the current weights and thresholds."""
        self._ensure_state()
        return self._read_state()

    def set_state(self, state: NetworkState) -> None:
        """Replace the weights and thresholds (copied).

        Raises
        ------
        TypeError
            If ``state`` is not a NetworkState.
        ValueError
            If its shapes do not fit the spec or it holds NaN / inf.
        """
        if not isinstance(state, NetworkState):
            raise TypeError(f"state must be a NetworkState; got {type(state).__name__}")
        state.check(self.spec)
        self._write_state(state)
        self._state_written = True

    def reset(self) -> None:
        """Back to the seeded initial state."""
        self.set_state(self.initial_state())

    def store(self, name: str = "default") -> None:
        """Remember the current state under ``name`` (as Brian2's ``Network.store``)."""
        self._stored[str(name)] = self.get_state()

    def restore(self, name: str = "default") -> None:
        """Return to the state stored under ``name``.

        Raises
        ------
        KeyError
            If nothing was stored under ``name``.
        """
        if name not in self._stored:
            raise KeyError(f"no state stored under {name!r}; stored: {sorted(self._stored)} (call store() first)")
        self.set_state(self._stored[name])

    # ---- running -------------------------------------------------------------------------
    def flags(self, plastic: bool) -> RunFlags:
        """What a run may change (:func:`run_flags`)."""
        return run_flags(self.spec, plastic)

    def _check_record(self, record_v) -> np.ndarray | None:
        if record_v is None:
            return None
        if not self.records_v:
            raise ValueError(f"engine {self.name!r} does not record membrane potentials (record_v)")
        n = self.spec.concept.n_neurons
        idx = np.asarray(record_v)
        if idx.ndim != 1 or (len(idx) and not np.issubdtype(idx.dtype, np.integer)) or idx.dtype == bool:
            raise ValueError(f"record_v must be a sequence of concept-neuron indices (ints); got {record_v!r}")
        idx = idx.astype(np.int64)
        if len(idx) and (idx.min() < 0 or idx.max() >= n):
            raise ValueError(f"record_v holds {idx.min()}..{idx.max()}; concept neurons are 0..{n - 1}")
        if len(np.unique(idx)) != len(idx):
            raise ValueError("record_v must not name a neuron twice")
        return idx

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

    def run(self, drive: SpikeTrains, *, plastic: bool, bias_mv=None, record_v=None) -> RunResult:
        """Simulate ``drive`` and return the concept spikes (see the class contract).

        Parameters
        ----------
        drive : SpikeTrains
            Spikes of every input neuron, a whole number of trial periods long.
        plastic : bool
            Learning on (STDP, feedback, threshold adaptation) or off.
        bias_mv : float or ndarray (n_concept,), optional
            Constant drive ``R I`` per concept neuron, mV, within +-1e4.
        record_v : sequence of int, optional
            Distinct concept neurons whose membrane potential to record at the
            end of every step (see the class contract).

        Returns
        -------
        RunResult
            Its ``wall_s`` is the engine's simulation time; ``v_neurons`` and
            ``v_mv`` (float32, (n_steps, len(record_v))) hold the recording.

        Raises
        ------
        TypeError, ValueError
            For a drive that does not fit the network, a bad bias or ``record_v``, or an engine that does not
            record.
        """
        bias = self._check_drive(drive, bias_mv)
        record = self._check_record(record_v)
        self._ensure_state()
        t0 = time.perf_counter()
        flags = self.flags(plastic)
        res = self._run(drive, flags, bias) if record is None else self._run(drive, flags, bias, record_v=record)
        if math.isnan(res.wall_s):
            res = replace(res, wall_s=time.perf_counter() - t0)
        if record is not None:
            v = np.asarray(res.v_mv, dtype=np.float32)
            if v.shape != (drive.n_steps, len(record)):
                raise RuntimeError(f"engine {self.name!r} recorded v of shape {v.shape}; expected "
                                   f"{(drive.n_steps, len(record))}")
            res = replace(res, v_neurons=record, v_mv=v)
        return res
