"""``surrogate-matched``: the ``surrogate`` binder matched to what ``stdp`` sees, so only the plasticity differs.

``surrogate`` differs from ``stdp`` in more than its learning rule: 50 ms
stimuli at dt 0.25 ms (a quarter of ``stdp``'s input spikes per cue), no
adaptive threshold, and one-modality training cues. This binder removes
those differences:

* **time grid**: the preset's own ``dt_ms`` and ``stimulus_ms`` (0.1 ms and
  200 ms for ``default``), as ``stdp`` runs them;
* **adaptive threshold**: the preset's ``[adaptive_threshold]`` during
  learning (every concept spike of a training trial raises its neuron's
  threshold by ``theta_plus_mv``, never decaying with ``tau_theta_ms = inf``;
  left out at test unless ``apply_at_test``), as in the STDP network;
* **cues of the kind stdp sees**: a training trial shows every modality of
  the presentation at once (``stdp``'s learning trial), and the loss asks
  every modality's latent back from that trial's concept activity; recall
  cues show one modality, as ``stdp``'s do;
* **readout**: the completion map reads the concept layer's spike counts
  normalised to sum 1 per trial (a distribution over concept neurons, like
  ``stdp``'s normalised pattern completion), so a one-modality cue with fewer
  input spikes is read as a joint trial would be.

* **reset without gradient**: BPTT through 2,000 steps of 0.1 ms explodes
  through the reset (every spike multiplies the voltage's gradient by up to
  ``|v_reset - v| z'``; measured: the weight gradient of the spike count is
  0.55 after 250 steps, 1e6 after 500, 5e27 after 1,000 and overflows to NaN
  from 1,500, so the first Adam step made every weight NaN and the layer
  silent), so the reset passes no gradient (Zenke & Vogels 2021, Neural
  Comput. 33:899); the spikes and voltages are unchanged.

Everything else (neurons, inhibition, weight clipping and normalisation,
SuperSpike gradient, Adam with a half-cosine decay, cost convention) is
``surrogate``'s. BPTT through 2,000 steps per trial is costly on a CPU: the
binder runs only when named in ``--binders`` (registered twice: 30 epochs,
the comparison's epoch budget, and 100 epochs as ``surrogate-matched-100``),
and ``tools/gpu_check.py`` times it on a GPU.
"""

from __future__ import annotations

from neuromem.binding.surrogate import SurrogateBinder
from neuromem.binding.traits import BinderTraits, CapacityLimit

__all__ = ["MatchedSurrogateBinder", "MatchedSurrogateBinder100"]


class MatchedSurrogateBinder(SurrogateBinder):
    """BPTT on ``stdp``'s time grid, threshold adaptation, trials and readout kind (see the module docstring).

    Parameters
    ----------
    epochs : int
        Passes over the presentations of one ``learn`` call (30: the comparison's epoch budget).
    **kwargs
        See :class:`~neuromem.binding.surrogate.SurrogateBinder`; ``dt_ms`` and ``stimulus_ms`` default to
        the preset's own.
    """

    name = "surrogate-matched"
    detach_reset = True
    traits = BinderTraits(family="backprop", n_units_counts="concept neurons", colour="tab:olive", spiking=True,
                          has_units=True, same_units_as="stdp", in_capacity_sweep=False,
                          capacity=CapacityLimit(reason="hard winner-take-all: one concept neuron per concept"))

    def __init__(self, *, epochs: int = 30, preset: str = "default", dt_ms: float | None = None,
                 stimulus_ms: float | None = None, **kwargs):
        import torch

        from neuromem.binding._backprop import BackpropConfig
        from neuromem.network import load_preset

        base = load_preset(preset, modalities=tuple(kwargs.get("modalities", ("picture", "name"))),
                           latent_dim=int(kwargs["latent_dim"]))
        cfg = kwargs.pop("config", None) or BackpropConfig(epochs=30, learning_rate=0.05)
        cfg = BackpropConfig(epochs=int(epochs), learning_rate=cfg.learning_rate, weight_decay=cfg.weight_decay)
        super().__init__(config=cfg, preset=preset, dt_ms=base.sim.dt_ms if dt_ms is None else dt_ms,
                         stimulus_ms=base.sim.stimulus_ms if stimulus_ms is None else stimulus_ms, **kwargs)
        self.homeostasis = self.spec.homeostasis
        self.theta_mv = torch.zeros(self.n_units, device=self.device)

    def _training_views(self, lat, idx):
        return [({m: lat[m][idx] for m in self.modalities}, tuple(self.modalities))]

    def _readout(self, counts):
        return counts / (counts.sum(-1)[..., None] + 1e-9)

    def _after_step(self, spikes) -> None:
        if self.homeostasis is not None:  # every concept spike of a training trial raises its threshold
            for s in spikes:
                self.theta_mv += self.homeostasis.theta_plus_mv * s.sum(dim=(0, 1))

    def _forward(self, stimuli, n_trials, *, method, theta_mv=None):
        test = method == "heaviside"
        if test and self.homeostasis is not None and self.homeostasis.apply_at_test:
            theta_mv = self.theta_mv
        return super()._forward(stimuli, n_trials, method=method, theta_mv=theta_mv)

    def describe(self) -> dict:
        return {**super().describe(), "cues": "all modalities at once (as stdp learns)", "readout": "normalised counts",
                "adaptive_threshold": self.homeostasis is not None}


class MatchedSurrogateBinder100(MatchedSurrogateBinder):
    """:class:`MatchedSurrogateBinder` with 100 epochs by default (``surrogate-matched-100``)."""

    name = "surrogate-matched-100"
    traits = BinderTraits(family="backprop", n_units_counts="concept neurons", colour="tab:cyan", spiking=True,
                          has_units=True, same_units_as="stdp", in_capacity_sweep=False,
                          capacity=CapacityLimit(reason="hard winner-take-all: one concept neuron per concept"))

    def __init__(self, *, epochs: int = 100, **kwargs):
        super().__init__(epochs=epochs, **kwargs)
