"""The runtime session: fit the population code, build the network, train, test, record."""

from __future__ import annotations

import dataclasses

import numpy as np

from neuromem.coding.spikes import SpikeTrains
from neuromem.engines import make_engine
from neuromem.engram import EngramNetwork, fit_squash
from neuromem.network.presets import load_preset
from neuromem.network.spec import NetworkSpec
from neuromem.protocols import TrialSequence
from neuromem.readout import ReadoutLayer, ReadoutPopulations
from neuromem.seeds import as_seed_tree
from neuromem.session.recording import SessionRecording, as_record_request, record_run
from neuromem.session.stimuli import trial_rates

__all__ = ["Session", "TrialRun"]


@dataclasses.dataclass(frozen=True, eq=False)
class TrialRun:
    """What one run of trials gave (plain data).

    Parameters
    ----------
    counts : ndarray of int (n_trials, n_concept_neurons)
        Concept spikes in each trial's stimulus window ``[0, stimulus_ms)``.
    spikes : RunResult
        Every concept spike of the run (neuron, step from the run start).
    drive : SpikeTrains
        The input spikes the run was driven with.
    readout_counts : dict of str -> ndarray of int (n_trials, n_target_inputs), optional
        Spikes of each LIF readout population in the stimulus windows (when asked for).
    recording : SessionRecording, optional
        What ``record=`` asked for.
    """

    counts: np.ndarray
    spikes: object
    drive: SpikeTrains
    readout_counts: dict | None = None
    recording: SessionRecording | None = None


def _latent_dim(space, fit_latents, squash, modalities) -> int:
    if fit_latents is not None:
        return int(np.shape(fit_latents[modalities[0]])[1])
    if space is not None:
        return int(space.latent_dim)
    return int(squash[modalities[0]].latent_dim)


def _run_engine(engine, drive, plastic: bool, v_neurons):
    """``engine.run``, recording the membrane potential of ``v_neurons`` when given; returns ``(result, v_mv)``.

    ``v_mv`` is float32 of shape (n_steps, n_recorded) (see :meth:`neuromem.engines.Engine.run`).
    """
    if v_neurons is None:
        return engine.run(drive, plastic=plastic), None
    res = engine.run(drive, plastic=plastic, record_v=np.asarray(v_neurons, dtype=np.int64))
    return res, np.asarray(res.v_mv, dtype=np.float32)


class Session:
    """One concept network on one latent space: its code, its seeds, its runs.

    Every experiment, the ``stdp`` binder and the concept store's ``learn``
    run the network through a session: the population code of each modality
    is fitted (a Gaussian-CDF squash per latent dimension,
    :class:`~neuromem.coding.LatentSquash`), the network is built on the
    named engine with initial weights from the seed tree, and trials from
    :mod:`neuromem.protocols` (or latents given directly) are turned into
    input rates, seeded Poisson drives and runs.

    Parameters
    ----------
    space : LatentSpace, optional
        The latents trials index into; each modality's code is fitted on its
        train split (unless ``fit_latents`` or ``squash`` is given).
    network : str, path or NetworkSpec
        A preset name or TOML path (built for ``modalities`` and the latent
        size, with ``overrides``), or a complete description.
    overrides : dict, optional
        Preset section overrides, e.g. ``{"concept": {"n_neurons": 200}}`` (presets only).
    modalities : tuple of str, optional
        Input populations (default: every modality of ``space`` / ``fit_latents``).
    engine : str
        Registered engine name.
    engine_options : dict, optional
        Passed to the engine (and to the readout populations' engines).
    seeds : SeedTree or int
        The run's seed tree (an int is a root): its ``weights`` child seeds
        the initial weights, ``stream`` the network's own stream and
        ``input_spikes/<phase>`` the drive of a phase when no ``rng`` is given.
    fit_latents : dict of str -> ndarray (n_items, latent_dim), optional
        Latents to fit the code on instead of the train split (a binder's reference latents).
    squash : dict of str -> LatentSquash, optional
        An already fitted code (used as it is).
    test_engine : str, optional
        Registered engine for the runs with learning off (default: ``engine``), built from the same seed;
        each frozen run copies the current weights into it first. ``"torch-batched"`` runs the frozen
        trials side by side (:mod:`neuromem.engines.torch_batched`).
    test_engine_options : dict, optional
        Passed to ``test_engine`` (default: none).
    readout_targets : tuple of str
        Modalities with a LIF readout population (:mod:`neuromem.readout`), built when first used.
    readout_layer : ReadoutLayer, optional
        Parameters of the readout populations.
    progress : bool
        Progress bars during long engine runs.

    Raises
    ------
    ValueError
        For overrides with a complete description, neither a space nor latents
        to fit on, or a readout target that is not a modality.
    """

    def __init__(self, space=None, network="default", *, overrides: dict | None = None, modalities=None,
                 engine: str = "numba", engine_options: dict | None = None, seeds=0, fit_latents: dict | None = None,
                 squash: dict | None = None, readout_targets=(), readout_layer: ReadoutLayer | None = None,
                 progress: bool = False, test_engine: str | None = None, test_engine_options: dict | None = None):
        source = fit_latents if fit_latents is not None else (space.modalities if space is not None else None)
        if source is None and squash is None:
            raise ValueError("a session needs a latent space or latents to fit the population code on")
        self.space = space
        self.modalities = tuple(modalities) if modalities is not None else tuple(source if source is not None
                                                                                else squash)
        self.seeds = as_seed_tree(seeds)
        self.engine_name = str(engine)
        self.engine_options = dict(engine_options or {})
        self.test_engine_name = None if test_engine is None else str(test_engine)
        self.test_engine_options = dict(test_engine_options or {})
        self.progress = bool(progress)
        self.readout_layer = readout_layer if readout_layer is not None else ReadoutLayer()
        if isinstance(network, NetworkSpec):
            if overrides:
                raise ValueError("overrides apply to a preset; change a complete NetworkSpec with dataclasses.replace")
            self.spec, self._preset, self._overrides = network, None, {}
        else:
            latent_dim = _latent_dim(space, fit_latents, squash, self.modalities)
            self._preset, self._overrides = network, {k: dict(v) for k, v in (overrides or {}).items()}
            self.spec = load_preset(network, modalities=self.modalities, latent_dim=latent_dim, **self._overrides)
        if squash is not None:
            self.squash = dict(squash)
        elif fit_latents is not None:
            self.squash = fit_squash(fit_latents, self.modalities, split=None)
        else:
            self.squash = fit_squash(space, self.modalities)
        bad = [m for m in readout_targets if m not in self.modalities]
        if bad:
            raise ValueError(f"readout targets {bad} are not modalities of the network ({list(self.modalities)})")
        self.readout_targets = tuple(readout_targets)
        self.network = EngramNetwork(self.spec, self.squash, engine=self.engine_name, seed=self.seeds,
                                     progress=self.progress, **self.engine_options)
        self._readouts = None
        self._test_engine = None

    # ---- the network ----------------------------------------------------------------------
    @property
    def engine(self):
        """The engine instance (its ``name`` is the registered engine name)."""
        return self.network.engine

    @property
    def initial_state(self):
        """The seeded initial weights (a new copy each call)."""
        return self.network.initial_state

    @property
    def test_engine(self):
        """The engine of the runs with learning off (``engine`` unless ``test_engine`` was given; built when
        first used, from the network's seed)."""
        if self.test_engine_name is None:
            return self.network.engine
        if self._test_engine is None:
            self._test_engine = make_engine(self.test_engine_name, self.spec,
                                            seed=self.seeds.child("weights").seed_sequence, progress=self.progress,
                                            **self.test_engine_options)
        return self._test_engine

    def get_state(self):
        return self.network.get_state()

    def set_state(self, state) -> None:
        self.network.set_state(state)

    def reset(self) -> None:
        """Back to the seeded initial weights (before a control or another condition)."""
        self.network.reset()

    def variant(self, **overrides) -> "Session":
        """The same latents, code, seeds and engine with some network sections changed (``sim={...}``)."""
        if self._preset is None:
            spec = dataclasses.replace(self.spec, **{sec: dataclasses.replace(getattr(self.spec, sec), **vals)
                                                     for sec, vals in overrides.items()})
            network, merged = spec, None
        else:
            merged = {k: dict(v) for k, v in self._overrides.items()}
            for sec, vals in overrides.items():
                merged.setdefault(sec, {}).update(vals)
            network = self._preset
        return Session(self.space, network, overrides=merged, modalities=self.modalities, engine=self.engine_name,
                       engine_options=self.engine_options, seeds=self.seeds, squash=self.squash,
                       readout_targets=self.readout_targets, readout_layer=self.readout_layer, progress=self.progress,
                       test_engine=self.test_engine_name, test_engine_options=self.test_engine_options)

    # ---- stimuli --------------------------------------------------------------------------
    def rates(self, source) -> np.ndarray:
        """Input rates (Hz) of every trial, shape (n_trials, n_inputs).

        ``source``: a :class:`~neuromem.protocols.TrialSequence` over the
        session's space, a dict of latents per modality (one trial per row,
        see :meth:`EngramNetwork.rates`), or rates already (returned as they are).
        """
        if isinstance(source, TrialSequence):
            if self.space is None:
                raise ValueError("trials index into a latent space; this session was made without one: give latents")
            return trial_rates(self.network, self.space, source)
        if isinstance(source, dict):
            return self.network.rates(source)
        return np.asarray(source, dtype=np.float64)

    def drive(self, source, *, rng=None, phase: str = "train") -> SpikeTrains:
        """Seeded Poisson input spikes for ``source`` (see :meth:`rates`) in its stimulus windows.

        ``rng`` (a Generator or seed) draws them; by default the seed tree's
        ``input_spikes/<phase>`` child.
        """
        windows = source.windows_ms() if isinstance(source, TrialSequence) else None
        rng = rng if rng is not None else self.seeds.rng("input_spikes", phase)
        return self.network.drive(self.rates(source), seed=rng, windows_ms=windows)

    # ---- running --------------------------------------------------------------------------
    def train(self, source, *, rng=None, drive=None, record=None, phase: str = "train") -> TrialRun:
        """Run ``source`` with learning on (see :meth:`run`)."""
        return self.run(source, plastic=True, phase=phase, rng=rng, drive=drive, record=record)

    def test(self, source, *, rng=None, drive=None, readout: bool = False, record=None,
             phase: str = "test") -> TrialRun:
        """Run ``source`` with learning off (see :meth:`run`)."""
        return self.run(source, plastic=False, phase=phase, rng=rng, drive=drive, readout=readout, record=record)

    def run(self, source, *, plastic: bool, phase: str, rng=None, drive=None, readout: bool = False,
            record=None) -> TrialRun:
        """Run trials and count the concept spikes in each stimulus window.

        Parameters
        ----------
        source : TrialSequence, dict of latents, or ndarray of rates
            What the trials show (see :meth:`rates`).
        plastic : bool
            Learning on or off.
        phase : str
            Name of the phase (``"train"``, ``"test"``, a control's name): the
            seed-tree child of its input spikes and a recording annotation.
        rng : Generator or seed, optional
            Source of the input spikes (default: ``input_spikes/<phase>``).
        drive : SpikeTrains, optional
            Input spikes drawn before (e.g. one test drive for several conditions).
        readout : bool
            Also run the LIF readout populations on the concept spikes (learning off only).
        record : None, RecordRequest or sequence of population names
            What to record (see :mod:`neuromem.session.recording`); ``v``
            through the engine's ``record_v``.

        Returns
        -------
        TrialRun

        Raises
        ------
        ValueError
            For a readout during learning, or a recording the session or its engine cannot make.
        """
        request = as_record_request(record)
        wanted = self._readouts_wanted(request, readout)
        if wanted and plastic:
            raise ValueError("readout populations run with learning off; test the trained network instead")
        if drive is None:
            drive = self.drive(source, rng=rng, phase=phase)
        v_ids = None if request is None else request.v.get("concept")
        unknown = [] if request is None else [p for p in request.v if p != "concept"]
        if unknown:
            raise ValueError(f"membrane potentials can be recorded for 'concept' only; not {unknown}")
        w_fb = self.get_state().w_fb if wanted else None
        engine = self.network.engine
        if not plastic and self.test_engine is not engine:  # the current weights, on the frozen runs' engine
            engine = self.test_engine
            engine.set_state(self.get_state())
        res, v_mv = _run_engine(engine, drive, plastic, v_ids)
        per, win = self.spec.sim.steps_per_trial, self.spec.sim.stimulus_steps
        readout_runs = self._readout_populations().run_spikes(res, w_fb, targets=wanted) if wanted else {}
        ro_counts = {m: r.counts(per, window_steps=win) for m, r in readout_runs.items()} if readout else None
        rec = None
        if request is not None:
            rec = record_run(self, request, source=source, drive=drive, res=res, v_ids=v_ids, v_mv=v_mv,
                             readout_runs=readout_runs, phase=phase, plastic=plastic)
        return TrialRun(counts=res.counts(per, window_steps=win), spikes=res, drive=drive, readout_counts=ro_counts,
                        recording=rec)

    def _readouts_wanted(self, request, readout: bool) -> tuple:
        names = [] if request is None else [p.split("/", 1)[1] for p in request.spikes if p.startswith("readout/")]
        bad = [m for m in names if m not in self.readout_targets]
        if bad:
            raise ValueError(f"no readout population for {bad}; the session reads out {list(self.readout_targets)} "
                             "(give readout_targets=...)")
        return self.readout_targets if readout else tuple(dict.fromkeys(names))

    def _readout_populations(self) -> ReadoutPopulations:
        if self._readouts is None:
            self._readouts = ReadoutPopulations(self.spec, self.readout_targets, engine=self.engine_name,
                                                layer=self.readout_layer, **self.engine_options)
        return self._readouts
