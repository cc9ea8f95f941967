import numpy as np
import pytest

from neuromem.coding import LatentSquash, PopulationCode, decode_rates, encode_rates, poisson_trials


@pytest.fixture
def latents():
    return np.random.default_rng(0).normal(size=(200, 6))


def test_rates_shape_range_and_peak(latents):
    code = PopulationCode(neurons_per_dim=10, rate_max_hz=60.0, rate_background_hz=1.0, tuning_sigma=0.1)
    sq = LatentSquash.fit(latents)
    r = encode_rates(latents, code, sq)
    assert r.shape == (200, 60)
    assert r.min() >= 1.0 - 1e-12 and r.max() <= 60.0 + 1e-12
    # a latent exactly at the fitted mean squashes to u = 0.5: peak between neurons 4 and 5 of each dim
    r0 = encode_rates(sq.mean, code, sq).reshape(6, 10)
    expected = 1.0 + 59.0 * np.exp(-((0.5 - np.linspace(0, 1, 10)) ** 2) / (2 * 0.01))
    np.testing.assert_allclose(r0, np.tile(expected, (6, 1)), rtol=1e-12)


def test_decode_inverts_encode(latents):
    code = PopulationCode()
    sq = LatentSquash.fit(latents)
    u_true = sq(latents)
    inner = (u_true > 0.15).all(axis=1) & (u_true < 0.85).all(axis=1)  # away from the edges of the code
    u, z = decode_rates(encode_rates(latents[inner], code, sq), code, sq)
    np.testing.assert_allclose(u, u_true[inner], atol=0.02)
    assert z.shape == latents[inner].shape


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_latents_rejected(latents, bad):
    sq = LatentSquash.fit(latents)
    z = latents.copy()
    z[3, 2] = bad
    with pytest.raises(ValueError, match="NaN or inf"):
        encode_rates(z, PopulationCode(), sq)


def test_wrong_dimensionality_rejected(latents):
    sq = LatentSquash.fit(latents)
    with pytest.raises(ValueError, match="dimensions but the population codes 6"):
        encode_rates(latents[:, :5], PopulationCode(), sq)


@pytest.mark.parametrize("kwargs, field", [
    (dict(rate_max_hz=-5.0), "rate_max_hz"),
    (dict(rate_max_hz=5000.0), "rate_max_hz"),
    (dict(rate_background_hz=-1.0), "rate_background_hz"),
    (dict(rate_max_hz=10.0, rate_background_hz=10.0), "rate_background_hz"),
    (dict(tuning_sigma=0.0), "tuning_sigma"),
    (dict(neurons_per_dim=0), "neurons_per_dim"),
])
def test_population_code_validation(kwargs, field):
    with pytest.raises(ValueError, match=field):
        PopulationCode(**kwargs)


def test_poisson_counts_match_rates():
    rng = np.random.default_rng(1)
    n = 4000
    rates = np.full((2, n), 40.0)
    st = poisson_trials(rates, stimulus_ms=200.0, trial_period_ms=250.0, background_hz=0.0, dt_ms=0.1, rng=rng)
    per = 2500
    in_stim = (st.steps % per) < 2000
    assert not np.any(~in_stim)  # background 0 Hz: nothing outside the stimulus window
    mean_count = len(st.indices) / (2 * n)
    # expected 8 spikes minus merged coincidences (rate*dt/2 ~ 0.2 %); SE of the mean ~ 0.02
    assert abs(mean_count - 8.0 * (1 - 0.002)) < 0.1
    key = st.steps * n + st.indices
    assert len(np.unique(key)) == len(key) and np.all(np.diff(st.steps) >= 0)


def test_poisson_background_and_seed():
    rates = np.zeros((3, 500))
    a = poisson_trials(rates, stimulus_ms=100.0, trial_period_ms=200.0, background_hz=20.0, dt_ms=0.1,
                       rng=np.random.default_rng(5))
    b = poisson_trials(rates, stimulus_ms=100.0, trial_period_ms=200.0, background_hz=20.0, dt_ms=0.1,
                       rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.steps, b.steps)
    in_stim = (a.steps % 2000) < 1000
    assert in_stim.sum() == 0  # stimulus rate 0
    assert abs((~in_stim).sum() / (3 * 500) - 2.0) < 0.15  # 20 Hz x 100 ms


@pytest.mark.parametrize("rates, match", [(np.full((1, 3), -1.0), "must lie in"), (np.full((1, 3), 1e5), "must lie in"),
                                          (np.full((1, 3), np.nan), "NaN")])
def test_poisson_rejects_bad_rates(rates, match):
    with pytest.raises(ValueError, match=match):
        poisson_trials(rates, stimulus_ms=10.0, trial_period_ms=10.0, background_hz=0.0, dt_ms=0.1,
                       rng=np.random.default_rng(0))
