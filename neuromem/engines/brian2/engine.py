"""Brian2 translation of :class:`~neuromem.network.NetworkSpec` (the only module importing brian2).

Two modes:

``runtime``
    Brian2's numpy code-generation target; one ``Network`` kept in memory
    and run call after call (for tests and small networks).
``standalone``
    Brian2 ``cpp_standalone``: the network is generated and compiled once per
    structure (spec + block length) into a project folder under
    ``cache_dir("brian2", "standalone")`` and then re-run as a separate
    process with new inputs, weights and flags passed through
    ``device.run(run_args=...)``; no recompilation. A long drive is cut into
    blocks of whole trials (the compiled run length); weights and thresholds
    are carried from block to block, and since every trial starts from reset
    dynamic variables the result equals one long run.

The model is assembled from the core groups and one builder per mechanism
(:mod:`neuromem.engines.brian2.model`, :mod:`neuromem.engines.brian2.mechanisms`; :data:`neuromem.engines.builders.BUILDERS`);
the standalone project management lives in :mod:`.standalone`.
Concept neurons are integrated with exponential Euler (exact for a constant
drive within a step, so the f-I curve matches the closed form up to spike-time
discretisation; the synaptic currents enter as piecewise constant), with
parameters as shared run-time variables so one compiled structure serves
every parameter value.

Input spikes are neuromem's own (:class:`~neuromem.coding.SpikeTrains`), fed
through a spike-table lookup: input neuron ``k`` fires when the step counter
reaches ``nextbin``, then reads its next spike step from a flat table
(a ``TimedArray`` used as an array; fixed size, so it can be replaced by
``run_args``). A membrane recording (``record_v``) is a StateMonitor at
``when="end"`` of a probe group linked to the recorded neurons' ``v``; the
neurons are a run-time variable, so in standalone mode only their number is
part of the compiled structure.
"""

from __future__ import annotations

import math
import os
import time

import numpy as np

try:
    import brian2 as b2
    from brian2 import mV, ms
except ImportError as exc:  # pragma: no cover - depends on the environment
    from neuromem.engines.base import EngineUnavailable

    raise EngineUnavailable("the brian2 engine needs brian2 (pip install 'neuromem[brian2]')") from exc

from neuromem.coding.spikes import SpikeTrains
from neuromem.engines.base import Engine, RunFlags, RunResult
from neuromem.engines.brian2.model import Objects, build_objects, model_parts, v_probe_objects
from neuromem.engines.brian2.standalone import (
    ACTIVE,
    ProjectLock,
    configure_prefs,
    spike_table,
    standalone_build_count,
    standalone_objects,
)
from neuromem.network.spec import NetworkSpec, NetworkState

__all__ = ["Brian2Engine", "standalone_build_count"]

_MODES = ("runtime", "standalone")


class Brian2Engine(Engine):
    """Brian2 implementation of the neuromem engine contract.

    Parameters
    ----------
    spec : NetworkSpec
    seed : int
        Seed of the initial state (and of mechanisms drawing from it).
    progress : bool
        Progress bar over standalone blocks.
    mode : {"runtime", "standalone"}
        Brian2 device (numpy runtime or compiled cpp_standalone).
    block_trials : int
        Standalone only: trials per compiled run (a longer drive is cut into
        blocks; a shorter last block is padded with silent trials).
    table_rate_hz : float
        Standalone only: sizes the fixed spike table as
        ``block_trials * trial_period * n_inputs * table_rate_hz`` entries
        (blocks are cut earlier if a block has more input spikes).
    """

    name = "brian2"
    backend = "brian2"
    records_v = True

    def __init__(self, spec: NetworkSpec, *, seed=0, progress: bool = False, mode: str = "standalone",
                 block_trials: int = 40, table_rate_hz: float = 25.0):
        if mode not in _MODES:
            raise ValueError(f"mode={mode!r}; allowed {_MODES}")
        self.name = f"brian2-{mode}"
        super().__init__(spec, seed=seed, progress=progress)
        if not (isinstance(block_trials, int) and 1 <= block_trials <= 100_000):
            raise ValueError(f"block_trials={block_trials!r} must be an int in [1, 100000]")
        if not (0 < table_rate_hz <= 1000):
            raise ValueError(f"table_rate_hz={table_rate_hz!r} must lie in (0, 1000]")
        self.mode = mode
        self.block_trials = block_trials
        per = spec.sim.steps_per_trial
        self._block_steps = block_trials * per
        self._n_table = int(block_trials * spec.sim.trial_period_ms * 1e-3 * spec.n_inputs * table_rate_hz) \
            + spec.n_inputs + 1
        self._parts = model_parts(spec, seed)
        self._rt = None
        self._state = None  # NetworkState (float64); written into the Brian2 objects at each run
        if mode == "runtime":
            configure_prefs()
            b2.set_device("runtime")
            self._rt = build_objects(self._parts, 1)
            self._rt_step = 0

    # ---- state -----------------------------------------------------------------
    def _read_state(self) -> NetworkState:
        return self._state.copy()

    def _write_state(self, state: NetworkState) -> None:
        self._state = state.copy()

    # ---- helpers ---------------------------------------------------------------
    def _load(self, o: Objects, runtime: bool) -> dict:
        """``{variable: value}`` of the weights and thresholds of the current state (runtime: in synapse order;
        standalone: pre-major, the order ``connect()`` creates)."""
        out = {}
        for m in self.spec.modalities:
            for syn, var, arr in ((o.syn_in.get(m), "w", self._state.w_in_mv[m]),
                                  (o.syn_fb.get(m), "f", self._state.w_fb[m])):
                if syn is not None:
                    flat = arr[syn.i[:], syn.j[:]] if runtime else arr.reshape(-1)
                    out[(syn, var)] = flat * mV if var == "w" else flat
        if "theta" in o.conc.variables:
            out[(o.conc, "theta")] = self._state.theta_mv * mV
        return out

    def _read_weights(self, o: Objects) -> None:
        w_in, w_fb, theta = dict(self._state.w_in_mv), dict(self._state.w_fb), self._state.theta_mv
        for m in self.spec.modalities:
            s = o.syn_in[m]
            w_in[m] = np.empty_like(w_in[m])
            w_in[m][s.i[:], s.j[:]] = np.asarray(s.w_[:]) / 1e-3
            f = o.syn_fb.get(m)
            if f is not None:
                w_fb[m] = np.empty_like(w_fb[m])
                w_fb[m][f.i[:], f.j[:]] = np.asarray(f.f_[:])
        if "theta" in o.conc.variables:
            theta = np.asarray(o.conc.theta_[:]) / 1e-3
        self._state = NetworkState(w_in_mv=w_in, w_fb=w_fb, theta_mv=theta)

    def _values(self, o: Objects, flags: RunFlags, bias) -> dict:
        """Every run-time value: mechanism parameters, flags, bias, weights and thresholds."""
        return {**self._parts.values(o), (o.conc, "bias"): bias * mV, (o.conc, "learn_on"): float(flags.learn),
                (o.conc, "adapt_on"): float(flags.adapt), **self._load(o, runtime=self.mode == "runtime")}

    # ---- runtime ---------------------------------------------------------------
    def _run_runtime(self, drive: SpikeTrains, flags: RunFlags, bias, record_v) -> RunResult:
        configure_prefs()
        b2.set_device("runtime")
        o = self._rt
        table, ptr, nextbin = spike_table(drive, len(drive.indices) + drive.n_neurons + 1, self._rt_step)
        o.inp.namespace["nm_spiketable"] = b2.TimedArray(table, dt=1 * ms, name="nm_spiketable")
        o.inp.ptr = ptr
        o.inp.nextbin = nextbin
        for (obj, var), value in self._values(o, flags, bias).items():
            setattr(obj, var, value)
        probe = None
        if record_v is not None:
            group, probe = v_probe_objects(o.conc, record_v)
            o.net.add(group, probe)
        n_before = o.mon.num_spikes
        t_run = time.perf_counter()
        try:
            o.net.run(drive.n_steps * self.spec.sim.dt_ms * ms)
        finally:
            if probe is not None:
                o.net.remove(group, probe)
        wall = time.perf_counter() - t_run
        i = np.asarray(o.mon.i[n_before:])
        steps = np.round(np.asarray(o.mon.t_[n_before:]) / (self.spec.sim.dt_ms * 1e-3)).astype(np.int64)
        steps -= self._rt_step
        self._rt_step += drive.n_steps
        if flags.keep_theta:  # frozen otherwise (reading back would only add unit-conversion rounding)
            self._read_weights(o)
        return RunResult(indices=i, steps=steps, n_neurons=self.spec.concept.n_neurons, n_steps=drive.n_steps,
                         dt_ms=self.spec.sim.dt_ms, wall_s=wall,
                         v_mv=None if probe is None else np.asarray(probe.v_rec_[:]).T / 1e-3)

    # ---- standalone --------------------------------------------------------------
    def _blocks(self, drive: SpikeTrains):
        """Cut the drive into whole-trial blocks that fit the compiled run and the spike table."""
        per = self.spec.sim.steps_per_trial
        n_trials = drive.n_steps // per
        per_trial = np.bincount(drive.steps // per, minlength=n_trials)
        room = self._n_table - self.spec.n_inputs - 1
        if per_trial.max(initial=0) > room:
            raise ValueError(f"one trial has {per_trial.max()} input spikes, more than the spike table holds "
                             f"({room}); raise table_rate_hz")
        start = 0
        while start < n_trials:
            stop, tot = start, 0
            while stop < n_trials and stop - start < self.block_trials and tot + per_trial[stop] <= room:
                tot += per_trial[stop]
                stop += 1
            yield start, stop
            start = stop

    def _run_standalone(self, drive: SpikeTrains, flags: RunFlags, bias, record_v) -> RunResult:
        objs, dev = standalone_objects(self._parts, self._block_steps, self._n_table, record_v,
                                       announce=self.progress)
        per = self.spec.sim.steps_per_trial
        plastic = flags.keep_theta
        all_i, all_s, all_v = [], [], []
        wall = 0.0
        blocks = list(self._blocks(drive))
        if len(blocks) > 1:
            from neuromem._progress import progress as reported

            blocks = reported(blocks, desc=f"brian2 standalone ({'learning' if plastic else 'test'})", unit="block",
                              leave=False, enabled=self.progress)
        for t0, t1 in blocks:
            block = drive.window(t0 * per, t1 * per)
            block = SpikeTrains(indices=block.indices, steps=block.steps, n_neurons=block.n_neurons,
                                n_steps=self._block_steps, dt_ms=block.dt_ms)
            table, ptr, nextbin = spike_table(block, self._n_table)
            args = {objs.table: table, objs.inp.ptr: ptr, objs.inp.nextbin: nextbin}
            if record_v is not None:
                args[objs.v_probe_group.src] = record_v
            for (obj, var), value in self._values(objs, flags, bias).items():
                args[getattr(obj, var)] = value
            t_block = time.perf_counter()
            with ProjectLock(ACTIVE["project"], exclusive=False):
                dev.run(results_directory=ACTIVE["results"], with_output=False, run_args=args)
            # the compiled program's own simulation time (Brian2 records it); the whole call otherwise
            own = getattr(dev, "_last_run_time", None)
            wall += float(own) if own is not None else time.perf_counter() - t_block
            for fname in list(dev.run_args_arrays):  # this process's own files (token in the name)
                for f in (fname, fname + ".lock"):
                    try:
                        os.remove(os.path.join(dev.project_dir, "static_arrays", f))
                    except FileNotFoundError:
                        pass
            i = np.asarray(objs.mon.i[:])
            s = np.round(np.asarray(objs.mon.t_[:]) / (self.spec.sim.dt_ms * 1e-3)).astype(np.int64)
            keep = s < (t1 - t0) * per  # padded silent trials produce no spikes; be strict anyway
            all_i.append(i[keep])
            all_s.append(s[keep] + t0 * per)
            if objs.v_probe is not None:
                all_v.append(np.asarray(objs.v_probe.v_rec_[:]).T[:(t1 - t0) * per] / 1e-3)
            if not plastic:
                continue
            self._read_weights(objs)
            pad_ms = (self._block_steps - (t1 - t0) * per) * self.spec.sim.dt_ms
            ho = self.spec.homeostasis
            if pad_ms > 0 and ho is not None and ho.decays:  # undo the decay during the silent padding
                self._state.theta_mv[:] *= math.exp(pad_ms / ho.tau_theta_ms)
        return RunResult(indices=np.concatenate(all_i), steps=np.concatenate(all_s),
                         n_neurons=self.spec.concept.n_neurons, n_steps=drive.n_steps, dt_ms=self.spec.sim.dt_ms,
                         wall_s=wall, v_mv=np.concatenate(all_v) if all_v else None)

    def _run(self, drive: SpikeTrains, flags: RunFlags, bias_mv: np.ndarray, record_v=None) -> RunResult:
        if self.mode == "runtime":
            return self._run_runtime(drive, flags, bias_mv, record_v)
        return self._run_standalone(drive, flags, bias_mv, record_v)
