"""The compiled simulation loop (numba): the whole run in one call per thread.

It implements the step of :mod:`neuromem.engines.discrete` exactly (same
order of operations; the NumPy ``reference`` engine runs the same step
plainly and the tests hold this loop to it). What makes it fast is how the
latent->concept weights ``W [n_in, n_c]`` are updated. Per input spike one
pass over its weight row does three things: apply the potentiation of the
concept spikes since the row was last visited (postponed: exact, because
only potentiation touches a row between two of its input spikes and the
input's trace decays deterministically in between), add the row to
``isyn_exc`` and depress it. A column update would move a 64-byte cache line
per 4-byte weight; postponed, the potentiation lands in a row that is about
to be streamed anyway (it is read into cache first, one load per line, so
the scattered updates hit the cache). The neuron step and the row pass are
branch-free loops over 0-based views in the state's dtype, which LLVM
vectorises. Input traces are kept as (value, step of last spike) and decayed
on demand from a table of ``exp(-k dt / tau)``, so no per-input work happens
on steps without input spikes. With ``n_threads > 1``, thread ``k`` owns a
contiguous block of concept neurons (columns of ``W``, rows of ``F``);
per-input bookkeeping is replicated per thread; threads meet once per step
at a spin barrier to exchange that step's concept spikes and new winners
(inhibition, k-winners-take-all, postponed potentiation). The result does
not depend on the number of threads.

Mechanisms reach the loop as values in the named tuples below (built from
:func:`neuromem.engines.discrete.step_constants` by the engine); one that is
off has the value that makes its code a no-op (e.g. ``w_inh = 0``, no
winner limit).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import NamedTuple

import numpy as np
from llvmlite import binding as llvm_binding
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["fused_loop", "NEVER", "NO_LIMIT", "StateConstants", "TraceConstants", "IntConstants", "Rows",
           "InputSpikes", "Neurons", "SharedBuffers", "ThreadBuffers", "Probe"]

#: "no spike yet" step marker (far in the past)
NEVER = -(1 << 60)
#: ``k_winners`` of a network without k-winners-take-all
NO_LIMIT = 1 << 62

_libc = ctypes.util.find_library("c")
if _libc:
    llvm_binding.load_library_permanently(_libc)


# ---- what the loops receive (named tuples: adding a parameter is one line and cannot shift the others) ----------
class StateConstants(NamedTuple):
    """Per-step constants in the state's dtype (decays ``exp(-dt / tau)``; potentials, mV)."""

    decay_m: float
    decay_e: float
    decay_i: float
    decay_minus: float
    decay_theta: float
    v_rest: float
    v_reset: float
    w_inh: float
    theta_plus: float
    a_minus: float
    adapt: float  # 1: theta raises the threshold, 0: it does not
    zero: float


class TraceConstants(NamedTuple):
    """Constants of the presynaptic traces and of potentiation / feedback, float64."""

    decay_plus: float
    decay_fb: float
    a_plus: float
    a_fb: float
    f_max: float


class IntConstants(NamedTuple):
    """Sizes, refractory steps and switches (``k_winners``: winners per trial, :data:`NO_LIMIT` without kWTA)."""

    n_in: int
    n_c: int
    steps_per_trial: int
    n_ref: int
    self_inhibition: int
    subtractive: int
    n_pop: int
    k_winners: int


class Rows(NamedTuple):
    """Per input row: ``w_max`` (float64 and state dtype) and population; per population ``1 / N_m``."""

    w_max_row: np.ndarray
    wmax_d: np.ndarray
    pop_of_row: np.ndarray
    inv_pop: np.ndarray


class InputSpikes(NamedTuple):
    """CSR input spikes: ``idx[ptr[t]:ptr[t + 1]]`` fire at step ``t``."""

    ptr: np.ndarray
    idx: np.ndarray
    n_steps: int


class Neurons(NamedTuple):
    """Concept-neuron arrays (n_c,) in the state's dtype (``v_th``: threshold without theta, ``v_thresh + d_j``;
    ``last``: step of the last spike, int64; ``winner``: 1 once the neuron fired in this trial, int64)."""

    v: np.ndarray
    isyn_exc: np.ndarray
    isyn_inh: np.ndarray
    apost: np.ndarray
    theta: np.ndarray
    bias: np.ndarray
    v_th: np.ndarray
    last: np.ndarray
    winner: np.ndarray


class SharedBuffers(NamedTuple):
    """Buffers the threads of the fused loop share (exchange of concept spikes and new winners, barrier, decay
    tables)."""

    spk_buf: np.ndarray
    spk_cnt: np.ndarray
    win_cnt: np.ndarray
    arrive: np.ndarray
    pow_p: np.ndarray
    pow_fb: np.ndarray


class ThreadBuffers(NamedTuple):
    """One thread's own per-input bookkeeping and postponed-potentiation events."""

    a_last: np.ndarray
    xl_last: np.ndarray
    t_last: np.ndarray
    seen: np.ndarray
    ev_j: np.ndarray
    ev_t: np.ndarray
    ev_x: np.ndarray


class Probe(NamedTuple):
    """Membrane recording: ``v[t, q]`` gets the potential of neuron ``idx[q]`` at the end of step ``t``."""

    idx: np.ndarray
    v: np.ndarray


# ---- atomics and yielding for the spin barrier ----------------------------------------------------
@intrinsic
def _atomic_store(typingctx, arr, index, value):
    """``arr[index] = value`` with sequentially consistent ordering (int64 arrays)."""

    def codegen(context, builder, sig, args):
        aty = sig.args[0]
        ary = context.make_array(aty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, aty, ary, [args[1]])
        val = context.cast(builder, args[2], sig.args[2], aty.dtype)
        builder.store_atomic(val, ptr, "seq_cst", 8)
        return context.get_dummy_value()

    return types.void(arr, index, value), codegen


@intrinsic
def _atomic_load(typingctx, arr, index):
    """``arr[index]`` with sequentially consistent ordering (int64 arrays)."""

    def codegen(context, builder, sig, args):
        aty = sig.args[0]
        ary = context.make_array(aty)(context, builder, args[0])
        ptr = cgutils.get_item_pointer(context, builder, aty, ary, [args[1]])
        return builder.load_atomic(ptr, "seq_cst", 8)

    return arr.dtype(arr, index), codegen


@intrinsic
def _sched_yield(typingctx):
    """Give the CPU to another thread (libc ``sched_yield``)."""

    def codegen(context, builder, sig, args):
        fnty = ir.FunctionType(ir.IntType(32), [])
        fn = cgutils.get_or_insert_function(builder.module, fnty, "sched_yield")
        builder.call(fn, [])
        return context.get_dummy_value()

    return types.void(), codegen


@njit(nogil=True, cache=True)
def _barrier(arrive, tid, n_threads, count):
    """Thread ``tid`` arrives for the ``count``-th time and waits for every other thread."""
    _atomic_store(arrive, tid * 16, count)  # one cache line per thread
    for k in range(n_threads):
        if k == tid:
            continue
        spins = 0
        while _atomic_load(arrive, k * 16) < count:
            spins += 1
            if spins > 200:
                _sched_yield()


@njit(nogil=True, cache=True)
def _grow(a, n):
    out = np.empty(max(2 * len(a), n), a.dtype)
    out[:len(a)] = a
    return out


# ---- fused ----------------------------------------------------------------------------------------
@njit(nogil=True, cache=True)
def _touch(w):
    """Read one number per 64-byte line of ``w``: brings a weight row into cache before scattered updates."""
    s = 0.0
    for j in range(0, w.shape[0], 16):
        s += w[j]
    return s


@njit(nogil=True, cache=True)
def _apply_pending(W, i, lo, hi, own, n_ev, pow_p, per, wmax, a_plus, pop):
    """Potentiation of row ``i`` (columns [lo, hi)) by the concept spikes since its last visit (events and
    per-input traces in ``own``, a :class:`ThreadBuffers`)."""
    seen, ev_j, ev_t, ev_x = own.seen, own.ev_j, own.ev_t, own.ev_x
    tl = own.t_last[i]
    al = own.a_last[i]
    touched = _touch(W[i, lo:hi]) if n_ev - seen[i] > 8 else 0.0
    for e in range(seen[i], n_ev):
        j = ev_j[e]
        if j < lo or j >= hi:
            continue
        te = ev_t[e]
        a = al * pow_p[te - tl] if tl >= te - te % per else 0.0
        W[i, j] = min(max(W[i, j] + a_plus * wmax * (a - ev_x[e, pop]), 0.0), wmax)
    seen[i] = n_ev
    return touched  # returned so that the compiler keeps the prefetching read


@njit(nogil=True, cache=True)
def _integrate(lo, hi, t, nrn, c, n_ref):
    """One step of neurons [lo, hi) of ``nrn`` (:class:`Neurons`) with the constants ``c``
    (:class:`StateConstants`); branch-free, so that it vectorises. Returns the threshold crossings."""
    # views indexed from 0: numba then knows the index is non-negative (no wrap-around test), and LLVM vectorises
    v, isyn_exc, isyn_inh, apost = nrn.v[lo:hi], nrn.isyn_exc[lo:hi], nrn.isyn_inh[lo:hi], nrn.apost[lo:hi]
    theta, last, bias, v_th = nrn.theta[lo:hi], nrn.last[lo:hi], nrn.bias[lo:hi], nrn.v_th[lo:hi]
    dm, de, di, dmi, dth = c.decay_m, c.decay_e, c.decay_i, c.decay_minus, c.decay_theta
    v_rest, adapt = c.v_rest, c.adapt
    crossings = 0
    for j in range(v.shape[0]):
        nr = t - last[j] >= n_ref
        drive = v_rest + isyn_exc[j] - isyn_inh[j] + bias[j]
        vn = drive + (v[j] - drive) * dm
        vj = vn if nr else v[j]
        v[j] = vj
        isyn_exc[j] *= de
        isyn_inh[j] *= di
        apost[j] *= dmi
        th = theta[j] * dth
        theta[j] = th
        crossings += nr and vj > v_th[j] + adapt * th
    return crossings


@njit(nogil=True, cache=True)
def _stream_row(w, isyn_exc, apost, c, wmax, zero, learn):
    """``isyn_exc += w``, then ``w <- clip(w - c apost, 0, wmax)`` (views of one block of a weight row)."""
    if learn:
        for j in range(w.shape[0]):
            x = w[j]
            isyn_exc[j] += x
            w[j] = min(max(x - c * apost[j], zero), wmax)
    else:
        for j in range(w.shape[0]):
            isyn_exc[j] += w[j]


@njit(nogil=True, cache=True)
def fused_loop(tid, n_threads, lo, hi, W, F, nrn, c, tc, ic, rows, inp, learn, sh, own, probe):
    """Thread ``tid`` of ``n_threads`` simulates concept neurons ``[lo, hi)`` for the whole drive.

    ``W (n_in, n_c)``, ``F (n_c, n_in)``: weights (updated in place); ``nrn`` (:class:`Neurons`) arrays are
    shared, each thread writing its own block; ``c``: :class:`StateConstants`; ``tc``: :class:`TraceConstants`;
    ``ic``: :class:`IntConstants`; ``rows``: :class:`Rows`; ``inp``: :class:`InputSpikes`; ``learn``:
    plasticity on; ``sh`` (:class:`SharedBuffers`) holds the exchange buffers ``spk_buf (2, n_threads, n_c)``,
    ``spk_cnt (2, n_threads)``, ``win_cnt (2, n_threads)``, ``arrive`` and ``pow_p[k] = exp(-k dt /
    tau_plus)``, ``pow_fb[k]`` for ``k < steps_per_trial``; ``own`` (:class:`ThreadBuffers`) is this thread's
    (per input ``a_last, xl_last, t_last, seen``; event buffers ``ev_j, ev_t, ev_x``); ``probe``
    (:class:`Probe`) receives the recorded potentials of this thread's neurons.

    Returns ``(spike_neuron, spike_step, n_spikes, checksum)`` of this thread's neurons (``checksum``: a
    by-product of the cache prefetch, without meaning).
    """
    n_in, n_c, per, n_ref = ic.n_in, ic.n_c, ic.steps_per_trial, ic.n_ref
    self_inh, subtractive, n_pop, k_win = ic.self_inhibition, ic.subtractive, ic.n_pop, ic.k_winners
    dp = tc.decay_plus
    v_rest, v_reset, w_inh, th_plus, a_minus = c.v_rest, c.v_reset, c.w_inh, c.theta_plus, c.a_minus
    a_plus, a_fb, f_max = tc.a_plus, tc.a_fb, tc.f_max
    adapt_d = c.adapt
    zero_d = c.zero
    v, isyn_exc, isyn_inh, apost = nrn.v, nrn.isyn_exc, nrn.isyn_inh, nrn.apost
    theta, last, v_th, winner = nrn.theta, nrn.last, nrn.v_th, nrn.winner
    w_max_row, wmax_d, pop_of_row, inv_pop = rows.w_max_row, rows.wmax_d, rows.pop_of_row, rows.inv_pop
    ptr, idx, n_steps = inp.ptr, inp.idx, inp.n_steps
    spk_buf, spk_cnt, win_cnt, arrive, pow_p, pow_fb = sh.spk_buf, sh.spk_cnt, sh.win_cnt, sh.arrive, sh.pow_p, \
        sh.pow_fb
    a_last, xl_last, t_last, seen = own.a_last, own.xl_last, own.t_last, own.seen
    ev_j, ev_t, ev_x = own.ev_j, own.ev_t, own.ev_x
    rec_idx, v_rec = probe.idx, probe.v
    cap = ev_j.shape[0]
    xpop = np.zeros(n_pop)
    z_all = np.empty(n_c, np.int64)
    out_j = np.empty(1024, np.int32)
    out_t = np.empty(1024, np.int64)
    n_out = 0
    n_ev = 0
    n_win = 0  # winners of this trial at the start of the step (all threads)
    sink = 0.0
    for i in range(n_in):
        t_last[i] = NEVER
        seen[i] = 0
    for t in range(n_steps):
        r = t % per
        t0 = t - r
        if r == 0:
            for j in range(lo, hi):
                v[j] = v_rest
                isyn_exc[j] = 0.0
                isyn_inh[j] = 0.0
                apost[j] = 0.0
                last[j] = NEVER
                winner[j] = 0
            xpop[:] = 0.0
            n_win = 0
        # groups + thresholds for this thread's neurons (k-winners-take-all: a new winner only below k)
        par = t & 1
        nz_own = 0
        new_own = 0
        crossings = _integrate(lo, hi, t, nrn, c, n_ref)
        if crossings > 0:
            for j in range(lo, hi):
                if t - last[j] >= n_ref and v[j] > v_th[j] + adapt_d * theta[j]:
                    if n_win >= k_win and winner[j] == 0:
                        continue  # k winners already: held back, neither reset nor refractory
                    spk_buf[par, tid, nz_own] = j
                    nz_own += 1
                    last[j] = t
                    if winner[j] == 0:
                        winner[j] = 1
                        new_own += 1
        for m in range(n_pop):
            xpop[m] *= dp
        spk_cnt[par, tid] = nz_own
        win_cnt[par, tid] = new_own
        if n_threads > 1:
            _barrier(arrive, tid, n_threads, t + 1)
        nz = 0
        for k in range(n_threads):
            n_win += win_cnt[par, k]
            for q in range(spk_cnt[par, k]):
                z_all[nz] = spk_buf[par, k, q]
                nz += 1
        # feedback for this thread's spikes (latent traces before this step's input spikes)
        if learn and a_fb > 0:
            for q in range(nz_own):
                j = spk_buf[par, tid, q]
                for i in range(n_in):
                    tl = t_last[i]
                    x = xl_last[i] * pow_fb[t - tl] if tl >= t0 else 0.0
                    F[j, i] += a_fb * x * (f_max - F[j, i])
        # input spikes: one pass over each row
        for k in range(ptr[t], ptr[t + 1]):
            i = idx[k]
            m = pop_of_row[i]
            wmax = w_max_row[i]
            wmd = wmax_d[i]
            if seen[i] < n_ev:
                sink += _apply_pending(W, i, lo, hi, own, n_ev, pow_p, per, wmax, a_plus, m)
            tl = t_last[i]
            if tl >= t0:
                a_last[i] = a_last[i] * pow_p[t - tl] + 1.0
                xl_last[i] = xl_last[i] * pow_fb[t - tl] + 1.0
            else:
                a_last[i] = 1.0
                xl_last[i] = 1.0
            t_last[i] = t
            xpop[m] += inv_pop[m]
            _stream_row(W[i, lo:hi], isyn_exc[lo:hi], apost[lo:hi], a_minus * wmd, wmd, zero_d, learn)
        # inhibition
        if nz > 0 and w_inh > 0:
            for j in range(lo, hi):
                own_spike = 1 if (last[j] == t and self_inh == 0) else 0
                isyn_inh[j] += w_inh * (nz - own_spike)
        # concept spikes: postponed potentiation events, own traces, resets
        if learn and nz > 0:
            if n_ev + nz > cap:  # flush every row, then start a new event list
                for i in range(n_in):
                    if seen[i] < n_ev:
                        sink += _apply_pending(W, i, lo, hi, own, n_ev, pow_p, per, w_max_row[i], a_plus,
                                               pop_of_row[i])
                    seen[i] = 0
                n_ev = 0
            for q in range(nz):
                ev_j[n_ev] = z_all[q]
                ev_t[n_ev] = t
                for mm in range(n_pop):
                    ev_x[n_ev, mm] = xpop[mm] if subtractive else 0.0
                n_ev += 1
        for q in range(nz_own):
            j = spk_buf[par, tid, q]
            apost[j] += 1.0
            v[j] = v_reset
            if learn:
                theta[j] += th_plus
            if n_out == len(out_j):
                out_j = _grow(out_j, n_out + 1)
                out_t = _grow(out_t, n_out + 1)
            out_j[n_out] = j
            out_t[n_out] = t
            n_out += 1
        # membrane recording at the end of the step
        for q in range(rec_idx.shape[0]):
            j = rec_idx[q]
            if j >= lo and j < hi:
                v_rec[t, q] = v[j]
    # apply what is still pending, so the weights are complete when the call returns
    for i in range(n_in):
        if seen[i] < n_ev:
            sink += _apply_pending(W, i, lo, hi, own, n_ev, pow_p, per, w_max_row[i], a_plus, pop_of_row[i])
    return out_j, out_t, n_out, sink
