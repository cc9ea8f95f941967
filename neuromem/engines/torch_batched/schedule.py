"""Batch rows on the host: which network each row runs, its input spikes by step, trials split and stitched.

A *row* of the batched simulation is one independent stream of trials: a
whole network during a plastic run, or one frozen trial of a network (the
trial reset rule, :data:`neuromem.protocols.RESET_RULE`, makes frozen trials
independent when nothing carries over from one to the next, see
:func:`trials_are_independent`). Everything here is numpy; the engine moves
the arrays to its device once per run.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from neuromem.coding.spikes import SpikeTrains
from neuromem.engines.base import RunFlags, RunResult
from neuromem.engines.discrete import StepConstants

__all__ = ["RowPlan", "InputSchedule", "trials_are_independent", "plan_rows", "input_schedule", "stitch_rows"]


class RowPlan(NamedTuple):
    """Which part of which drive each batch row simulates.

    Parameters
    ----------
    network : ndarray of int64 (n_rows,)
        Network (index into the batch's networks) of each row.
    start_step : ndarray of int64 (n_rows,)
        First step of the row's window in its network's drive.
    n_steps : int
        Steps every row simulates (a whole number of trial periods).
    per_network : list of ndarray of int64
        Rows of each network, in time order (stitching them back gives the network's run).
    """

    network: np.ndarray
    start_step: np.ndarray
    n_steps: int
    per_network: list


class InputSchedule(NamedTuple):
    """Input spikes of every row, grouped by step (CSR with host-side pointers).

    ``ptr[t]:ptr[t + 1]`` selects the spikes of step ``t`` in every array.

    Parameters
    ----------
    ptr : ndarray of int64 (n_steps + 1,)
    row : ndarray of int64 (n_spikes,)
        Batch row of each spike.
    network : ndarray of int64 (n_spikes,)
        Network of each spike's row.
    input : ndarray of int64 (n_spikes,)
        Input neuron of each spike.
    """

    ptr: np.ndarray
    row: np.ndarray
    network: np.ndarray
    input: np.ndarray


def trials_are_independent(flags: RunFlags, k: StepConstants) -> bool:
    """Whether the trials of one run can be simulated side by side with results identical to one after another.

    The reset rule restarts every dynamic variable at each trial start and a
    frozen run changes no weight; what remains is theta, which decays during a
    frozen run (and is then discarded). Trials are independent when nothing
    learns and theta either does not raise the threshold or does not decay.
    """
    return (not flags.learn) and (not flags.adapt or k.decay_theta == 1.0)


def plan_rows(drives, steps_per_trial: int, *, split_trials: bool, max_rows: int | None = None) -> list[RowPlan]:
    """Cut the networks' drives into batch rows: whole drives, or (``split_trials``) one row per trial.

    Parameters
    ----------
    drives : sequence of SpikeTrains
        One drive per network; all of one length when not split.
    steps_per_trial : int
    split_trials : bool
        One row per trial (frozen, independent trials) instead of one row per network.
    max_rows : int, optional
        At most this many rows per batch: more rows are cut into several batches, run one after another.

    Returns
    -------
    list of RowPlan
        The batches, in the order to run them.
    """
    if not split_trials:
        n = drives[0].n_steps
        if any(d.n_steps != n for d in drives):
            raise ValueError("plastic batched networks need drives of one length; got "
                             f"{sorted({d.n_steps for d in drives})} steps")
        idx = np.arange(len(drives), dtype=np.int64)
        return [RowPlan(network=idx, start_step=np.zeros(len(drives), np.int64), n_steps=n,
                        per_network=[idx[b:b + 1] for b in range(len(drives))])]
    net = np.concatenate([np.full(d.n_steps // steps_per_trial, b, np.int64) for b, d in enumerate(drives)])
    start = np.concatenate([np.arange(d.n_steps // steps_per_trial, dtype=np.int64) * steps_per_trial
                            for d in drives])
    cap = len(net) if max_rows is None else max(1, int(max_rows))
    plans = []
    for lo in range(0, len(net), cap):
        n_b, s_b = net[lo:lo + cap], start[lo:lo + cap]
        rows = np.arange(len(n_b), dtype=np.int64)
        plans.append(RowPlan(network=n_b, start_step=s_b, n_steps=steps_per_trial,
                             per_network=[rows[n_b == b] for b in range(len(drives))]))
    return plans


def input_schedule(plan: RowPlan, drives) -> InputSchedule:
    """The input spikes of every row of ``plan``, sorted by step, then row, then input."""
    steps, rows, inputs = [], [], []
    for r, (b, s0) in enumerate(zip(plan.network, plan.start_step)):
        d = drives[b]
        lo, hi = np.searchsorted(d.steps, [s0, s0 + plan.n_steps])
        steps.append(d.steps[lo:hi] - s0)
        rows.append(np.full(hi - lo, r, np.int64))
        inputs.append(d.indices[lo:hi].astype(np.int64))
    steps, rows, inputs = (np.concatenate(x) if x else np.zeros(0, np.int64) for x in (steps, rows, inputs))
    order = np.lexsort((inputs, rows, steps))
    steps, rows, inputs = steps[order], rows[order], inputs[order]
    ptr = np.searchsorted(steps, np.arange(plan.n_steps + 1)).astype(np.int64)
    return InputSchedule(ptr=ptr, row=rows, network=plan.network[rows], input=inputs)


def stitch_rows(plan_results, drives, n_c: int, dt_ms: float, wall_s: float) -> list[RunResult]:
    """Per network, the spikes (and recorded potentials) of its rows put back on its own time axis.

    Parameters
    ----------
    plan_results : list of (RowPlan, spikes, v)
        Per batch: its plan, ``(row, neuron, step)`` int64 arrays of its spikes, and the recorded potentials
        ``(n_rows, n_steps, n_recorded)`` or None.
    drives : sequence of SpikeTrains
    n_c : int
    dt_ms : float
    wall_s : float
        Simulation wall time of the whole batch (reported on every result).
    """
    out = []
    for b, d in enumerate(drives):
        js, ts, vs = [], [], []
        for plan, (row, j, t), v in plan_results:
            for r in plan.per_network[b]:
                sel = row == r
                js.append(j[sel])
                ts.append(t[sel] + plan.start_step[r])
                if v is not None:
                    vs.append(v[r])
        j = np.concatenate(js) if js else np.zeros(0, np.int64)
        t = np.concatenate(ts) if ts else np.zeros(0, np.int64)
        out.append(RunResult(indices=j, steps=t, n_neurons=n_c, n_steps=d.n_steps, dt_ms=dt_ms, wall_s=wall_s,
                             v_mv=np.concatenate(vs, axis=0) if vs else None))
    return out


def check_drives(drives, n_in: int, dt_ms: float, steps_per_trial: int) -> list[SpikeTrains]:
    """Every drive a SpikeTrains of the network's inputs, dt and a whole number of trials (else ValueError)."""
    drives = list(drives)
    for k, d in enumerate(drives):
        if not isinstance(d, SpikeTrains):
            raise TypeError(f"drive {k} must be SpikeTrains; got {type(d).__name__}")
        if d.n_neurons != n_in:
            raise ValueError(f"drive {k} has {d.n_neurons} input neurons; the networks have {n_in}")
        if abs(d.dt_ms - dt_ms) > 1e-12:
            raise ValueError(f"drive {k} uses dt_ms={d.dt_ms}; the networks use {dt_ms}")
        if d.n_steps == 0 or d.n_steps % steps_per_trial:
            raise ValueError(f"drive {k} lasts {d.n_steps} steps; it must be a positive multiple of the trial "
                             f"period ({steps_per_trial} steps)")
    return drives
