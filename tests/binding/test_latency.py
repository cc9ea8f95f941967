"""Latency is cue onset to a CORRECT answer, read on one shared grid from the spikes before each time."""

from __future__ import annotations

import numpy as np

from neuromem.binding.latency import answers_over_grid, latency_grid_ms
from neuromem.experiments.compare_binding.measures import latency_to_correct_ms


def test_the_first_answer_is_not_the_latency_when_it_is_wrong():
    # trial 0: unit 1 fires at 2.5 ms, unit 0 at 4.2 and 4.9 ms; trial 1: nothing
    grid = latency_grid_ms(6.0)
    assert grid.tolist() == [1, 2, 3, 4, 5, 6]
    answers = answers_over_grid([2.5, 4.2, 4.9], [0, 0, 0], [1, 0, 0], n_trials=2, n_units=2, grid_ms=grid,
                                answer=lambda c: c.argmax(axis=1))
    assert answers[:, 0].tolist() == [-1, -1, 1, 1, 0, 0]  # the readout changes its mind at 5 ms
    assert answers[:, 1].tolist() == [-1] * 6
    lat = latency_to_correct_ms(answers, np.array([0, 0]), grid)
    assert lat[0] == 5.0 and np.isnan(lat[1])  # the first spike (2.5 ms) answered wrongly
    assert latency_to_correct_ms(answers, np.array([1, 1]), grid)[0] == 3.0
