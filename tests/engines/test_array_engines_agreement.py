"""Statistical agreement of the array engines (numba, norse, torch-batched; float32 defaults) with Brian2 (runtime).

Every engine gets the same network, initial weights and input spikes (neuromem
draws them). Brian2 computes in float64, the array engines by default in
float32, with the same update order (see ``neuromem.engines.discrete``): the
only source of difference is rounding (relative 1e-7 per operation, ~1e-5 mV
on the membrane potential). A spike moves or flips only when a potential ends
a step within that margin of the threshold, and then the trajectories
diverge (winner-take-all amplifies a flip). The tolerances are set to what
such rare flips can do, and far below what a real semantic difference
(e.g. input added after the threshold instead of before, a refractory step
more or less, depression with this step's post spike) produces: each of
those changes spike counts by 10-50 % in this network.

Both presets are held to it: ``default`` (12 neurons, lateral inhibition) and ``human-mtl`` (k-winners-take-all,
threshold spread, 2 Hz background) at 200 of its 1,000 neurons (k = 2 winners), to keep Brian2's run short;
its rule does not depend on the layer size.

Tolerances (pooled over 3 seeds x 4 concepts):
* total concept spikes per test stimulus: pooled absolute difference <= 5 %
  of Brian2's total;
* winner per concept (most active neuron in the test presentations after
  learning): the same in >= 11 of 12 (seed, concept) cases;
* learned weights: the 10/50/90 % quantiles of ``w / w_max`` within 0.01 and
  the mean absolute elementwise difference <= 0.01 w_max;
* recall (fraction of test trials whose most active neuron is its concept's
  winner): within 0.1.
"""

import numpy as np
import pytest

from neuromem.coding import poisson_trials
from neuromem.engines import available_engines, make_engine
from neuromem.network import load_preset

pytest.importorskip("brian2")

ARRAY_ENGINES = [e for e in ("numba", "norse", "torch-batched") if available_engines().get(e) == "ok"]
SEEDS = (0, 1, 2)
N_CONCEPTS = 4
#: Concept-layer size per preset in this test.
N_NEURONS = {"default": 12, "human-mtl": 200}


def _setup(seed, preset="default"):
    spec = load_preset(preset, modalities=("picture", "name"), latent_dim=6,
                       concept={"n_neurons": N_NEURONS[preset]})
    rng = np.random.default_rng(seed)
    patterns = rng.uniform(0, 60, size=(N_CONCEPTS, spec.n_inputs))
    learn_order = np.tile(np.arange(N_CONCEPTS), 2)
    test_order = np.tile(np.arange(N_CONCEPTS), 2)

    def drive(order):
        return poisson_trials(patterns[order], stimulus_ms=spec.sim.stimulus_ms,
                              trial_period_ms=spec.sim.trial_period_ms, background_hz=1.0, dt_ms=spec.sim.dt_ms,
                              rng=rng)

    return spec, drive(learn_order), drive(test_order), test_order


def _simulate(engine, seed, preset="default"):
    spec, learn, test, labels = _setup(seed, preset)
    eng = make_engine(engine, spec, seed=seed)
    eng.run(learn, plastic=True)
    state = eng.get_state()
    res = eng.run(test, plastic=False)
    counts = res.counts(spec.sim.steps_per_trial, window_steps=spec.sim.stimulus_steps)
    w = np.concatenate([state.w_in_mv[m] / spec.w_max_mv(m) for m in spec.modalities])
    winners = np.array([counts[labels == k].mean(axis=0).argmax() for k in range(N_CONCEPTS)])
    recall = float(np.mean(counts.argmax(axis=1) == winners[labels]))
    return {"per_stimulus": counts.sum(axis=1), "winners": winners, "w": w, "recall": recall}


@pytest.fixture(scope="module", params=list(N_NEURONS))
def preset(request):
    return request.param


@pytest.fixture(scope="module")
def brian2_results(preset):
    return {s: _simulate("brian2-runtime", s, preset) for s in SEEDS}


@pytest.mark.parametrize("engine", ARRAY_ENGINES)
def test_agrees_with_brian2(engine, preset, brian2_results):
    ours = {s: _simulate(engine, s, preset) for s in SEEDS}
    ref_tot = sum(brian2_results[s]["per_stimulus"].sum() for s in SEEDS)
    assert ref_tot > 100  # the test network is active
    diff = sum(np.abs(ours[s]["per_stimulus"] - brian2_results[s]["per_stimulus"]).sum() for s in SEEDS)
    assert diff <= 0.05 * ref_tot
    same_winner = sum(int(np.sum(ours[s]["winners"] == brian2_results[s]["winners"])) for s in SEEDS)
    assert same_winner >= len(SEEDS) * N_CONCEPTS - 1
    for s in SEEDS:
        a, b = ours[s]["w"], brian2_results[s]["w"]
        np.testing.assert_allclose(np.quantile(a, [0.1, 0.5, 0.9]), np.quantile(b, [0.1, 0.5, 0.9]), atol=0.01)
        assert np.abs(a - b).mean() <= 0.01
        assert abs(ours[s]["recall"] - brian2_results[s]["recall"]) <= 0.1
    # learning really moved the weights (so the comparison is not of untouched initial states): over the neurons
    # whose weights learning changed in Brian2's run (in human-mtl only the few k-winners of 200: a mean over
    # every neuron would dilute the difference), the change is large and the engines agree to the same 0.01 w_max
    spec = _setup(0, preset)[0]
    w0 = make_engine(engine, spec, seed=0).get_state()
    init = np.concatenate([w0.w_in_mv[m] / spec.w_max_mv(m) for m in spec.modalities])
    learned = np.abs(brian2_results[0]["w"] - init).max(axis=0) > 1e-6
    assert learned.any() and np.abs(ours[0]["w"] - init)[:, learned].mean() > 0.01
    assert np.abs(ours[0]["w"] - brian2_results[0]["w"])[:, learned].mean() <= 0.01


@pytest.mark.slow
@pytest.mark.parametrize("engine", [e for e in ARRAY_ENGINES if e == "numba"])
def test_engram_experiment_metrics_match_brian2(engine):
    """The engram-formation experiment (synthetic latents, 10 concepts) on an array engine vs Brian2 standalone.

    Tolerances: recall@1 within 0.05 (2-5 of the ~100 test cues), sparseness within 0.01, fraction of
    concepts with an engram and invariance within 0.1 -- what the rare float32 threshold flips described in
    the module docstring can change; measured here: identical metrics. (The norse engine is left out on
    CPU: its per-step PyTorch loop needs minutes for the experiment's ~1e6 steps.)
    """
    from neuromem.experiments.engram_formation import run_engram_formation
    from neuromem.validation import synthetic_latent_space

    space = synthetic_latent_space(n_concepts=10, latent_dim=16, pictures_per_concept=40, seed=0)
    kw = dict(presentations=3, seed=0, out_dir=None, progress=False, max_test_pictures_per_concept=10,
              control_test_pictures_per_concept=5, dataset="synthetic", figures=False)
    ours = run_engram_formation(space, engine=engine, **kw)
    ref = run_engram_formation(space, engine="brian2-standalone", **kw)
    for key, tol in (("picture_to_name_recall_at_1", 0.05), ("name_to_picture_recall_at_1", 0.05),
                     ("population_sparseness", 0.01), ("concepts_with_engram", 0.1), ("invariance_index", 0.1)):
        assert abs(ours[key] - ref[key]) <= tol, (key, ours[key], ref[key])
    assert ours["picture_to_name_recall_at_1"] >= 0.8
