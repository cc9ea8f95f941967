"""Batched PyTorch engine, registered as ``"torch-batched"``: many networks or trials in one tensor, CPU or CUDA.

One network stepped at dt = 0.1 ms is bound by the cost of each tensor
operation (a kernel launch on a GPU, a few microseconds on a CPU), not by
arithmetic: 10,000 sequential steps per biological second, each a handful of
small operations. What is independent is therefore run side by side, as the
rows of one tensor:

* **frozen trials** -- a test phase's cue trials start from the same weights
  and the reset rule restarts every dynamic variable at each trial, so
  :meth:`TorchBatchedEngine.run` with ``plastic=False`` steps all of them at
  once (one row per trial) and stitches the spikes back onto the run's time
  axis; the result is the one a trial-by-trial run gives
  (:func:`~neuromem.engines.torch_batched.schedule.trials_are_independent`
  says when: always, unless theta raises the threshold at test and decays);
* **networks** -- :meth:`TorchBatchedEngine.run_batch` (several states or
  seeds of this network) and
  :class:`~neuromem.engines.torch_batched.networks.BatchedNetworks` (several
  specs of one structure, e.g. parameter points) run ``N`` networks, each
  learning from its own drive.

The model is the discrete one of :mod:`neuromem.engines.discrete`, written
as the NumPy ``reference`` engine writes it (exponential Euler, same step
order, same association of products: in float64 the reference's spikes),
with the mechanisms' constants from their builders
(:data:`neuromem.engines.builders.BUILDERS`). float32 by default; the
differences are rounding only (see :mod:`neuromem.engines.numba.engine`).
On CUDA a frozen step never synchronises with the host; a plastic step reads
its concept spikes' indices once. Tensors live on the ``device`` given; nothing
is global.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np

try:
    import torch  # noqa: F401  (the engine's library)
except ImportError as exc:  # pragma: no cover - depends on the environment
    from neuromem.engines.base import EngineUnavailable

    raise EngineUnavailable("the torch-batched engine needs torch (pip install torch)") from exc

from neuromem.coding.spikes import SpikeTrains
from neuromem.engines.base import Engine, RunFlags, RunResult
from neuromem.engines.torch_batched.networks import BatchedNetworks
from neuromem.network.spec import NetworkSpec, NetworkState

__all__ = ["BatchRun", "BatchedNetworks", "TorchBatchedEngine"]


class BatchRun(NamedTuple):
    """What :meth:`TorchBatchedEngine.run_batch` returns.

    Parameters
    ----------
    results : list of RunResult
        The concept spikes of each network.
    states : list of NetworkState
        Each network's weights and thresholds after the run.
    """

    results: list
    states: list


class TorchBatchedEngine(Engine):
    """PyTorch engine that runs independent trials and networks as the rows of one batch.

    Parameters
    ----------
    spec : NetworkSpec
    seed : int or numpy.random.SeedSequence
        Seed of the initial state (and of mechanisms drawing from it).
    progress : bool
        Accepted for interface compatibility.
    device : str
        ``"cpu"`` (default), ``"cuda"`` or ``"cuda:N"``.
    dtype : {"float32", "float64"}
        Floating-point type of every tensor.
    batch_trials : bool
        Run the independent trials of a frozen run side by side (default);
        False: one after another (same results, for comparison).
    max_rows : int, optional
        At most this many trials side by side (memory); default: all.
    """

    name = "torch-batched"
    backend = "torch-batched"
    records_v = True

    def __init__(self, spec: NetworkSpec, *, seed=0, progress: bool = False, device="cpu", dtype="float32",
                 batch_trials: bool = True, max_rows: int | None = None):
        super().__init__(spec, seed=seed, progress=progress)
        self.networks_ = BatchedNetworks([spec], [seed], device=device, dtype=dtype, max_rows=max_rows)
        self.device = self.networks_.device
        self.dtype = self.networks_.np_dtype
        self.batch_trials = bool(batch_trials)
        self._options = {"device": device, "dtype": dtype, "max_rows": max_rows}

    def _read_state(self) -> NetworkState:
        return self.networks_.get_states()[0]

    def _write_state(self, state: NetworkState) -> None:
        self.networks_.set_states([state])

    def _run(self, drive: SpikeTrains, flags: RunFlags, bias_mv: np.ndarray, record_v=None) -> RunResult:
        return self.networks_.run([drive], plastic=flags.learn, flags=[flags], bias_mv=bias_mv[None, :],
                                  record_v=record_v, split_trials=self.batch_trials)[0]

    def run_batch(self, drives, *, plastic: bool, states=None, seeds=None, bias_mv=None, record_v=None) -> BatchRun:
        """Run ``B`` networks of this spec side by side, each from its own state on its own drive.

        The engine's own state is not changed.

        Parameters
        ----------
        drives : sequence of SpikeTrains
            One per network (a whole number of trials each; of one length when ``plastic``).
        plastic : bool
            Each network learns from its own drive, or all are frozen (their trials then run side by side).
        states : sequence of NetworkState, optional
            Start of each network; default: the initial states of ``seeds``, or else ``B`` copies of this
            engine's current state.
        seeds : sequence of int, optional
            Seed of each network (its initial state and threshold offsets); default: this engine's seed.
        bias_mv : array-like, optional
            Broadcastable to ``(B, n_concept)``, mV.
        record_v : sequence of int, optional
            Concept neurons whose potential is recorded in every network.

        Returns
        -------
        BatchRun
            ``results[b]`` and ``states[b]`` of network ``b``.

        Raises
        ------
        TypeError, ValueError
            For drives that do not fit the network, or a number of states / seeds other than of drives.
        """
        drives = list(drives)
        B = len(drives)
        if B == 0:
            raise ValueError("run_batch needs at least one drive")
        if seeds is not None and len(list(seeds)) != B:
            raise ValueError(f"{len(list(seeds))} seeds for {B} drives")
        nets = BatchedNetworks([self.spec] * B, list(seeds) if seeds is not None else [self.seed] * B,
                               **self._options)
        if states is not None:
            states = list(states)
            if len(states) != B:
                raise ValueError(f"{len(states)} states for {B} drives")
            nets.set_states(states)
        elif seeds is None:
            nets.set_states([self.get_state()] * B)
        bias = np.zeros((B, self.spec.concept.n_neurons)) if bias_mv is None else \
            np.broadcast_to(np.asarray(bias_mv, dtype=np.float64), (B, self.spec.concept.n_neurons))
        for d, b in zip(drives, bias):
            self._check_drive(d, b)
        record = self._check_record(record_v)
        results = nets.run(drives, plastic=plastic, bias_mv=bias, flags=[self.flags(plastic)] * B,
                           record_v=record, split_trials=self.batch_trials)
        if record is not None:
            results = [replace(r, v_neurons=record, v_mv=np.asarray(r.v_mv, dtype=np.float32)) for r in results]
        return BatchRun(results=results, states=nets.get_states())
