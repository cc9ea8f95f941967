import numpy as np
import pytest

pytest.importorskip("brian2")

from neuromem.engram import EngramNetwork  # noqa: E402
from neuromem.validation import synthetic_latent_space  # noqa: E402


@pytest.fixture(scope="module")
def net_and_space():
    space = synthetic_latent_space(n_concepts=3, latent_dim=4, pictures_per_concept=8, seed=3)
    net = EngramNetwork.from_latent_space(space, modalities=("picture", "name"), engine="brian2-runtime", seed=1,
                                          spec_overrides={"concept": {"n_neurons": 10}})
    return net, space


def test_bad_stimuli_rejected(net_and_space):
    net, space = net_and_space
    z = space["picture"].latents[:2]
    with pytest.raises(ValueError, match="cue modality 'spoken' is not in the network"):
        net.cue("spoken", z)
    bad = z.copy()
    bad[0, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or inf"):
        net.cue("picture", bad)
    with pytest.raises(ValueError, match="dimensions but the population codes 4"):
        net.cue("picture", z[:, :3])
    with pytest.raises(ValueError, match="same number of trials"):
        net.rates({"picture": z, "name": space["name"].latents[:3]})
    with pytest.raises(ValueError, match="target modality 'spoken'"):
        net.recall(np.zeros((1, 10)), "spoken", np.zeros((3, 4)))


def test_rates_keep_absent_modalities_at_background(net_and_space):
    net, space = net_and_space
    r = net.rates({"name": space["name"].latents[:2]})
    assert r.shape == (2, net.spec.n_inputs)
    assert np.all(r[:, net.spec.input_slice("picture")] == net.spec.coding.rate_background_hz)
    assert r[:, net.spec.input_slice("name")].max() > 10 * net.spec.coding.rate_background_hz


def test_present_learns_and_cue_is_frozen(net_and_space):
    net, space = net_and_space
    net.reset()
    z_p, y_p = space["picture"].select("train")
    z_n = space["name"].latents[[np.nonzero(space["name"].labels == k)[0][0] for k in y_p[:3]]]
    res = net.present({"picture": z_p[:3], "name": z_n}, plastic=True, seed=0)
    assert res.counts.shape == (3, 10) and res.counts.sum() > 0
    np.testing.assert_allclose(res.rates_hz, res.counts / 0.2)
    learned = net.get_state()
    assert not np.array_equal(learned.w_in_mv["picture"], net.initial_state.w_in_mv["picture"])
    net.cue("picture", z_p[:2], seed=1)
    np.testing.assert_array_equal(net.get_state().w_in_mv["picture"], learned.w_in_mv["picture"])
    net.reset()
    np.testing.assert_array_equal(net.get_state().w_in_mv["name"], net.initial_state.w_in_mv["name"])
