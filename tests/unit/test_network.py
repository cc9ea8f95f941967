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
    NetworkSpec(populations=pop, mechanisms=(STDP(), Inhibition(w_inh_mv=0.0)), sim=SimConfig(dt_ms=0.5))
    NetworkSpec(populations=pop, mechanisms=(STDP(),), sim=SimConfig(dt_ms=0.5))


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


# ---- mechanisms as parts of the description ----------------------------------------------------------------
def test_spec_holds_mechanisms_in_one_canonical_order():
    from neuromem.network import (
        AdaptiveThreshold,
        HebbianFeedback,
        KWinnersTakeAll,
        LateralInhibition,
        PairSTDP,
        ThresholdSpread,
    )

    pop = (LatentPopulation(modality="picture", latent_dim=4),)
    a = NetworkSpec(populations=pop, mechanisms=(LateralInhibition(), KWinnersTakeAll(k=2), PairSTDP(),
                                                 ThresholdSpread(), HebbianFeedback(), AdaptiveThreshold()))
    b = NetworkSpec(populations=pop, mechanisms=(KWinnersTakeAll(k=2), AdaptiveThreshold(), ThresholdSpread(),
                                                 HebbianFeedback(), PairSTDP(), LateralInhibition()))
    assert a == b
    assert [type(m).__name__ for m in a.mechanisms] == ["PairSTDP", "HebbianFeedback", "ThresholdSpread",
                                                        "AdaptiveThreshold", "LateralInhibition", "KWinnersTakeAll"]
    assert a.mechanism("k_winners_take_all") == KWinnersTakeAll(k=2) and a.mechanism("inhibition") is a.inhibition
    small = a.without_mechanisms(LateralInhibition, KWinnersTakeAll)
    assert small.inhibition is None and small.mechanism(KWinnersTakeAll) is None and small.stdp == PairSTDP()
    assert small.with_mechanisms(PairSTDP(a_plus=0.1)).stdp.a_plus == 0.1


def test_spec_refuses_bad_mechanism_sets():
    from neuromem.network import HebbianFeedback, KWinnersTakeAll, LateralInhibition

    pop = (LatentPopulation(modality="picture", latent_dim=4),)
    with pytest.raises(ValueError, match="exactly one input-plasticity rule"):
        NetworkSpec(populations=pop, mechanisms=(HebbianFeedback(),))
    with pytest.raises(ValueError, match="twice"):
        NetworkSpec(populations=pop, mechanisms=(STDP(), LateralInhibition(), LateralInhibition(w_inh_mv=3.0)))
    with pytest.raises(TypeError, match="Mechanism objects"):
        NetworkSpec(populations=pop, mechanisms=(STDP(), {"w_inh_mv": 3.0}))
    with pytest.raises(ValueError, match=r"KWinnersTakeAll.k=200 is larger than the concept layer"):
        NetworkSpec(populations=pop, mechanisms=(STDP(), KWinnersTakeAll(k=200)))


@pytest.mark.parametrize("kwargs, match", [
    (dict(), "exactly one of k and active_fraction"),
    (dict(k=2, active_fraction=0.1), "exactly one of k and active_fraction"),
    (dict(k=0), r"KWinnersTakeAll.k=0 is out of range"),
    (dict(active_fraction=1.5), "active_fraction"),
])
def test_kwta_fields_checked(kwargs, match):
    from neuromem.network import KWinnersTakeAll

    with pytest.raises((ValueError, TypeError), match=match):
        KWinnersTakeAll(**kwargs)


def test_kwta_winners_from_fraction_and_type_errors():
    from neuromem.network import KWinnersTakeAll

    assert KWinnersTakeAll(k=7).winners(1000) == 7
    assert KWinnersTakeAll(active_fraction=0.01).winners(1000) == 10
    assert KWinnersTakeAll(active_fraction=0.001).winners(100) == 1  # at least one
    with pytest.raises(TypeError, match="must be an int"):
        KWinnersTakeAll(k=True)


def test_threshold_spread_offsets_seeded_and_bounded():
    from neuromem.network import ThresholdSpread

    s = ThresholdSpread(threshold_spread_mv=3.0)
    a, b = s.offsets_mv(500, 3), s.offsets_mv(500, 3)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, s.offsets_mv(500, 4))
    assert -3.0 <= a.min() < -2.5 and 2.5 < a.max() <= 3.0
    spec = load_preset("default", latent_dim=4, concept={"n_neurons": 7})
    # a named child of the initial-state seed: the initial weights do not depend on the mechanism
    np.testing.assert_array_equal(initial_state(spec, 3).w_in_mv["name"],
                                  initial_state(spec.with_mechanisms(s), 3).w_in_mv["name"])
    with pytest.raises(ValueError, match="must stay below 13"):
        load_preset("default", latent_dim=4, threshold_spread={"threshold_spread_mv": 13.0})


def test_threshold_spread_normal_offsets_have_the_sd_and_a_3_sd_bound():
    from neuromem.network import ThresholdSpread

    s = ThresholdSpread(threshold_spread_mv=1.0, distribution="normal")
    d = s.offsets_mv(20000, 5)
    np.testing.assert_array_equal(d, s.offsets_mv(20000, 5))
    assert abs(d.std() - 1.0) < 0.03  # a uniform draw of half-width 1 has SD 0.577
    assert np.abs(d).max() <= 3.0 and np.abs(d).max() > 2.5  # truncated at 3 SD, and the tail is reached
    uniform = ThresholdSpread(threshold_spread_mv=1.0).offsets_mv(20000, 5)
    assert np.abs(uniform).max() <= 1.0 and abs(uniform.std() - 1 / np.sqrt(3)) < 0.02
    with pytest.raises(ValueError, match="distribution='lognormal' is not known"):
        ThresholdSpread(distribution="lognormal")
    # the bound is checked on the largest offset: 3 SD of 4.5 mV reaches the 13 mV rheobase
    with pytest.raises(ValueError, match="largest normal offset of 13.5 mV"):
        load_preset("default", latent_dim=4, threshold_spread={"threshold_spread_mv": 4.5, "distribution": "normal"})
    load_preset("default", latent_dim=4, threshold_spread={"threshold_spread_mv": 4.0, "distribution": "normal"})


def test_synaptic_events_asked_from_the_mechanisms():
    spec = load_preset("default", latent_dim=4, concept={"n_neurons": 10})  # 80 inputs
    # deliveries 30 x 10; inhibition 5 x 9; learning: depression 30 x 10, potentiation and feedback 5 x 80 each
    assert spec.synaptic_events(input_spikes=30, concept_spikes=5, plastic=False) == 300 + 45
    assert spec.synaptic_events(input_spikes=30, concept_spikes=5, plastic=True) == 300 + 45 + 300 + 400 + 400
    quiet = load_preset("default", latent_dim=4, concept={"n_neurons": 10}, inhibition={"w_inh_mv": 0.0})
    assert quiet.synaptic_events(input_spikes=30, concept_spikes=5, plastic=False) == 300


def test_normalise_step_is_zero_sum_per_modality():
    step = np.arange(12.0).reshape(6, 2) ** 2
    rows = (slice(0, 2), slice(2, 6))
    out = STDP().normalise_step(step.copy(), rows)
    for r in rows:
        np.testing.assert_allclose(out[r].sum(axis=0), 0.0, atol=1e-12)
    np.testing.assert_array_equal(STDP(normalisation="none").normalise_step(step.copy(), rows), step)
