"""Presets: shipped as package data, user folders override them, renamed keys and quoted inf are clear errors."""

import math

import pytest

from neuromem.network import available_presets, load_preset
from neuromem.network import presets as P


def test_shipped_presets_load_without_the_checkout_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(P, "MODELS_DIR", tmp_path / "absent")
    monkeypatch.delenv(P.MODELS_ENV, raising=False)
    assert {"default", "soft-wta"} <= set(available_presets())
    spec = load_preset("default", latent_dim=3)
    assert spec.name == "default" and math.isinf(spec.homeostasis.tau_theta_ms)


def test_user_folder_overrides_a_shipped_preset(monkeypatch, tmp_path):
    (tmp_path / "default.toml").write_text('name = "mine"\n[concept]\nn_neurons = 7\n')
    (tmp_path / "extra.toml").write_text('[concept]\nn_neurons = 9\n')
    monkeypatch.setenv(P.MODELS_ENV, str(tmp_path))
    assert load_preset("default", latent_dim=2).concept.n_neurons == 7
    assert load_preset("extra", latent_dim=2).concept.n_neurons == 9
    assert "extra" in available_presets()


def test_renamed_key_names_the_new_key(tmp_path):
    (tmp_path / "old.toml").write_text("[concept]\ntau_exc_ms = 5.0\n[inhibition]\ntau_inh_ms = 5.0\n")
    with pytest.raises(ValueError, match="'tau_exc_ms' is now 'tau_syn_exc_ms'"):
        load_preset(tmp_path / "old.toml", latent_dim=2)


def test_quoted_inf_is_an_error_with_the_fix(tmp_path):
    (tmp_path / "q.toml").write_text('[homeostasis]\ntau_theta_ms = "inf"\n')
    with pytest.raises(ValueError, match="write inf without quotes"):
        load_preset(tmp_path / "q.toml", latent_dim=2)
    (tmp_path / "n.toml").write_text("[homeostasis]\ntau_theta_ms = inf\n")
    assert math.isinf(load_preset(tmp_path / "n.toml", latent_dim=2).homeostasis.tau_theta_ms)


def test_unknown_preset_lists_where_it_looked():
    with pytest.raises(FileNotFoundError, match="searched"):
        load_preset("no-such-preset", latent_dim=2)
