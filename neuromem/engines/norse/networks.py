"""``B`` independent networks of one structure stepped together in PyTorch (imports torch only).

The step is the discrete model's (:mod:`neuromem.engines.discrete`), with the
neuron update of :func:`neuromem.engines.norse.step.lif_step`; the numerics
compared with Brian2 are described in :mod:`neuromem.engines.norse.engine`.
Each network's constants come from the discrete model's builders
(:data:`neuromem.engines.builders.BUILDERS`, backend ``"norse"``).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch

from neuromem.engines.base import RunFlags, RunResult, run_flags
from neuromem.engines.devices import resolve_device as _resolve_device
from neuromem.engines.discrete import check_batch, check_dtype, split_state, stack_state, step_constants
from neuromem.engines.norse.step import (
    LIFParameters,
    LIFState,
    PlasticityParameters,
    depress_rows,
    grow_feedback,
    heaviside,
    lif_step,
    potentiate_columns,
)
from neuromem.network.spec import NetworkSpec, NetworkState, initial_state

__all__ = ["NetworkConstants", "NorseNetworks", "resolve_device"]

_TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64}


def resolve_device(device) -> "torch.device":
    """``"cpu"``, ``"cuda"`` or ``"cuda:N"`` -> torch.device (:func:`neuromem.engines.devices.resolve_device`)."""
    return _resolve_device(device, "the norse engine")


class NetworkConstants(NamedTuple):
    """Per-network constants of a batch, tensors of shape (B, 1) unless noted.

    Parameters
    ----------
    k_m, k_e : Tensor
        Effective membrane / current rates ``1 - exp(-dt / tau)`` per step.
    d_i, d_p, d_minus, d_fb, d_theta : Tensor
        Per-step decay factors of the inhibitory current, the pre / post
        STDP traces, the feedback trace and theta.
    v_rest, v_reset : Tensor
        Potentials, mV.
    v_th : Tensor (B, n_c)
        Threshold of each neuron without theta (``v_thresh + d_j``), mV.
    w_inh : Tensor
        Inhibitory jump per concept spike, mV.
    other : Tensor
        1.0 when a neuron does not inhibit itself, else 0.0.
    k_win : Tensor
        Winners per trial of k-winners-take-all (``inf``: no limit).
    rho_reset : Tensor
        Refractory steps after a spike minus one.
    plasticity : PlasticityParameters
    w_max_row : Tensor (B, n_in)
        ``w_max`` of each input row, mV.
    inv_pop : Tensor (B, n_pop)
        ``1 / N_m`` per population.
    """

    k_m: torch.Tensor
    k_e: torch.Tensor
    d_i: torch.Tensor
    d_p: torch.Tensor
    d_minus: torch.Tensor
    d_fb: torch.Tensor
    d_theta: torch.Tensor
    v_rest: torch.Tensor
    v_reset: torch.Tensor
    v_th: torch.Tensor
    w_inh: torch.Tensor
    other: torch.Tensor
    k_win: torch.Tensor
    rho_reset: torch.Tensor
    plasticity: PlasticityParameters
    w_max_row: torch.Tensor
    inv_pop: torch.Tensor


class NorseNetworks:
    """``B`` independent networks of one structure, simulated in one batch.

    Parameters
    ----------
    specs : sequence of NetworkSpec
        One spec per network; they may differ in parameter values but not in
        structure (population sizes, concept neurons, dt, trial period, the
        classes of their mechanisms).
    seeds : sequence of int, optional
        Seed of each network's initial state (and of mechanisms drawing from
        it); None: no state until :meth:`set_states` is called.
    device : str
        ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
    dtype : {"float32", "float64"}
        Floating-point type of every tensor.
    """

    def __init__(self, specs, seeds=None, *, device="cpu", dtype="float32"):
        specs = check_batch(specs, seeds)
        self.specs = specs
        self.seeds = None if seeds is None else list(seeds)
        self.device = resolve_device(device)
        self.np_dtype = check_dtype(dtype)
        self.dtype = _TORCH_DTYPES[self.np_dtype.name]
        self.B = len(specs)
        ks = [step_constants(s, None if seeds is None else seeds[b], backend="norse") for b, s in enumerate(specs)]
        self._k0 = ks[0]
        self._kwta = any(k.k_winners for k in ks)
        dev, dt = self.device, self.dtype

        def col(values):  # per-network constant, shape (B, 1)
            return torch.tensor(np.asarray(values, dtype=np.float64)[:, None], dtype=dt, device=dev)

        def rows(arrays):  # per-network row, shape (B, n)
            return torch.tensor(np.stack(arrays), dtype=dt, device=dev)

        self.constants = NetworkConstants(
            k_m=col([1 - k.decay_m for k in ks]), k_e=col([1 - k.decay_e for k in ks]),
            d_i=col([k.decay_i for k in ks]), d_p=col([k.decay_plus for k in ks]),
            d_minus=col([k.decay_minus for k in ks]), d_fb=col([k.decay_fb for k in ks]),
            d_theta=col([k.decay_theta for k in ks]), v_rest=col([k.v_rest for k in ks]),
            v_reset=col([k.v_reset for k in ks]), v_th=rows([k.v_thresh_row for k in ks]),
            w_inh=col([k.w_inh for k in ks]), other=col([0.0 if k.self_inhibition else 1.0 for k in ks]),
            k_win=col([k.k_winners or np.inf for k in ks]), rho_reset=col([max(k.n_ref - 1, 0) for k in ks]),
            plasticity=PlasticityParameters(
                a_plus=col([k.a_plus for k in ks]), a_minus=col([k.a_minus for k in ks]),
                subtractive=col([float(k.subtractive) for k in ks]), a_fb=col([k.a_fb for k in ks]),
                f_max=col([k.f_max for k in ks]), theta_plus=col([k.theta_plus for k in ks])),
            w_max_row=rows([k.w_max_row for k in ks]), inv_pop=rows([k.inv_pop_size for k in ks]))
        self._pop_of_row = torch.tensor(self._k0.pop_of_row, dtype=torch.long, device=dev)
        self.W = self.F = self.theta = None
        if self.seeds is not None:
            self.set_states([initial_state(s, seed) for s, seed in zip(specs, self.seeds)])

    # ---- state --------------------------------------------------------------------------------
    def set_states(self, states) -> None:
        """Replace every network's weights and thresholds (one NetworkState per network)."""
        states = list(states)
        if len(states) != self.B:
            raise ValueError(f"{len(states)} states for {self.B} networks")
        Ws, Fs, ths = [], [], []
        for s, spec in zip(states, self.specs):
            s.check(spec)
            W, F, th = stack_state(s, spec, self.np_dtype)
            Ws.append(W), Fs.append(F), ths.append(th)
        self.W = torch.tensor(np.stack(Ws), device=self.device)
        self.F = torch.tensor(np.stack(Fs), device=self.device)
        self.theta = torch.tensor(np.stack(ths), device=self.device)

    def get_states(self) -> list[NetworkState]:
        """Weights and thresholds of every network (float64 numpy copies)."""
        W, F, th = (x.detach().cpu().numpy() for x in (self.W, self.F, self.theta))
        return [split_state(W[b], F[b], th[b], spec) for b, spec in enumerate(self.specs)]

    # ---- run ----------------------------------------------------------------------------------
    def _input_schedule(self, drives):
        """Flat row indices ``b * n_in + i`` of all input spikes, grouped by step (CSR, pointers on the host)."""
        n_in = self._k0.n_in
        steps = np.concatenate([d.steps for d in drives])
        rows = np.concatenate([d.indices.astype(np.int64) + b * n_in for b, d in enumerate(drives)])
        order = np.argsort(steps, kind="stable")
        steps, rows = steps[order], rows[order]
        ptr = np.searchsorted(steps, np.arange(drives[0].n_steps + 1))
        return ptr, torch.tensor(rows, dtype=torch.long, device=self.device)

    @torch.no_grad()
    def run(self, drives, *, plastic: bool, bias_mv=None, flags: RunFlags | None = None,
            record_v=None) -> list[RunResult]:
        """Simulate one drive per network (same length); see :class:`~neuromem.engines.Engine` for the contract.

        Parameters
        ----------
        drives : sequence of SpikeTrains
        plastic : bool
        bias_mv : array-like, optional
            Constant drive, broadcastable to ``(B, n_c)``, mV.
        flags : RunFlags, optional
            As :meth:`Engine.flags` gives them (default: :func:`~neuromem.engines.run_flags` of each network's spec).
        record_v : sequence of int, optional
            Concept neurons whose membrane potential is recorded in every network (``v_mv`` of each result).
        """
        if self.W is None:
            raise RuntimeError("no state: pass seeds to the constructor or call set_states() first")
        drives = list(drives)
        if len(drives) != self.B:
            raise ValueError(f"{len(drives)} drives for {self.B} networks")
        n_steps = drives[0].n_steps
        if any(d.n_steps != n_steps for d in drives):
            raise ValueError("all drives of a batch must have the same number of steps")
        k0 = self._k0
        B, n_in, n_c, per, n_pop = self.B, k0.n_in, k0.n_c, k0.steps_per_trial, k0.n_pop
        dev, dt = self.device, self.dtype
        bias = np.zeros((B, n_c)) if bias_mv is None else np.broadcast_to(np.asarray(bias_mv, dtype=np.float64),
                                                                         (B, n_c))
        bias = torch.tensor(np.array(bias), dtype=dt, device=dev)
        c = self.constants
        pl = c.plasticity
        every = [run_flags(s, plastic) if flags is None else flags for s in self.specs]
        learn, keep_theta = every[0].learn, every[0].keep_theta
        adapt = torch.tensor([[float(f.adapt)] for f in every], dtype=dt, device=dev)
        rec = None if record_v is None else torch.as_tensor(np.asarray(record_v, np.int64), device=dev)
        v_rec = []
        ptr, rows_all = self._input_schedule(drives)
        W2 = self.W.view(B * n_in, n_c)      # row r = b * n_in + i
        Wflat = self.W.view(-1)
        F2 = self.F.view(B * n_c, n_in)      # row b * n_c + j
        theta = self.theta if keep_theta else self.theta.clone()
        w_max_flat = c.w_max_row.reshape(-1)                # (B * n_in,)
        pop_flat = (torch.arange(B, device=dev)[:, None] * n_pop + self._pop_of_row[None, :]).reshape(-1)
        inv_pop_flat = c.inv_pop.reshape(-1)
        i_range = torch.arange(n_in, device=dev)
        zeros_c = torch.zeros(B, n_c, dtype=dt, device=dev)
        blocked = torch.full((B, n_c), float("inf"), dtype=dt, device=dev)
        out_b, out_j, out_t = [], [], []
        theta_decays = bool((c.d_theta != 1).any())
        ones = torch.ones(int(np.diff(ptr).max(initial=0)), dtype=dt, device=dev)

        for t in range(n_steps):
            if t % per == 0:  # trial start (the engine contract's reset rule)
                lif = LIFState(v=c.v_rest.expand(B, n_c).clone(), i=zeros_c.clone(), rho=zeros_c.clone())
                jump = zeros_c.clone()
                isyn_inh = zeros_c.clone()
                apost = zeros_c.clone()
                apre = torch.zeros(B, n_in, dtype=dt, device=dev)
                xl = torch.zeros(B, n_in, dtype=dt, device=dev)
                xpop = torch.zeros(B, n_pop, dtype=dt, device=dev)
                winner = torch.zeros(B, n_c, dtype=torch.bool, device=dev)
            # groups: theta and traces decay; LIF step (input of the previous step enters here)
            if theta_decays:
                theta.mul_(c.d_theta)
            v_th = c.v_th + adapt * theta
            if self._kwta:  # k-winners-take-all: a neuron that is not yet a winner crosses only below k
                v_th = torch.where(winner | (winner.sum(dim=1, keepdim=True) < c.k_win), v_th, blocked)
            p = LIFParameters(tau_syn_inv=c.k_e, tau_mem_inv=c.k_m, v_leak=c.v_rest - isyn_inh + bias,
                              v_th=v_th, v_reset=c.v_reset, rho_reset=c.rho_reset)
            z, lif = lif_step(jump, lif, p, heaviside)
            isyn_inh = isyn_inh * c.d_i
            apost.mul_(c.d_minus)
            apre.mul_(c.d_p)
            xl.mul_(c.d_fb)
            xpop.mul_(c.d_p)
            post = torch.nonzero(z)  # (k, 2): network, neuron
            n_post = post.shape[0]
            if n_post:
                pb, pj = post[:, 0], post[:, 1]
                out_b.append(pb), out_j.append(pj), out_t.append(torch.full_like(pb, t))
                if learn:  # feedback, from the latent traces before this step's input spikes
                    fr = pb * n_c + pj
                    F2.index_copy_(0, fr, grow_feedback(F2.index_select(0, fr), pl.a_fb[pb], xl[pb], pl.f_max[pb]))
            # input spikes: add the row to isyn_exc (next step's input), then depress it
            lo, hi = ptr[t], ptr[t + 1]
            if hi > lo:
                r = rows_all[lo:hi]
                rb = torch.div(r, n_in, rounding_mode="floor")
                Wr = W2.index_select(0, r)
                jump = zeros_c.index_add(0, rb, Wr)
                apre.view(-1).index_add_(0, r, ones[:len(r)])
                pr = pop_flat[r]
                xpop.view(-1).index_add_(0, pr, inv_pop_flat[pr])
                if learn:
                    W2.index_copy_(0, r, depress_rows(Wr, w_max_flat[r][:, None], pl.a_minus[rb], apost[rb]))
            else:
                jump = zeros_c
            # inhibition and concept-spike effects
            if n_post:
                zc = z.sum(dim=1, keepdim=True)
                isyn_inh = isyn_inh + c.w_inh * (zc - c.other * z)
                if learn:  # potentiate the columns of the spiking neurons
                    x = apre[pb] - pl.subtractive[pb] * xpop[pb][:, self._pop_of_row]      # (k, n_in)
                    lin = (pb[:, None] * n_in + i_range[None, :]) * n_c + pj[:, None]     # (k, n_in)
                    cols = potentiate_columns(Wflat[lin], c.w_max_row[pb], pl.a_plus[pb], x)
                    Wflat.index_copy_(0, lin.reshape(-1), cols.reshape(-1))
                    theta.add_(pl.theta_plus * z)
                apost.add_(z)
                if self._kwta:
                    winner |= z > 0
            # resets: v was reset by the LIF step; latent traces count this step's input spikes
            if hi > lo:
                xl.view(-1).index_add_(0, r, ones[:len(r)])
            if rec is not None:  # membrane potential at the end of the step
                v_rec.append(lif.v[:, rec])

        if out_b:
            ob, oj, ot = (torch.cat(x).cpu().numpy() for x in (out_b, out_j, out_t))
        else:
            ob = oj = ot = np.zeros(0, np.int64)
        vs = torch.stack(v_rec, dim=1).cpu().numpy() if rec is not None and v_rec else None  # (B, n_steps, n_rec)
        return [RunResult(indices=oj[ob == b], steps=ot[ob == b], n_neurons=n_c, n_steps=n_steps,
                          dt_ms=self.specs[b].sim.dt_ms, v_mv=None if vs is None else vs[b]) for b in range(B)]
