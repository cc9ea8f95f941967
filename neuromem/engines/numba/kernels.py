"""Compiled simulation loops (numba): a straightforward reference and the fused fast loop.

Both implement the step of :mod:`neuromem.engines.discrete` exactly (same
order of operations) and differ only in how the latent->concept weights
``W [n_in, n_c]`` are updated:

``reference_loop``
    Every trace decays every step; a concept spike updates its weight
    column at once (``n_in`` strided accesses). Easy to read; the fused loop
    is checked against it.
``fused_loop``
    The whole run in one call per thread. Per input spike one pass over its
    weight row does three things: apply the potentiation of the concept
    spikes since the row was last visited (postponed: exact, because only
    potentiation touches a row between two of its input spikes and the
    input's trace decays deterministically in between), add the row to
    ``isyn_exc`` and depress it. A column update would move a 64-byte cache line
    per 4-byte weight; postponed, the potentiation lands in a row that is
    about to be streamed anyway (it is read into cache first, one load per
    line, so the scattered updates hit the cache). The neuron step and the
    row pass are branch-free loops over 0-based views in the state's dtype,
    which LLVM vectorises. Input traces are kept as (value, step of last
    spike) and decayed on demand from a table of ``exp(-k dt / tau)``, so no
    per-input work happens on steps without input spikes. With ``n_threads >
    1``, thread ``k`` owns a contiguous block of concept neurons (columns of
    ``W``, rows of ``F``); per-input bookkeeping is replicated per thread;
    threads meet once per step at a spin barrier to exchange that step's
    concept spikes (inhibition, postponed potentiation). The result does not
    depend on the number of threads.
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

__all__ = ["reference_loop", "fused_loop", "NEVER", "StateConstants", "TraceConstants", "IntConstants", "Rows",
           "InputSpikes", "Neurons", "SharedBuffers", "ThreadBuffers"]

#: "no spike yet" step marker (far in the past)
NEVER = -(1 << 60)

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
    v_thresh: float
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
    n_in: int
    n_c: int
    steps_per_trial: int
    n_ref: int
    self_inhibition: int
    subtractive: int
    n_pop: int


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
    """Concept-neuron arrays (n_c,) in the state's dtype (``last``: step of the last spike, int64)."""

    v: np.ndarray
    isyn_exc: np.ndarray
    isyn_inh: np.ndarray
    apost: np.ndarray
    theta: np.ndarray
    bias: np.ndarray
    last: np.ndarray


class SharedBuffers(NamedTuple):
    """Buffers the threads of the fused loop share (exchange of concept spikes, barrier, decay tables)."""

    spk_buf: np.ndarray
    spk_cnt: np.ndarray
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


# ---- reference ------------------------------------------------------------------------------------
@njit(nogil=True, cache=True)
def reference_loop(W, F, nrn, c, tc, ic, rows, inp, learn):
    """Straightforward loop (see the module docstring).

    ``W (n_in, n_c)``, ``F (n_c, n_in)``: weights (updated in place); ``nrn``: :class:`Neurons` (work
    arrays and theta); ``c``: :class:`StateConstants`; ``tc``: :class:`TraceConstants`; ``ic``:
    :class:`IntConstants`; ``rows``: :class:`Rows`; ``inp``: :class:`InputSpikes`; ``learn``: plasticity on.

    Returns ``(spike_neuron, spike_step, n_spikes)``.
    """
    n_in, n_c, per, n_ref = ic.n_in, ic.n_c, ic.steps_per_trial, ic.n_ref
    self_inh, subtractive, n_pop = ic.self_inhibition, ic.subtractive, ic.n_pop
    dp, dfb = tc.decay_plus, tc.decay_fb
    dm, de, di, dmi, dth = c.decay_m, c.decay_e, c.decay_i, c.decay_minus, c.decay_theta
    v_rest, v_reset, v_th, w_inh, th_plus, a_minus = c.v_rest, c.v_reset, c.v_thresh, c.w_inh, c.theta_plus, \
        c.a_minus
    a_plus, a_fb, f_max = tc.a_plus, tc.a_fb, tc.f_max
    adapt_d = c.adapt
    zero_d = c.zero
    v, isyn_exc, isyn_inh, apost, theta, bias = (nrn.v, nrn.isyn_exc, nrn.isyn_inh, nrn.apost, nrn.theta,
                                                  nrn.bias)
    w_max_row, wmax_d, pop_of_row, inv_pop = rows.w_max_row, rows.wmax_d, rows.pop_of_row, rows.inv_pop
    ptr, idx, n_steps = inp.ptr, inp.idx, inp.n_steps
    last = np.empty(n_c, np.int64)
    apre = np.zeros(n_in)
    xl = np.zeros(n_in)
    xpop = np.zeros(n_pop)
    z = np.empty(n_c, np.int64)
    out_j = np.empty(1024, np.int32)
    out_t = np.empty(1024, np.int64)
    n_out = 0
    for t in range(n_steps):
        if t % per == 0:
            for j in range(n_c):
                v[j] = v_rest
                isyn_exc[j] = 0.0
                isyn_inh[j] = 0.0
                apost[j] = 0.0
                last[j] = NEVER
            apre[:] = 0.0
            xl[:] = 0.0
            xpop[:] = 0.0
        # groups: integrate
        for j in range(n_c):
            if t - last[j] >= n_ref:
                drive = v_rest + isyn_exc[j] - isyn_inh[j] + bias[j]
                v[j] = drive + (v[j] - drive) * dm
            isyn_exc[j] *= de
            isyn_inh[j] *= di
            apost[j] *= dmi
            theta[j] *= dth
        for i in range(n_in):
            apre[i] *= dp
            xl[i] *= dfb
        for m in range(n_pop):
            xpop[m] *= dp
        # thresholds
        nz = 0
        for j in range(n_c):
            if t - last[j] >= n_ref and v[j] > v_th + adapt_d * theta[j]:
                z[nz] = j
                nz += 1
                last[j] = t
        # synapses: feedback (pre pathway of concept->latent)
        if learn:
            for k in range(nz):
                j = z[k]
                for i in range(n_in):
                    F[j, i] += a_fb * xl[i] * (f_max - F[j, i])
        # synapses: input spikes
        for k in range(ptr[t], ptr[t + 1]):
            i = idx[k]
            m = pop_of_row[i]
            apre[i] += 1.0
            xpop[m] += inv_pop[m]
            wmax = wmax_d[i]
            c = a_minus * wmax
            for j in range(n_c):
                isyn_exc[j] += W[i, j]
                if learn:
                    W[i, j] = min(max(W[i, j] - c * apost[j], zero_d), wmax)
        # synapses: inhibition
        if nz > 0 and w_inh > 0:
            for j in range(n_c):
                own = 1 if (last[j] == t and self_inh == 0) else 0
                isyn_inh[j] += w_inh * (nz - own)
        # synapses: concept spikes (post pathway)
        for k in range(nz):
            j = z[k]
            apost[j] += 1.0
            if learn:
                for i in range(n_in):
                    x = apre[i] - (xpop[pop_of_row[i]] if subtractive else 0.0)
                    wmax = w_max_row[i]
                    W[i, j] = min(max(W[i, j] + a_plus * wmax * x, 0.0), wmax)
        # resets
        for k in range(nz):
            j = z[k]
            v[j] = v_reset
            if learn:
                theta[j] += th_plus
            if n_out == len(out_j):
                out_j = _grow(out_j, n_out + 1)
                out_t = _grow(out_t, n_out + 1)
            out_j[n_out] = j
            out_t[n_out] = t
            n_out += 1
        for k in range(ptr[t], ptr[t + 1]):
            xl[idx[k]] += 1.0
    return out_j, out_t, n_out


# ---- fused ----------------------------------------------------------------------------------------
@njit(nogil=True, cache=True)
def _touch(w):
    """Read one number per 64-byte line of ``w``: brings a weight row into cache before scattered updates."""
    s = 0.0
    for j in range(0, w.shape[0], 16):
        s += w[j]
    return s


@njit(nogil=True, cache=True)
def _apply_pending(W, i, lo, hi, seen, ev_j, ev_t, ev_x, n_ev, a_last, t_last, pow_p, per, wmax, a_plus,
                   pop):
    """Potentiation of row ``i`` (columns [lo, hi)) by the concept spikes since its last visit."""
    tl = t_last[i]
    al = a_last[i]
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
def _integrate(lo, hi, t, v, isyn_exc, isyn_inh, apost, theta, last, bias, n_ref, dm, de, di, dmi, dth, v_rest,
               v_th, adapt):
    """One step of neurons [lo, hi) (branch-free, so that it vectorises); returns the threshold crossings."""
    # views indexed from 0: numba then knows the index is non-negative (no wrap-around test), and LLVM vectorises
    v, isyn_exc, isyn_inh, apost = v[lo:hi], isyn_exc[lo:hi], isyn_inh[lo:hi], apost[lo:hi]
    theta, last, bias = theta[lo:hi], last[lo:hi], bias[lo:hi]
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
        crossings += nr and vj > v_th + adapt * th
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
def fused_loop(tid, n_threads, lo, hi, W, F, nrn, c, tc, ic, rows, inp, learn, sh, own):
    """Thread ``tid`` of ``n_threads`` simulates concept neurons ``[lo, hi)`` for the whole drive.

    ``nrn`` (:class:`Neurons`) arrays are shared, each thread writing its own block; ``sh``
    (:class:`SharedBuffers`) holds the exchange buffers ``spk_buf (2, n_threads, n_c)``,
    ``spk_cnt (2, n_threads)``, ``arrive`` and ``pow_p[k] = exp(-k dt / tau_plus)``, ``pow_fb[k]`` for
    ``k < steps_per_trial``; ``own`` (:class:`ThreadBuffers`) is this thread's (per input ``a_last, xl_last,
    t_last, seen``; event buffers ``ev_j, ev_t, ev_x``). ``c, tc, ic, rows, inp, learn`` as in
    :func:`reference_loop`.

    Returns ``(spike_neuron, spike_step, n_spikes, checksum)`` of this thread's neurons (``checksum``: a
    by-product of the cache prefetch, without meaning).
    """
    n_in, n_c, per, n_ref = ic.n_in, ic.n_c, ic.steps_per_trial, ic.n_ref
    self_inh, subtractive, n_pop = ic.self_inhibition, ic.subtractive, ic.n_pop
    dp = tc.decay_plus
    dm, de, di, dmi, dth = c.decay_m, c.decay_e, c.decay_i, c.decay_minus, c.decay_theta
    v_rest, v_reset, v_th, w_inh, th_plus, a_minus = c.v_rest, c.v_reset, c.v_thresh, c.w_inh, c.theta_plus, \
        c.a_minus
    a_plus, a_fb, f_max = tc.a_plus, tc.a_fb, tc.f_max
    adapt_d = c.adapt
    zero_d = c.zero
    v, isyn_exc, isyn_inh, apost = nrn.v, nrn.isyn_exc, nrn.isyn_inh, nrn.apost
    theta, bias, last = nrn.theta, nrn.bias, nrn.last
    w_max_row, wmax_d, pop_of_row, inv_pop = rows.w_max_row, rows.wmax_d, rows.pop_of_row, rows.inv_pop
    ptr, idx, n_steps = inp.ptr, inp.idx, inp.n_steps
    spk_buf, spk_cnt, arrive, pow_p, pow_fb = sh.spk_buf, sh.spk_cnt, sh.arrive, sh.pow_p, sh.pow_fb
    a_last, xl_last, t_last, seen = own.a_last, own.xl_last, own.t_last, own.seen
    ev_j, ev_t, ev_x = own.ev_j, own.ev_t, own.ev_x
    cap = ev_j.shape[0]
    xpop = np.zeros(n_pop)
    z_all = np.empty(n_c, np.int64)
    out_j = np.empty(1024, np.int32)
    out_t = np.empty(1024, np.int64)
    n_out = 0
    n_ev = 0
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
            xpop[:] = 0.0
        # groups + thresholds for this thread's neurons
        par = t & 1
        nz_own = 0
        crossings = _integrate(lo, hi, t, v, isyn_exc, isyn_inh, apost, theta, last, bias, n_ref, dm, de, di, dmi,
                               dth, v_rest, v_th, adapt_d)
        if crossings > 0:
            for j in range(lo, hi):
                if t - last[j] >= n_ref and v[j] > v_th + adapt_d * theta[j]:
                    spk_buf[par, tid, nz_own] = j
                    nz_own += 1
                    last[j] = t
        for m in range(n_pop):
            xpop[m] *= dp
        spk_cnt[par, tid] = nz_own
        if n_threads > 1:
            _barrier(arrive, tid, n_threads, t + 1)
        nz = 0
        for k in range(n_threads):
            for q in range(spk_cnt[par, k]):
                z_all[nz] = spk_buf[par, k, q]
                nz += 1
        # feedback for this thread's spikes (latent traces before this step's input spikes)
        if learn:
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
                sink += _apply_pending(W, i, lo, hi, seen, ev_j, ev_t, ev_x, n_ev, a_last, t_last, pow_p, per,
                                       wmax, a_plus, m)
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
                own = 1 if (last[j] == t and self_inh == 0) else 0
                isyn_inh[j] += w_inh * (nz - own)
        # concept spikes: postponed potentiation events, own traces, resets
        if learn and nz > 0:
            if n_ev + nz > cap:  # flush every row, then start a new event list
                for i in range(n_in):
                    if seen[i] < n_ev:
                        sink += _apply_pending(W, i, lo, hi, seen, ev_j, ev_t, ev_x, n_ev, a_last, t_last, pow_p,
                                               per, w_max_row[i], a_plus, pop_of_row[i])
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
    # apply what is still pending, so the weights are complete when the call returns
    for i in range(n_in):
        if seen[i] < n_ev:
            sink += _apply_pending(W, i, lo, hi, seen, ev_j, ev_t, ev_x, n_ev, a_last, t_last, pow_p, per,
                                   w_max_row[i], a_plus, pop_of_row[i])
    return out_j, out_t, n_out, sink
