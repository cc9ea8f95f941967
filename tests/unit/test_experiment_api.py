"""Experiment config (CLI / TOML / tests), results object (save / load), experiment registry."""

import argparse
import sys

import numpy as np
import pytest

from neuromem.experiments import registry
from neuromem.experiments.engram_formation import EngramConfig, EngramResults, add_arguments, config_from_args, \
    make_figures, run
from neuromem.validation import synthetic_latent_space


def test_config_validates_and_round_trips_through_toml(tmp_path):
    with pytest.raises(ValueError, match="EngramConfig.presentations=0"):
        EngramConfig(presentations=0)
    with pytest.raises(ValueError, match="unknown controls"):
        EngramConfig(controls=("sham",))
    with pytest.raises(ValueError, match="unknown engram-formation options"):
        EngramConfig.from_dict({"presentation": 2})
    (tmp_path / "c.toml").write_text('engine = "numba"\npresentations = 2\ncontrols = ["untrained"]\n'
                                     '[criterion]\nn_sd = 3.0\n[spec_overrides.concept]\nn_neurons = 20\n')
    cfg = EngramConfig.from_toml(tmp_path / "c.toml")
    assert (cfg.engine, cfg.presentations, cfg.controls, cfg.criterion.n_sd) == ("numba", 2, ("untrained",), 3.0)
    assert cfg.spec_overrides == {"concept": {"n_neurons": 20}}
    assert EngramConfig.from_dict(cfg.to_dict()) == cfg


def test_cli_flags_override_the_config_file(tmp_path):
    (tmp_path / "c.toml").write_text('engine = "numba"\npresentations = 2\n')
    p = add_arguments(argparse.ArgumentParser())
    cfg = config_from_args(p.parse_args(["--config", str(tmp_path / "c.toml"), "--presentations", "4",
                                         "--controls", ""]))
    assert (cfg.engine, cfg.presentations, cfg.controls) == ("numba", 4, ())


def test_results_save_load_round_trip(tmp_path):
    pytest.importorskip("numba")
    space = synthetic_latent_space(n_concepts=3, latent_dim=4, pictures_per_concept=8, seed=0)
    res = run(space, EngramConfig(engine="numba", presentations=1, controls=("untrained",), blank_trials=2,
                                  min_word_trials_per_concept=2, spec_overrides={"concept": {"n_neurons": 10}}),
              progress=False)
    res.save(tmp_path)
    back = EngramResults.load(tmp_path)
    assert back.spec == res.spec and back.concepts == res.concepts
    np.testing.assert_array_equal(back.test_spikes.steps, res.test_spikes.steps)
    np.testing.assert_array_equal(back.test_trials.cue_items(), res.test_trials.cue_items())
    np.testing.assert_array_equal(back.control_test_counts["untrained"], res.control_test_counts["untrained"])
    np.testing.assert_allclose(back.trained.w_in_mv["name"], res.trained.w_in_mv["name"], rtol=1e-6)
    assert back.metrics["picture_to_name_recall_at_1"] == res.metrics["picture_to_name_recall_at_1"]
    figs = make_figures(tmp_path, tmp_path / "figs")
    assert len(figs) == 4 and all(f.stat().st_size > 5000 for f in figs)
    with pytest.raises(FileNotFoundError, match="no metrics.json"):
        EngramResults.load(tmp_path / "figs")


def test_registry_lists_the_experiment_and_surfaces_real_import_errors(tmp_path, monkeypatch):
    assert "engram-formation" in registry.experiment_names()
    assert "binding-window" in registry.experiment_names()
    for name in ("engram-formation", "binding-window"):  # one split per seed, encoded on request of the experiment
        exp = registry.load_experiment(name)
        assert exp.ENCODES is True and all(hasattr(exp, a) for a in registry.REQUIRED_ATTRIBUTES)
        assert exp.EXAMPLE.startswith(f"neuromem run {name} ") and len(exp.HELP) > len(exp.DESCRIPTION)
    (tmp_path / "nm_broken_experiment.py").write_text("import neuromem_no_such_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(registry.EXPERIMENTS, "broken", "nm_broken_experiment")
    with pytest.raises(ModuleNotFoundError, match="neuromem_no_such_dependency"):
        registry.load_experiment("broken")
    sys.modules.pop("nm_broken_experiment", None)
    with pytest.raises(KeyError, match="unknown experiment"):
        registry.load_experiment("nope")
