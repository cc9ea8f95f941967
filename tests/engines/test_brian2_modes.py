"""Brian2 runtime vs cpp_standalone: same spikes; standalone re-runs do not recompile."""

import os

import numpy as np
import pytest

pytest.importorskip("brian2")

from neuromem.coding import poisson_trials  # noqa: E402
from neuromem.engines import make_engine  # noqa: E402
from neuromem.engines.brian2.engine import standalone_build_count  # noqa: E402
from neuromem.network import load_preset  # noqa: E402


def _setup():
    spec = load_preset("default", modalities=("picture", "name"), latent_dim=6, concept={"n_neurons": 12})
    rng = np.random.default_rng(3)
    rates = rng.uniform(0, 60, size=(5, spec.n_inputs))
    drive = poisson_trials(rates, stimulus_ms=spec.sim.stimulus_ms, trial_period_ms=spec.sim.trial_period_ms,
                           background_hz=1.0, dt_ms=spec.sim.dt_ms, rng=rng)
    return spec, drive


def test_runtime_and_standalone_agree():
    """Identical input spikes -> identical concept spikes (tolerance: at most 1 % of spikes may differ,
    for floating-point effects of C++ vs numpy summation order; weights to 1e-9 relative)."""
    spec, drive = _setup()
    out = {}
    for mode in ("runtime", "standalone"):
        eng = make_engine(f"brian2-{mode}", spec, seed=2, block_trials=2)  # 5 trials -> 3 blocks
        r = eng.run(drive, plastic=True)
        out[mode] = (r, eng.get_state())
    (a, sa), (b, sb) = out["runtime"], out["standalone"]
    assert len(a.spike_steps) > 20
    ka = set(zip(a.spike_indices.tolist(), a.spike_steps.tolist()))
    kb = set(zip(b.spike_indices.tolist(), b.spike_steps.tolist()))
    assert len(ka ^ kb) <= 0.01 * max(len(ka), len(kb))
    np.testing.assert_allclose(sa.w_in_mv["picture"], sb.w_in_mv["picture"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(sa.w_fb["name"], sb.w_fb["name"], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(sa.theta_mv, sb.theta_mv, rtol=1e-9)


def test_standalone_reruns_without_recompiling():
    spec, drive = _setup()
    eng = make_engine("brian2-standalone", spec, seed=2, block_trials=2)
    eng.run(drive, plastic=True)
    builds = standalone_build_count()
    from neuromem.engines.brian2.standalone import ACTIVE as _ACTIVE

    binary = os.path.join(_ACTIVE["device"].project_dir, "main")
    mtime = os.path.getmtime(binary)
    # new inputs, new parameter values (same structure), new weights: no new build
    spec2 = load_preset("default", modalities=("picture", "name"), latent_dim=6,
                        concept={"n_neurons": 12, "tau_m_ms": 15.0}, stdp={"a_plus": 0.1})
    eng2 = make_engine("brian2-standalone", spec2, seed=9, block_trials=2)
    r2 = eng2.run(drive, plastic=True)
    r3 = eng.run(drive, plastic=False)
    assert standalone_build_count() == builds
    assert os.path.getmtime(binary) == mtime
    assert len(r2.spike_steps) > 0 and len(r3.spike_steps) > 0
    # a different parameter value really reaches the compiled program
    r2b = make_engine("brian2-standalone", spec, seed=9, block_trials=2).run(drive, plastic=True)
    assert not np.array_equal(r2.spike_steps, r2b.spike_steps)
