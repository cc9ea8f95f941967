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


def test_old_section_names_load_as_the_new_ones(tmp_path):
    """[inhibition], [stdp], [homeostasis], [feedback] (presets and results files written before the mechanisms
    had their own names) give exactly the spec of [lateral_inhibition], [pair_stdp], ..."""
    old = P._read("default")[0]
    renames = {"lateral_inhibition": "inhibition", "pair_stdp": "stdp", "adaptive_threshold": "homeostasis",
               "hebbian_feedback": "feedback"}
    assert set(renames) <= set(old)  # the shipped preset uses the new names
    as_old = {renames.get(k, k): v for k, v in old.items()}
    kw = dict(modalities=("picture", "name"), latent_dim=3)
    assert P.spec_from_dict(as_old, **kw) == load_preset("default", **kw)
    assert load_preset("default", inhibition={"w_inh_mv": 7.0}, **kw).inhibition.w_inh_mv == 7.0
    with pytest.raises(ValueError, match=r"\[inhibition\] and \[lateral_inhibition\] are the same section"):
        P.spec_from_dict({"inhibition": {}, "lateral_inhibition": {}}, **kw)


def test_mechanism_sections_and_list(tmp_path):
    kw = dict(modalities=("picture",), latent_dim=2)
    (tmp_path / "k.toml").write_text("[k_winners_take_all]\nk = 3\n[lateral_inhibition]\nw_inh_mv = 0.0\n")
    spec = load_preset(tmp_path / "k.toml", **kw)
    assert [m.section for m in spec.mechanisms] == ["pair_stdp", "hebbian_feedback", "adaptive_threshold",
                                                    "lateral_inhibition", "k_winners_take_all"]
    (tmp_path / "l.toml").write_text('mechanisms = ["stdp", "k_winners_take_all"]\n[k_winners_take_all]\n'
                                     'active_fraction = 0.05\n')
    assert [m.section for m in load_preset(tmp_path / "l.toml", **kw).mechanisms] == ["pair_stdp",
                                                                                      "k_winners_take_all"]
    (tmp_path / "bad.toml").write_text('mechanisms = ["pair_stdp"]\n[lateral_inhibition]\nw_inh_mv = 1.0\n')
    with pytest.raises(ValueError, match="not listed in mechanisms"):
        load_preset(tmp_path / "bad.toml", **kw)
    (tmp_path / "unknown.toml").write_text('mechanisms = ["pair_stdp", "gap_junctions"]\n')
    with pytest.raises(ValueError, match="'gap_junctions', which no mechanism is"):
        load_preset(tmp_path / "unknown.toml", **kw)
    # dropping mechanisms by override
    assert load_preset("default", mechanisms=["pair_stdp"], **kw).inhibition is None


def test_to_dict_round_trips_through_spec_from_dict():
    from neuromem.network import KWinnersTakeAll, ThresholdSpread

    spec = load_preset("soft-wta", modalities=("picture", "name"), latent_dim=3).with_mechanisms(
        KWinnersTakeAll(active_fraction=0.02), ThresholdSpread(threshold_spread_mv=0.5)).without_mechanisms(
        type(load_preset("default", latent_dim=1).feedback))
    d = spec.to_dict()
    d.pop("populations")
    back = P.spec_from_dict(d, modalities=spec.modalities, latent_dim=3)
    assert back == spec and back.feedback is None


def test_renamed_key_under_the_new_section_name(tmp_path):
    (tmp_path / "r.toml").write_text("[lateral_inhibition]\ntau_inh_ms = 5.0\n")
    with pytest.raises(ValueError, match="'tau_inh_ms' is now 'tau_syn_inh_ms'"):
        load_preset(tmp_path / "r.toml", latent_dim=2)


def test_a_description_with_older_section_names_describes_the_same_network():
    """Memories saved before the mechanism sections were renamed still match their network."""
    import json

    from neuromem.network import describes, load_preset

    spec = load_preset("default", modalities=("picture", "name"), latent_dim=8)
    new = json.loads(json.dumps(spec.to_dict()))
    assert describes(new, spec)
    renames = {"pair_stdp": "stdp", "hebbian_feedback": "feedback", "adaptive_threshold": "homeostasis",
               "lateral_inhibition": "inhibition"}
    old = {renames.get(k, k): v for k, v in new.items() if k != "mechanisms"}
    assert describes(old, spec)
    changed = json.loads(json.dumps(old))
    changed["stdp"]["a_plus"] = 0.5
    assert not describes(changed, spec)
    assert not describes({"no_such_section": {}}, spec)
