"""``stdp``: the spiking concept-cell network, Hebbian binding by spike-timing-dependent plasticity.

The binder is the concept network run through the runtime session
(:class:`~neuromem.session.Session`) on any registered engine (``numba`` by
default): each presentation is one trial with every modality's population
code driven at once and learning on; a recall cue is one trial with the cue
modality alone and learning off. The completed target
is the concept layer's spike counts read through the learned feedback
weights (:func:`neuromem.analysis.recall_from_counts`), compared with the
prototypes in the squashed coordinates of the population code (exactly as
the engram-formation experiment does).

Cost, counted from the spikes of each run in the convention of
:mod:`neuromem.binding.cost`:

* ``synaptic_events``: every input spike is delivered to all ``N_c`` concept
  neurons; every concept spike inhibits the other ``N_c - 1`` concept neurons;
* ``weight_updates``: while learning, every input spike depresses its row
  (``N_c`` weights) and every concept spike potentiates its column (``N_in``
  weights) and updates its feedback row (``N_in`` weights);
* ``neuron_updates``: every concept neuron every time step of every trial
  (``N_c x steps_per_trial`` per trial).

Seeds (children of the binder's seed tree): ``weights`` (the network's
initial state), ``stream`` (its own stream, unused: every run passes its
seed), ``input_spikes/learn/#i`` and ``input_spikes/cue/#i`` (the Poisson
input of the i-th learning and cue run).
"""

from __future__ import annotations

import numpy as np

from neuromem.binding.base import Binder, RecallResult
from neuromem.binding.traits import BinderTraits

__all__ = ["HumanMTLBinder", "STDPBinder"]


class STDPBinder(Binder):
    """Spiking concept layer with STDP (see the module docstring).

    Parameters
    ----------
    engine : str
        Registered engine name (default ``"numba"``).
    preset : str
        Network preset (``models/<preset>.toml``); ``n_units`` sets its
        concept-layer size.
    spec_overrides : dict, optional
        Further preset section overrides.
    **kwargs
        See :class:`~neuromem.binding.base.Binder`; ``reference`` is required
        (it fits the population code's squash).
    """

    name = "stdp"
    # No capacity limit by construction: winner-take-all here is lateral inhibition (``w_inh_mv``; 25 mV as
    # tuned in binders.toml), so several neurons may fire per presentation and one neuron may answer several
    # concepts; the comparison measures the capacity instead of declaring it.
    traits = BinderTraits(family="hebbian", n_units_counts="concept neurons", colour="tab:red", spiking=True,
                          has_units=True, capacity=None)

    def __init__(self, *, engine: str = "numba", preset: str = "default", spec_overrides: dict | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        from neuromem.session import Session

        if self.reference is None:
            raise ValueError("the stdp binder needs reference latents (they fit the population code's squash)")
        ov = {k: dict(v) for k, v in (spec_overrides or {}).items()}
        ov.setdefault("concept", {})["n_neurons"] = self.n_units
        self.session = Session(None, preset, overrides=ov, modalities=self.modalities, engine=engine,
                               seeds=self.seeds, fit_latents=self.reference)
        self.spec = self.session.spec
        self.net = self.session.network
        self.engine_name = getattr(self.net.engine, "name", engine)
        self._n_learn_calls = 0
        self._n_cue_calls = 0

    # ---- cost ---------------------------------------------------------------------------
    def _count(self, phase: str, drive, res, plastic: bool, n_trials: int) -> None:
        # deliveries plus what each mechanism of the network adds (NetworkSpec.synaptic_events); what learning
        # adds to them are the weight updates
        n = dict(input_spikes=len(drive.indices), concept_spikes=len(res.spike_indices))
        events = self.spec.synaptic_events(**n, plastic=False)
        self.cost.add(phase, "synaptic_events", events)
        self.cost.add(phase, "weight_updates", self.spec.synaptic_events(**n, plastic=plastic) - events)
        self.cost.add(phase, "neuron_updates", n_trials * self.spec.sim.steps_per_trial * self.spec.concept.n_neurons)

    def _run(self, stimuli: dict, *, plastic: bool, call: int):
        phase = "learn" if plastic else "cue"
        run = self.session.run(stimuli, plastic=plastic, phase=phase, rng=self.seeds.rng("input_spikes", phase, call))
        n_trials = len(next(iter(stimuli.values())))
        self._count("learn" if plastic else "recall", run.drive, run.spikes, plastic, n_trials)
        return run

    # ---- interface ----------------------------------------------------------------------
    def _learn(self, presentations) -> None:
        stim = {m: np.stack([p.latents[m] for p in presentations]) for m in self.modalities}
        self._run(stim, plastic=True, call=self._n_learn_calls)
        self._n_learn_calls += 1

    def _cue(self, modality: str, z: np.ndarray):
        run = self._run({modality: z}, plastic=False, call=self._n_cue_calls)
        self._n_cue_calls += 1
        return run.spikes, run.counts

    def recall(self, cue_modality, latents, target_modality) -> RecallResult:
        from neuromem.analysis.recall import complete_pattern
        from neuromem.coding import decode_rates

        z = self._check_cue(cue_modality, latents, target_modality)
        res, counts = self._cue(cue_modality, z)
        pattern = complete_pattern(counts, self.session.get_state().w_fb[target_modality])
        u, _ = decode_rates(pattern, self.spec.coding, self.session.squash[target_modality])
        out = self.session.squash[target_modality].inverse(np.clip(u, 1e-4, 1 - 1e-4))
        empty = pattern.sum(axis=1) <= 0
        out[empty] = np.nan
        self._cache = (cue_modality, z, res, counts)
        return RecallResult(target_latents=out, no_response=empty, latency_ms=self._latency(res, len(z)))

    def predict(self, cue_modality, latents, target_modality, prototypes, *, rng=None):
        """As the engram-formation experiment: nearest prototype in the squashed coordinates."""
        from neuromem.analysis.recall import recall_from_counts

        z = self._check_cue(cue_modality, latents, target_modality)
        res, counts = self._cue(cue_modality, z)
        self._cache = (cue_modality, z, res, counts)
        rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        return recall_from_counts(counts, self.session.get_state().w_fb[target_modality], np.asarray(prototypes),
                                  self.spec.coding, self.session.squash[target_modality], rng)

    def _latency(self, res, n_trials: int) -> np.ndarray:
        per, win, dt = self.spec.sim.steps_per_trial, self.spec.sim.stimulus_steps, self.spec.sim.dt_ms
        trial, r = np.divmod(res.spike_steps, per)
        keep = r < win
        out = np.full(n_trials, np.nan)
        for t, step in zip(trial[keep][::-1], r[keep][::-1]):  # earliest spike of each trial wins
            out[t] = step * dt
        return out

    def answers_over_time(self, cue_modality, latents, target_modality, prototypes, grid_ms) -> np.ndarray:
        from neuromem.analysis.recall import recall_from_counts
        from neuromem.binding.latency import answers_over_grid

        z = self._check_cue(cue_modality, latents, target_modality)
        res, _ = self._cue(cue_modality, z)
        per, win, dt = self.spec.sim.steps_per_trial, self.spec.sim.stimulus_steps, self.spec.sim.dt_ms
        trial, r = np.divmod(np.asarray(res.spike_steps), per)
        keep = r < win
        w_fb, squash = self.session.get_state().w_fb[target_modality], self.session.squash[target_modality]
        rng = np.random.default_rng(0)  # never used: trials without a spike are not asked

        def answer(counts):
            return recall_from_counts(counts, w_fb, np.asarray(prototypes), self.spec.coding, squash, rng)[0]

        return answers_over_grid(r[keep] * dt, trial[keep], np.asarray(res.spike_indices)[keep], n_trials=len(z),
                                 n_units=self.n_units, grid_ms=grid_ms, answer=answer)

    def blank_answer_fraction(self, n_trials: int) -> float:
        rates = np.full((int(n_trials), self.spec.n_inputs), self.spec.coding.rate_background_hz)
        run = self.session.run(rates, plastic=False, phase="blank", rng=self.seeds.rng("input_spikes", "blank"))
        self._count("recall", run.drive, run.spikes, False, int(n_trials))
        return float(np.mean(run.counts.sum(axis=1) > 0))

    def recall_latency_ms(self, cue_modality, latents) -> np.ndarray:
        z = self._check_cue(cue_modality, latents)
        res, _ = self._cue(cue_modality, z)
        return self._latency(res, len(z))

    def unit_activations(self, modality, latents) -> np.ndarray:
        z = self._check_cue(modality, latents)
        _, counts = self._cue(modality, z)
        return counts.astype(np.float64)

    @property
    def n_plastic(self) -> int:
        """Every stored plastic number: feedforward and feedback weights, one adaptive threshold per neuron."""
        n_c = self.spec.concept.n_neurons
        return 2 * self.spec.n_inputs * n_c + (n_c if self.spec.homeostasis is not None else 0)

    def describe(self) -> dict:
        return {**super().describe(), "engine": self.engine_name, "preset": self.spec.name,
                "dt_ms": self.spec.sim.dt_ms, "stimulus_ms": self.spec.sim.stimulus_ms}


class HumanMTLBinder(STDPBinder):
    """The ``stdp`` binder on the distributed spiking regime of preset ``human-mtl``.

    k-winners-take-all instead of hard lateral inhibition, a per-neuron
    threshold spread and a 2 Hz input background (``models/human-mtl.toml``),
    so a concept is carried by several neurons and a neuron can answer
    several concepts. The preset has 1,000 neurons with 1 % (10) active per
    trial; at another size ``n_units`` the binder keeps the number of active
    neurons (``active_neurons``, default 10, at most ``n_units``), so a
    concept is carried by as many neurons as in the preset.

    Parameters
    ----------
    active_neurons : int
        Winners per trial of the k-winners-take-all, >= 1.
    **kwargs
        See :class:`STDPBinder`.
    """

    name = "stdp-human-mtl"
    traits = BinderTraits(family="hebbian", n_units_counts="concept neurons", colour="tab:pink", spiking=True,
                          has_units=True, capacity=None)

    def __init__(self, *, active_neurons: int = 10, preset: str = "human-mtl", spec_overrides: dict | None = None,
                 **kwargs):
        from neuromem._checks import is_int

        if not is_int(active_neurons) or active_neurons < 1:
            raise ValueError(f"HumanMTLBinder.active_neurons={active_neurons!r} must be an integer >= 1")
        ov = {k: dict(v) for k, v in (spec_overrides or {}).items()}
        n = int(kwargs["n_units"])
        ov.setdefault("k_winners_take_all", {})["active_fraction"] = min(int(active_neurons), n) / n
        self.active_neurons = min(int(active_neurons), n)
        super().__init__(preset=preset, spec_overrides=ov, **kwargs)

    def describe(self) -> dict:
        return {**super().describe(), "active_neurons": self.active_neurons}
