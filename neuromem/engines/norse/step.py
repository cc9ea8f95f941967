"""Pure LIF step and event-driven plasticity in PyTorch (imports torch only).

Built the way Norse builds its neuron models: a pure step function
``lif_step(input, state, params, spike_fn) -> (z, state)`` over named-tuple
state and parameters, so one step serves the simulation engine (Heaviside
spikes, no gradients) and a backprop-through-time learner (a surrogate spike
function such as SuperSpike, gradients on) with identical forward values.

Model (per concept neuron; Norse's ``lif_refrac_feed_forward_step``, whose
operations are repeated here one for one)::

    i'   = i + x                        (input current jump, mV)
    v~   = v + dt k_m ((v_leak - v) + i')
    i''  = i' - dt k_e i'
    z    = spike_fn(v~ - v_th)
    v'   = (1 - z) v~ + z v_reset
    r    = H(rho)                        (refractory: v frozen, no spike)
    v''  = (1 - r) v' + r v ;  z' = (1 - r) z
    rho' = (1 - z') relu(rho - r) + z' rho_reset

With ``k_m = (1 - exp(-dt / tau_m)) / dt`` (and likewise ``k_e``) this is
the exponential-Euler step of Brian2 (see :mod:`neuromem.engines.norse.engine`).
Leaky integrate-and-fire neurons after Lapicque (1907) in the current-based
form of e.g. Gerstner et al., *Neuronal Dynamics* (2014), ch. 1; SuperSpike
surrogate gradient after Zenke & Ganguli (2018), Neural Comput. 30:1514.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import torch

__all__ = ["LIFParameters", "LIFState", "PlasticityParameters", "heaviside", "lif_step", "superspike",
           "depress_rows", "potentiate_columns", "grow_feedback"]


class LIFState(NamedTuple):
    """Dynamic state of concept neurons, tensors of shape (..., n_neurons).

    Parameters
    ----------
    v : Tensor
        Membrane potential, mV.
    i : Tensor
        Excitatory synaptic current in voltage units (``R I``), mV.
    rho : Tensor
        Refractory steps left (0: not refractory).
    """

    v: torch.Tensor
    i: torch.Tensor
    rho: torch.Tensor


class LIFParameters(NamedTuple):
    """Per-step constants (tensors broadcastable to the state).

    Parameters
    ----------
    tau_syn_inv : Tensor
        Effective current decay rate ``k_e``, 1/step (1/ms when ``dt`` is in ms).
    tau_mem_inv : Tensor
        Effective membrane rate ``k_m``, 1/step.
    v_leak : Tensor
        Leak potential, mV (the engine passes ``v_rest - isyn_inh + bias``).
    v_th : Tensor
        Threshold, mV (``v_thresh + adapt * theta``).
    v_reset : Tensor
        Reset potential, mV.
    rho_reset : Tensor
        Refractory steps after a spike minus one.
    """

    tau_syn_inv: torch.Tensor
    tau_mem_inv: torch.Tensor
    v_leak: torch.Tensor
    v_th: torch.Tensor
    v_reset: torch.Tensor
    rho_reset: torch.Tensor


def heaviside(x: torch.Tensor) -> torch.Tensor:
    """1 where ``x > 0``, else 0 (no gradient), in ``x``'s dtype."""
    return torch.gt(x, torch.as_tensor(0.0)).to(x.dtype)


def superspike(alpha: float = 100.0) -> Callable[[torch.Tensor], torch.Tensor]:
    """Heaviside forward, SuperSpike surrogate gradient ``1 / (alpha |x| + 1)^2`` backward (Norse's ``super_fn``).

    Zenke & Ganguli (2018), Neural Comput. 30:1514, section 3.3.2.
    """
    import warnings

    with warnings.catch_warnings():  # norse's import warns about torch.jit deprecations
        warnings.simplefilter("ignore")
        from norse.torch.functional.superspike import super_fn

    a = torch.as_tensor(float(alpha))
    return lambda x: super_fn(x, a)


def lif_step(x: torch.Tensor, state: LIFState, p: LIFParameters, spike_fn=heaviside,
             dt: float = 1.0, detach_reset: bool = False) -> tuple[torch.Tensor, LIFState]:
    """One step of LIF concept neurons (see the module docstring).

    Parameters
    ----------
    x : Tensor (..., n_neurons)
        Current jump this step, mV.
    state : LIFState
    p : LIFParameters
    spike_fn : callable
        ``Tensor -> Tensor`` of spikes from ``v - v_th``; :func:`heaviside`
        (default) or a surrogate such as :func:`superspike`.
    dt : float
        Step in the units of the rates' inverse (the engine passes per-step rates and ``dt = 1``).
    detach_reset : bool
        Pass no gradient through the spike in the reset ``v' = (1 - z) v~ + z v_reset`` (same forward
        values). Through it every spike multiplies the voltage's gradient by up to ``|v_reset - v~| z'``,
        so backprop through long trials explodes; detaching it is Zenke & Vogels (2021), Neural Comput.
        33:899 ("the remarkable robustness of surrogate gradient learning").

    Returns
    -------
    z : Tensor
        Spikes (0 / 1).
    state : LIFState
    """
    i_new = state.i + x
    dv = dt * p.tau_mem_inv * ((p.v_leak - state.v) + i_new)
    v_decayed = state.v + dv
    di = -dt * p.tau_syn_inv * i_new
    i_decayed = i_new + di
    z = spike_fn(v_decayed - p.v_th)
    z_reset = z.detach() if detach_reset else z
    v_new = (1 - z_reset) * v_decayed + z_reset * p.v_reset
    refrac = heaviside(state.rho)
    v_new = (1 - refrac) * v_new + refrac * state.v
    z = (1 - refrac) * z
    rho_new = (1 - z) * torch.nn.functional.relu(state.rho - refrac) + z * p.rho_reset
    return z, LIFState(v=v_new, i=i_decayed, rho=rho_new)


class PlasticityParameters(NamedTuple):
    """Constants of the event-driven plasticity, per network (shape (B, 1)) or per row.

    Parameters
    ----------
    a_plus, a_minus : Tensor
        STDP amplitudes (fractions of ``w_max``), after Song, Miller & Abbott (2000), Nat. Neurosci. 3:919.
    subtractive : Tensor
        1.0 for zero-sum potentiation within each modality, else 0.0.
    a_fb, f_max : Tensor
        Feedback growth rate and bound.
    theta_plus : Tensor
        Adaptive-threshold increment per spike, mV (Diehl & Cook 2015, Front. Comput. Neurosci. 9:99).
    """

    a_plus: torch.Tensor
    a_minus: torch.Tensor
    subtractive: torch.Tensor
    a_fb: torch.Tensor
    f_max: torch.Tensor
    theta_plus: torch.Tensor


def depress_rows(Wr: torch.Tensor, wmax: torch.Tensor, a_minus: torch.Tensor, apost: torch.Tensor) -> torch.Tensor:
    """Rows of spiking inputs after depression: ``clip(w - A_- w_max apost, 0, w_max)``.

    ``Wr`` (k, n_c) weights of the k input spikes; ``wmax`` (k, 1); ``a_minus`` (k, 1); ``apost`` (k, n_c).
    """
    return torch.minimum((Wr - a_minus * wmax * apost).clamp_(min=0.0), wmax)


def potentiate_columns(cols: torch.Tensor, wmax: torch.Tensor, a_plus: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Columns of spiking concept neurons after potentiation: ``clip(w + A_+ w_max x, 0, w_max)``.

    ``cols`` (k, n_in); ``wmax`` (k, n_in); ``a_plus`` (k, 1); ``x`` (k, n_in) presynaptic traces (minus the
    modality mean under subtractive normalisation).
    """
    return torch.minimum((cols + a_plus * wmax * x).clamp_(min=0.0), wmax)


def grow_feedback(Frows: torch.Tensor, a_fb: torch.Tensor, xl: torch.Tensor, f_max: torch.Tensor) -> torch.Tensor:
    """Feedback rows of spiking concept neurons grown in place: ``f += a_fb x (f_max - f)``."""
    Frows += a_fb * xl * (f_max - Frows)
    return Frows
