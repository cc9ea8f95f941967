"""A small recording with every part a session records: three populations, membrane potentials, epochs."""

from __future__ import annotations

import math

import numpy as np

from neuromem.coding import SpikeTrains, poisson_trials
from neuromem.io import MembraneTrace, Recording, epochs_from_trials

DT_MS = 0.1
PERIOD_MS = 50.0
N_TRIALS = 6


def make_recording(*, seed: int = 3) -> Recording:
    """Two input populations and a concept layer over six 50 ms trials at dt 0.1 ms (3,000 steps)."""
    rng = np.random.default_rng(seed)
    rates = rng.uniform(20, 80, size=(N_TRIALS, 12))
    kw = dict(stimulus_ms=30.0, trial_period_ms=PERIOD_MS, background_hz=5.0, dt_ms=DT_MS, rng=rng)
    picture = poisson_trials(rates, **kw)
    name = poisson_trials(rates[:, ::-1], **kw)
    n_steps = picture.n_steps
    k = 90
    concept = SpikeTrains(indices=rng.integers(0, 8, size=k), steps=np.sort(rng.choice(n_steps, size=k, replace=False)),
                          n_neurons=8, n_steps=n_steps, dt_ms=DT_MS)
    v = MembraneTrace(neurons=np.array([5, 0, 2]), v_mv=rng.normal(-65, 4, size=(n_steps, 3)).astype(np.float32),
                      dt_ms=DT_MS)
    v_in = MembraneTrace(neurons=np.array([1]), v_mv=rng.normal(-70, 1, size=(400, 1)).astype(np.float32),
                         dt_ms=DT_MS, start_step=1000)
    labels = np.array([0, 1, 2, 0, -1, 1])
    items = {"picture": np.array([4, 7, 1, 5, -1, 2]), "name": np.array([0, 1, 2, -1, -1, -1])}
    kind = np.array(["together", "together", "together", "picture", "blank", "picture"])
    epochs = epochs_from_trials(kind, labels, items, concepts=("cat", "dog", "owl"), trial_period_ms=PERIOD_MS,
                                stimulus_ms=30.0, phase="test")
    return Recording(dt_ms=DT_MS, n_steps=n_steps,
                     spikes={"input/picture": picture, "input/name": name, "concept": concept},
                     v={"concept": v, "input/picture": v_in}, epochs=epochs,
                     annotations={"seed": seed, "engine": "numba", "preset": "default", "dataset": "digits",
                                  "modalities": ["picture", "name"], "tau_m_ms": 20.0, "unknown": None,
                                  "ratio": math.nan})
