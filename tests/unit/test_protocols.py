"""The public trial protocol: who sees what, when; per-modality stimulus windows."""

import numpy as np
import pytest

from neuromem.coding import poisson_trials
from neuromem.protocols import RESET_RULE, StimulusWindow, TrialSequence, choose_training, heldout_trials, \
    training_trials
from neuromem.validation import synthetic_latent_space

MODS = ("picture", "name")


@pytest.fixture(scope="module")
def space():
    return synthetic_latent_space(n_concepts=4, latent_dim=3, pictures_per_concept=10, seed=2)


def test_training_shows_k_distinct_train_pictures_per_concept_in_rounds(space):
    plan = choose_training(space, 3, np.random.default_rng(0), MODS)
    tr = training_trials(space, plan, MODS)
    assert len(tr) == 4 * 3 and plan.presentations == 3
    for k in range(4):
        pics = tr.items["picture"][tr.labels == k]
        assert len(set(pics.tolist())) == 3
        assert np.all(space["picture"].split[pics] == "train") and np.all(space["picture"].labels[pics] == k)
        assert np.all(space["name"].labels[tr.items["name"][tr.labels == k]] == k)
    for r in range(3):  # every concept once per round
        assert sorted(tr.labels[4 * r:4 * (r + 1)].tolist()) == [0, 1, 2, 3]


def test_same_seed_same_protocol_and_fingerprint(space):
    a = training_trials(space, choose_training(space, 2, np.random.default_rng(5), MODS), MODS)
    b = training_trials(space, choose_training(space, 2, np.random.default_rng(5), MODS), MODS)
    c = training_trials(space, choose_training(space, 2, np.random.default_rng(6), MODS), MODS)
    assert a.sha256() == b.sha256()
    assert a.sha256() != c.sha256()


def test_shuffled_and_asynchronous_variants(space):
    plan = choose_training(space, 2, np.random.default_rng(1), MODS)
    shuf = training_trials(space, plan, MODS, shuffle_rng=np.random.default_rng(3))
    assert np.any(space["name"].labels[shuf.items["name"]] != shuf.labels)
    asyn = training_trials(space, plan, MODS, asynchronous=True)
    assert len(asyn) == 2 * len(plan.order)
    assert asyn.kind[:2].tolist() == ["picture", "words"]
    assert asyn.items["name"][0] == -1 and asyn.items["picture"][1] == -1


def test_heldout_trials_blank_then_heldout(space):
    t = heldout_trials(space, MODS, np.random.default_rng(0), max_pictures_per_concept=1, min_word_trials_per_concept=5,
                    blank_trials=3)
    assert t.kind[:3].tolist() == ["blank"] * 3 and np.all(t.labels[:3] == -1)
    assert np.all(t.cue_items()[:3] == -1)
    pics = t.items["picture"][t.kind == "picture"]
    assert len(pics) == 4 and np.all(space["picture"].split[pics] == "heldout")
    words = t.items["name"][t.kind == "name"]
    assert np.all(space["name"].split[words] == "heldout")
    assert all((t.labels[t.kind == "name"] == k).sum() >= 5 for k in range(4))


def test_reset_rule_is_stated_once_and_used_by_the_engine_contract():
    from neuromem.engines import Engine

    import neuromem.engines.discrete as discrete
    import neuromem.network.spec as spec

    assert "RESET_RULE" in Engine.__doc__ and "weights" in RESET_RULE
    for doc in (discrete.__doc__, spec.__doc__):  # the step order and the description cite the rule
        assert "RESET_RULE" in doc
    for part in ("winner set", "threshold offsets", "feedback weights", "adaptive thresholds", "plasticity trace"):
        assert part in RESET_RULE  # every mechanism's reset or persistence is stated


def test_stimulus_window_validated():
    with pytest.raises(ValueError, match="onset_ms"):
        StimulusWindow(onset_ms=-1.0, duration_ms=10.0)
    with pytest.raises(ValueError, match="duration_ms"):
        StimulusWindow(duration_ms=0.0)


def test_per_neuron_windows_shift_one_population():
    """Neurons 0-49 stimulated in [0, 50) ms, neurons 50-99 in [50, 100) ms of a 100 ms trial."""
    rates = np.full((20, 100), 200.0)
    onset = np.r_[np.zeros(50), np.full(50, 50.0)]
    st = poisson_trials(rates, stimulus_ms=50.0, trial_period_ms=100.0, background_hz=0.0, dt_ms=0.1,
                        rng=np.random.default_rng(0), stimulus_onset_ms=onset)
    t_in_trial = st.steps % 1000
    early = st.indices < 50
    assert np.all(t_in_trial[early] < 500) and np.all(t_in_trial[~early] >= 500)
    assert early.sum() > 1000 and (~early).sum() > 1000


def test_window_as_array_equals_scalar_draws():
    rates = np.random.default_rng(1).uniform(0, 60, size=(3, 30))
    a = poisson_trials(rates, stimulus_ms=20.0, trial_period_ms=30.0, background_hz=1.0, dt_ms=0.1,
                       rng=np.random.default_rng(4), stimulus_onset_ms=5.0)
    b = poisson_trials(rates, stimulus_ms=np.full(30, 20.0), trial_period_ms=30.0, background_hz=1.0, dt_ms=0.1,
                       rng=np.random.default_rng(4), stimulus_onset_ms=np.full(30, 5.0))
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.steps, b.steps)


def test_window_outside_trial_rejected():
    with pytest.raises(ValueError, match="inside the trial period"):
        poisson_trials(np.ones((1, 2)), stimulus_ms=np.array([10.0, 30.0]), trial_period_ms=30.0, background_hz=0.0,
                       dt_ms=0.1, rng=np.random.default_rng(0), stimulus_onset_ms=np.array([0.0, 5.0]))


def test_trial_sequence_windows_reach_the_drive(space):
    pytest.importorskip("numba")
    from neuromem.engram import EngramNetwork
    from neuromem.session import trial_rates

    net = EngramNetwork.from_latent_space(space, modalities=MODS, engine="numba", seed=0,
                                          spec_overrides={"concept": {"n_neurons": 4}})
    t = TrialSequence(kind=np.array(["together"]), labels=np.array([0]),
                      items={"picture": np.array([0]), "name": np.array([0])},
                      windows={"name": StimulusWindow(onset_ms=100.0, duration_ms=100.0)})
    d = net.drive(trial_rates(net, space, t), seed=0, windows_ms=t.windows_ms())
    name = (d.indices >= net.spec.input_slice("name").start)
    # before 100 ms the name population fires at background only; after it, at its stimulus rates
    n_name = net.spec.input_slice("name").stop - net.spec.input_slice("name").start
    bg_expected = n_name * net.spec.coding.rate_background_hz * 0.1  # spikes in the first 100 ms
    early, late = (d.steps[name] < 1000).sum(), (d.steps[name] >= 1000).sum()
    assert early < bg_expected + 4 * np.sqrt(bg_expected) + 1
    assert late > 2 * early
