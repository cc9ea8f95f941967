"""The pure LIF step of the norse engine: Norse's own step repeated exactly; same voltages with gradients on."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("norse")

from neuromem.engines.norse.step import LIFParameters, LIFState, heaviside, lif_step, superspike  # noqa: E402


def _params(n, dtype):
    f = lambda x: torch.full((1, n), x, dtype=dtype)  # noqa: E731
    return LIFParameters(tau_syn_inv=f(1 - np.exp(-0.1 / 5)), tau_mem_inv=f(1 - np.exp(-0.1 / 20)),
                         v_leak=f(-65.0), v_th=f(-52.0), v_reset=f(-65.0), rho_reset=f(19.0))


def _inputs(n, steps, dtype, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(steps, 1, n, generator=g, dtype=dtype) < 0.05).to(dtype) * 9.0


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_step_equals_norse_lif_refrac_step(dtype):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from norse.torch.functional.lif import LIFFeedForwardState
        from norse.torch.functional.lif import LIFParameters as NLIFParameters
        from norse.torch.functional.lif_refrac import LIFRefracFeedForwardState, LIFRefracParameters, \
            lif_refrac_feed_forward_step
    n = 50
    p = _params(n, dtype)
    pn = LIFRefracParameters(NLIFParameters(tau_syn_inv=p.tau_syn_inv, tau_mem_inv=p.tau_mem_inv, v_leak=p.v_leak,
                                            v_th=p.v_th, v_reset=p.v_reset, method="heaviside",
                                            alpha=torch.as_tensor(0.0)), p.rho_reset)
    ours = LIFState(v=torch.full((1, n), -65.0, dtype=dtype), i=torch.zeros(1, n, dtype=dtype),
                    rho=torch.zeros(1, n, dtype=dtype))
    theirs = LIFRefracFeedForwardState(LIFFeedForwardState(ours.v.clone(), ours.i.clone()), ours.rho.clone())
    n_spikes = 0
    for x in _inputs(n, 3000, dtype):
        z1, ours = lif_step(x, ours, p)
        z2, theirs = lif_refrac_feed_forward_step(x, theirs, pn, dt=1.0)
        assert torch.equal(z1, z2)
        assert torch.equal(ours.v, theirs.lif.v) and torch.equal(ours.i, theirs.lif.i)
        assert torch.equal(ours.rho, theirs.rho)
        n_spikes += int(z1.sum())
    assert n_spikes > 50  # the comparison covered spikes, resets and refractory periods


def test_same_voltages_with_gradients_off_and_on():
    """Heaviside without gradients (the engine) and SuperSpike with gradients (backprop) give the same forward pass."""
    n, steps = 20, 1500
    p = _params(n, torch.float64)
    xs = _inputs(n, steps, torch.float64, seed=1)
    v0 = torch.full((1, n), -65.0, dtype=torch.float64)

    with torch.no_grad():
        s = LIFState(v=v0.clone(), i=torch.zeros_like(v0), rho=torch.zeros_like(v0))
        v_off = []
        for x in xs:
            _, s = lif_step(x, s, p, heaviside)
            v_off.append(s.v)
    w = torch.ones(1, n, dtype=torch.float64, requires_grad=True)
    s = LIFState(v=v0.clone(), i=torch.zeros_like(v0), rho=torch.zeros_like(v0))
    v_on, zs = [], []
    for x in xs:
        z, s = lif_step(x * w, s, p, superspike(100.0))
        v_on.append(s.v)
        zs.append(z)
    torch.testing.assert_close(torch.stack(v_on).detach(), torch.stack(v_off), rtol=0, atol=0)
    total = torch.stack(zs).sum()
    assert total.item() > 0
    total.backward()
    assert w.grad is not None and torch.isfinite(w.grad).all() and w.grad.abs().sum() > 0
