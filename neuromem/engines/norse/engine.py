"""PyTorch/Norse translation of :class:`~neuromem.network.NetworkSpec` (the only module importing norse).

Concept neurons step with :func:`neuromem.engines.norse.step.lif_step`
(Norse's ``lif_refrac_feed_forward_step`` repeated operation for operation,
with an injectable spike function); the event-driven plasticity
(:mod:`.step`) is written in PyTorch with weights stored
``[pre, post]`` (``W[b, i, j]``): an input spike reads, adds and depresses its
row, a concept spike potentiates its column. Tensors live on the device
chosen by the ``device`` option (``"cpu"``, ``"cuda"``, ``"cuda:N"``);
nothing is global. :class:`NorseNetworks` runs ``B`` independent networks
(different seeds, inputs or parameter values, same structure) in one batch;
:class:`NorseEngine` is the single-network engine registered as ``"norse"``.
The batch itself lives in :mod:`.networks` (torch only); its constants come
from the discrete model's builders (:data:`neuromem.engines.builders.BUILDERS`).

Numerics compared with Brian2 (the reference engine)
----------------------------------------------------
* **Integration scheme.** Norse integrates with forward Euler,
  ``v += dt/tau_m (v_leak - v + i)``, ``i -= dt/tau_syn i``. It is given the
  effective rates ``(1 - exp(-dt/tau)) / dt`` instead of ``1/tau``, which
  makes its step algebraically identical to Brian2's exponential Euler (exact
  for currents held constant over a step). With plain ``1/tau`` the
  first-order error would lengthen each interspike interval by a factor of
  about ``1 + dt/(2 tau_m)`` (0.25 % at dt = 0.1 ms, tau_m = 20 ms). The
  inhibitory current and the bias enter through ``v_leak = v_rest - isyn_inh + b``
  (Norse has one synaptic current, which carries ``isyn_exc``).
* **k-winners-take-all** acts through the threshold: a neuron that may not
  become a winner this step gets ``v_th = inf`` (so ``lif_step`` neither
  spikes nor resets it), which is the discrete model's admission rule.
* **Ordering of input and threshold.** Norse adds its input to the current
  *before* the voltage update. The input spikes of step ``t`` are therefore
  passed as the input of step ``t + 1``, which reproduces Brian2's order
  (integrate with the currents of the previous step, threshold, then the
  synapses of this step add to ``isyn_exc``); trial starts discard the pending
  input as Brian2's reset does.
* **Refractoriness.** Norse counts refractory steps (``rho``); Brian2 uses
  ``timestep(t - lastspike) >= timestep(t_ref)``. ``rho_reset = n_ref - 1``
  with ``n_ref = floor(t_ref / dt + 1e-3)`` freezes ``v`` on exactly the same
  steps; refractory periods that are not a multiple of dt are rounded down by
  both engines.
* **Precision.** float32 by default (Brian2: float64). The differences are
  rounding only: relative 1e-7 per operation on ``v`` (about 1e-5 mV) and on
  the weights. A concept spike can move by one step, or appear/disappear,
  only when ``v`` ends a step within that rounding of the threshold; over many
  steps such flips change who wins a competition occasionally, which is why
  agreement with Brian2 is checked statistically
  (``tests/engines/test_array_engines_agreement.py``); with ``dtype="float64"``
  the spikes of small test networks are identical.
"""

from __future__ import annotations

import warnings

import numpy as np

try:
    import torch  # noqa: F401

    with warnings.catch_warnings():  # norse 1.1 warns about torch.jit.script deprecation on import
        warnings.simplefilter("ignore")
        import norse  # noqa: F401  (the engine's library; the step repeats its LIF step)
except ImportError as exc:  # pragma: no cover - depends on the environment
    from neuromem.engines.base import EngineUnavailable

    raise EngineUnavailable("the norse engine needs torch and norse (pip install 'neuromem[norse]')") from exc

from neuromem.coding.spikes import SpikeTrains
from neuromem.engines.base import Engine, RunFlags, RunResult
from neuromem.engines.norse.networks import NetworkConstants, NorseNetworks, resolve_device
from neuromem.network.spec import NetworkSpec, NetworkState

__all__ = ["NetworkConstants", "NorseEngine", "NorseNetworks", "resolve_device"]


class NorseEngine(Engine):
    """PyTorch/Norse engine for one network (see the module docstring for its numerics).

    Parameters
    ----------
    spec : NetworkSpec
    seed : int
        Seed of the initial state (and of mechanisms drawing from it).
    progress : bool
        Accepted for interface compatibility.
    device : str
        ``"cpu"`` (default), ``"cuda"`` or ``"cuda:N"``.
    dtype : {"float32", "float64"}
        Floating-point type of every tensor.
    """

    name = "norse"
    backend = "norse"
    records_v = True

    def __init__(self, spec: NetworkSpec, *, seed=0, progress: bool = False, device="cpu",
                 dtype="float32"):
        super().__init__(spec, seed=seed, progress=progress)
        self.networks_ = NorseNetworks([spec], [seed], device=device, dtype=dtype)
        self.device = self.networks_.device
        self.dtype = self.networks_.np_dtype

    def _read_state(self) -> NetworkState:
        return self.networks_.get_states()[0]

    def _write_state(self, state: NetworkState) -> None:
        self.networks_.set_states([state])

    def _run(self, drive: SpikeTrains, flags: RunFlags, bias_mv: np.ndarray, record_v=None) -> RunResult:
        return self.networks_.run([drive], plastic=flags.learn, bias_mv=bias_mv[None, :], flags=flags,
                                  record_v=record_v)[0]
