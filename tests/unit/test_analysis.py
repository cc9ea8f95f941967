import numpy as np
import pytest

from neuromem.analysis import (
    ResponseCriterion,
    binding_index,
    chance_interval,
    no_response_fraction,
    spontaneous_rate_hz,
    summarise_seeds,
    t_ci95,
    concepts_per_neuron_distribution,
    concepts_with_engram,
    invariance_index,
    lifetime_sparseness,
    population_sparseness,
    recall_at_1,
    recall_from_counts,
    responsive,
    trial_responses,
)
from neuromem.coding import LatentSquash, PopulationCode, encode_rates


def _counts():
    """3 concepts x 10 trials, 4 neurons: n0 -> concept 0, n1 -> concepts 1 and 2, n2 silent, n3 noisy."""
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1, 2], 10)
    c = np.zeros((30, 4))
    c[labels == 0, 0] = 10
    c[labels >= 1, 1] = 8
    c[:, 3] = rng.poisson(3.0, size=30)
    return c, labels


def _blank():
    b = np.zeros((20, 4))
    b[:, 3] = np.random.default_rng(1).poisson(3.0, size=20)
    return b


def test_responsive_matrix_blank_baseline():
    c, y = _counts()
    r = responsive(c, y, 3, baseline_counts=_blank())
    expected = np.array([[1, 0, 0], [0, 1, 1], [0, 0, 0], [0, 0, 0]], dtype=bool)
    np.testing.assert_array_equal(r, expected)


def test_responsive_other_concepts_baseline_is_robust():
    # 10 concepts; neuron 0 answers concepts 0 and 1: the robust baseline keeps both
    y = np.repeat(np.arange(10), 8)
    c = np.zeros((80, 1))
    c[y <= 1, 0] = 9
    r = responsive(c, y, 10)
    np.testing.assert_array_equal(np.nonzero(r[0])[0], [0, 1])


def test_zero_variance_baseline_needs_more_than_one_spike():
    y = np.repeat([0, 1], 10)
    c = np.zeros((20, 1))
    c[y == 0] = 1.0  # one stray spike per trial: median 1 < 2
    assert not responsive(c, y, 2).any()
    c[y == 0] = 2.0  # 2 spikes over a silent baseline: floor SD 0.5 -> threshold 2.5
    assert not responsive(c, y, 2).any()
    c[y == 0] = 3.0
    assert responsive(c, y, 2)[0, 0]
    # a looser criterion changes the answer in the documented way
    c[y == 0] = 2.0
    assert responsive(c, y, 2, ResponseCriterion(min_median_count=2.0, n_sd=3.0))[0, 0]


def test_sparseness_invariance_and_distribution():
    c, y = _counts()
    r = responsive(c, y, 3, baseline_counts=_blank())
    tr = trial_responses(c, y, 3, baseline_counts=_blank())
    assert population_sparseness(tr) == pytest.approx(1 / 4)  # each trial: exactly one of 4 neurons
    assert lifetime_sparseness(r) == pytest.approx((1 / 3 + 2 / 3) / 2)
    assert concepts_with_engram(r) == 1.0
    assert concepts_per_neuron_distribution(r) == pytest.approx([0.5, 0.5, 0.0])
    a = np.array([[1, 0], [0, 1], [1, 0]], dtype=bool)
    b = np.array([[1, 0], [0, 0], [0, 1]], dtype=bool)
    assert invariance_index(a, b) == pytest.approx(1 / 4)  # pairs: (0,0) both, (1,1) a, (2,0) a, (2,1) b
    assert np.isnan(invariance_index(np.zeros((2, 2), bool), np.zeros((2, 2), bool)))
    assert concepts_with_engram(np.zeros((3, 2), bool)) == 0.0


def test_recall_through_feedback():
    rng = np.random.default_rng(0)
    code = PopulationCode(neurons_per_dim=10)
    proto = rng.normal(size=(3, 5))
    sq = LatentSquash(mean=np.zeros(5), scale=np.ones(5))
    # feedback of concept neuron k = the rate pattern of prototype k
    w_fb = encode_rates(proto, code, sq) / 60.0
    counts = np.array([[5, 0, 0], [0, 0, 7], [0, 3, 0], [0, 0, 0]])
    pred, empty = recall_from_counts(counts, w_fb, proto, code, sq, rng)
    np.testing.assert_array_equal(pred[:3], [0, 2, 1])
    np.testing.assert_array_equal(empty, [False, False, False, True])
    assert recall_at_1(pred[:3], [0, 2, 1]) == 1.0


def test_bad_input():
    with pytest.raises(ValueError, match="labels"):
        responsive(np.zeros((3, 2)), np.array([0, 1, 5]), 2)
    with pytest.raises(ValueError, match="n_sd"):
        ResponseCriterion(n_sd=-1.0)


def test_no_response_counts_silent_trials_only():
    counts = np.array([[0, 3, 0], [0, 0, 0], [1, 0, 0], [0, 0, 0]])
    assert no_response_fraction(counts) == 0.5
    # neurons fire on every trial: no trial is a non-response, whatever the feedback weights
    assert no_response_fraction(np.ones((5, 3), int)) == 0.0
    rng = np.random.default_rng(0)
    code, sq = PopulationCode(neurons_per_dim=10), LatentSquash(mean=np.zeros(5), scale=np.ones(5))
    fires = np.ones((4, 3), int)
    _, empty = recall_from_counts(fires, np.zeros((3, 50)), rng.normal(size=(3, 5)), code, sq, rng)
    assert empty.all() and no_response_fraction(fires) == 0.0  # an empty completion is not a silent network


def test_binding_index_limits():
    y = np.repeat([0, 1], 5)
    a = np.zeros((10, 4))
    a[y == 0, 0], a[y == 1, 1] = 20, 20
    same = a * 0.5                    # the same neurons, same proportions, weaker
    disjoint = np.zeros((10, 4))
    disjoint[y == 0, 2], disjoint[y == 1, 3] = 20, 20
    half = a.copy()
    half[y == 0, 2] = 20              # concept 0: half of the drive goes to another neuron
    assert binding_index(a, y, same, y, 2) == pytest.approx(1.0)
    assert binding_index(a, y, disjoint, y, 2) == pytest.approx(0.0)
    assert binding_index(a, y, half, y, 2) == pytest.approx((0.5 + 1.0) / 2)
    assert binding_index(a, y, np.zeros((10, 4)), y, 2) == 0.0  # no drive through b: nothing shared
    # a uniform spontaneous floor is not shared drive
    blank = np.full((6, 4), 2.0)
    assert binding_index(a + 2, y, disjoint + 2, y, 2, baseline_counts=blank) == pytest.approx(0.0)
    assert binding_index(a + 2, y, disjoint + 2, y, 2) > 0.1  # without the baseline it would be
    assert np.isnan(binding_index(a[y == 0], y[y == 0], a[y == 1], y[y == 1], 2))
    with pytest.raises(ValueError, match="neurons"):
        binding_index(a, y, a[:, :3], y, 2)


def test_spontaneous_rate():
    assert spontaneous_rate_hz(np.array([[0, 1], [1, 2]]), 200.0) == pytest.approx(5.0)
    with pytest.raises(ValueError, match="window_ms"):
        spontaneous_rate_hz(np.ones((2, 2)), 0.0)


def test_t_ci95_and_seed_summary():
    x = [0.9, 1.0, 1.1]
    # t_{0.975, 2} = 4.303, s = 0.1
    assert t_ci95(x) == pytest.approx(4.3027 * 0.1 / np.sqrt(3), rel=1e-4)
    assert np.isnan(t_ci95([1.0]))
    s = summarise_seeds([{"a": 1.0, "b": {"c": 2}, "l": [1, 2], "name": "x"},
                         {"a": 3.0, "b": {"c": 4}, "l": [3, 4], "name": "x"}], keep=("name",))
    assert s["a"] == 2.0 and s["a_ci95"] == pytest.approx(12.706 * np.sqrt(2) / np.sqrt(2), rel=1e-4)
    assert s["b"]["c"] == 3.0 and s["l"] == [2.0, 3.0] and len(s["l_ci95"]) == 2 and s["name"] == "x"
    # a value undefined on some seeds (None, e.g. blank_isi_cv of a silent layer) is left out, wherever it is
    s = summarise_seeds([{"cv": None, "never": None}, {"cv": 0.5, "never": None}, {"cv": 0.7, "never": None}])
    assert s["cv"] == pytest.approx(0.6) and np.isfinite(s["cv_ci95"]) and "never" not in s
    with pytest.raises(ValueError, match="empty"):
        summarise_seeds([])


def test_chance_interval_covers_a_guesser():
    lo, hi = chance_interval(300, 0.1)
    assert lo < 0.1 < hi and hi - lo == pytest.approx(2 * 1.96 * np.sqrt(0.09 / 300), abs=0.01)
    rng = np.random.default_rng(0)
    acc = (rng.integers(0, 10, size=(2000, 300)) == 0).mean(axis=1)
    inside = ((acc >= lo) & (acc <= hi)).mean()
    assert 0.93 <= inside <= 0.99
    with pytest.raises(ValueError, match="n_trials"):
        chance_interval(0, 0.1)


def test_bounded_error_bars_stop_at_the_metric_range():
    from neuromem.viz import bounded_yerr

    err = bounded_yerr([0.02, 0.5, 0.97, 0.3], [0.05, 0.1, 0.1, float("nan")])
    np.testing.assert_allclose(err, [[0.02, 0.1, 0.1, 0.0], [0.05, 0.1, 0.03, 0.0]])
    np.testing.assert_allclose(bounded_yerr([1.2], [0.5], hi=None), [[0.5], [0.5]])
