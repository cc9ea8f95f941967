"""The numba and norse engines: the compiled loop vs the NumPy reference, batching, options, bad input."""

import numpy as np
import pytest

from neuromem.coding import SpikeTrains, poisson_trials
from neuromem.engines import available_engines, make_engine
from neuromem.network import load_preset

HAVE_NUMBA = available_engines().get("numba") == "ok"
HAVE_NORSE = available_engines().get("norse") == "ok"
needs_numba = pytest.mark.skipif(not HAVE_NUMBA, reason="numba is not installed")
needs_norse = pytest.mark.skipif(not HAVE_NORSE, reason="torch/norse are not installed")


def _spec(**over):
    return load_preset("default", modalities=("picture", "name"), latent_dim=8,
                       **{"concept": {"n_neurons": 40}, **over})


def _drive(spec, n_trials=6, seed=0):
    rng = np.random.default_rng(seed)
    rates = rng.uniform(0, 60, size=(n_trials, spec.n_inputs))
    return poisson_trials(rates, stimulus_ms=spec.sim.stimulus_ms, trial_period_ms=spec.sim.trial_period_ms,
                          background_hz=1.0, dt_ms=spec.sim.dt_ms, rng=rng)


def _spike_set(r):
    return set(zip(r.spike_indices.tolist(), r.spike_steps.tolist()))


def _learn_then_test(name, spec, drive, **kw):
    eng = make_engine(name, spec, seed=4, **kw)
    learn = eng.run(drive, plastic=True)
    state = eng.get_state()
    test = eng.run(drive, plastic=False)
    return learn, test, state


@needs_numba
def test_numba_matches_reference_engine():
    """Identical input spikes, float64: the compiled loop (postponed potentiation, 1 or 2 threads, tiny event
    buffer that forces flushes) gives the NumPy reference's spikes; weights agree to rounding (the loop decays
    the input traces in another order: ~1e-13 mV)."""
    spec = _spec(stdp={"a_plus": 0.05})
    drive = _drive(spec)
    ref = _learn_then_test("reference", spec, drive)
    assert len(ref[0].spike_steps) > 50 and len(ref[1].spike_steps) > 20
    for kw in ({"threads": 1}, {"threads": 2}, {"threads": 2, "event_capacity": 16}):
        fused = _learn_then_test("numba", spec, drive, dtype="float64", **kw)
        for a, b in zip(ref[:2], fused[:2]):
            assert _spike_set(a) == _spike_set(b), kw
        for m in spec.modalities:
            np.testing.assert_allclose(fused[2].w_in_mv[m], ref[2].w_in_mv[m], rtol=0, atol=1e-9)
            np.testing.assert_allclose(fused[2].w_fb[m], ref[2].w_fb[m], rtol=0, atol=1e-11)
        np.testing.assert_allclose(fused[2].theta_mv, ref[2].theta_mv, rtol=0, atol=1e-9)


@needs_numba
def test_numba_float32_variants_agree_and_stay_near_the_reference():
    """float32: threads and event-buffer flushes change nothing (spikes identical, weights to float32 rounding,
    ~1e-5 mV of ~3 mV); against the float64 reference only rounding differs, so a rare threshold flip may move
    a spike: totals within 2 %."""
    spec = _spec(stdp={"a_plus": 0.05})
    drive = _drive(spec)
    ref = _learn_then_test("reference", spec, drive)
    one = _learn_then_test("numba", spec, drive, threads=1)
    for kw in ({"threads": 2}, {"threads": 2, "event_capacity": 16}):
        other = _learn_then_test("numba", spec, drive, **kw)
        for a, b in zip(one[:2], other[:2]):
            assert _spike_set(a) == _spike_set(b), kw
        for m in spec.modalities:
            np.testing.assert_allclose(other[2].w_in_mv[m], one[2].w_in_mv[m], rtol=0, atol=2e-4)
    for a, b in zip(one[:2], ref[:2]):
        assert abs(len(a.spike_steps) - len(b.spike_steps)) <= 0.02 * len(b.spike_steps)


@needs_numba
def test_thread_count_does_not_change_results():
    spec = _spec(concept={"n_neurons": 100})
    drive = _drive(spec, 4, seed=3)
    one = _learn_then_test("numba", spec, drive, threads=1)
    two = _learn_then_test("numba", spec, drive, threads=2)
    np.testing.assert_array_equal(one[0].spike_steps, two[0].spike_steps)
    np.testing.assert_array_equal(one[1].spike_indices, two[1].spike_indices)
    np.testing.assert_array_equal(one[2].w_in_mv["picture"], two[2].w_in_mv["picture"])


@needs_norse
def test_norse_float64_matches_reference():
    """Same semantics, same order of operations: identical spikes, weights to float64 rounding."""
    spec = _spec()
    drive = _drive(spec, 4, seed=5)
    ref = _learn_then_test("reference", spec, drive)
    nrs = _learn_then_test("norse", spec, drive, dtype="float64")
    assert _spike_set(ref[0]) == _spike_set(nrs[0]) and _spike_set(ref[1]) == _spike_set(nrs[1])
    for m in spec.modalities:
        np.testing.assert_allclose(nrs[2].w_in_mv[m], ref[2].w_in_mv[m], rtol=0, atol=1e-9)
        np.testing.assert_allclose(nrs[2].w_fb[m], ref[2].w_fb[m], rtol=0, atol=1e-12)


@needs_norse
def test_norse_batch_equals_separate_networks():
    """Two networks (different seeds, inputs and a_plus) in one batch == each run alone."""
    from neuromem.engines.norse.engine import NorseNetworks

    specs = [_spec(), _spec(stdp={"a_plus": 0.1})]
    drives = [_drive(specs[0], 2, seed=1), _drive(specs[1], 2, seed=2)]
    batch = NorseNetworks(specs, [3, 8], dtype="float64")
    res = batch.run(drives, plastic=True)
    states = batch.get_states()
    for b in range(2):
        eng = make_engine("norse", specs[b], seed=[3, 8][b], dtype="float64")
        r = eng.run(drives[b], plastic=True)
        assert _spike_set(r) == _spike_set(res[b])
        np.testing.assert_allclose(eng.get_state().w_in_mv["name"], states[b].w_in_mv["name"], atol=1e-12)
    assert _spike_set(res[0]) != _spike_set(res[1])


@needs_norse
def test_norse_batch_rejects_mixed_structures():
    from neuromem.engines.norse.engine import NorseNetworks

    with pytest.raises(ValueError, match="structure"):
        NorseNetworks([_spec(), _spec(concept={"n_neurons": 41})], [0, 1])
    with pytest.raises(ValueError, match="seeds"):
        NorseNetworks([_spec()], [0, 1])


@needs_norse
def test_norse_device_errors():
    import torch

    spec = _spec()
    with pytest.raises(ValueError, match="device"):
        make_engine("norse", spec, device="tpu")
    with pytest.raises(ValueError, match="device"):
        make_engine("norse", spec, device="not a device")
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="CUDA is not available"):
            make_engine("norse", spec, device="cuda")
    with pytest.raises(ValueError, match="dtype"):
        make_engine("norse", spec, dtype="float16")


@needs_numba
def test_numba_option_errors():
    spec = _spec()
    with pytest.raises(ValueError, match="dtype"):
        make_engine("numba", spec, dtype="int32")
    with pytest.raises(TypeError, match="loop"):  # one compiled loop; the NumPy reference is its own engine
        make_engine("numba", spec, loop="reference")
    with pytest.raises(ValueError, match="threads"):
        make_engine("numba", spec, threads=0)


@pytest.mark.parametrize("name", [n for n, ok in (("numba", HAVE_NUMBA), ("norse", HAVE_NORSE)) if ok])
def test_wrong_drive_shape_rejected(name):
    spec = _spec()
    eng = make_engine(name, spec)
    wrong = SpikeTrains(indices=np.zeros(0, np.int32), steps=np.zeros(0, np.int64), n_neurons=spec.n_inputs + 1,
                        n_steps=spec.sim.steps_per_trial, dt_ms=spec.sim.dt_ms)
    with pytest.raises(ValueError, match="input neurons"):
        eng.run(wrong, plastic=True)
    with pytest.raises(ValueError, match="bias_mv"):
        eng.run(_drive(spec, 1), plastic=False, bias_mv=np.full(spec.concept.n_neurons, np.nan))


@pytest.mark.gpu
@needs_norse
def test_norse_cuda_matches_cpu():
    import torch

    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    spec = _spec()
    drive = _drive(spec, 3)
    cpu = _learn_then_test("norse", spec, drive, dtype="float64")
    gpu = _learn_then_test("norse", spec, drive, dtype="float64", device="cuda")
    assert _spike_set(cpu[0]) == _spike_set(gpu[0])
    np.testing.assert_allclose(cpu[2].w_in_mv["picture"], gpu[2].w_in_mv["picture"], atol=1e-9)
