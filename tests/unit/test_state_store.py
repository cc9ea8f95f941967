"""State handled once in the engine base: seeded initial state, store/restore (weights and random stream)."""

import numpy as np
import pytest

pytest.importorskip("numba")

from neuromem.coding import poisson_trials  # noqa: E402
from neuromem.engines import Engine, make_engine  # noqa: E402
from neuromem.engram import EngramNetwork, NetworkSnapshot  # noqa: E402
from neuromem.network import initial_state, load_preset  # noqa: E402
from neuromem.seeds import SeedTree  # noqa: E402
from neuromem.validation import synthetic_latent_space  # noqa: E402


def _spec():
    return load_preset("default", modalities=("picture", "name"), latent_dim=4, concept={"n_neurons": 8})


def _drive(spec, seed):
    rng = np.random.default_rng(seed)
    return poisson_trials(rng.uniform(0, 60, size=(3, spec.n_inputs)), stimulus_ms=spec.sim.stimulus_ms,
                          trial_period_ms=spec.sim.trial_period_ms, background_hz=1.0, dt_ms=spec.sim.dt_ms, rng=rng)


def test_engine_reset_returns_to_its_own_seed():
    spec = _spec()
    ss = np.random.SeedSequence(11)
    eng = make_engine("numba", spec, seed=ss, dtype="float64")
    want = initial_state(spec, ss)
    eng.run(_drive(spec, 0), plastic=True)
    assert not np.array_equal(eng.get_state().w_in_mv["picture"], want.w_in_mv["picture"])
    eng.reset()
    np.testing.assert_array_equal(eng.get_state().w_in_mv["picture"], want.w_in_mv["picture"])


def test_engine_store_restore():
    spec = _spec()
    eng = make_engine("numba", spec, seed=3)
    eng.run(_drive(spec, 0), plastic=True)
    eng.store("learned")
    learned = eng.get_state()
    eng.run(_drive(spec, 1), plastic=True)
    assert not np.array_equal(eng.get_state().w_in_mv["name"], learned.w_in_mv["name"])
    eng.restore("learned")
    np.testing.assert_array_equal(eng.get_state().w_in_mv["name"], learned.w_in_mv["name"])
    np.testing.assert_array_equal(eng.get_state().theta_mv, learned.theta_mv)
    with pytest.raises(KeyError, match="no state stored under 'other'"):
        eng.restore("other")


def test_engine_reports_its_wall_time():
    spec = _spec()
    res = make_engine("numba", spec, seed=0).run(_drive(spec, 0), plastic=False)
    assert res.wall_s > 0 and np.isfinite(res.wall_s)


def test_set_state_rejects_non_states():
    eng = make_engine("numba", _spec(), seed=0)
    with pytest.raises(TypeError, match="must be a NetworkState"):
        eng.set_state({"w": 1})


@pytest.fixture()
def net():
    space = synthetic_latent_space(n_concepts=3, latent_dim=4, pictures_per_concept=8, seed=3)
    return EngramNetwork.from_latent_space(space, modalities=("picture", "name"), engine="numba", seed=5,
                                           spec_overrides={"concept": {"n_neurons": 8}}), space


def test_network_store_restore_includes_the_random_stream(net, tmp_path):
    net, space = net
    z = {"picture": space["picture"].latents[:2], "name": space["name"].latents[:2]}
    net.present(z, plastic=True)  # seed=None: the network's own stream
    net.store("a", filename=tmp_path / "memory.npz")
    after_a = net.present(z, plastic=True)
    state_a2 = net.get_state()
    net.restore("a")
    again = net.present(z, plastic=True)
    np.testing.assert_array_equal(again.spike_steps, after_a.spike_steps)
    np.testing.assert_array_equal(net.get_state().w_in_mv["picture"], state_a2.w_in_mv["picture"])
    # from the file, into a fresh network built the same way
    fresh, _ = (EngramNetwork.from_latent_space(space, modalities=("picture", "name"), engine="numba", seed=5,
                                                spec_overrides={"concept": {"n_neurons": 8}}), None)
    fresh.restore(filename=tmp_path / "memory.npz")
    np.testing.assert_array_equal(fresh.present(z, plastic=True).spike_steps, after_a.spike_steps)


def test_snapshot_from_another_network_rejected(net, tmp_path):
    net, space = net
    snap = net.snapshot()
    other = EngramNetwork.from_latent_space(space, modalities=("picture", "name"), engine="numba", seed=5,
                                            spec_overrides={"concept": {"n_neurons": 9}})
    with pytest.raises(ValueError, match="other parameters"):
        other.load_snapshot(snap)
    with pytest.raises(FileNotFoundError, match="no network snapshot"):
        NetworkSnapshot.load(tmp_path / "missing.npz")


def test_engram_network_seed_reaches_the_engine(net):
    """The network's seed is the root of its tree: the initial weights come from its ``weights`` child."""
    net, _ = net
    assert isinstance(net.engine, Engine)
    weights = SeedTree(5).child("weights").seed_sequence
    np.testing.assert_array_equal(net.get_state().w_in_mv["name"],
                                  initial_state(net.spec, weights).w_in_mv["name"].astype(np.float32))
