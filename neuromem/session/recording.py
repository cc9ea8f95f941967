"""What a session records: a request (which populations, which neurons' ``v``) and the plain arrays it returns.

The request follows PyNN's ``population.record(["spikes", "v"])``: the
concept layer's spikes by default, optionally the input drive (one
population per modality), the LIF readout populations and the membrane
potential of chosen concept neurons. Population names are short paths:
``"concept"``, ``"input/picture"``, ``"readout/name"``.

:class:`SessionRecording` holds plain arrays laid out as the field's
recording formats expect (spikes per population, ``v`` per neuron, one
stimulus epoch per trial, annotations); its ``v`` and ``epochs`` entries are
dicts whose keys are the keyword arguments of the results layer's membrane
trace and stimulus epochs, so converting it is one call per part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from neuromem.coding.spikes import SpikeTrains
from neuromem.io.request import RecordingRequest
from neuromem.protocols import TrialSequence
from neuromem.session.stimuli import stimulus_trials

__all__ = ["RecordRequest", "SessionRecording", "as_record_request", "input_populations", "record_run",
           "trial_epochs"]

_INPUT = "input/"
_READOUT = "readout/"


class RecordRequest(RecordingRequest):
    """What a session run should record: a :class:`~neuromem.io.request.RecordingRequest`
    restricted to the populations a session has.

    Parameters
    ----------
    spikes : tuple of str
        Populations whose spikes to keep: ``"concept"``, ``"readout/<modality>"``
        (a LIF readout population of the session), ``"input/<modality>"``.
    input_spikes : bool
        Also keep the spikes of every input population (the Poisson drive).
    v : dict of str -> sequence of int
        Per population, neurons whose membrane potential to keep every step
        (only ``"concept"``; through the engine's ``record_v``).
    epochs : bool
        Keep the stimulus epoch of every trial.

    Raises
    ------
    ValueError
        For a population name that is not ``concept``, ``input/<m>`` or
        ``readout/<m>``, a repeated name, or an empty / repeated / negative neuron list.
    """

    def __post_init__(self):
        super().__post_init__()
        for name in (*self.spikes, *self.v):
            _check_name(name)


def _check_name(name) -> None:
    ok = isinstance(name, str) and (name == "concept" or (name.startswith((_INPUT, _READOUT))
                                                          and name.count("/") == 1 and not name.endswith("/")))
    if not ok:
        raise ValueError(f"population {name!r} is not one a session records; use 'concept', 'input/<modality>' or "
                         "'readout/<modality>'")


def as_record_request(record):
    """``record`` as a request: None (nothing), a request object, or a sequence of population names.

    In a sequence, ``"input"`` stands for every input population. Any object
    with the fields of :class:`RecordRequest` is accepted as it is.

    Raises
    ------
    TypeError
        For anything else.
    """
    if record is None:
        return None
    if all(hasattr(record, f) for f in ("spikes", "input_spikes", "v", "epochs")):
        return record
    if isinstance(record, (tuple, list)):
        names = tuple(record)
        return RecordRequest(spikes=tuple(n for n in names if n != "input"), input_spikes="input" in names)
    raise TypeError(f"record={record!r} must be None, a RecordRequest or a sequence of population names")


@dataclass(frozen=True, kw_only=True, eq=False)
class SessionRecording:
    """What one session run recorded (plain numpy data on the run's time grid).

    Parameters
    ----------
    dt_ms : float
        Simulation step, ms.
    n_steps : int
        Length of the run in steps.
    spikes : dict of str -> SpikeTrains
        Spikes of each recorded population (steps from the run start).
    v : dict of str -> dict
        Per population: ``{"neurons": int64 (n_recorded,), "v_mv": float32
        (n_samples, n_recorded), "dt_ms": float, "start_step": int}``; sample
        ``k`` is the potential at the end of step ``start_step + k``.
    epochs : dict or None
        One stimulus epoch per trial: ``start_ms``, ``stop_ms`` (float, ms from
        the run start), ``kind`` (str), ``label`` (int, -1: none), ``concept``
        (str, "" : none), ``items`` (dict modality -> int per trial, -1: not
        shown), ``phase`` (str).
    annotations : dict
        JSON-able facts: engine, preset, seed root and path, phase, plastic.
    """

    dt_ms: float
    n_steps: int
    spikes: dict = field(default_factory=dict)
    v: dict = field(default_factory=dict)
    epochs: dict | None = None
    annotations: dict = field(default_factory=dict)

    def to_recording(self):
        """This recording as a :class:`neuromem.io.Recording`, the object the npz, Neo and NWB writers take."""
        from neuromem.io.epochs import StimulusEpochs
        from neuromem.io.recording import MembraneTrace, Recording

        epochs = None
        if self.epochs is not None:
            e = dict(self.epochs)
            items = {m: np.asarray(a) for m, a in e.pop("items", {}).items()}
            epochs = StimulusEpochs(items=items, **{k: np.asarray(x) for k, x in e.items()})
        return Recording(dt_ms=self.dt_ms, n_steps=self.n_steps, spikes=dict(self.spikes),
                         v={p: MembraneTrace(**d) for p, d in self.v.items()}, epochs=epochs,
                         annotations=dict(self.annotations))


def input_populations(drive: SpikeTrains, spec) -> dict:
    """The drive cut into ``{"input/<modality>": SpikeTrains}`` (indices local to each population)."""
    out = {}
    for m in spec.modalities:
        sl = spec.input_slice(m)
        keep = (drive.indices >= sl.start) & (drive.indices < sl.stop)
        out[_INPUT + m] = SpikeTrains(indices=drive.indices[keep] - sl.start, steps=drive.steps[keep],
                                      n_neurons=sl.stop - sl.start, n_steps=drive.n_steps, dt_ms=drive.dt_ms)
    return out


def trial_epochs(kind, labels, items: dict, *, sim, windows_ms: dict | None, concepts=(), phase: str = "") -> dict:
    """One stimulus epoch per trial (see :class:`SessionRecording`).

    A trial's epoch runs from the earliest onset to the latest end of the
    windows of the modalities it shows (``windows_ms``: modality -> (onset,
    duration), default ``(0, sim.stimulus_ms)``); a trial showing nothing
    (blank) gets the default window, where its responses are counted.
    """
    n = len(labels)
    start0 = np.arange(n) * sim.trial_period_ms
    onset = np.zeros(n)
    stop = np.full(n, float(sim.stimulus_ms))
    windows_ms = windows_ms or {}
    shown = {m: np.asarray(v) >= 0 for m, v in items.items()}
    any_shown = np.zeros(n, bool)
    first, last = np.full(n, np.inf), np.full(n, -np.inf)
    for m, s in shown.items():
        on, dur = windows_ms.get(m, (0.0, sim.stimulus_ms))
        first[s] = np.minimum(first[s], on)
        last[s] = np.maximum(last[s], on + dur)
        any_shown |= s
    onset[any_shown], stop[any_shown] = first[any_shown], last[any_shown]
    labels = np.asarray(labels, dtype=np.int64)
    names = np.array([concepts[k] if 0 <= k < len(concepts) else "" for k in labels], dtype=str)
    return {"start_ms": start0 + onset, "stop_ms": start0 + stop, "kind": np.asarray(kind).astype(str),
            "label": labels, "concept": names,
            "items": {m: np.asarray(v, dtype=np.int64) for m, v in items.items()},
            "phase": np.array([phase] * n, dtype=str)}


def record_run(session, request, *, source, drive, res, v_ids, v_mv, readout_runs, phase: str,
               plastic: bool) -> SessionRecording:
    """What ``request`` asked of one session run, as a :class:`SessionRecording` (see :meth:`Session.run`).

    ``res`` is the engine's RunResult, ``v_ids`` / ``v_mv`` the recorded neurons and their potentials, mV,
    ``readout_runs`` the readout populations' results by modality.
    """
    n_trials = drive.n_steps // session.spec.sim.steps_per_trial
    kind, labels, items = stimulus_trials(source, session.modalities, n_trials)
    spikes = {}
    inputs = input_populations(drive, session.spec)
    for p in request.spikes:
        if p == "concept":
            spikes[p] = SpikeTrains(indices=res.indices, steps=res.steps, n_neurons=res.n_neurons,
                                    n_steps=res.n_steps, dt_ms=res.dt_ms)
        elif p.startswith("readout/"):
            r = readout_runs[p.split("/", 1)[1]]
            spikes[p] = SpikeTrains(indices=r.indices, steps=r.steps, n_neurons=r.n_neurons, n_steps=r.n_steps,
                                    dt_ms=r.dt_ms)
        elif p not in inputs:
            raise ValueError(f"no input population {p!r}; the network has {sorted(inputs)}")
        else:
            spikes[p] = inputs[p]
    if request.input_spikes:
        spikes.update({p: st for p, st in inputs.items() if p not in spikes})
    v = {} if v_ids is None else {"concept": {"neurons": np.asarray(v_ids, dtype=np.int64), "v_mv": v_mv,
                                              "dt_ms": float(drive.dt_ms), "start_step": 0}}
    epochs = None
    if request.epochs:
        windows = source.windows_ms() if isinstance(source, TrialSequence) else None
        concepts = tuple(session.space.concepts) if session.space is not None else ()
        epochs = trial_epochs(kind, labels, items, sim=session.spec.sim, windows_ms=windows, concepts=concepts,
                              phase=phase)
    engine = session.engine_name if plastic or session.test_engine_name is None else session.test_engine_name
    notes = {"engine": engine, "preset": session.spec.name, "phase": phase, "plastic": bool(plastic),
             "seed": session.seeds.root, "seed_path": [str(n) for n in session.seeds.path]}
    return SessionRecording(dt_ms=float(drive.dt_ms), n_steps=int(drive.n_steps), spikes=spikes, v=v,
                            epochs=epochs, annotations=notes)
