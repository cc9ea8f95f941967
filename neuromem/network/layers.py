"""The neurons and the time grid of the network description: input populations, concept layer, trials."""

from __future__ import annotations

from dataclasses import dataclass

from neuromem.coding.population import _check_range
from neuromem.latents import MODALITIES
from neuromem.network.mechanisms.base import check_int

__all__ = ["LatentPopulation", "ConceptLayer", "SimConfig"]


@dataclass(frozen=True, kw_only=True)
class LatentPopulation:
    """Rate-coded input population of one modality.

    Parameters
    ----------
    modality : str
        ``"picture"``, ``"name"`` or ``"spoken"``.
    latent_dim : int
        Latent dimensions coded by the population, 1 to 100000.
    neurons_per_dim : int
        Neurons per latent dimension (must match the population code).
    """

    modality: str
    latent_dim: int
    neurons_per_dim: int = 10

    def __post_init__(self):
        if self.modality not in MODALITIES:
            raise ValueError(f"LatentPopulation.modality={self.modality!r}; allowed {MODALITIES}")
        check_int("LatentPopulation", "latent_dim", self.latent_dim, 1, 100_000)
        check_int("LatentPopulation", "neurons_per_dim", self.neurons_per_dim, 1, 1000)

    @property
    def n_neurons(self) -> int:
        return self.latent_dim * self.neurons_per_dim


@dataclass(frozen=True, kw_only=True)
class ConceptLayer:
    """LIF concept neurons (see the module docstring for the equations).

    Sparse, invariant "concept cells" after the human medial-temporal-lobe
    recordings of Quian Quiroga et al. (2005), Nature 435:1102; leaky
    integrate-and-fire dynamics with current-based exponential synapses.

    Parameters
    ----------
    n_neurons : int
        Number of concept neurons, 1 to 100000.
    tau_m_ms : float
        Membrane time constant, ms, (0, 1000].
    v_rest_mv, v_reset_mv, v_thresh_mv : float
        Resting, reset and threshold potentials, mV; require
        ``v_thresh_mv > v_reset_mv`` and ``v_thresh_mv > v_rest_mv``.
    refractory_ms : float
        Absolute refractory period, ms, [0, 100].
    tau_syn_exc_ms : float
        Decay of the excitatory synaptic current, ms, (0, 1000].
    """

    n_neurons: int = 100
    tau_m_ms: float = 20.0
    v_rest_mv: float = -65.0
    v_reset_mv: float = -65.0
    v_thresh_mv: float = -52.0
    refractory_ms: float = 2.0
    tau_syn_exc_ms: float = 5.0

    def __post_init__(self):
        check_int("ConceptLayer", "n_neurons", self.n_neurons, 1, 100_000)
        _check_range("ConceptLayer", "tau_m_ms", self.tau_m_ms, 0, 1000, lo_open=True)
        _check_range("ConceptLayer", "tau_syn_exc_ms", self.tau_syn_exc_ms, 0, 1000, lo_open=True)
        _check_range("ConceptLayer", "refractory_ms", self.refractory_ms, 0, 100)
        for f in ("v_rest_mv", "v_reset_mv", "v_thresh_mv"):
            _check_range("ConceptLayer", f, getattr(self, f), -200, 100)
        if not self.v_thresh_mv > self.v_reset_mv:
            raise ValueError(f"ConceptLayer.v_thresh_mv={self.v_thresh_mv} must be above "
                             f"v_reset_mv={self.v_reset_mv}")
        if not self.v_thresh_mv > self.v_rest_mv:
            raise ValueError(f"ConceptLayer.v_thresh_mv={self.v_thresh_mv} must be above "
                             f"v_rest_mv={self.v_rest_mv} (otherwise neurons fire without input)")

    @property
    def rheobase_mv(self) -> float:
        """Smallest constant drive ``R I`` (mV) that makes the neuron fire."""
        return self.v_thresh_mv - self.v_rest_mv


@dataclass(frozen=True, kw_only=True)
class SimConfig:
    """Time grid and trial structure.

    Parameters
    ----------
    dt_ms : float
        Integration step, ms, (0, 10]; a network with lateral inhibition
        further needs ``dt_ms <= MAX_DT_FOR_INHIBITION_MS`` (0.25 ms: larger
        steps break winner-take-all) and every time constant at least
        ``5 * dt_ms`` (checked by :class:`NetworkSpec`).
    stimulus_ms : float
        Stimulus duration inside a trial, ms, (0, 1e5].
    trial_period_ms : float
        Trial period (stimulus + pause), ms, >= stimulus_ms; state is reset
        at every trial start.
    """

    dt_ms: float = 0.1
    stimulus_ms: float = 200.0
    trial_period_ms: float = 250.0

    def __post_init__(self):
        _check_range("SimConfig", "dt_ms", self.dt_ms, 0, 10, lo_open=True)
        _check_range("SimConfig", "stimulus_ms", self.stimulus_ms, 0, 1e5, lo_open=True)
        _check_range("SimConfig", "trial_period_ms", self.trial_period_ms, self.stimulus_ms, 1e6)
        for f in ("stimulus_ms", "trial_period_ms"):
            n = getattr(self, f) / self.dt_ms
            if abs(n - round(n)) > 1e-6:
                raise ValueError(f"SimConfig.{f}={getattr(self, f)} must be a multiple of dt_ms={self.dt_ms}")

    @property
    def steps_per_trial(self) -> int:
        return int(round(self.trial_period_ms / self.dt_ms))

    @property
    def stimulus_steps(self) -> int:
        return int(round(self.stimulus_ms / self.dt_ms))
