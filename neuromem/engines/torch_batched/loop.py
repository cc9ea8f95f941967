"""The discrete step on ``R`` batch rows at once, in PyTorch (imports torch only).

The step order is :mod:`neuromem.engines.discrete`'s, operation for
operation as the NumPy ``reference`` engine writes it (exponential Euler,
the same association of every product), so that in float64 the spikes are
the reference's. Every dynamic variable carries a leading row dimension;
the weights carry a leading network dimension (``W[n, i, j]``, ``[pre,
post]``) and a row reads the weights of its network (several frozen trial
rows may share one network). Per step, in few tensor operations:

* the row state is decayed in two multiplications (``S`` stacks the
  excitatory and inhibitory currents, the post trace and theta; ``T`` the
  pre, feedback and population traces);
* the input spikes of the step (their flattened weight rows are known on the
  host, so no device synchronisation) are gathered with one ``index_select``
  and accumulated with one ``index_add_``; learning depresses the gathered
  rows and writes them back with one ``index_copy_``;
* concept spikes are dense masks: inhibition, resets and k-winners-take-all
  need no index; learning (potentiation of the spiking neurons' columns,
  feedback growth) reads their indices with one ``nonzero`` per step (on a
  GPU the one synchronisation of a plastic step);
* frozen runs keep each step's spike mask in a device buffer and read it
  back in chunks.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch

__all__ = ["Rows", "Learning", "Inputs", "simulate"]

#: ``ready`` (first step a neuron may integrate again) before any spike
NEVER = -(1 << 30)
#: frozen runs: spike-mask elements held on the device before they are read back
_BUFFER_ELEMENTS = 1 << 24


class Rows(NamedTuple):
    """Per-row constants of one batch (tensors on the run's device, in its float dtype unless noted).

    Parameters
    ----------
    decay_s : Tensor (4, R, 1)
        Per-step decay of ``isyn_exc``, ``isyn_inh``, ``apost``, ``theta``.
    decay_m, v_rest : Tensor (R, 1)
        Membrane decay ``exp(-dt / tau_m)``; resting potential, mV.
    v_reset : float or Tensor (R, 1)
        Reset potential, mV (a float when every row has the same).
    v_th : Tensor (R, n_c)
        Threshold without theta, ``v_thresh + d_j``, mV.
    adapt : Tensor (R, 1) or None
        1.0 where theta raises the threshold (None: nowhere).
    bias : Tensor (R, n_c) or None
        Constant drive, mV (None: zero).
    w_inh : Tensor (R, 1) or None
        Inhibitory jump per concept spike, mV (None: no lateral inhibition).
    other : Tensor (R, 1)
        1.0 where a neuron does not inhibit itself.
    k_win : Tensor (R, 1) of int64, or None
        Winners per trial of k-winners-take-all (None: no limit anywhere; a row without limit holds ``n_c``).
    n_ref : int or Tensor (R, 1) of int32
        Refractory steps (an int when every row has the same).
    network : Tensor (R,) of int64
        Network of each row.
    mask_refractory : bool
        Whether a refractory neuron (holding ``v_reset``) must be kept from crossing explicitly (False when
        ``v_reset`` lies below every threshold, as the spec's checks make it when theta >= 0).
    """

    decay_s: torch.Tensor
    decay_m: torch.Tensor
    v_rest: torch.Tensor
    v_reset: object
    v_th: torch.Tensor
    adapt: torch.Tensor | None
    bias: torch.Tensor | None
    w_inh: torch.Tensor | None
    other: torch.Tensor
    k_win: torch.Tensor | None
    n_ref: object
    network: torch.Tensor
    mask_refractory: bool = True


class Learning(NamedTuple):
    """What a plastic run needs besides :class:`Rows` (one row per network).

    Parameters
    ----------
    decay_t : Tensor (R, 2 n_in + n_pop)
        Per-step decay of the traces ``T = [apre | xl | xpop]``.
    plus : Tensor (R, n_in)
        ``A_+ w_max`` of each input row.
    w_max : Tensor (R, n_in)
    pop : Tensor (n_in,) of int64
        Population of each input.
    subtractive : Tensor (R, 1) or None
        1.0 for zero-sum potentiation within a population (None: nowhere).
    a_fb, f_max, theta_plus : Tensor (R, 1)
    feedback : bool
        Whether any row grows feedback weights.
    """

    decay_t: torch.Tensor
    plus: torch.Tensor
    w_max: torch.Tensor
    pop: torch.Tensor
    subtractive: torch.Tensor | None
    a_fb: torch.Tensor
    f_max: torch.Tensor
    theta_plus: torch.Tensor
    feedback: bool


class Inputs(NamedTuple):
    """The scheduled input spikes on the device; step ``t`` owns ``[ptr[t], ptr[t + 1])`` of each array
    (``[2 ptr[t], 2 ptr[t + 1])`` of ``trace`` and ``trace_add``).

    Parameters
    ----------
    row : Tensor of int64 (n_spikes,)
        Batch row of each spike.
    w_row : Tensor of int64 (n_spikes,)
        Row of ``W.view(-1, n_c)``: ``network * n_in + input``.
    trace, trace_add : Tensor (2 n_spikes,) or None
        Learning: per step, first the ``apre`` entries of ``T.view(-1)`` (add 1), then the ``xpop`` entries
        (add ``1 / N_m``).
    xl : Tensor of int64 (n_spikes,) or None
        Learning: the ``xl`` entry of ``T.view(-1)`` of each spike.
    minus : Tensor (n_spikes,) or None
        Learning: ``A_- w_max`` of each spike's weight row.
    """

    row: torch.Tensor
    w_row: torch.Tensor
    trace: torch.Tensor | None
    trace_add: torch.Tensor | None
    xl: torch.Tensor | None
    minus: torch.Tensor | None


def simulate(W, F, theta0, rows: Rows, inputs: Inputs, ptr: np.ndarray, n_steps: int, per: int, *,
             learning: Learning | None, record=None):
    """Run ``n_steps`` steps of every row; learning changes ``W`` and ``F`` in place.

    Parameters
    ----------
    W : Tensor (n_networks, n_in, n_c)
    F : Tensor (n_networks, n_c, n_in)
    theta0 : Tensor (R, n_c)
        Theta of each row at the start (not changed; the final value is returned).
    rows : Rows
    inputs : Inputs
    ptr : ndarray of int64 (n_steps + 1,)
        Host-side step pointers of ``inputs``.
    n_steps, per : int
        Steps to run; steps per trial (the reset period).
    learning : Learning or None
        Plasticity on (one row per network) or off.
    record : Tensor of int64 (n_rec,), optional
        Neurons whose potential is kept at the end of every step.

    Returns
    -------
    spikes : tuple of three int64 ndarrays
        Row, neuron and step of every concept spike.
    v : ndarray (R, n_steps, n_rec) or None
    theta : Tensor (R, n_c)
        Theta at the end.
    """
    R, n_c = rows.v_th.shape
    n_in = W.shape[1]
    dev, dt = W.device, W.dtype
    W2 = W.view(-1, n_c)
    S = torch.zeros(4, R, n_c, dtype=dt, device=dev)
    iexc, iinh, apost, theta = S.unbind(0)
    theta.copy_(theta0)
    v = torch.empty(R, n_c, dtype=dt, device=dev)
    ready = torch.empty(R, n_c, dtype=torch.int32, device=dev)
    kwta = rows.k_win is not None
    winner = torch.zeros(R, n_c, dtype=torch.bool, device=dev) if kwta else None
    n_win = torch.zeros(R, 1, dtype=torch.int64, device=dev) if kwta else None
    scalar_ref, scalar_reset = isinstance(rows.n_ref, int), isinstance(rows.v_reset, float)
    # learning reads the concept spikes' indices every step; a frozen run keeps the spike masks and reads them
    # back in chunks (on a GPU it never waits; on a CPU it skips the spike effects of a step without spikes)
    sparse, cpu = learning is not None, dev.type == "cpu"
    out_spikes = []
    L = learning
    if L is not None:
        T = torch.zeros(R, L.decay_t.shape[1], dtype=dt, device=dev)
        Tf = T.view(-1)
        apre, xl, xpop = T[:, :n_in], T[:, n_in:2 * n_in], T[:, 2 * n_in:]
        one = torch.ones(max(int(np.diff(ptr).max(initial=0)), 1), dtype=dt, device=dev)
        Wf, F2 = W.view(-1), F.view(-1, F.shape[2])
        col_offset = torch.arange(n_in, device=dev) * n_c
    if not sparse:
        chunk = max(1, min(n_steps, _BUFFER_ELEMENTS // max(1, R * n_c)))
        zbuf = torch.zeros(chunk, R, n_c, dtype=torch.bool, device=dev)
    vbuf = None if record is None else torch.zeros(n_steps, R, len(record), dtype=dt, device=dev)

    for t in range(n_steps):
        if t % per == 0:  # 1. trial start: the reset rule
            v.copy_(rows.v_rest.expand(R, n_c))
            S[:3].zero_()
            ready.fill_(NEVER)
            if kwta:
                winner.zero_()
                n_win.zero_()
            if L is not None:
                T.zero_()
        # 2. integrate (exponential Euler) where not refractory (a refractory neuron holds v_reset); decay
        refractory = ready > t
        drv = iexc + rows.v_rest
        drv.sub_(iinh)
        if rows.bias is not None:
            drv.add_(rows.bias)
        v = (v - drv).mul_(rows.decay_m).add_(drv)
        if scalar_reset:
            v.masked_fill_(refractory, rows.v_reset)
        else:
            v = torch.where(refractory, rows.v_reset, v)
        S.mul_(rows.decay_s)
        if L is not None:
            T.mul_(L.decay_t)
        # 3. thresholds; k-winners-take-all admits against the winners at the start of the step
        thr = rows.v_th if rows.adapt is None else torch.addcmul(rows.v_th, rows.adapt, theta)
        z = torch.gt(v, thr)
        if rows.mask_refractory:
            z.masked_fill_(refractory, False)
        if kwta:
            z.logical_and_(torch.lt(n_win, rows.k_win).logical_or(winner))
        if sparse:
            post = z.nonzero()
            pb, pj = post[:, 0], post[:, 1]
            any_post = post.shape[0] > 0
            if any_post:
                out_spikes.append((pb, pj, t))
        else:
            any_post = bool(z.any()) if cpu else True
        # 4. synapses: feedback (from the latent traces before this step's input spikes)
        if L is not None and any_post and L.feedback:
            fr = pb * n_c + pj
            Fr = F2.index_select(0, fr)
            g = xl.index_select(0, pb).mul_(L.a_fb.index_select(0, pb))
            Fr.add_(g.mul_(torch.sub(L.f_max.index_select(0, pb), Fr)))
            F2.index_copy_(0, fr, Fr)
        lo, hi = int(ptr[t]), int(ptr[t + 1])
        if hi > lo:  # input spikes: add their rows (weights before depression), then depress them
            rb, wr = inputs.row[lo:hi], inputs.w_row[lo:hi]
            Wr = W2.index_select(0, wr)
            iexc.index_add_(0, rb, Wr)
            if L is not None:
                Tf.index_add_(0, inputs.trace[2 * lo:2 * hi], inputs.trace_add[2 * lo:2 * hi])
                Wr.sub_(apost.index_select(0, rb).mul_(inputs.minus[lo:hi, None])).clamp_(min=0.0)
                torch.minimum(Wr, L.w_max.view(-1).index_select(0, wr)[:, None], out=Wr)
                W2.index_copy_(0, wr, Wr)
        if any_post:
            zf = z.to(dt)
            if rows.w_inh is not None:  # inhibition from every other neuron's spike
                n_spk = zf.sum(dim=1, keepdim=True)
                iinh.addcmul_(rows.w_inh, torch.addcmul(n_spk, rows.other, zf, value=-1.0))
            if L is not None:
                apost.add_(zf)
                # potentiate the columns of the spiking neurons
                x = apre.index_select(0, pb)
                if L.subtractive is not None:
                    x.addcmul_(L.subtractive.index_select(0, pb), xpop.index_select(0, pb)[:, L.pop], value=-1.0)
                lin = (pb * (n_in * n_c) + pj)[:, None] + col_offset[None, :]
                cols = Wf.take(lin)
                cols.add_(L.plus.index_select(0, pb).mul_(x)).clamp_(min=0.0)
                torch.minimum(cols, L.w_max.index_select(0, pb), out=cols)
                Wf.index_copy_(0, lin.view(-1), cols.view(-1))
                theta.addcmul_(zf, L.theta_plus)
            # 5. resets
            if scalar_reset:
                v.masked_fill_(z, rows.v_reset)
            else:
                v = torch.where(z, rows.v_reset, v)
            if scalar_ref:
                ready.masked_fill_(z, t + rows.n_ref)
            else:
                ready = torch.where(z, rows.n_ref + t, ready)
            if kwta:
                winner.logical_or_(z)
                torch.sum(winner, dim=1, keepdim=True, out=n_win)
        if L is not None and L.feedback and hi > lo:
            Tf.index_add_(0, inputs.xl[lo:hi], one[:hi - lo])
        if not sparse:
            zbuf[t % chunk].copy_(z)
            if (t + 1) % chunk == 0 or t + 1 == n_steps:
                m = t % chunk + 1
                nz = np.stack(np.nonzero(zbuf[:m].numpy()), axis=1) if cpu else zbuf[:m].nonzero().cpu().numpy()
                out_spikes.append((nz[:, 1], nz[:, 2], nz[:, 0] + (t + 1 - m)))
        if vbuf is not None:
            vbuf[t].copy_(v.index_select(1, record))

    spikes = _gather_spikes(out_spikes, sparse)
    v_out = None if vbuf is None else vbuf.permute(1, 0, 2).cpu().numpy()
    return spikes, v_out, theta.clone()


def _gather_spikes(parts, per_step: bool):
    """``(row, neuron, step)`` int64 arrays from per-step ``(pb, pj, t)`` or per-chunk ``(pb, pj, steps)`` parts."""
    if not parts:
        return tuple(np.zeros(0, np.int64) for _ in range(3))
    if per_step:
        b = torch.cat([p[0] for p in parts]).cpu().numpy()
        j = torch.cat([p[1] for p in parts]).cpu().numpy()
        t = np.repeat(np.array([p[2] for p in parts], np.int64), [len(p[0]) for p in parts])
    else:
        b, j, t = (np.concatenate([p[k] for p in parts]) for k in range(3))
    return b.astype(np.int64), j.astype(np.int64), t.astype(np.int64)
