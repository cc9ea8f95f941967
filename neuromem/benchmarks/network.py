"""The benchmark network and its input: identical for every engine.

``N_in`` Poisson inputs (one population, one neuron per latent dimension)
with rates drawn uniformly in 0-40 Hz per stimulus, 10 stimuli x 100 ms = 1 s
of biology at dt = 0.1 ms, ``N_c`` LIF concept neurons with pair STDP
(default preset values) and lateral inhibition scaled as
``w_inh = 5000 mV / N_c``, which keeps about 1.5 % of the concept neurons
active per stimulus at every size (measured and reported as
``active_fraction``).
"""

from __future__ import annotations

import numpy as np

from neuromem.coding.spikes import SpikeTrains, poisson_trials
from neuromem.network import (
    AdaptiveThreshold,
    ConceptLayer,
    HebbianFeedback,
    LateralInhibition,
    NetworkSpec,
    PairSTDP,
    SimConfig,
    one_population_spec,
)

__all__ = ["benchmark_spec", "benchmark_drive", "N_STIMULI", "STIMULUS_MS", "RATE_MAX_HZ", "INHIBITION_SCALE_MV"]

N_STIMULI = 10
STIMULUS_MS = 100.0
RATE_MAX_HZ = 40.0
#: w_inh = INHIBITION_SCALE_MV / N_c
INHIBITION_SCALE_MV = 5000.0


def benchmark_spec(n_in: int, n_c: int) -> NetworkSpec:
    """The benchmark network with ``n_in`` inputs and ``n_c`` concept neurons."""
    if n_in < 1 or n_c < 1:
        raise ValueError(f"sizes must be positive; got n_in={n_in}, n_c={n_c}")
    mechanisms = (PairSTDP(), HebbianFeedback(), AdaptiveThreshold(),
                  LateralInhibition(w_inh_mv=INHIBITION_SCALE_MV / n_c))
    return one_population_spec(int(n_in), ConceptLayer(n_neurons=int(n_c)), mechanisms=mechanisms,
                               sim=SimConfig(dt_ms=0.1, stimulus_ms=STIMULUS_MS, trial_period_ms=STIMULUS_MS),
                               name=f"benchmark-{n_in}x{n_c}")


def benchmark_drive(spec: NetworkSpec, seed: int = 0) -> SpikeTrains:
    """10 stimuli x 100 ms of Poisson input, rates uniform in [0, 40] Hz per input and stimulus."""
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    rates = rng.uniform(0.0, RATE_MAX_HZ, size=(N_STIMULI, spec.n_inputs))
    return poisson_trials(rates, stimulus_ms=STIMULUS_MS, trial_period_ms=STIMULUS_MS, background_hz=0.0,
                          dt_ms=spec.sim.dt_ms, rng=rng)


def silent_drive(spec: NetworkSpec, n_trials: int = 1) -> SpikeTrains:
    """No input spikes for ``n_trials`` trials (warm-up / compilation)."""
    return SpikeTrains(indices=np.zeros(0, np.int32), steps=np.zeros(0, np.int64), n_neurons=spec.n_inputs,
                       n_steps=n_trials * spec.sim.steps_per_trial, dt_ms=spec.sim.dt_ms)
