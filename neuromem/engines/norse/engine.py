"""PyTorch/Norse translation of :class:`~neuromem.network.NetworkSpec` (the only module importing norse).

Concept neurons step with :func:`neuromem.engines.norse.step.lif_step`
(Norse's ``lif_refrac_feed_forward_step`` repeated operation for operation,
with an injectable spike function); the event-driven plasticity
(:mod:`.step`) is written in PyTorch with weights stored
``[pre, post]`` (``W[b, i, j]``): an input spike reads, adds and depresses its
row, a concept spike potentiates its column. Tensors live on the device
chosen by the ``device`` option (``"cpu"``, ``"cuda"``, ``"cuda:N"``);
nothing is global. :class:`NorseNetworks` runs ``B`` independent networks
(different seeds, inputs or parameter values, same structure) in one batch;
:class:`NorseEngine` is the single-network engine registered as ``"norse"``.

Numerics compared with Brian2 (the reference engine)
----------------------------------------------------
* **Integration scheme.** Norse integrates with forward Euler,
  ``v += dt/tau_m (v_leak - v + i)``, ``i -= dt/tau_syn i``. It is given the
  effective rates ``(1 - exp(-dt/tau)) / dt`` instead of ``1/tau``, which
  makes its step algebraically identical to Brian2's exponential Euler (exact
  for currents held constant over a step). With plain ``1/tau`` the
  first-order error would lengthen each interspike interval by a factor of
  about ``1 + dt/(2 tau_m)`` (0.25 % at dt = 0.1 ms, tau_m = 20 ms). The
  inhibitory current and the bias enter through ``v_leak = v_rest - isyn_inh + b``
  (Norse has one synaptic current, which carries ``isyn_exc``).
* **Ordering of input and threshold.** Norse adds its input to the current
  *before* the voltage update. The input spikes of step ``t`` are therefore
  passed as the input of step ``t + 1``, which reproduces Brian2's order
  (integrate with the currents of the previous step, threshold, then the
  synapses of this step add to ``isyn_exc``); trial starts discard the pending
  input as Brian2's reset does.
* **Refractoriness.** Norse counts refractory steps (``rho``); Brian2 uses
  ``timestep(t - lastspike) >= timestep(t_ref)``. ``rho_reset = n_ref - 1``
  with ``n_ref = floor(t_ref / dt + 1e-3)`` freezes ``v`` on exactly the same
  steps; refractory periods that are not a multiple of dt are rounded down by
  both engines.
* **Precision.** float32 by default (Brian2: float64). The differences are
  rounding only: relative 1e-7 per operation on ``v`` (about 1e-5 mV) and on
  the weights. A concept spike can move by one step, or appear/disappear,
  only when ``v`` ends a step within that rounding of the threshold; over many
  steps such flips change who wins a competition occasionally, which is why
  agreement with Brian2 is checked statistically
  (``tests/engines/test_array_engines_agreement.py``); with ``dtype="float64"``
  the spikes of small test networks are identical.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np

try:
    import torch

    with warnings.catch_warnings():  # norse 1.1 warns about torch.jit.script deprecation on import
        warnings.simplefilter("ignore")
        import norse  # noqa: F401  (the engine's library; the step below repeats its LIF step)
except ImportError as exc:  # pragma: no cover - depends on the environment
    from neuromem.engines.base import EngineUnavailable

    raise EngineUnavailable("the norse engine needs torch and norse (pip install 'neuromem[norse]')") from exc

from neuromem.coding.spikes import SpikeTrains
from neuromem.engines.base import Engine, RunFlags, RunResult
from neuromem.engines.discrete import check_dtype, split_state, stack_state, step_constants
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

__all__ = ["NetworkConstants", "NorseEngine", "NorseNetworks", "resolve_device"]

_TORCH_DTYPES = {"float32": torch.float32, "float64": torch.float64}


def resolve_device(device) -> "torch.device":
    """``"cpu"``, ``"cuda"`` or ``"cuda:N"`` -> torch.device; a clear error when it cannot be used."""
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"device={device!r} is not a device name; use 'cpu', 'cuda' or 'cuda:N'") from exc
    if dev.type not in ("cpu", "cuda"):
        raise ValueError(f"device={device!r}; the norse engine runs on 'cpu' or 'cuda'")
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError(f"device={device!r} was requested but CUDA is not available here "
                               f"(torch {torch.__version__}, built for CUDA {torch.version.cuda}); use device='cpu'")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise RuntimeError(f"device={device!r}: only {torch.cuda.device_count()} CUDA device(s) present")
    return dev


class NetworkConstants(NamedTuple):
    """Per-network constants of a batch, tensors of shape (B, 1) unless noted.

    Parameters
    ----------
    k_m, k_e : Tensor
        Effective membrane / current rates ``1 - exp(-dt / tau)`` per step.
    d_i, d_p, d_minus, d_fb, d_theta : Tensor
        Per-step decay factors of the inhibitory current, the pre / post
        STDP traces, the feedback trace and theta.
    v_rest, v_reset, v_th : Tensor
        Potentials, mV.
    w_inh : Tensor
        Inhibitory jump per concept spike, mV.
    other : Tensor
        1.0 when a neuron does not inhibit itself, else 0.0.
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
    rho_reset: torch.Tensor
    plasticity: PlasticityParameters
    w_max_row: torch.Tensor
    inv_pop: torch.Tensor


def _structure(spec: NetworkSpec) -> tuple:
    return (tuple(p.n_neurons for p in spec.populations), spec.concept.n_neurons, spec.sim.dt_ms,
            spec.sim.steps_per_trial)


class NorseNetworks:
    """``B`` independent networks of one structure, simulated in one batch.

    Parameters
    ----------
    specs : sequence of NetworkSpec
        One spec per network; they may differ in parameter values but not in
        structure (population sizes, concept neurons, dt, trial period).
    seeds : sequence of int, optional
        Seed of each network's initial state; None: no state until
        :meth:`set_states` is called.
    device : str
        ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
    dtype : {"float32", "float64"}
        Floating-point type of every tensor.
    """

    def __init__(self, specs, seeds=None, *, device="cpu", dtype="float32"):
        specs = list(specs)
        if not specs:
            raise ValueError("at least one spec is needed")
        if seeds is not None and len(list(seeds)) != len(specs):
            raise ValueError(f"{len(specs)} specs but {len(seeds)} seeds")
        for s in specs:
            if not isinstance(s, NetworkSpec):
                raise TypeError(f"specs must be NetworkSpec objects; got {type(s).__name__}")
        base = _structure(specs[0])
        for k, s in enumerate(specs[1:], 1):
            if _structure(s) != base:
                raise ValueError(f"spec {k} has structure {_structure(s)} but spec 0 has {base}; batched networks "
                                 f"must share population sizes, concept neurons, dt and trial period")
        self.specs = specs
        self.seeds = None if seeds is None else list(seeds)
        self.device = resolve_device(device)
        self.np_dtype = check_dtype(dtype)
        self.dtype = _TORCH_DTYPES[self.np_dtype.name]
        self.B = len(specs)
        ks = [step_constants(s) for s in specs]
        self._k0 = ks[0]
        dev, dt = self.device, self.dtype

        def col(values):  # per-network constant, shape (B, 1)
            return torch.tensor(np.asarray(values, dtype=np.float64)[:, None], dtype=dt, device=dev)

        self.constants = NetworkConstants(
            k_m=col([1 - k.decay_m for k in ks]), k_e=col([1 - k.decay_e for k in ks]),
            d_i=col([k.decay_i for k in ks]), d_p=col([k.decay_plus for k in ks]),
            d_minus=col([k.decay_minus for k in ks]), d_fb=col([k.decay_fb for k in ks]),
            d_theta=col([k.decay_theta for k in ks]), v_rest=col([k.v_rest for k in ks]),
            v_reset=col([k.v_reset for k in ks]), v_th=col([k.v_thresh for k in ks]),
            w_inh=col([k.w_inh for k in ks]), other=col([0.0 if k.self_inhibition else 1.0 for k in ks]),
            rho_reset=col([max(k.n_ref - 1, 0) for k in ks]),
            plasticity=PlasticityParameters(
                a_plus=col([k.a_plus for k in ks]), a_minus=col([k.a_minus for k in ks]),
                subtractive=col([float(k.subtractive) for k in ks]), a_fb=col([k.a_fb for k in ks]),
                f_max=col([k.f_max for k in ks]), theta_plus=col([k.theta_plus for k in ks])),
            w_max_row=torch.tensor(np.stack([k.w_max_row for k in ks]), dtype=dt, device=dev),
            inv_pop=torch.tensor(np.stack([k.inv_pop_size for k in ks]), dtype=dt, device=dev),
        )
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
    def run(self, drives, *, plastic: bool, bias_mv=None, flags: RunFlags | None = None) -> list[RunResult]:
        """Simulate one drive per network (same length); see :class:`~neuromem.engines.Engine` for the contract.

        Parameters
        ----------
        drives : sequence of SpikeTrains
        plastic : bool
        bias_mv : array-like, optional
            Constant drive, broadcastable to ``(B, n_c)``, mV.
        flags : RunFlags, optional
            As :meth:`Engine.flags` gives them (by default derived from ``plastic`` by the same rule, per network).
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
        B, n_in, n_c, per = self.B, k0.n_in, k0.n_c, k0.steps_per_trial
        n_pop = k0.n_pop
        dev, dt = self.device, self.dtype
        bias = np.zeros((B, n_c)) if bias_mv is None else np.broadcast_to(np.asarray(bias_mv, dtype=np.float64),
                                                                         (B, n_c))
        bias = torch.tensor(np.array(bias), dtype=dt, device=dev)
        c = self.constants
        pl = c.plasticity
        plastic = bool(plastic)
        learn = plastic if flags is None else flags.learn
        keep_theta = plastic if flags is None else flags.keep_theta
        adapt = torch.tensor([[1.0 if (learn or s.homeostasis.apply_at_test) else 0.0] for s in self.specs],
                             dtype=dt, device=dev)
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
        out_b, out_j, out_t = [], [], []
        theta_decays = bool((c.d_theta != 1).any())
        ones = torch.ones(int(np.diff(ptr).max(initial=0)), dtype=dt, device=dev)

        for t in range(n_steps):
            if t % per == 0:  # trial start (neuromem.protocols.RESET_RULE)
                lif = LIFState(v=c.v_rest.expand(B, n_c).clone(), i=zeros_c.clone(), rho=zeros_c.clone())
                jump = zeros_c.clone()
                isyn_inh = zeros_c.clone()
                apost = zeros_c.clone()
                apre = torch.zeros(B, n_in, dtype=dt, device=dev)
                xl = torch.zeros(B, n_in, dtype=dt, device=dev)
                xpop = torch.zeros(B, n_pop, dtype=dt, device=dev)
            # groups: theta and traces decay; LIF step (input of the previous step enters here)
            if theta_decays:
                theta.mul_(c.d_theta)
            p = LIFParameters(tau_syn_inv=c.k_e, tau_mem_inv=c.k_m, v_leak=c.v_rest - isyn_inh + bias,
                              v_th=c.v_th + adapt * theta, v_reset=c.v_reset, rho_reset=c.rho_reset)
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
            # resets: v was reset by the LIF step; latent traces count this step's input spikes
            if hi > lo:
                xl.view(-1).index_add_(0, r, ones[:len(r)])

        if out_b:
            ob, oj, ot = (torch.cat(x).cpu().numpy() for x in (out_b, out_j, out_t))
        else:
            ob = oj = ot = np.zeros(0, np.int64)
        return [RunResult(indices=oj[ob == b], steps=ot[ob == b], n_neurons=n_c, n_steps=n_steps,
                          dt_ms=self.specs[b].sim.dt_ms) for b in range(B)]


class NorseEngine(Engine):
    """PyTorch/Norse engine for one network (see the module docstring for its numerics).

    Parameters
    ----------
    spec : NetworkSpec
    seed : int
        Seed of the initial state.
    progress : bool
        Accepted for interface compatibility.
    device : str
        ``"cpu"`` (default), ``"cuda"`` or ``"cuda:N"``.
    dtype : {"float32", "float64"}
        Floating-point type of every tensor.
    """

    name = "norse"

    def __init__(self, spec: NetworkSpec, *, seed=0, progress: bool = False, device="cpu",
                 dtype="float32"):
        super().__init__(spec, seed=seed, progress=progress)
        self.networks_ = NorseNetworks([spec], device=device, dtype=dtype)  # the base writes the state
        self.device = self.networks_.device
        self.dtype = self.networks_.np_dtype

    def _read_state(self) -> NetworkState:
        return self.networks_.get_states()[0]

    def _write_state(self, state: NetworkState) -> None:
        self.networks_.set_states([state])

    def _run(self, drive: SpikeTrains, flags: RunFlags, bias_mv: np.ndarray) -> RunResult:
        return self.networks_.run([drive], plastic=flags.learn, bias_mv=bias_mv[None, :], flags=flags)[0]
