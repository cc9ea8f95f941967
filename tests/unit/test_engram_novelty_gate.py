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


def test_gated_learning_recruits_one_engram_per_new_concept_and_strengthens_familiar_ones(space, monkeypatch):
    import math

    import neuromem.experiments.engram_formation.gated as gated
    from neuromem.experiments.engram_formation import run_engram_formation

    def run(**kw):
        return run_engram_formation(space, engine="numba", seed=0, progress=False, figures=False, controls=(), **kw,
                                    **OPTS)

    plain, gated_run = run(), run(novelty_gate=True)
    assert not any(k.startswith("novelty_gate") for k in plain)  # off by default: the metrics as before
    n_c, n_trials = CASE["n_concepts"], CASE["n_concepts"] * CASE["presentations"]
    assert gated_run["novelty_gate_recruited"] + gated_run["novelty_gate_familiar"] == n_trials
    # every new concept recruits its own engram once, every repeat finds the engram it formed
    assert gated_run["novelty_gate_n_engrams"] == n_c == gated_run["novelty_gate_recruited"]
    assert gated_run["novelty_gate_first_presentation_new"] == 1.0
    assert gated_run["novelty_gate_repeat_familiar"] == 1.0
    assert gated_run["novelty_gate_decision_accuracy"] == 1.0
    assert all(n >= 1 for n in gated_run["novelty_gate_engram_sizes"].values())
    assert gated_run["training_spikes_per_presentation"] != plain["training_spikes_per_presentation"]
    # a gate that ignores the reconstruction match (the engram response alone) lets one engram absorb new concepts
    monkeypatch.setattr(gated, "MATCH_MIN", -math.inf)
    blind = run(novelty_gate=True)
    assert blind["novelty_gate_n_engrams"] < n_c and blind["novelty_gate_first_presentation_new"] < 1.0


def test_reconstruction_match_is_the_correlation_of_cue_and_feedback():
    import numpy as np

    from neuromem.experiments.engram_formation.gated import reconstruction_match

    w_fb = np.array([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0]])  # neuron 0 predicts inputs 0 and 3
    cue = np.array([50.0, 2.0, 2.0, 50.0])
    assert reconstruction_match(cue, np.array([5, 0]), w_fb) == pytest.approx(1.0)
    assert reconstruction_match(cue, np.array([0, 5]), w_fb) == pytest.approx(-1.0)
    assert reconstruction_match(cue, np.array([0, 0]), w_fb) == -1.0  # nothing fired: nothing reconstructed
    with pytest.raises(ValueError, match="one shape"):
        reconstruction_match(cue[:3], np.array([5, 0]), w_fb)


def test_the_flag_is_a_bool_and_reaches_the_config():
    import argparse

    from neuromem.experiments.engram_formation import EngramConfig
    from neuromem.experiments.engram_formation.cli import add_arguments, config_from_args

    with pytest.raises(TypeError, match="novelty_gate='yes' must be True or False"):
        EngramConfig(novelty_gate="yes")
    p = add_arguments(argparse.ArgumentParser())
    assert config_from_args(p.parse_args(["--novelty-gate"])).novelty_gate is True
    assert config_from_args(p.parse_args([])).novelty_gate is False
