"""The figure-set page's table: one row per figure drawn, its numbers read from the set's metrics.json."""

from __future__ import annotations

import pytest

from neuromem.cli.figure_set.table import FIGURE_NUMBERS, figure_numbers_table


def _metrics(window_index):
    return {"binding_window": {"onset_asynchrony_ms": [-50, 0, 50], "binding_index": window_index,
                               "binding_half_width_ms": [-100.0, 102.0]},
            "encoding": {"heldout_picture_accuracy": 0.983},
            "figure_set": {"figures": {"binding_window": ["x/binding_window.png"],
                                       "encoding": ["x/latent_space.png", "x/new_figure.png"]}}}


def test_every_drawn_figure_gets_a_row_with_the_numbers_of_its_run():
    table = figure_numbers_table(_metrics([0.85, 0.86, 0.84]))
    rows = table.splitlines()[2:]
    assert len(rows) == 3  # one per drawn figure, a new one included
    assert "0.85, 0.86, 0.84" in rows[0] and "-100 / +102 ms" in rows[0]
    assert "0.983" in rows[1]
    assert rows[2].startswith("| `encoding/new_figure.png` | - |")
    assert "0.12, 0.86, 0.84" in figure_numbers_table(_metrics([0.12, 0.86, 0.84]))  # numbers follow the run
    with pytest.raises(ValueError, match="figure_set"):
        figure_numbers_table({})


def test_each_figure_the_set_draws_has_a_description():
    for name in ("figure1.png", "summary.png", "compression.png", "binding_window.png", "latent_space.png"):
        assert name in FIGURE_NUMBERS
