"""Human reference data, the two non-spiking references, capacity bisection, distributed-code statistics."""

from __future__ import annotations

import numpy as np
import pytest

from neuromem.analysis import (
    bisect_capacity,
    blank_max_rate_hz,
    blank_trial_answer_fraction,
    concepts_per_neuron_histogram,
    human_concepts_per_neuron_histogram,
    isi_cv,
    nearest_prototype_reference,
    neurons_per_concept_mean,
    no_binder_lookup,
    presented_prototypes,
    related_coresponse_ratio,
    total_variation,
)
from neuromem.analysis.human import DEFALCO2016_FULL_DATA_VECTOR, DEFALCO2016_TOTAL_UNITS


def test_human_histogram_recomputed_from_the_published_vector():
    """Index 0 of the published vector is 'no stimulus'; among responsive units half answer one stimulus."""
    v = np.asarray(DEFALCO2016_FULL_DATA_VECTOR)
    assert len(v) == 41 and abs(v.sum() - 1) < 1e-6
    assert round(DEFALCO2016_TOTAL_UNITS * (1 - v[0])) == 688  # responsive units
    h = human_concepts_per_neuron_histogram()
    np.testing.assert_allclose(h, [0.496, 0.182, 0.099, 0.052, 0.041, 0.131], atol=6e-4)
    assert abs(h.sum() - 1) < 1e-9
    mean = (np.arange(1, 41) * v[1:]).sum() / (1 - v[0])
    assert abs(mean - 2.95) < 0.01


def test_concepts_per_neuron_histogram_and_tv():
    resp = np.zeros((10, 8), bool)
    resp[0, 0] = True                      # 1 concept
    resp[1, :2] = True                     # 2
    resp[2, :7] = True                     # 6+
    h = concepts_per_neuron_histogram(resp)
    np.testing.assert_allclose(h, [1 / 3, 1 / 3, 0, 0, 0, 1 / 3])
    one_each = np.eye(8, dtype=bool)       # hard winner-take-all: every neuron answers exactly one concept
    tv = total_variation(concepts_per_neuron_histogram(one_each), human_concepts_per_neuron_histogram())
    assert tv == pytest.approx(1 - 0.496, abs=1e-3) and tv > 0.10  # a grandmother code fails the 0.10 target
    with pytest.raises(ValueError, match="not a distribution"):
        total_variation([0.5, 0.6], [0.5, 0.5])


def test_references_use_the_right_prototypes():
    rng = np.random.default_rng(0)
    pic_proto = np.array([[0.0, 0.0], [10.0, 0.0]])
    name_proto = np.array([[10.0, 0.0], [0.0, 0.0]])  # names of concept 0 lie where concept 1's pictures lie
    cues = pic_proto[[0, 1, 0, 1]] + rng.normal(0, 0.1, (4, 2))
    labels = np.array([0, 1, 0, 1])
    assert (nearest_prototype_reference(cues, pic_proto) == labels).all()
    assert (no_binder_lookup(cues, name_proto) != labels).all()  # the encoder alone answers wrongly here
    z = np.array([[0.0, 1.0], [0.0, 3.0], [5.0, 5.0]])
    np.testing.assert_allclose(presented_prototypes(z, [0, 0, 1], 2), [[0, 2], [5, 5]])
    with pytest.raises(ValueError, match="no presented item"):
        presented_prototypes(z, [0, 0, 0], 2)


def test_bisection_finds_a_planted_limit():
    calls = []

    def score(n):
        calls.append(n)
        return 0.95 if n <= 137 else 0.5

    r = bisect_capacity(score, 1, 3200)
    assert r.capacity == 137 and not r.is_lower_bound and not r.is_upper_bound
    assert len(calls) <= 15 and set(r.scores) == set(calls)
    top = bisect_capacity(lambda n: 1.0, 100, 3200)
    assert top.capacity == 3200 and top.is_lower_bound
    low = bisect_capacity(lambda n: 0.1, 100, 3200)
    assert low.capacity == 99 and low.is_upper_bound
    assert list(low.scores) == [100]  # the cheap end settles it: the costly 16N is never run
    with pytest.raises(ValueError):
        bisect_capacity(lambda n: 1.0, 0, 5)
    with pytest.raises(ValueError, match="finite"):
        bisect_capacity(lambda n: float("nan"), 1, 5)


def test_neurons_per_concept_and_related_coresponses():
    resp = np.zeros((6, 4), bool)
    resp[:3, 0] = True
    resp[3:, 1] = True
    assert neurons_per_concept_mean(resp) == pytest.approx(1.5)
    related = np.zeros((4, 4), bool)
    related[0, 1] = related[1, 0] = True   # pairs (0,1) related; 1 of 6 pairs
    shared_related = resp.copy()
    shared_related[0, 1] = True            # one neuron answers the related pair 0 and 1
    assert related_coresponse_ratio(shared_related, related) == pytest.approx(6.0)
    shared_random = resp.copy()
    shared_random[0, 2] = True             # one neuron answers the unrelated pair 0 and 2
    assert related_coresponse_ratio(shared_random, related) == 0.0
    assert np.isnan(related_coresponse_ratio(resp, related))  # no neuron answers two concepts


def test_blank_trial_statistics_catch_a_burst():
    rng = np.random.default_rng(1)
    quiet = rng.poisson(0.1, size=(40, 20)).astype(float)
    assert blank_trial_answer_fraction(quiet) < 0.05
    burst = quiet.copy()
    burst[::4, 7] = 13                     # one neuron bursts in every 4th blank trial: a recall without a cue
    assert blank_trial_answer_fraction(burst) >= 0.25
    assert blank_max_rate_hz(burst, 200.0) == pytest.approx(burst[:, 7].mean() / 0.2)


def test_isi_cv_regular_vs_poisson():
    from neuromem.coding import SpikeTrains

    regular = np.arange(0, 20000, 200)                       # steps of 0.1 ms: every 20 ms
    rng = np.random.default_rng(2)
    poisson = np.unique(np.cumsum(rng.exponential(200.0, 400)).astype(np.int64))
    steps = np.concatenate([regular, poisson, [50, 90]])
    idx = np.concatenate([np.zeros(len(regular), int), np.ones(len(poisson), int), [2, 2]])
    order = np.argsort(steps, kind="stable")
    steps, idx = steps[order], idx[order]
    st = SpikeTrains(indices=idx, steps=steps, n_neurons=3, n_steps=int(steps.max()) + 1, dt_ms=0.1)
    only = lambda j: SpikeTrains(indices=idx[idx == j], steps=steps[idx == j], n_neurons=3, n_steps=st.n_steps,
                                 dt_ms=0.1)
    assert isi_cv(only(0)) == pytest.approx(0.0)
    assert isi_cv(only(1)) == pytest.approx(1.0, abs=0.1)
    assert isi_cv(only(2)) is None                            # two spikes: below min_spikes
    assert isi_cv(st) == pytest.approx(np.median([0.0, isi_cv(only(1))]))
