"""``N`` independent networks of one structure on one device, run as the rows of one batch (imports torch).

Each network's constants come from the discrete model's builders
(:data:`neuromem.engines.builders.BUILDERS`, backend ``"torch-batched"``);
its state (``W [pre, post]``, ``F``, ``theta``) lives on the device. A run
cuts the drives into rows (:mod:`.schedule`): one row per network when it
learns, one row per trial when the trials are independent
(:func:`~.schedule.trials_are_independent`), and steps every row together
(:func:`.loop.simulate`).
"""

from __future__ import annotations

import time

import numpy as np
import torch

from neuromem.engines.base import RunFlags, RunResult, run_flags
from neuromem.engines.devices import resolve_device
from neuromem.engines.discrete import check_batch, check_dtype, split_state, stack_state, step_constants
from neuromem.engines.torch_batched.loop import Inputs, Learning, Rows, simulate
from neuromem.engines.torch_batched.schedule import (
    check_drives,
    input_schedule,
    plan_rows,
    stitch_rows,
    trials_are_independent,
)
from neuromem.network.spec import NetworkState, initial_state

__all__ = ["BatchedNetworks"]

_TORCH = {"float32": torch.float32, "float64": torch.float64}
#: per-network scalars, one column each of the constants table
_SCALARS = ("decay_e", "decay_i", "decay_minus", "decay_theta", "decay_m", "v_rest", "v_reset", "w_inh",
            "other", "a_fb", "f_max", "theta_plus", "subtractive", "decay_plus", "decay_fb")


def _uniform(rows: torch.Tensor, values):
    """A float when every network has the same value (cheaper masked fills), else the per-row tensor."""
    return float(values[0]) if all(x == values[0] for x in values) else rows


class BatchedNetworks:
    """``N`` independent networks of one structure, simulated together.

    Parameters
    ----------
    specs : sequence of NetworkSpec
        One per network; parameter values may differ, the structure may not
        (:func:`~neuromem.engines.discrete.check_batch`).
    seeds : sequence of int or SeedSequence
        Seed of each network's initial state and of the mechanisms drawing
        from it (threshold offsets). The state is built from it when first
        needed, unless :meth:`set_states` came first.
    device : str
        ``"cpu"``, ``"cuda"`` or ``"cuda:N"``; every tensor lives there.
    dtype : {"float32", "float64"}
    max_rows : int, optional
        At most this many rows stepped together (more frozen trials are run in
        several batches, one after another); default: all.

    Raises
    ------
    MechanismUnsupported, TypeError, ValueError
        For a mechanism without a ``torch-batched`` builder, bad specs, seeds, device or dtype.
    """

    backend = "torch-batched"

    def __init__(self, specs, seeds, *, device="cpu", dtype="float32", max_rows: int | None = None):
        seeds = list(seeds)
        self.specs = check_batch(specs, seeds)
        self.seeds = seeds
        self.device = resolve_device(device, "the torch-batched engine")
        self.np_dtype = check_dtype(dtype)
        self.dtype = _TORCH[self.np_dtype.name]
        if max_rows is not None and (isinstance(max_rows, bool) or not isinstance(max_rows, (int, np.integer))
                                     or max_rows < 1):
            raise ValueError(f"max_rows={max_rows!r} must be None or an int >= 1")
        self.max_rows = max_rows
        self.N = len(self.specs)
        self.k = [step_constants(s, seed, backend=self.backend) for s, seed in zip(self.specs, seeds)]
        k0 = self.k[0]
        self.n_in, self.n_c, self.per, self.n_pop = k0.n_in, k0.n_c, k0.steps_per_trial, k0.n_pop
        table = np.array([[self._scalar(k, name) for name in _SCALARS] for k in self.k])
        self._scalars = {name: self._tensor(table[:, q:q + 1]) for q, name in enumerate(_SCALARS)}
        self._v_th = self._tensor(np.stack([k.v_thresh_row for k in self.k]))
        w_max = np.stack([k.w_max_row for k in self.k])
        self._w_max = self._tensor(w_max)
        self._plus = self._tensor(np.stack([k.a_plus * k.w_max_row for k in self.k]))
        self._minus = np.stack([k.a_minus * k.w_max_row for k in self.k])       # host: gathered per spike
        self._inv_pop = np.stack([k.inv_pop_size for k in self.k])
        self._pop = torch.as_tensor(k0.pop_of_row, dtype=torch.long, device=self.device)
        self._k_win = np.array([k.k_winners or self.n_c + 1 for k in self.k], np.int64)
        self._n_ref = np.array([k.n_ref for k in self.k], np.int64)
        self.W = self.F = self.theta = None

    @staticmethod
    def _scalar(k, name: str) -> float:
        if name == "other":
            return 0.0 if k.self_inhibition else 1.0
        if name == "subtractive":
            return float(k.subtractive)
        return float(getattr(k, name))

    def _tensor(self, a) -> torch.Tensor:
        return torch.as_tensor(np.asarray(a, dtype=np.float64), device=self.device).to(self.dtype)

    # ---- state ------------------------------------------------------------------------------------
    def set_states(self, states) -> None:
        """Replace every network's weights and thresholds (one NetworkState per network, copied)."""
        states = list(states)
        if len(states) != self.N:
            raise ValueError(f"{len(states)} states for {self.N} networks")
        arrays = []
        for s, spec in zip(states, self.specs):
            if not isinstance(s, NetworkState):
                raise TypeError(f"states must be NetworkState objects; got {type(s).__name__}")
            s.check(spec)
            arrays.append(stack_state(s, spec, self.np_dtype))
        self.W, self.F, self.theta = (torch.as_tensor(np.stack([a[q] for a in arrays]), device=self.device)
                                      for q in range(3))

    def get_states(self) -> list[NetworkState]:
        """Weights and thresholds of every network (float64 numpy copies)."""
        self._ensure_state()
        W, F, th = (x.cpu().numpy() for x in (self.W, self.F, self.theta))
        return [split_state(W[b], F[b], th[b], spec) for b, spec in enumerate(self.specs)]

    def _ensure_state(self) -> None:
        if self.W is None:
            self.set_states([initial_state(s, seed) for s, seed in zip(self.specs, self.seeds)])

    # ---- one batch ----------------------------------------------------------------------------------
    def _rows(self, net: np.ndarray, flags, bias: np.ndarray) -> Rows:
        idx = torch.as_tensor(net, device=self.device)
        sc = {name: t.index_select(0, idx) for name, t in self._scalars.items()}
        adapt = np.array([float(flags[b].adapt) for b in net])
        inhibit = any(k.w_inh > 0 for k in self.k)
        kwta = any(k.k_winners for k in self.k)
        n_ref = self._n_ref[net]
        return Rows(
            decay_s=torch.stack([sc["decay_e"], sc["decay_i"], sc["decay_minus"], sc["decay_theta"]]),
            decay_m=sc["decay_m"], v_rest=sc["v_rest"], v_reset=_uniform(sc["v_reset"], [k.v_reset for k in self.k]),
            v_th=self._v_th.index_select(0, idx), adapt=self._tensor(adapt[:, None]) if adapt.any() else None,
            bias=self._tensor(bias[net]) if np.any(bias) else None, w_inh=sc["w_inh"] if inhibit else None,
            other=sc["other"],
            k_win=torch.as_tensor(self._k_win[net][:, None], device=self.device) if kwta else None,
            n_ref=int(n_ref[0]) if np.all(n_ref == n_ref[0]) else torch.as_tensor(n_ref[:, None].astype(np.int32),
                                                                                device=self.device),
            network=idx, mask_refractory=self._reset_may_cross(net, adapt))

    def _reset_may_cross(self, net: np.ndarray, adapt: np.ndarray) -> bool:
        """Whether ``v_reset`` may lie above some row's threshold (then refractory neurons are masked explicitly).

        Theta only decays towards 0 or grows by ``theta_plus >= 0``, so its smallest value is the smallest now.
        """
        low = self.theta.min(dim=1).values.clamp(max=0.0).cpu().numpy()
        for r, b in enumerate(net):
            k = self.k[b]
            if k.v_reset >= k.v_thresh_row.min() + adapt[r] * low[b]:
                return True
        return False

    def _learning(self, rows: Rows) -> Learning:
        sc = {name: t.index_select(0, rows.network) for name, t in self._scalars.items()}
        R = len(rows.network)
        decay_t = torch.cat([sc["decay_plus"].expand(R, self.n_in), sc["decay_fb"].expand(R, self.n_in),
                             sc["decay_plus"].expand(R, self.n_pop)], dim=1).contiguous()
        sub = any(k.subtractive for k in self.k)
        return Learning(decay_t=decay_t, plus=self._plus.index_select(0, rows.network),
                        w_max=self._w_max.index_select(0, rows.network), pop=self._pop,
                        subtractive=sc["subtractive"] if sub else None, a_fb=sc["a_fb"], f_max=sc["f_max"],
                        theta_plus=sc["theta_plus"], feedback=any(k.a_fb > 0 for k in self.k))

    def _inputs(self, sched, learn: bool) -> Inputs:
        dev, n_in = self.device, self.n_in
        as_long = lambda a: torch.as_tensor(np.ascontiguousarray(a, dtype=np.int64), device=dev)  # noqa: E731
        w_row = sched.network * n_in + sched.input
        if not learn:
            return Inputs(row=as_long(sched.row), w_row=as_long(w_row), trace=None, trace_add=None, xl=None,
                          minus=None)
        width = 2 * n_in + self.n_pop
        counts = np.diff(sched.ptr)
        step = np.repeat(np.arange(len(counts)), counts)
        q = np.arange(len(sched.row)) - sched.ptr[step]
        pos_pre = 2 * sched.ptr[step] + q
        trace = np.empty(2 * len(q), np.int64)
        add = np.empty(2 * len(q))
        pop = self.k[0].pop_of_row[sched.input]
        trace[pos_pre] = sched.row * width + sched.input
        trace[pos_pre + counts[step]] = sched.row * width + 2 * n_in + pop
        add[pos_pre] = 1.0
        add[pos_pre + counts[step]] = self._inv_pop[sched.network, pop]
        return Inputs(row=as_long(sched.row), w_row=as_long(w_row), trace=as_long(trace), trace_add=self._tensor(add),
                      xl=as_long(sched.row * width + n_in + sched.input),
                      minus=self._tensor(self._minus[sched.network, sched.input]))

    # ---- run -----------------------------------------------------------------------------------------
    @torch.no_grad()
    def run(self, drives, *, plastic: bool, bias_mv=None, flags=None, record_v=None,
            split_trials: bool = True) -> list[RunResult]:
        """Simulate one drive per network; see :class:`~neuromem.engines.Engine` for the contract.

        Parameters
        ----------
        drives : sequence of SpikeTrains
            One per network; a plastic run needs drives of one length.
        plastic : bool
            Learning on (each network learns from its own drive) or off.
        bias_mv : array-like, optional
            Constant drive, broadcastable to ``(N, n_c)``, mV.
        flags : sequence of RunFlags, optional
            Per network (default: :func:`~neuromem.engines.run_flags` of its spec and ``plastic``).
        record_v : sequence of int, optional
            Concept neurons whose potential is recorded in every network.
        split_trials : bool
            Run independent frozen trials side by side (identical results, see
            :func:`~.schedule.trials_are_independent`); False: one row per network.

        Returns
        -------
        list of RunResult
            One per network (``wall_s``: the whole batch's simulation time).
        """
        self._ensure_state()
        drives = check_drives(drives, self.n_in, self.specs[0].sim.dt_ms, self.per)
        if len(drives) != self.N:
            raise ValueError(f"{len(drives)} drives for {self.N} networks")
        flags = [run_flags(s, plastic) for s in self.specs] if flags is None else list(flags)
        if len(flags) != self.N or not all(isinstance(f, RunFlags) for f in flags):
            raise ValueError(f"flags must be {self.N} RunFlags")
        learn = bool(flags[0].learn)
        if any(f.learn != learn or f.keep_theta != flags[0].keep_theta for f in flags):
            raise ValueError("every network of a batch must learn (and keep theta) alike")
        bias = np.zeros((self.N, self.n_c)) if bias_mv is None else \
            np.broadcast_to(np.asarray(bias_mv, dtype=np.float64), (self.N, self.n_c))
        split = split_trials and all(trials_are_independent(f, k) for f, k in zip(flags, self.k))
        record = None if record_v is None else torch.as_tensor(np.asarray(record_v, np.int64), device=self.device)
        t0 = time.perf_counter()
        done = []
        for plan in plan_rows(drives, self.per, split_trials=split, max_rows=self.max_rows):
            rows = self._rows(plan.network, flags, bias)
            sched = input_schedule(plan, drives)
            theta0 = self.theta.index_select(0, rows.network)
            spikes, v, theta = simulate(self.W, self.F, theta0, rows, self._inputs(sched, learn), sched.ptr,
                                        plan.n_steps, self.per, learning=self._learning(rows) if learn else None,
                                        record=record)
            if flags[0].keep_theta:
                self.theta.copy_(theta)
            done.append((plan, spikes, v))
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)
        wall = time.perf_counter() - t0
        return stitch_rows(done, drives, self.n_c, self.specs[0].sim.dt_ms, wall)
