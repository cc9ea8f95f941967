import math

import numpy as np
import pytest

from neuromem.network import (
    STDP,
    ConceptLayer,
    Homeostasis,
    Inhibition,
    LatentPopulation,
    NetworkSpec,
    SimConfig,
    available_presets,
    initial_state,
    load_preset,
)


def test_default_preset_loads():
    assert "default" in available_presets()
    spec = load_preset("default", modalities=("picture", "name", "spoken"), latent_dim=32)
    assert spec.name == "default"
    assert spec.modalities == ("picture", "name", "spoken")
    assert spec.n_inputs == 3 * 32 * spec.coding.neurons_per_dim
    assert spec.input_slice("name") == slice(320, 640)
    assert math.isinf(spec.homeostasis.tau_theta_ms)
    assert spec.w_max_mv("picture") == pytest.approx(spec.stdp.w_max_over_mean * spec.stdp.init_weight_sum_mv / 320)


def test_overrides():
    a = load_preset("default", latent_dim=8)
    b = load_preset("default", latent_dim=8, stdp={"a_plus": 0.2})
    assert b.stdp.a_plus == 0.2 and a.stdp.a_plus != 0.2
    assert a != b and a == load_preset("default", latent_dim=8)


@pytest.mark.parametrize("cls, kwargs, field", [
    (ConceptLayer, dict(tau_m_ms=-1.0), "tau_m_ms"),
    (ConceptLayer, dict(v_thresh_mv=-70.0, v_reset_mv=-65.0), "v_thresh_mv"),
    (ConceptLayer, dict(n_neurons=0), "n_neurons"),
    (Inhibition, dict(tau_syn_inh_ms=0.0), "tau_syn_inh_ms"),
    (STDP, dict(a_plus=1.5), "a_plus"),
    (STDP, dict(normalisation="multiplicative"), "normalisation"),
    (STDP, dict(w_max_over_mean=0.5), "w_max_over_mean"),
    (Homeostasis, dict(tau_theta_ms=-3.0), "tau_theta_ms"),
    (SimConfig, dict(dt_ms=0.1, stimulus_ms=300.0, trial_period_ms=250.0), "trial_period_ms"),
    (SimConfig, dict(dt_ms=0.3, stimulus_ms=200.0, trial_period_ms=250.0), "multiple of dt_ms"),
])
def test_field_validation_names_field(cls, kwargs, field):
    with pytest.raises(ValueError, match=field):
        cls(**kwargs)


def test_error_message_gives_value_and_range():
    with pytest.raises(ValueError, match=r"tau_m_ms=-1\.0 is out of range; allowed \(0, 1000\]"):
        ConceptLayer(tau_m_ms=-1.0)


def test_dt_too_large_for_inhibition():
    pop = (LatentPopulation(modality="picture", latent_dim=4),)
    with pytest.raises(ValueError, match="too large for the inhibition"):
        NetworkSpec(populations=pop, sim=SimConfig(dt_ms=0.5))
    # without inhibition a 0.5 ms step is allowed (time constants permitting)
    NetworkSpec(populations=pop, inhibition=Inhibition(w_inh_mv=0.0), sim=SimConfig(dt_ms=0.5))


def test_spec_rejects_duplicates_and_unknown():
    p = LatentPopulation(modality="picture", latent_dim=4)
    with pytest.raises(ValueError, match="duplicate"):
        NetworkSpec(populations=(p, p))
    with pytest.raises(ValueError, match="modality"):
        LatentPopulation(modality="smell", latent_dim=4)
    with pytest.raises(ValueError, match="unknown keys"):
        load_preset("default", latent_dim=4, concept={"tau_membrane": 3.0})
    with pytest.raises(FileNotFoundError, match="no preset"):
        load_preset("no-such-preset", latent_dim=4)
    with pytest.raises(KeyError, match="no 'spoken' population"):
        load_preset("default", latent_dim=4).input_slice("spoken")


def test_initial_state_seeded_and_checked():
    spec = load_preset("default", latent_dim=4, concept={"n_neurons": 7})
    a, b = initial_state(spec, 3), initial_state(spec, 3)
    np.testing.assert_array_equal(a.w_in_mv["picture"], b.w_in_mv["picture"])
    assert not np.array_equal(a.w_in_mv["picture"], initial_state(spec, 4).w_in_mv["picture"])
    mean = spec.w_mean_mv("picture")
    assert a.w_in_mv["name"].shape == (40, 7)
    assert a.w_in_mv["name"].min() >= mean * 0.5 and a.w_in_mv["name"].max() <= mean * 1.5
    a.check(spec)
    bad = a.copy()
    bad.w_in_mv["picture"] = bad.w_in_mv["picture"][:, :3]
    with pytest.raises(ValueError, match="shape"):
        bad.check(spec)


@pytest.mark.parametrize("name", available_presets())
def test_every_preset_loads(name):
    spec = load_preset(name, modalities=("picture", "name"), latent_dim=16)
    assert spec.name == name
    assert spec.concept.v_thresh_mv > spec.concept.v_reset_mv
