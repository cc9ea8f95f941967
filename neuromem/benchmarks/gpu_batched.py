"""The batched engine's GPU cases (``tools/gpu_check.py``): synaptic events per second over B plastic networks,
and the default engram experiment's simulation phases over several seeds, batched vs numba.

Both run on any device (``"cpu"`` for a check of the code on a machine without CUDA, with small sizes).

Synaptic events
    :func:`synaptic_events`: ``B`` plastic networks of the benchmark network
    (:func:`~neuromem.benchmarks.benchmark_spec`, default 4,096 inputs x
    16,000 concept neurons), each on its own seeded drive, advanced as the
    rows of one batch for 1 s of biology. A synaptic event is one weight read
    and accumulated because of one presynaptic spike in one network, its
    depression included: ``events = sum over networks of input spikes x N_c``.
Engram phases
    :func:`engram_seeds`: the digits-shaped learning and test phases
    (:func:`~neuromem.benchmarks.phases.engram_phases`, encoding left out) of
    each seed; batched: every seed's network learning side by side (one
    plastic batch), then every seed's test trials side by side (one frozen
    batch); numba: seed after seed, phase after phase.
"""

from __future__ import annotations

import time

import numpy as np

__all__ = ["synaptic_events", "engram_seeds"]


def _sync(device) -> None:
    import torch

    if str(device).startswith("cuda"):
        torch.cuda.synchronize()


def _first_trial(d, steps: int):
    from neuromem.coding.spikes import SpikeTrains

    keep = d.steps < steps
    return SpikeTrains(indices=d.indices[keep], steps=d.steps[keep], n_neurons=d.n_neurons, n_steps=steps,
                       dt_ms=d.dt_ms)


def synaptic_events(n_networks: int, *, device="cuda", n_in: int = 4096, n_c: int = 16000, seed: int = 0) -> dict:
    """Synaptic events per second of ``n_networks`` plastic networks batched on ``device`` (module docstring).

    Returns
    -------
    dict
        ``n_networks, n_in, n_c, bio_s, wall_s, input_spikes, concept_spikes, synaptic_events,
        events_per_s`` (wall: the engine's simulation time of the run after a warm-up run).
    """
    from neuromem.benchmarks.network import benchmark_drive, benchmark_spec
    from neuromem.engines.torch_batched.networks import BatchedNetworks

    spec = benchmark_spec(n_in, n_c)
    drives = [benchmark_drive(spec, seed + b) for b in range(n_networks)]
    nets = BatchedNetworks([spec] * n_networks, [seed + b for b in range(n_networks)], device=device)
    init = nets.get_states()
    nets.run([_first_trial(d, spec.sim.steps_per_trial) for d in drives], plastic=True)  # warm-up
    nets.set_states(init)
    _sync(device)
    t0 = time.perf_counter()
    res = nets.run(drives, plastic=True)
    _sync(device)
    wall = time.perf_counter() - t0
    n_input = int(sum(len(d.steps) for d in drives))
    events = n_input * n_c
    return {"n_networks": n_networks, "n_in": n_in, "n_c": n_c, "bio_s": drives[0].duration_ms / 1e3,
            "wall_s": wall, "input_spikes": n_input, "concept_spikes": int(sum(len(r.spike_steps) for r in res)),
            "synaptic_events": events, "events_per_s": events / wall, "device": str(device)}


def engram_seeds(seeds=(3, 4, 5, 6, 7), *, device="cuda", scale: float = 1.0, presentations: int = 3) -> dict:
    """The engram simulation phases of ``seeds``, batched on ``device`` vs numba seed by seed (module docstring).

    Returns
    -------
    dict
        ``batched_s`` and ``numba_s`` (learning + test of every seed), each phase's seconds, ``speedup``
        (numba / batched) and ``same_test_counts_fraction`` (test trials whose counts equal numba's, pooled).
    """
    from neuromem.benchmarks.phases import engram_phases
    from neuromem.engines import make_engine

    phases = [engram_phases(s, scale=scale, presentations=presentations) for s in seeds]
    spec, per, win = phases[0].spec, phases[0].spec.sim.steps_per_trial, phases[0].spec.sim.stimulus_steps
    out = {"seeds": list(seeds), "scale": scale, "presentations": presentations,
           "n_test_trials": [p.n_test_trials for p in phases],
           "n_learning_trials": [p.n_learning_trials for p in phases], "device": str(device)}

    t = {"numba_learning_s": 0.0, "numba_test_s": 0.0}
    numba_counts = []
    make_engine("numba", spec, seed=0).run(_first_trial(phases[0].learning, per), plastic=True)  # compiled
    for s, p in zip(seeds, phases):
        eng = make_engine("numba", p.spec, seed=s)
        t0 = time.perf_counter()
        eng.run(p.learning, plastic=True)
        t1 = time.perf_counter()
        res = eng.run(p.test, plastic=False)
        t["numba_test_s"] += time.perf_counter() - t1
        t["numba_learning_s"] += t1 - t0
        numba_counts.append(res.counts(per, window_steps=win))

    eng = make_engine("torch-batched", spec, seed=seeds[0], device=device)
    eng.run_batch([p.learning for p in phases[:1]], plastic=True, seeds=list(seeds[:1]))  # warm-up
    _sync(device)
    t0 = time.perf_counter()
    learned = eng.run_batch([p.learning for p in phases], plastic=True, seeds=list(seeds))
    _sync(device)
    t1 = time.perf_counter()
    tested = eng.run_batch([p.test for p in phases], plastic=False, states=learned.states)
    _sync(device)
    t["batched_learning_s"], t["batched_test_s"] = t1 - t0, time.perf_counter() - t1
    same = [np.all(r.counts(per, window_steps=win) == c, axis=1) for r, c in zip(tested.results, numba_counts)]
    out.update(t)
    out["numba_s"] = t["numba_learning_s"] + t["numba_test_s"]
    out["batched_s"] = t["batched_learning_s"] + t["batched_test_s"]
    out["speedup"] = out["numba_s"] / out["batched_s"]
    out["same_test_counts_fraction"] = float(np.concatenate(same).mean())
    return out
