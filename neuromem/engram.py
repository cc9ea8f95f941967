"""An engram network you can talk to in latents: present, cue, recall, store, restore.

:class:`EngramNetwork` is the runtime object above the engines: it ties a
:class:`~neuromem.network.NetworkSpec`, the population code of each modality
(fitted on training latents) and an engine together. Stimuli go in as latent
vectors per modality; spikes, counts and weights come out as plain numpy
data. The engine is chosen by name, so the same code runs on any registered
engine.

>>> net = EngramNetwork.from_latent_space(space, engine="brian2-runtime")   # doctest: +SKIP
>>> net.present({"picture": z_pic, "name": z_name}, plastic=True, seed=1)  # doctest: +SKIP
>>> resp = net.cue("picture", z_test, seed=2)                                # doctest: +SKIP
>>> answer = net.recall(resp.counts, "name", name_prototypes)                # doctest: +SKIP
>>> net.store("after-learning", filename="memory.npz")                      # doctest: +SKIP
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from neuromem._io import atomic_write_npz
from neuromem.analysis.recall import recall_from_counts
from neuromem.coding.population import LatentSquash, encode_rates
from neuromem.coding.spikes import SpikeTrains, poisson_trials
from neuromem.engines.registry import make_engine
from neuromem.network.presets import load_preset
from neuromem.network.spec import NetworkSpec, NetworkState
from neuromem.seeds import SeedTree, as_seed_tree

__all__ = ["EngramNetwork", "NetworkSnapshot", "Presentation", "fit_squash"]


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


@dataclass(frozen=True)
class NetworkSnapshot:
    """The full state of an :class:`EngramNetwork`: weights, thresholds and its random stream.

    Parameters
    ----------
    state : NetworkState
        Weights and adaptive thresholds.
    rng_state : dict
        ``numpy.random.Generator.bit_generator.state`` of the network's own
        stream (used by calls that pass no ``seed``).
    spec : dict
        :meth:`NetworkSpec.to_dict` of the network it was taken from (checked on restore).
    """

    state: NetworkState
    rng_state: dict
    spec: dict

    def save(self, path) -> Path:
        """Write the snapshot to one ``.npz`` file (atomically)."""
        arrays = {"theta_mv": self.state.theta_mv,
                  "meta_json": np.array(json.dumps({"rng_state": self.rng_state, "spec": self.spec,
                                                    "modalities": list(self.state.w_in_mv)}))}
        for m in self.state.w_in_mv:
            arrays[f"w_in_mv/{m}"] = self.state.w_in_mv[m]
            arrays[f"w_fb/{m}"] = self.state.w_fb[m]
        return atomic_write_npz(path, arrays)

    @classmethod
    def load(cls, path) -> "NetworkSnapshot":
        """Read a file written by :meth:`save`.

        Raises
        ------
        FileNotFoundError
            If ``path`` does not exist.
        """
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"no network snapshot at {path}; write one with EngramNetwork.store(filename=...)")
        with np.load(path, allow_pickle=False) as f:
            meta = json.loads(str(f["meta_json"]))
            mods = meta["modalities"]
            state = NetworkState(w_in_mv={m: f[f"w_in_mv/{m}"] for m in mods}, w_fb={m: f[f"w_fb/{m}"] for m in mods},
                                 theta_mv=f["theta_mv"])
        return cls(state=state, rng_state=meta["rng_state"], spec=meta["spec"])


def fit_squash(source, modalities, *, split: str | None = "train") -> dict:
    """The population code's squash of each modality, fitted on latents.

    Parameters
    ----------
    source : LatentSpace or dict of str -> ndarray (n_items, latent_dim)
        A latent space (fitted on the ``split`` items of each modality) or
        latents per modality (fitted on all of them; ``split`` must be None).
    modalities : sequence of str

    Returns
    -------
    dict of str -> LatentSquash
    """
    if split is None:
        return {m: LatentSquash.fit(np.asarray(source[m])) for m in modalities}
    return {m: LatentSquash.fit(source[m].select(split)[0]) for m in modalities}


class EngramNetwork:
    """A concept-cell network driven by latent vectors.

    Parameters
    ----------
    spec : NetworkSpec
    squash : dict of str -> LatentSquash
        Gaussian-CDF squash of every modality in ``spec`` (fitted on training latents).
    engine : str
        Registered engine name (``"brian2"`` = cpp_standalone, ``"brian2-runtime"``, ``"numba"``, ...).
    seed : int or SeedTree
        The network's seed tree (an int is a root): its ``weights`` child seeds
        the initial weights, its ``stream`` child the network's own random
        stream (used when a call passes no ``seed``).
    progress : bool
        Progress bars during long runs.
    **engine_options
        Passed to the engine (e.g. ``block_trials``).

    Raises
    ------
    ValueError
        If a modality of ``spec`` has no squash or a squash of the wrong size.
    KeyError, EngineUnavailable
        For an unknown or uninstalled engine.
    TypeError
        For a seed that is not an int >= 0 or a SeedTree.
    """

    def __init__(self, spec: NetworkSpec, squash: dict, *, engine: str = "brian2", seed=0, progress: bool = False,
                 **engine_options):
        missing = [m for m in spec.modalities if m not in squash]
        if missing:
            raise ValueError(f"no fitted squash for modalities {missing}")
        for m in spec.modalities:
            if squash[m].latent_dim != spec.population(m).latent_dim:
                raise ValueError(f"squash of {m!r} codes {squash[m].latent_dim} dimensions; the population has "
                                 f"{spec.population(m).latent_dim}")
        self.spec = spec
        self.squash = dict(squash)
        self.seeds = as_seed_tree(seed)
        self.engine = make_engine(engine, spec, seed=self.seeds.child("weights").seed_sequence, progress=progress,
                                  **engine_options)
        self.rng = self.seeds.rng("stream")
        self._snapshots: dict[str, NetworkSnapshot] = {}

    @classmethod
    def from_latent_space(cls, space, *, preset: str = "default", modalities=None, engine: str = "brian2", seed=0,
                          spec_overrides: dict | None = None, progress: bool = False, **engine_options):
        """Network for a :class:`~neuromem.latents.LatentSpace`: one population per modality.

        The squash of each modality is fitted on that modality's train-split latents.
        """
        mods = tuple(modalities) if modalities is not None else tuple(space.modalities)
        spec = load_preset(preset, modalities=mods, latent_dim=space.latent_dim, **(spec_overrides or {}))
        return cls(spec, fit_squash(space, mods), engine=engine, seed=seed, progress=progress, **engine_options)

    def _rng(self, seed) -> np.random.Generator:
        if seed is None:
            return self.rng
        if isinstance(seed, np.random.Generator):
            return seed
        if isinstance(seed, SeedTree):
            return seed.rng()
        return np.random.default_rng(seed)

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

        Raises
        ------
        ValueError
            For an empty dict, a modality the network lacks, unequal trial
            counts, or latents of the wrong size / with NaN.
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

    def drive(self, rates_hz: np.ndarray, *, seed=None, windows_ms: dict | None = None) -> SpikeTrains:
        """Seeded Poisson input spikes for trials with the given stimulus rates.

        Parameters
        ----------
        rates_hz : ndarray (n_trials, n_inputs)
            Stimulus rates (see :meth:`rates`).
        seed : int, SeedSequence, SeedTree, Generator or None
            Source of the spikes; None draws from the network's own stream.
        windows_ms : dict of str -> (onset_ms, duration_ms), optional
            Stimulus window of each modality inside a trial; modalities not
            given use ``(0, spec.sim.stimulus_ms)``.
        """
        s = self.spec
        onset, duration = 0.0, s.sim.stimulus_ms
        if windows_ms:
            unknown = set(windows_ms) - set(s.modalities)
            if unknown:
                raise ValueError(f"windows_ms names modalities {sorted(unknown)} the network lacks "
                                 f"(it has {list(s.modalities)})")
            onset = np.zeros(s.n_inputs)
            duration = np.full(s.n_inputs, s.sim.stimulus_ms)
            for m, (on, dur) in windows_ms.items():
                onset[s.input_slice(m)] = on
                duration[s.input_slice(m)] = dur
        return poisson_trials(rates_hz, stimulus_ms=duration, trial_period_ms=s.sim.trial_period_ms,
                              background_hz=s.coding.rate_background_hz, dt_ms=s.sim.dt_ms, rng=self._rng(seed),
                              stimulus_onset_ms=onset)

    # ---- running -----------------------------------------------------------------------
    def present_rates(self, rates_hz: np.ndarray, *, plastic: bool, seed=None) -> Presentation:
        """Run trials with the given input rates (see :meth:`rates`)."""
        res = self.engine.run(self.drive(rates_hz, seed=seed), plastic=plastic)
        per, win = self.spec.sim.steps_per_trial, self.spec.sim.stimulus_steps
        counts = res.counts(per, window_steps=win)
        return Presentation(counts=counts, rates_hz=counts / (self.spec.sim.stimulus_ms * 1e-3),
                            spike_indices=res.indices, spike_steps=res.steps, dt_ms=res.dt_ms,
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
        if target not in self.spec.modalities:
            raise ValueError(f"target modality {target!r} is not in the network (it has {list(self.spec.modalities)})")
        return recall_from_counts(counts, self.engine.get_state().w_fb[target], prototypes, self.spec.coding,
                                  self.squash[target], self._rng(seed))

    # ---- state -------------------------------------------------------------------------
    @property
    def initial_state(self) -> NetworkState:
        """The seeded initial weights (built by the engine from the network's seed)."""
        return self.engine.initial_state()

    def get_state(self) -> NetworkState:
        return self.engine.get_state()

    def set_state(self, state: NetworkState) -> None:
        self.engine.set_state(state)

    def reset(self) -> None:
        """Back to the seeded initial weights (the random stream is left as it is)."""
        self.engine.reset()

    def snapshot(self) -> NetworkSnapshot:
        """The full state now (weights, thresholds, random stream)."""
        return NetworkSnapshot(state=self.engine.get_state(), rng_state=self.rng.bit_generator.state,
                               spec=self.spec.to_dict())

    def load_snapshot(self, snap: NetworkSnapshot) -> None:
        """Return to ``snap``.

        Raises
        ------
        ValueError
            If it was taken from a network with other parameters.
        """
        if json.dumps(snap.spec, sort_keys=True, default=str) != json.dumps(self.spec.to_dict(), sort_keys=True,
                                                                              default=str):
            raise ValueError("this snapshot was taken from a network with other parameters; build the network "
                             "from the same preset and overrides first")
        self.engine.set_state(snap.state)
        self.rng.bit_generator.state = snap.rng_state

    def store(self, name: str = "default", filename=None) -> None:
        """Remember the full state under ``name`` (and write it to ``filename`` if given), as Brian2's ``store``."""
        snap = self.snapshot()
        self._snapshots[str(name)] = snap
        if filename is not None:
            snap.save(filename)

    def restore(self, name: str = "default", filename=None) -> None:
        """Return to the state stored under ``name`` (read from ``filename`` if given), as Brian2's ``restore``.

        Raises
        ------
        KeyError
            If nothing was stored under ``name`` (and no file is given).
        """
        if filename is not None:
            snap = NetworkSnapshot.load(filename)
        elif name in self._snapshots:
            snap = self._snapshots[name]
        else:
            raise KeyError(f"no state stored under {name!r}; stored: {sorted(self._snapshots)} (call store() first)")
        self.load_snapshot(snap)
