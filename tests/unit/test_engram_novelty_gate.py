"""engram-formation --novelty-gate: presentations one at a time through the gate; off by default."""

from __future__ import annotations

import pytest

from neuromem.latents import LatentSpace
from neuromem.validation.regression import CASE, LATENTS_FILE

OPTS = {k: CASE[k] for k in ("presentations", "use_spoken", "max_test_pictures_per_concept",
                             "control_test_pictures_per_concept", "min_word_trials_per_concept", "blank_trials",
                             "blank_period_ms", "spec_overrides")}


@pytest.fixture(scope="module")
def space():
    return LatentSpace.load(LATENTS_FILE)


def test_gated_learning_recruits_new_neurons_and_strengthens_familiar_engrams(space):
    from neuromem.experiments.engram_formation import run_engram_formation

    plain = run_engram_formation(space, engine="numba", seed=0, progress=False, figures=False, controls=(), **OPTS)
    gated = run_engram_formation(space, engine="numba", seed=0, progress=False, figures=False, controls=(),
                                 novelty_gate=True, **OPTS)
    assert not any(k.startswith("novelty_gate") for k in plain)  # off by default: the metrics as before
    n_trials = CASE["n_concepts"] * CASE["presentations"]
    assert gated["novelty_gate_recruited"] + gated["novelty_gate_familiar"] == n_trials
    assert gated["novelty_gate_recruited"] >= 1  # the first presentation meets no engram at all
    assert gated["novelty_gate_repeat_familiar"] == 1.0  # a concept's repeats find the engram it formed
    engrams = gated["novelty_gate_engram_sizes"]
    assert engrams and all(n >= 1 for n in engrams.values())
    assert gated["training_spikes_per_presentation"] != plain["training_spikes_per_presentation"]


def test_the_flag_is_a_bool_and_reaches_the_config():
    import argparse

    from neuromem.experiments.engram_formation import EngramConfig
    from neuromem.experiments.engram_formation.cli import add_arguments, config_from_args

    with pytest.raises(TypeError, match="novelty_gate='yes' must be True or False"):
        EngramConfig(novelty_gate="yes")
    p = add_arguments(argparse.ArgumentParser())
    assert config_from_args(p.parse_args(["--novelty-gate"])).novelty_gate is True
    assert config_from_args(p.parse_args([])).novelty_gate is False
