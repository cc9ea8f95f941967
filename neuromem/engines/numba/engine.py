"""Fast CPU engine: the whole simulation loop in one numba-compiled call per thread.

Same model, integration scheme (exponential Euler) and step order as the
discrete reference and the Brian2 engine (see :mod:`neuromem.engines.discrete`),
refractoriness in whole steps exactly as Brian2 counts them; the mechanisms'
constants come from the discrete model's builders
(:data:`neuromem.engines.builders.BUILDERS`). The only numerical difference
is precision: float32 by default (Brian2: float64), so with identical input
spikes a concept spike can differ only where a membrane potential ends a step
within float32 rounding (~1e-5 mV) of the threshold; with
``dtype="float64"`` small test networks give the reference's spikes exactly
and its weights to ~1e-13 mV. Design and speed: see :mod:`.kernels` (the fused loop
streams each weight row once per input spike; at 4096 x 16000 it runs close
to the memory-bandwidth bound, see ``neuromem bench``). The numba on-disk
cache lives in ``neuromem.config.cache_dir("numba")``.
"""

from __future__ import annotations

import os
import threading

import numpy as np

try:
    import numba
except ImportError as exc:  # pragma: no cover - depends on the environment
    from neuromem.engines.base import EngineUnavailable

    raise EngineUnavailable("the numba engine needs numba (pip install numba)") from exc

from neuromem.coding.spikes import SpikeTrains
from neuromem.config import cache_dir
from neuromem.engines.base import Engine, RunFlags, RunResult
from neuromem.engines.discrete import check_dtype, spikes_by_step, split_state, stack_state, step_constants
from neuromem.network.spec import NetworkSpec, NetworkState


def _import_kernels():
    """Import the kernels with numba's on-disk cache inside neuromem's cache folder."""
    previous = numba.config.CACHE_DIR
    numba.config.CACHE_DIR = str(cache_dir("numba"))
    try:
        from neuromem.engines.numba import kernels
    finally:
        numba.config.CACHE_DIR = previous
    return kernels


_kernels = _import_kernels()

__all__ = ["NumbaEngine", "default_threads", "available_cores", "busy_elsewhere", "MIN_SYNAPSES_FOR_THREADS"]

_ALIGN = 16  # columns per thread block are multiples of 16 (64-byte cache lines in float32)


#: Networks with fewer synapses than this run on one thread: a step's work is then too small to pay for the
#: per-step meeting of the threads (measured: 640 x 100 took 6 ms on 1 thread, 43 ms on 2 on a loaded machine).
MIN_SYNAPSES_FOR_THREADS = 2_000_000
#: Seconds a thread-count decision is reused before the machine's load is looked at again.
_LOAD_RECHECK_S = 1.0
_LOAD_CACHE: dict = {"t": -1e9, "busy": 0}


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def busy_elsewhere() -> int:
    """Runnable threads on the machine besides the caller (median of 5 samples of ``procs_running``, Linux).

    Returns 0 where ``/proc/stat`` cannot be read. Cached for ``_LOAD_RECHECK_S`` seconds.
    """
    import statistics
    import time

    now = time.monotonic()
    if now - _LOAD_CACHE["t"] < _LOAD_RECHECK_S:
        return _LOAD_CACHE["busy"]
    samples = []
    for i in range(5):
        try:
            with open("/proc/stat", "rb") as fh:
                for line in fh:
                    if line.startswith(b"procs_running"):
                        samples.append(max(0, int(line.split()[1]) - 1))  # minus the reading thread
                        break
        except (OSError, ValueError):
            break
        if i < 4:
            time.sleep(0.002)
    busy = int(statistics.median(samples)) if samples else 0
    _LOAD_CACHE.update(t=now, busy=busy)
    return busy


def _thread_cap() -> int:
    """``NUMBA_NUM_THREADS`` when set (numba's own limit; a sweep's workers set it to 1), else 2."""
    try:
        return max(1, int(os.environ.get("NUMBA_NUM_THREADS", "2")))
    except ValueError:
        return 2


def default_threads(n_synapses: int | None = None) -> int:
    """Threads for the fused loop: 1 or 2, from the cores that are free now.

    The threads meet once per simulation step; when a core is shared with
    another busy process a thread waits for its partner's next time slice at
    every step and the run becomes many times slower than on one thread. So
    2 threads are used only when the network is large enough
    (``n_synapses >= MIN_SYNAPSES_FOR_THREADS``) and at least 2 of this
    process's cores are free (:func:`available_cores` minus
    :func:`busy_elsewhere`) and ``NUMBA_NUM_THREADS``, when set, allows 2;
    otherwise 1.
    """
    n = available_cores()
    if n < 2 or (n_synapses is not None and n_synapses < MIN_SYNAPSES_FOR_THREADS) or _thread_cap() < 2:
        return 1
    free = min(n, (os.cpu_count() or n) - busy_elsewhere())
    return max(1, min(2, free))


class NumbaEngine(Engine):
    """Whole-loop compiled CPU engine (numba).

    Parameters
    ----------
    spec : NetworkSpec
    seed : int
        Seed of the initial state.
    progress : bool
        Accepted for interface compatibility (one compiled call has no progress bar).
    dtype : {"float32", "float64"}
        Floating-point type of weights and neuron state.
    threads : int, optional
        Threads of the compiled loop (each owns a block of concept neurons and
        meets the others once per step). Default: chosen at every run by
        :func:`default_threads` from the network size and the cores free at
        that moment. Results do not depend on it.
    event_capacity : int
        Concept spikes whose potentiation may be pending before every row is
        brought up to date (memory ``event_capacity * (n_populations + 2)``
        numbers per thread).
    """

    name = "numba"
    backend = "numba"
    records_v = True

    def __init__(self, spec: NetworkSpec, *, seed=0, progress: bool = False, dtype="float32",
                 threads: int | None = None, event_capacity: int = 65536):
        super().__init__(spec, seed=seed, progress=progress)
        self.dtype = check_dtype(dtype)
        self._auto_threads = threads is None
        if threads is None:
            threads = default_threads(spec.n_inputs * spec.concept.n_neurons)
        if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or not 1 <= threads <= 64:
            raise ValueError(f"threads={threads!r} must be an int in [1, 64]")
        if isinstance(event_capacity, bool) or not isinstance(event_capacity, (int, np.integer)) \
                or not 16 <= event_capacity <= 1 << 26:
            raise ValueError(f"event_capacity={event_capacity!r} must be an int in [16, 2**26]")
        self.threads = int(threads)
        self.event_capacity = int(event_capacity)
        self._k = k = step_constants(spec, seed, backend=self.backend)
        self._rows = _kernels.Rows(w_max_row=k.w_max_row, wmax_d=k.w_max_row.astype(self.dtype),
                                   pop_of_row=k.pop_of_row, inv_pop=k.inv_pop_size)
        self._ic = _kernels.IntConstants(n_in=k.n_in, n_c=k.n_c, steps_per_trial=k.steps_per_trial, n_ref=k.n_ref,
                                         self_inhibition=int(k.self_inhibition), subtractive=int(k.subtractive),
                                         n_pop=k.n_pop, k_winners=k.k_winners or _kernels.NO_LIMIT)
        self._tc = _kernels.TraceConstants(decay_plus=k.decay_plus, decay_fb=k.decay_fb, a_plus=k.a_plus,
                                           a_fb=k.a_fb, f_max=k.f_max)
        self._pow_p = k.decay_table(k.tau_plus_ms, spec.sim.dt_ms)
        self._pow_fb = k.decay_table(k.tau_fb_ms, spec.sim.dt_ms)
        self._v_th = k.v_thresh_row.astype(self.dtype)
        self._blocks = self._column_blocks()

    # ---- state (the arrays W, F, theta in the engine's dtype are the state) ------------------
    def _read_state(self) -> NetworkState:
        return split_state(self._W, self._F, self._theta, self.spec)

    def _write_state(self, state: NetworkState) -> None:
        self._W, self._F, self._theta = stack_state(state, self.spec, self.dtype)

    # ---- run --------------------------------------------------------------------------------
    def _column_blocks(self) -> list[tuple[int, int]]:
        n_c = self._k.n_c
        n = max(1, min(self.threads, n_c // _ALIGN))
        edges = [0] + [min(n_c, int(round(n_c * q / n / _ALIGN)) * _ALIGN) for q in range(1, n)] + [n_c]
        return [(edges[q], edges[q + 1]) for q in range(n) if edges[q + 1] > edges[q]]

    def _run(self, drive: SpikeTrains, flags: RunFlags, bias_mv: np.ndarray, record_v=None) -> RunResult:
        ptr, idx = spikes_by_step(drive)
        theta = self._theta if flags.keep_theta else self._theta.copy()
        k, n_c, f = self._k, self._k.n_c, self.dtype.type
        c = _kernels.StateConstants(  # in the state's type
            decay_m=f(k.decay_m), decay_e=f(k.decay_e), decay_i=f(k.decay_i), decay_minus=f(k.decay_minus),
            decay_theta=f(k.decay_theta), v_rest=f(k.v_rest), v_reset=f(k.v_reset), w_inh=f(k.w_inh),
            theta_plus=f(k.theta_plus), a_minus=f(k.a_minus), adapt=f(float(flags.adapt)), zero=f(0.0))
        nrn = _kernels.Neurons(*(np.zeros(n_c, self.dtype) for _ in range(4)), theta=theta,
                               bias=bias_mv.astype(self.dtype), v_th=self._v_th, last=np.zeros(n_c, np.int64),
                               winner=np.zeros(n_c, np.int64))
        inp = _kernels.InputSpikes(ptr=ptr, idx=idx, n_steps=drive.n_steps)
        rec = np.zeros(0, np.int64) if record_v is None else record_v
        probe = _kernels.Probe(idx=rec, v=np.zeros((drive.n_steps if len(rec) else 0, len(rec)), self.dtype))
        spikes_j, spikes_t = self._run_fused(nrn, c, inp, flags.learn, probe)
        return RunResult(indices=spikes_j, steps=spikes_t, n_neurons=n_c, n_steps=drive.n_steps,
                         dt_ms=self.spec.sim.dt_ms, v_mv=None if record_v is None else probe.v)

    def _run_fused(self, nrn, c, inp, learn, probe):
        if self._auto_threads:  # the load may have changed since the last run
            threads = default_threads(self._k.n_in * self._k.n_c)
            if threads != self.threads:
                self.threads = threads
                self._blocks = self._column_blocks()
        blocks = self._blocks
        nt = len(blocks)
        n_in, n_c, n_pop, cap = self._k.n_in, self._k.n_c, self._k.n_pop, self.event_capacity
        sh = _kernels.SharedBuffers(spk_buf=np.zeros((2, nt, n_c), np.int64), spk_cnt=np.zeros((2, nt), np.int64),
                                    win_cnt=np.zeros((2, nt), np.int64), arrive=np.zeros(16 * nt, np.int64),
                                    pow_p=self._pow_p, pow_fb=self._pow_fb)
        outs = [None] * nt

        def work(tid):
            lo, hi = blocks[tid]
            own = _kernels.ThreadBuffers(a_last=np.zeros(n_in), xl_last=np.zeros(n_in),
                                         t_last=np.zeros(n_in, np.int64), seen=np.zeros(n_in, np.int64),
                                         ev_j=np.zeros(cap, np.int64), ev_t=np.zeros(cap, np.int64),
                                         ev_x=np.zeros((cap, n_pop)))
            outs[tid] = _kernels.fused_loop(tid, nt, lo, hi, self._W, self._F, nrn, c, self._tc, self._ic,
                                            self._rows, inp, learn, sh, own, probe)

        if nt == 1:
            work(0)
        else:
            errors = []

            def guarded(tid):
                try:
                    work(tid)
                except BaseException as exc:  # pragma: no cover - surfaced below
                    errors.append(exc)

            helpers = [threading.Thread(target=guarded, args=(q,), daemon=True) for q in range(1, nt)]
            for h in helpers:
                h.start()
            guarded(0)
            for h in helpers:
                h.join()
            if errors:
                raise errors[0]
        j = np.concatenate([o[0][:o[2]] for o in outs])
        s = np.concatenate([o[1][:o[2]] for o in outs])
        return j, s
