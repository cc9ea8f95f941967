"""Recall through the network's own dynamics: LIF readout populations driven by the feedback synapses.

Each target modality ``m`` gets a readout population of LIF neurons, one per
neuron of ``m``'s latent population (same dimension-major layout, so readout
neuron ``d * neurons_per_dim + j`` prefers squashed value ``c_j`` of latent
dimension ``d``). The concept -> latent feedback synapses ``f_ji`` (learned
while the network learns, :class:`~neuromem.network.Feedback`) drive them:
a spike of concept neuron ``j`` adds ``w_fb_mv * f_ji`` to the excitatory
current of readout neuron ``i``. A cue drives the concept layer, the concept
layer drives the target modality's readout population, and the completed
latent is decoded from the readout spikes in the stimulus window
(population vector, :func:`neuromem.coding.decode_rates`), then compared
with the target prototypes (:func:`neuromem.analysis.recall_from_readout`).

Readout neurons follow the concept-layer equations (see
:mod:`neuromem.network.spec`) without inhibition, plasticity or adaptive
threshold, and they project nowhere. Because nothing flows back from them,
simulating them after the concept layer, with the concept spikes of a run as
their input spikes, gives exactly the spikes of one joint simulation (a concept
spike at step ``t`` reaches the readout current at step ``t`` in both). That is
how they run here: as a second network on the same engine
(:func:`readout_spec` describes it in the engine's own vocabulary: the
concept neurons are its input population, the feedback weights times
``w_fb_mv`` its frozen input weights), so every engine simulates them with
its own integrator and no engine needs code of its own for them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neuromem.coding.population import _check_range
from neuromem.coding.spikes import SpikeTrains
from neuromem.network import ConceptLayer, NetworkSpec, NetworkState, PairSTDP, one_population_spec

__all__ = ["ReadoutLayer", "readout_spec", "readout_state", "ReadoutPopulations"]


@dataclass(frozen=True, kw_only=True)
class ReadoutLayer:
    """LIF readout neurons driven by the feedback synapses (equations of :class:`~neuromem.network.ConceptLayer`).

    Parameters
    ----------
    tau_m_ms : float
        Membrane time constant, ms, (0, 1000].
    v_rest_mv, v_reset_mv, v_thresh_mv : float
        Resting, reset and threshold potentials, mV (threshold above both).
    refractory_ms : float
        Absolute refractory period, ms, [0, 100].
    tau_syn_exc_ms : float
        Decay of the excitatory current, ms, (0, 1000].
    w_fb_mv : float
        Jump of a readout neuron's excitatory current per concept spike and
        unit feedback weight, mV, (0, 1e4]. With the default preset a
        concept neuron bound to a concept fires ~40 spikes per 200 ms cue and
        its feedback weights onto the concept's tuning bump reach 0.3-0.5, so
        50 mV puts those readout neurons at 1.3-2x rheobase while weights of
        ~0.01 (untouched synapses) stay far below it.
    """

    tau_m_ms: float = 20.0
    v_rest_mv: float = -65.0
    v_reset_mv: float = -65.0
    v_thresh_mv: float = -52.0
    refractory_ms: float = 2.0
    tau_syn_exc_ms: float = 5.0
    w_fb_mv: float = 50.0

    def __post_init__(self):
        ConceptLayer(n_neurons=1, tau_m_ms=self.tau_m_ms, v_rest_mv=self.v_rest_mv, v_reset_mv=self.v_reset_mv,
                     v_thresh_mv=self.v_thresh_mv, refractory_ms=self.refractory_ms,
                     tau_syn_exc_ms=self.tau_syn_exc_ms)  # same checks, same messages
        _check_range("ReadoutLayer", "w_fb_mv", self.w_fb_mv, 0, 1e4, lo_open=True)


def readout_spec(spec: NetworkSpec, modality: str, layer: ReadoutLayer = ReadoutLayer()) -> NetworkSpec:
    """The readout population of ``modality`` as a network an engine can run.

    Its one input population is the concept layer (``spec.concept.n_neurons``
    inputs, one per concept neuron); its LIF layer has one neuron per neuron
    of ``modality``'s latent population; no mechanism but the weight range
    of its synapses (no inhibition, no adaptive threshold, no feedback);
    same time grid and trial structure as ``spec``. Run it with
    ``plastic=False`` and :func:`readout_state` weights.

    Raises
    ------
    KeyError
        If ``spec`` has no ``modality`` population.
    """
    target = spec.population(modality)
    n_c = spec.concept.n_neurons
    f_max = spec.feedback.f_max if spec.feedback is not None else 1.0
    concept = ConceptLayer(n_neurons=target.n_neurons, tau_m_ms=layer.tau_m_ms, v_rest_mv=layer.v_rest_mv,
                           v_reset_mv=layer.v_reset_mv, v_thresh_mv=layer.v_thresh_mv,
                           refractory_ms=layer.refractory_ms, tau_syn_exc_ms=layer.tau_syn_exc_ms)
    # frozen weights (run with plastic=False), but engines clip to w_max on every spike: w_max = w_fb_mv * f_max
    synapses = PairSTDP(init_weight_sum_mv=layer.w_fb_mv * f_max * n_c / PairSTDP().w_max_over_mean)
    return one_population_spec(n_c, concept, mechanisms=(synapses,), sim=spec.sim, modality=modality,
                               name=f"{spec.name}/readout-{modality}")


def readout_state(ro_spec: NetworkSpec, w_fb: np.ndarray, layer: ReadoutLayer = ReadoutLayer()) -> NetworkState:
    """Engine state of a readout network: input weights ``w_fb_mv * f`` (n_concept, n_readout), frozen.

    Raises
    ------
    ValueError
        If ``w_fb`` does not have the shape (concept neurons, readout neurons) or is negative / not finite.
    """
    f = np.asarray(w_fb, dtype=np.float64)
    pop = ro_spec.populations[0]
    if f.shape != (pop.n_neurons, ro_spec.concept.n_neurons):
        raise ValueError(f"w_fb has shape {f.shape}; the readout of {pop.modality!r} needs "
                         f"{(pop.n_neurons, ro_spec.concept.n_neurons)} (concept neurons, readout neurons)")
    if not np.all(np.isfinite(f)) or (f < 0).any():
        raise ValueError("feedback weights must be finite and non-negative")
    n = ro_spec.concept.n_neurons
    return NetworkState(w_in_mv={pop.modality: layer.w_fb_mv * f}, w_fb={pop.modality: np.zeros((n, pop.n_neurons))},
                        theta_mv=np.zeros(n))


class ReadoutPopulations:
    """One readout population per target modality, each run on its own engine instance.

    Parameters
    ----------
    spec : NetworkSpec
        The concept network whose feedback drives the readouts.
    targets : sequence of str
        Modalities to read out.
    engine : str
        Engine name (the same engine as the concept network).
    layer : ReadoutLayer
    **engine_options
        Passed to the engine.
    """

    def __init__(self, spec: NetworkSpec, targets, *, engine: str, layer: ReadoutLayer = ReadoutLayer(),
                 **engine_options):
        from neuromem.engines import make_engine

        self.spec = spec
        self.layer = layer
        self.specs = {m: readout_spec(spec, m, layer) for m in targets}
        self.engines = {m: make_engine(engine, s, seed=0, **engine_options) for m, s in self.specs.items()}

    def run(self, concept_spikes, w_fb: dict) -> dict:
        """Readout spike counts in each trial's stimulus window.

        Parameters
        ----------
        concept_spikes : RunResult or SpikeTrains
            Concept-layer spikes of a run (whole trials, steps from the run start).
        w_fb : dict of str -> ndarray (n_concept, n_target_inputs)
            Feedback weights of the state the concept spikes were produced with.

        Returns
        -------
        dict of str -> ndarray of int (n_trials, n_target_inputs)
        """
        per, win = self.spec.sim.steps_per_trial, self.spec.sim.stimulus_steps
        return {m: r.counts(per, window_steps=win) for m, r in self.run_spikes(concept_spikes, w_fb).items()}

    def run_spikes(self, concept_spikes, w_fb: dict, *, targets=None) -> dict:
        """Every spike of the readout populations (``{modality: RunResult}``) driven by ``concept_spikes``.

        Parameters are those of :meth:`run`; ``targets`` limits the populations run (default: all).
        """
        s = concept_spikes
        drive = SpikeTrains(indices=s.indices, steps=s.steps, n_neurons=self.spec.concept.n_neurons,
                            n_steps=s.n_steps, dt_ms=s.dt_ms)
        out = {}
        for m, eng in self.engines.items():
            if targets is not None and m not in targets:
                continue
            eng.set_state(readout_state(self.specs[m], w_fb[m], self.layer))
            out[m] = eng.run(drive, plastic=False)
        return out
