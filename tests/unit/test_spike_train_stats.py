"""Mean rate and ISI CV against closed forms: a regular train, hand-computed intervals, a Poisson process."""

from __future__ import annotations

import numpy as np
import pytest

from neuromem.analysis import isi_cv_per_neuron, mean_rate_hz
from neuromem.coding import SpikeTrains, poisson_trials


def test_rates_and_cvs_of_hand_made_trains():
    # neuron 0: every 10 steps (regular), neuron 1: ISIs 1 ms and 3 ms, neuron 2: two spikes, neuron 3: silent
    steps0 = np.arange(0, 1000, 10)
    spikes = [(0, s) for s in steps0] + [(1, 5), (1, 15), (1, 45), (2, 7), (2, 300)]
    spikes.sort(key=lambda p: (p[1], p[0]))
    st = SpikeTrains(indices=[p[0] for p in spikes], steps=[p[1] for p in spikes], n_neurons=4, n_steps=1000,
                     dt_ms=0.1)
    assert mean_rate_hz(st).tolist() == pytest.approx([1000.0, 30.0, 20.0, 0.0], rel=1e-12)
    cv = isi_cv_per_neuron(st)
    assert cv[0] == pytest.approx(0.0, abs=1e-12)
    assert cv[1] == pytest.approx(0.5, rel=1e-12)  # ISIs 1 and 3 ms: std 1, mean 2
    assert np.isnan(cv[2]) and np.isnan(cv[3])


def test_a_poisson_process_has_cv_near_one():
    st = poisson_trials(np.full((1, 20), 50.0), stimulus_ms=20_000.0, trial_period_ms=20_000.0, background_hz=0.0,
                        dt_ms=0.1, rng=np.random.default_rng(3))
    # ~1,000 intervals per neuron: each CV has a standard error of about 0.03, their mean about 0.007
    assert np.mean(isi_cv_per_neuron(st)) == pytest.approx(1.0, abs=0.03)
    assert np.mean(mean_rate_hz(st)) == pytest.approx(50.0, rel=0.03)


def test_zero_duration_has_no_rate():
    with pytest.raises(ValueError, match="no rate"):
        mean_rate_hz(SpikeTrains(indices=[], steps=[], n_neurons=2, n_steps=0, dt_ms=0.1))
