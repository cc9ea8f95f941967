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
    ``g_e`` and depress it. A column update would move a 64-byte cache line
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

import numpy as np
from llvmlite import binding as llvm_binding
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["reference_loop", "fused_loop", "NEVER"]

#: "no spike yet" step marker (far in the past)
NEVER = -(1 << 60)

_libc = ctypes.util.find_library("c")
if _libc:
    llvm_binding.load_library_permanently(_libc)


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
def reference_loop(W, F, theta, bias, fc, fd, ic, w_max_row, wmax_d, pop_of_row, inv_pop, ptr, idx, n_steps, learn, adapt,
                   v, ge, gi, apost):
    """Straightforward loop (see the module docstring). ``v, ge, gi, apost``: work arrays (n_c,).

    ``fc``: float constants (float64, :meth:`StepConstants.float_vector`);
    ``fd``: the same in the state's type followed by the adapt flag;
    ``wmax_d``: ``w_max_row`` in the state's type.

    Returns ``(spike_neuron, spike_step, n_spikes)``.
    """
    n_in, n_c, per, n_ref, self_inh, subtractive, n_pop = ic[0], ic[1], ic[2], ic[3], ic[4], ic[5], ic[6]
    dp, dfb = fc[3], fc[5]
    dm, de, di, dmi, dth = fd[0], fd[1], fd[2], fd[4], fd[6]
    v_rest, v_reset, v_th, w_inh, th_plus, a_minus = fd[7], fd[8], fd[9], fd[10], fd[11], fd[13]
    a_plus, a_fb, f_max = fc[12], fc[14], fc[15]
    adapt_d = fd[16]  # the adapt flag in the state's type
    zero_d = fd[16] - fd[16]
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
                ge[j] = 0.0
                gi[j] = 0.0
                apost[j] = 0.0
                last[j] = NEVER
            apre[:] = 0.0
            xl[:] = 0.0
            xpop[:] = 0.0
        # groups: integrate
        for j in range(n_c):
            if t - last[j] >= n_ref:
                drive = v_rest + ge[j] - gi[j] + bias[j]
                v[j] = drive + (v[j] - drive) * dm
            ge[j] *= de
            gi[j] *= di
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
                ge[j] += W[i, j]
                if learn:
                    W[i, j] = min(max(W[i, j] - c * apost[j], zero_d), wmax)
        # synapses: inhibition
        if nz > 0 and w_inh > 0:
            for j in range(n_c):
                own = 1 if (last[j] == t and self_inh == 0) else 0
                gi[j] += w_inh * (nz - own)
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
def _integrate(lo, hi, t, v, ge, gi, apost, theta, last, bias, n_ref, dm, de, di, dmi, dth, v_rest, v_th, adapt):
    """One step of neurons [lo, hi) (branch-free, so that it vectorises); returns the threshold crossings."""
    # views indexed from 0: numba then knows the index is non-negative (no wrap-around test), and LLVM vectorises
    v, ge, gi, apost, theta, last, bias = v[lo:hi], ge[lo:hi], gi[lo:hi], apost[lo:hi], theta[lo:hi], last[lo:hi], \
        bias[lo:hi]
    crossings = 0
    for j in range(v.shape[0]):
        nr = t - last[j] >= n_ref
        drive = v_rest + ge[j] - gi[j] + bias[j]
        vn = drive + (v[j] - drive) * dm
        vj = vn if nr else v[j]
        v[j] = vj
        ge[j] *= de
        gi[j] *= di
        apost[j] *= dmi
        th = theta[j] * dth
        theta[j] = th
        crossings += nr and vj > v_th + adapt * th
    return crossings


@njit(nogil=True, cache=True)
def _stream_row(w, ge, apost, c, wmax, zero, learn):
    """``ge += w``, then ``w <- clip(w - c apost, 0, wmax)`` (views of one block of a weight row)."""
    if learn:
        for j in range(w.shape[0]):
            x = w[j]
            ge[j] += x
            w[j] = min(max(x - c * apost[j], zero), wmax)
    else:
        for j in range(w.shape[0]):
            ge[j] += w[j]


@njit(nogil=True, cache=True)
def fused_loop(tid, n_threads, lo, hi, W, F, theta, bias, fc, fd, ic, w_max_row, wmax_d, pop_of_row, inv_pop, ptr, idx,
               n_steps, learn, adapt, v, ge, gi, apost, last, pow_p, pow_fb, spk_buf, spk_cnt, arrive,
               a_last, xl_last, t_last, seen, ev_j, ev_t, ev_x):
    """Thread ``tid`` of ``n_threads`` simulates concept neurons ``[lo, hi)`` for the whole drive.

    ``v, ge, gi, apost, last`` (n_c) are shared, each thread writing its own
    block; ``spk_buf (2, n_threads, n_c)``, ``spk_cnt (2, n_threads)`` and
    ``arrive`` are shared exchange buffers; ``a_last, xl_last, t_last, seen``
    (n_in) and the event buffers ``ev_j, ev_t, ev_x`` are this thread's own.
    ``pow_p[k] = exp(-k dt / tau_plus)`` and ``pow_fb[k]`` for ``k < steps_per_trial``.

    Returns ``(spike_neuron, spike_step, n_spikes, checksum)`` of this thread's neurons (``checksum``: a
    by-product of the cache prefetch, without meaning).
    """
    n_in, n_c, per, n_ref, self_inh, subtractive, n_pop = ic[0], ic[1], ic[2], ic[3], ic[4], ic[5], ic[6]
    dp = fc[3]
    dm, de, di, dmi, dth = fd[0], fd[1], fd[2], fd[4], fd[6]
    v_rest, v_reset, v_th, w_inh, th_plus, a_minus = fd[7], fd[8], fd[9], fd[10], fd[11], fd[13]
    a_plus, a_fb, f_max = fc[12], fc[14], fc[15]
    adapt_d = fd[16]  # the adapt flag in the state's type
    zero_d = fd[16] - fd[16]
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
                ge[j] = 0.0
                gi[j] = 0.0
                apost[j] = 0.0
                last[j] = NEVER
            xpop[:] = 0.0
        # groups + thresholds for this thread's neurons
        par = t & 1
        nz_own = 0
        crossings = _integrate(lo, hi, t, v, ge, gi, apost, theta, last, bias, n_ref, dm, de, di, dmi, dth, v_rest,
                               v_th, adapt_d)
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
            _stream_row(W[i, lo:hi], ge[lo:hi], apost[lo:hi], a_minus * wmd, wmd, zero_d, learn)
        # inhibition
        if nz > 0 and w_inh > 0:
            for j in range(lo, hi):
                own = 1 if (last[j] == t and self_inh == 0) else 0
                gi[j] += w_inh * (nz - own)
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
