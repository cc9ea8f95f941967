"""The spiking concept layer of the surrogate binder, one step at a time, differentiable.

The neuron step is the norse engine's (:func:`neuromem.engines.norse.step.lif_step`),
so with frozen weights this layer gives the engine's voltages and spikes on
the engine's grid (``tests/binding`` holds it to that); in the backward pass
the spike function may be Norse's SuperSpike surrogate gradient (Zenke &
Ganguli 2018).
"""

from __future__ import annotations

__all__ = ["UNSUPPORTED_MECHANISMS", "check_supported", "simulate_concept_layer"]

#: Preset sections of the mechanisms this layer does not model (it would ignore them silently).
UNSUPPORTED_MECHANISMS = ("k_winners_take_all", "threshold_spread")


def check_supported(k) -> None:
    """Refuse step constants of a spec with k-winners-take-all or a threshold spread (one line).

    Parameters
    ----------
    k : StepConstants
        :func:`neuromem.engines.discrete.step_constants` of the spec.

    Raises
    ------
    MechanismUnsupported
        Naming the mechanism's preset section and the fix.
    """
    from neuromem.engines.builders import MechanismUnsupported

    found = [name for name, present in (("k_winners_take_all", k.k_winners > 0),
                                        ("threshold_spread", bool((k.v_offset != 0).any()))) if present]
    if found:
        raise MechanismUnsupported(
            f"the surrogate binder's concept layer does not model [{found[0]}] (it would ignore it); remove "
            f"[{found[0]}] from the network preset, or use the stdp binder (every engine builds it)")


def simulate_concept_layer(spikes, W, k, *, method: str = "heaviside", alpha: float = 2.0,
                           record_v: bool = False, theta_mv=None, detach_reset: bool = False):
    """Concept-layer spikes of one trial per batch row (the norse engine's neuron step and order, frozen weights).

    The step is :func:`neuromem.engines.norse.step.lif_step`, the one the
    norse engine integrates with, on a dimensionless voltage ``u = (v -
    v_rest) / (v_thresh - v_rest)`` (the same linear dynamics, hence the same
    spikes; threshold at 1 as SuperSpike assumes, and a reset that passes a
    gradient of order 1 instead of 13 mV). Lateral inhibition acts through the
    leak potential as in the engine and is not differentiated (through it
    BPTT explodes); the refractory counter carries no gradient.

    Parameters
    ----------
    spikes : torch.Tensor (n_steps, batch, n_in)
        Input spikes (0/1) per step; trial start at step 0.
    W : torch.Tensor (n_in, n_c)
        Input weights, mV.
    k : StepConstants
        :func:`neuromem.engines.discrete.step_constants` of the spec on the simulated grid.
    method : str
        Spike function: ``"heaviside"`` (forward only) or ``"super"`` (Norse's SuperSpike surrogate gradient).
    alpha : float
        SuperSpike sharpness on the dimensionless voltage.
    record_v : bool
        Also return the membrane voltage after every step.
    theta_mv : torch.Tensor (n_c,), optional
        Per-neuron threshold increase of an adaptive threshold (mV; not differentiated), as the STDP
        network's homeostasis holds it during learning.
    detach_reset : bool
        No gradient through the spike in the reset (:func:`~neuromem.engines.norse.step.lif_step`; the same
        spikes and voltages). Needed for long trials: with it attached the gradient of the spike count with
        respect to the weights grows ~1e6-fold per 250 steps of 0.1 ms (0.55 at 250 steps, 1e6 at 500,
        5e27 at 1,000, overflow at 1,500, measured; ``tests/binding`` checks overflow without, finite with).

    Returns
    -------
    z : torch.Tensor (n_steps, batch, n_c)
    v : torch.Tensor (n_steps, batch, n_c) or None
        Membrane voltage after each step, mV.

    Raises
    ------
    ValueError
        For an unknown ``method``.
    MechanismUnsupported
        For a spec with k-winners-take-all or a threshold spread (:func:`check_supported`).
    """
    import torch

    from neuromem.engines.norse.step import LIFParameters, LIFState, heaviside, lif_step, superspike

    if method not in ("heaviside", "super"):
        raise ValueError(f"method={method!r}; allowed 'heaviside', 'super'")
    check_supported(k)
    spike_fn = heaviside if method == "heaviside" else superspike(alpha)
    T, B, _ = spikes.shape
    n_c = W.shape[1]
    dt, dev = W.dtype, W.device
    scale = k.v_thresh - k.v_rest
    c = lambda x: torch.as_tensor(x, dtype=dt, device=dev)  # noqa: E731
    zero = torch.zeros(B, n_c, dtype=dt, device=dev)
    state = LIFState(v=zero, i=zero, rho=zero)
    gi = zero
    jump = zero
    k_m, k_e = c(1 - k.decay_m), c(1 - k.decay_e)
    u_th, u_reset = c(1.0), c((k.v_reset - k.v_rest) / scale)
    if theta_mv is not None:
        u_th = u_th + theta_mv.detach().to(dtype=dt, device=dev)[None, :] / scale
    rho_reset = c(max(k.n_ref - 1, 0))
    w_inh = k.w_inh / scale
    other = 0.0 if k.self_inhibition else 1.0
    Wu = W / scale
    zs, vs = [], []
    for t in range(T):
        p = LIFParameters(tau_syn_inv=k_e, tau_mem_inv=k_m, v_leak=-gi, v_th=u_th, v_reset=u_reset,
                          rho_reset=rho_reset)
        z, state = lif_step(jump, state, p, spike_fn, detach_reset=detach_reset)
        state = state._replace(rho=state.rho.detach())
        gi = gi * k.decay_i
        jump = spikes[t] @ Wu
        zd = z.detach()
        gi = gi + w_inh * (zd.sum(dim=1, keepdim=True) - other * zd)
        zs.append(z)
        if record_v:
            vs.append(state.v * scale + k.v_rest)
    return torch.stack(zs), (torch.stack(vs) if record_v else None)
