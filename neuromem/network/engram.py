"""An engram network you can talk to in latents: present, cue, recall.

:class:`EngramNetwork` ties a :class:`~neuromem.network.NetworkSpec`, the
population code of each modality (fitted on training latents) and an engine
together. Stimuli go in as latent vectors per modality; spikes, counts and
weights come out as plain numpy data. The engine is chosen by name, so the
same code runs on any registered engine.

>>> net = EngramNetwork.from_latent_space(space, engine="brian2-runtime")   # doctest: +SKIP
>>> net.present({"picture": z_pic, "name": z_name}, plastic=True, seed=1)  # doctest: +SKIP
>>> resp = net.cue("picture", z_test, seed=2)                                # doctest: +SKIP
>>> answer = net.recall(resp.counts, "name", name_prototypes)                # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neuromem.coding.population import LatentSquash, encode_rates
from neuromem.coding.spikes import SpikeTrains, poisson_trials
from neuromem.network.presets import load_preset
from neuromem.network.spec import NetworkSpec, NetworkState, initial_state

__all__ = ["EngramNetwork", "Presentation"]


@dataclass(frozen=True)
class Presentation:
    """Concept-layer response to a sequence of trials (plain numpy data).

    Parameters
    ----------
    counts : ndarray of int (n_trials, n_concept_neurons)
        Spike counts in each trial's stimulus window.
    rates_hz : ndarray (n_trials, n_concept_neurons)
        ``counts`` divided by the stimulus duration, Hz.
    spike_indices, spike_steps : ndarray
        Every concept spike of the run (neuron, step from the run start).
    dt_ms : float
    trial_period_steps : int
    """

    counts: np.ndarray
    rates_hz: np.ndarray
    spike_indices: np.ndarray
    spike_steps: np.ndarray
    dt_ms: float
    trial_period_steps: int


def _rng(seed):
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


class EngramNetwork:
    """A concept-cell network driven by latent vectors.

    Parameters
    ----------
    spec : NetworkSpec
    squash : dict of str -> LatentSquash
        Gaussian-CDF squash of every modality in ``spec`` (fitted on training latents).
    engine : str
        Registered engine name (``"brian2"`` = cpp_standalone, ``"brian2-runtime"``, ...).
    seed : int or SeedSequence
        Seed of the initial weights.
    progress : bool
        Progress bars during long runs.
    **engine_options
        Passed to the engine (e.g. ``block_trials``).
    """

    def __init__(self, spec: NetworkSpec, squash: dict, *, engine: str = "brian2", seed=0, progress: bool = False,
                 **engine_options):
        from neuromem.engines.base import make_engine  # engines depend on the network description

        missing = [m for m in spec.modalities if m not in squash]
        if missing:
            raise ValueError(f"no fitted squash for modalities {missing}")
        for m in spec.modalities:
            if squash[m].latent_dim != spec.population(m).latent_dim:
                raise ValueError(f"squash of {m!r} codes {squash[m].latent_dim} dimensions; the population has "
                                 f"{spec.population(m).latent_dim}")
        self.spec = spec
        self.squash = dict(squash)
        self.engine = make_engine(engine, spec, seed=0, progress=progress, **engine_options)
        self.initial_state = initial_state(spec, seed)
        self.engine.set_state(self.initial_state)

    @classmethod
    def from_latent_space(cls, space, *, preset: str = "default", modalities=None, engine: str = "brian2", seed=0,
                          spec_overrides: dict | None = None, progress: bool = False, **engine_options):
        """Network for a :class:`~neuromem.latents.LatentSpace`: one population per modality.

        The squash of each modality is fitted on that modality's train-split latents.
        """
        mods = tuple(modalities) if modalities is not None else tuple(space.modalities)
        spec = load_preset(preset, modalities=mods, latent_dim=space.latent_dim, **(spec_overrides or {}))
        squash = {m: LatentSquash.fit(space[m].select("train")[0]) for m in mods}
        return cls(spec, squash, engine=engine, seed=seed, progress=progress, **engine_options)

    # ---- stimuli -----------------------------------------------------------------------
    def background(self) -> np.ndarray:
        """Rates (Hz) of every input neuron without a stimulus, shape (n_inputs,)."""
        return np.full(self.spec.n_inputs, self.spec.coding.rate_background_hz)

    def rates(self, stimuli: dict) -> np.ndarray:
        """Input rates (Hz) for trials presenting ``stimuli``.

        Parameters
        ----------
        stimuli : dict of str -> ndarray (n_trials, latent_dim)
            Latents of the presented modalities (same number of trials each);
            absent modalities stay at background.

        Returns
        -------
        ndarray (n_trials, n_inputs)
        """
        if not stimuli:
            raise ValueError("stimuli is empty: give at least one modality's latents")
        for m in stimuli:
            if m not in self.spec.modalities:
                raise ValueError(f"cue modality {m!r} is not in the network (it has {list(self.spec.modalities)})")
        lens = {m: len(np.atleast_2d(z)) for m, z in stimuli.items()}
        if len(set(lens.values())) != 1:
            raise ValueError(f"every modality needs the same number of trials; got {lens}")
        n = next(iter(lens.values()))
        out = np.tile(self.background(), (n, 1))
        for m, z in stimuli.items():
            out[:, self.spec.input_slice(m)] = encode_rates(z, self.spec.coding, self.squash[m])
        return out

    def drive(self, rates_hz: np.ndarray, *, seed=None) -> SpikeTrains:
        """Seeded Poisson input spikes for trials with the given stimulus rates."""
        s = self.spec
        return poisson_trials(rates_hz, stimulus_ms=s.sim.stimulus_ms, trial_period_ms=s.sim.trial_period_ms,
                              background_hz=s.coding.rate_background_hz, dt_ms=s.sim.dt_ms, rng=_rng(seed))

    # ---- running -----------------------------------------------------------------------
    def present_rates(self, rates_hz: np.ndarray, *, plastic: bool, seed=None) -> Presentation:
        """Run trials with the given input rates (see :meth:`rates`)."""
        res = self.engine.run(self.drive(rates_hz, seed=seed), plastic=plastic)
        per, win = self.spec.sim.steps_per_trial, self.spec.sim.stimulus_steps
        counts = res.counts(per, window_steps=win)
        return Presentation(counts=counts, rates_hz=counts / (self.spec.sim.stimulus_ms * 1e-3),
                            spike_indices=res.spike_indices, spike_steps=res.spike_steps, dt_ms=res.dt_ms,
                            trial_period_steps=per)

    def present(self, stimuli: dict, *, plastic: bool, seed=None) -> Presentation:
        """Present modalities together (one trial per row), with learning on or off."""
        return self.present_rates(self.rates(stimuli), plastic=plastic, seed=seed)

    def cue(self, modality: str, latents: np.ndarray, *, seed=None) -> Presentation:
        """Present one modality alone with learning off."""
        return self.present({modality: latents}, plastic=False, seed=seed)

    def recall(self, counts: np.ndarray, target: str, prototypes: np.ndarray, *, seed=None):
        """Complete ``target`` from concept responses and pick the nearest prototype.

        See :func:`neuromem.analysis.recall_from_counts`; returns ``(predicted, empty)``.
        """
        from neuromem.analysis.recall import recall_from_counts

        if target not in self.spec.modalities:
            raise ValueError(f"target modality {target!r} is not in the network (it has {list(self.spec.modalities)})")
        return recall_from_counts(counts, self.engine.get_state().w_fb[target], prototypes, self.spec.coding,
                                  self.squash[target], _rng(seed))

    # ---- state -------------------------------------------------------------------------
    def get_state(self) -> NetworkState:
        return self.engine.get_state()

    def set_state(self, state: NetworkState) -> None:
        self.engine.set_state(state)

    def reset(self) -> None:
        """Back to the seeded initial weights."""
        self.engine.set_state(self.initial_state)
