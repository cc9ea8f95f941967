"""The torch-batched engine: the reference's spikes in float64, batches equal to separate runs, options, errors.

Identical input spikes everywhere. In float64 the loop is the reference's step with the same association of
every product, so spikes, weights and thresholds are the reference's; in float32 rows of a batch do exactly
what a row alone does (every operation is per row, and per-row sums run in the same order), so a batch and
separate runs agree bit for bit.
"""

import numpy as np
import pytest

pytest.importorskip("torch")

from neuromem.coding import SpikeTrains, poisson_trials  # noqa: E402
from neuromem.engines import make_engine  # noqa: E402
from neuromem.engines.torch_batched.engine import BatchedNetworks  # noqa: E402
from neuromem.network import KWinnersTakeAll, ThresholdSpread, load_preset  # noqa: E402


def _spec(**over):
    return load_preset("default", modalities=("picture", "name"), latent_dim=6,
                       **{"concept": {"n_neurons": 24}, "sim": {"stimulus_ms": 60.0, "trial_period_ms": 80.0},
                          "lateral_inhibition": {"w_inh_mv": 5.0}, **over})


def _drive(spec, n_trials=5, seed=0):
    rng = np.random.default_rng(seed)
    rates = rng.uniform(0, 80, size=(n_trials, spec.n_inputs))
    return poisson_trials(rates, stimulus_ms=spec.sim.stimulus_ms, trial_period_ms=spec.sim.trial_period_ms,
                          background_hz=1.0, dt_ms=spec.sim.dt_ms, rng=rng)


def _spike_set(r):
    return set(zip(r.spike_indices.tolist(), r.spike_steps.tolist()))


def _learn_then_test(name, spec, drive, seed=4, **kw):
    eng = make_engine(name, spec, seed=seed, **kw)
    learn = eng.run(drive, plastic=True)
    state = eng.get_state()
    test = eng.run(drive, plastic=False, record_v=[0, 7])
    return learn, test, state


def _same_state(a, b, atol=0.0):
    for m in a.w_in_mv:
        np.testing.assert_allclose(a.w_in_mv[m], b.w_in_mv[m], rtol=0, atol=atol)
        np.testing.assert_allclose(a.w_fb[m], b.w_fb[m], rtol=0, atol=atol)
    np.testing.assert_allclose(a.theta_mv, b.theta_mv, rtol=0, atol=atol)


@pytest.mark.parametrize("mechanisms", [(), (KWinnersTakeAll(k=2), ThresholdSpread(threshold_spread_mv=1.5))],
                         ids=["default", "kwta+spread"])
def test_float64_gives_the_reference_spikes_weights_and_potentials(mechanisms):
    spec = _spec().with_mechanisms(*mechanisms)
    drive = _drive(spec)
    ref = _learn_then_test("reference", spec, drive)
    ours = _learn_then_test("torch-batched", spec, drive, dtype="float64")
    assert len(ref[0].spike_steps) > 50 and len(ref[1].spike_steps) > 20
    for a, b in zip(ours[:2], ref[:2]):
        assert _spike_set(a) == _spike_set(b)
    np.testing.assert_allclose(ours[1].v_mv, ref[1].v_mv, rtol=0, atol=1e-4)
    _same_state(ours[2], ref[2], atol=1e-12)


def test_frozen_trials_side_by_side_equal_trial_by_trial_in_float32():
    """The test phase batched internally (one row per trial) gives exactly the trial-by-trial run."""
    spec = _spec()
    drive = _drive(spec, n_trials=7, seed=1)
    eng = make_engine("torch-batched", spec, seed=2)
    eng.run(_drive(spec, 3, seed=9), plastic=True)
    batched = eng.run(drive, plastic=False, record_v=[1, 5])
    eng.batch_trials = False
    one_by_one = eng.run(drive, plastic=False, record_v=[1, 5])
    assert len(batched.spike_steps) > 30
    np.testing.assert_array_equal(batched.spike_steps, one_by_one.spike_steps)
    np.testing.assert_array_equal(batched.spike_indices, one_by_one.spike_indices)
    np.testing.assert_array_equal(batched.v_mv, one_by_one.v_mv)
    few = make_engine("torch-batched", spec, seed=2, max_rows=3)  # 7 trials in batches of 3, 3 and 1
    few.set_state(eng.get_state())
    assert _spike_set(few.run(drive, plastic=False)) == _spike_set(batched)


def test_theta_that_decays_and_counts_at_test_is_run_trial_after_trial():
    """With theta raising the threshold at test and decaying, trials are not independent: the engine keeps
    them in sequence, and the reference's spikes follow in float64."""
    spec = _spec(adaptive_threshold={"apply_at_test": True, "tau_theta_ms": 50.0, "theta_plus_mv": 4.0})
    drive = _drive(spec, seed=3)
    ref = _learn_then_test("reference", spec, drive)
    ours = _learn_then_test("torch-batched", spec, drive, dtype="float64")
    assert ref[2].theta_mv.max() > 1.0
    assert _spike_set(ours[1]) == _spike_set(ref[1]) and len(ref[1].spike_steps) > 10


def test_run_batch_equals_each_network_alone():
    """Three networks (seeds, drives) learning side by side == each alone, bit for bit in float32; their test
    trials batched together == each test alone."""
    spec = _spec()
    seeds, drives = [3, 5, 8], [_drive(spec, 3, seed=s) for s in (11, 12, 13)]
    eng = make_engine("torch-batched", spec, seed=0)
    learned = eng.run_batch(drives, plastic=True, seeds=seeds)
    tested = eng.run_batch(drives, plastic=False, states=learned.states)
    assert eng.get_state().theta_mv.max() == 0  # the engine's own state is untouched
    for b, s in enumerate(seeds):
        alone = _learn_then_test("torch-batched", spec, drives[b], seed=s)
        assert _spike_set(alone[0]) == _spike_set(learned.results[b]) and len(alone[0].spike_steps) > 20
        assert _spike_set(alone[1]) == _spike_set(tested.results[b])
        _same_state(alone[2], learned.states[b])
    assert _spike_set(learned.results[0]) != _spike_set(learned.results[1])


def test_parameter_points_batched_equal_separate_runs():
    """Networks that differ in parameter values (STDP rate, inhibition, refractoriness) share one batch."""
    specs = [_spec(), _spec(pair_stdp={"a_plus": 0.1}, lateral_inhibition={"w_inh_mv": 20.0}),
             _spec(concept={"n_neurons": 24, "refractory_ms": 4.0, "v_reset_mv": -70.0})]
    drives = [_drive(specs[0], 2, seed=s) for s in (1, 2, 3)]
    nets = BatchedNetworks(specs, [1, 2, 3], dtype="float64")
    res = nets.run(drives, plastic=True)
    states = nets.get_states()
    for b, spec in enumerate(specs):
        ref = make_engine("reference", spec, seed=b + 1)
        r = ref.run(drives[b], plastic=True)
        assert _spike_set(r) == _spike_set(res[b])
        _same_state(ref.get_state(), states[b], atol=1e-12)


def test_bad_batches_and_options_rejected():
    spec = _spec()
    eng = make_engine("torch-batched", spec, seed=0)
    d = _drive(spec, 2)
    with pytest.raises(ValueError, match="one length"):
        eng.run_batch([d, _drive(spec, 3)], plastic=True)
    with pytest.raises(ValueError, match="2 states for 1 drives"):
        eng.run_batch([d], plastic=False, states=[eng.get_state()] * 2)
    with pytest.raises(ValueError, match="input neurons"):
        eng.run_batch([SpikeTrains(indices=np.zeros(0), steps=np.zeros(0), n_neurons=3, n_steps=d.n_steps,
                                   dt_ms=d.dt_ms)], plastic=False)
    with pytest.raises(ValueError, match="structure"):
        BatchedNetworks([spec, _spec(concept={"n_neurons": 25})], [0, 1])
    with pytest.raises(ValueError, match="max_rows"):
        make_engine("torch-batched", spec, max_rows=0)
    with pytest.raises(ValueError, match="dtype"):
        make_engine("torch-batched", spec, dtype="float16")
    with pytest.raises(ValueError, match="device"):
        make_engine("torch-batched", spec, device="tpu")
    import torch

    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            make_engine("torch-batched", spec, device="cuda")


@pytest.mark.gpu
def test_cuda_matches_cpu_and_the_reference():
    import torch

    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    spec = _spec().with_mechanisms(KWinnersTakeAll(k=3))
    drive = _drive(spec)
    ref = _learn_then_test("reference", spec, drive)
    gpu = _learn_then_test("torch-batched", spec, drive, dtype="float64", device="cuda")
    for a, b in zip(gpu[:2], ref[:2]):
        assert _spike_set(a) == _spike_set(b)
    _same_state(gpu[2], ref[2], atol=1e-9)
