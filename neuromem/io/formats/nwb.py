"""NWB export (Neurodata Without Borders 2, through pynwb): a Recording as an NWB file.

Layout of the file:

- ``units``: one row per neuron of every recorded population (silent ones
  too), spike times in s, columns ``population`` and ``neuron``;
- ``acquisition``: one ``TimeSeries`` ``v_<population>`` (``/`` written ``.``)
  per population with recorded membrane potential, data in mV
  (``unit="volts"``, ``conversion=1e-3``), one column per neuron, sampled
  every ``dt`` from the end of its first step; its ``comments`` hold
  ``{"population", "neurons"}`` as JSON;
- ``trials``: one row per stimulus epoch (``start_time`` / ``stop_time`` in s)
  with columns ``kind``, ``label``, ``concept``, ``phase``, ``items_<modality>``
  and the exact ``start_ms`` / ``stop_ms``;
- ``notes``: JSON with the neuromem schema, ``dt_ms``, ``n_steps``,
  population sizes and the run's annotations.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from pynwb import NWBHDF5IO, NWBFile, TimeSeries

from neuromem.coding import SpikeTrains
from neuromem.io.arrays import SchemaError
from neuromem.io.epochs import StimulusEpochs
from neuromem.io.formats import write_atomically
from neuromem.io.recording import (
    RECORDING_SCHEMA,
    MembraneTrace,
    Recording,
    annotations_from_json,
    annotations_to_json,
)

__all__ = ["from_nwb", "read", "to_nwb", "write"]


def to_nwb(recording: Recording, *, session_start_time: datetime | None = None) -> NWBFile:
    """The recording as an in-memory ``NWBFile`` (see the module docstring for the layout)."""
    dt = recording.dt_ms
    ep = recording.epochs
    notes = {"neuromem_schema": RECORDING_SCHEMA["name"], "neuromem_schema_version": RECORDING_SCHEMA["version"],
             "dt_ms": dt, "n_steps": recording.n_steps,
             "populations": {p: st.n_neurons for p, st in recording.spikes.items()},
             "epochs": None if ep is None else {"n": len(ep), "modalities": list(ep.items)},
             "run_annotations": annotations_to_json(recording.annotations)}
    nwb = NWBFile(session_description="neuromem recording", identifier=str(uuid.uuid4()),
                  session_start_time=session_start_time or datetime.now(timezone.utc), notes=json.dumps(notes))
    if recording.spikes:
        nwb.add_unit_column(name="population", description="population of the neuron (e.g. concept, input/picture)")
        nwb.add_unit_column(name="neuron", description="index of the neuron in its population")
        for pop, st in recording.spikes.items():
            order = np.argsort(st.indices, kind="stable")
            bounds = np.searchsorted(st.indices[order], np.arange(st.n_neurons + 1))
            for i in range(st.n_neurons):
                times_s = st.steps[order[bounds[i]:bounds[i + 1]]] * dt / 1000.0
                nwb.add_unit(spike_times=times_s, population=pop, neuron=i)
    for pop, tr in recording.v.items():
        nwb.add_acquisition(TimeSeries(
            name="v_" + pop.replace("/", "."), data=tr.v_mv, unit="volts", conversion=1e-3, rate=1000.0 / dt,
            starting_time=(tr.start_step + 1) * dt / 1000.0,
            description=f"membrane potential of neurons {tr.neurons.tolist()[:20]} of population {pop!r}, mV",
            comments=json.dumps({"population": pop, "neurons": tr.neurons.tolist(), "start_step": tr.start_step})))
    if ep is not None and len(ep):
        columns = {"kind": ep.kind, "label": ep.label, "concept": ep.concept, "phase": ep.phase,
                   "start_ms": ep.start_ms, "stop_ms": ep.stop_ms, **{f"items_{m}": v for m, v in ep.items.items()}}
        for name in columns:
            nwb.add_trial_column(name=name, description=f"{name} of the trial's stimulus (see neuromem.io.epochs)")
        for k in range(len(ep)):
            nwb.add_trial(start_time=ep.start_ms[k] / 1000.0, stop_time=ep.stop_ms[k] / 1000.0,
                          **{c: v[k].item() for c, v in columns.items()})
    return nwb


def _column(table, name, dtype):
    values = np.asarray(table[name].data[:])
    if values.dtype.kind in "SO":
        values = np.array([x.decode() if isinstance(x, bytes) else str(x) for x in values])
    return values.astype(dtype)


def from_nwb(nwb: NWBFile) -> Recording:
    """The Recording behind an ``NWBFile`` written by :func:`to_nwb`.

    Raises
    ------
    SchemaError
        If the file was not written by neuromem, or by a newer version.
    """
    try:
        notes = json.loads(nwb.notes or "")
    except ValueError:
        notes = {}
    if notes.get("neuromem_schema") != RECORDING_SCHEMA["name"]:
        raise SchemaError("this NWB file was not written by neuromem (its notes hold no neuromem schema)")
    if notes["neuromem_schema_version"] > RECORDING_SCHEMA["version"]:
        raise SchemaError(f"this NWB file holds recording version {notes['neuromem_schema_version']}; this neuromem "
                         f"reads up to {RECORDING_SCHEMA['version']}: upgrade neuromem")
    dt, n_steps = float(notes["dt_ms"]), int(notes["n_steps"])
    spikes = {}
    if notes["populations"]:
        units = nwb.units
        flat = np.asarray(units.spike_times.data[:], dtype=np.float64)
        ends = np.asarray(units.spike_times_index.data[:], dtype=np.int64)
        pops = _column(units, "population", str)
        neurons = _column(units, "neuron", np.int32)
        counts = np.diff(np.concatenate([[0], ends]))
        k = flat * 1000.0 / dt
        steps = np.rint(k)
        if len(k) and np.max(np.abs(k - steps)) > 1e-6:
            raise ValueError(f"spike times are not on the {dt} ms grid; not a neuromem recording")
        unit_of_spike = np.repeat(np.arange(len(counts)), counts)
        for pop, n in notes["populations"].items():
            mine = pops[unit_of_spike] == pop
            idx, st = neurons[unit_of_spike[mine]], steps[mine].astype(np.int64)
            order = np.lexsort((idx, st))
            spikes[pop] = SpikeTrains(indices=idx[order], steps=st[order], n_neurons=n, n_steps=n_steps, dt_ms=dt)
    v = {}
    for ts in nwb.acquisition.values():
        meta = json.loads(ts.comments)
        v[meta["population"]] = MembraneTrace(neurons=np.asarray(meta["neurons"], dtype=np.int64),
                                              v_mv=np.asarray(ts.data[:], dtype=np.float32), dt_ms=dt,
                                              start_step=meta["start_step"])
    epochs = None
    if notes["epochs"] is not None:
        mods = notes["epochs"]["modalities"]
        if notes["epochs"]["n"]:
            t = nwb.trials
            epochs = StimulusEpochs(
                start_ms=_column(t, "start_ms", np.float64), stop_ms=_column(t, "stop_ms", np.float64),
                kind=_column(t, "kind", str), label=_column(t, "label", np.int64), concept=_column(t, "concept", str),
                phase=_column(t, "phase", str), items={m: _column(t, f"items_{m}", np.int64) for m in mods})
        else:
            epochs = StimulusEpochs(start_ms=[], stop_ms=[], kind=[], label=[], concept=[],
                                    items={m: [] for m in mods})
    return Recording(dt_ms=dt, n_steps=n_steps, spikes=spikes, v=v, epochs=epochs,
                     annotations=annotations_from_json(notes["run_annotations"]))


def write(recording: Recording, path) -> Path:
    """Write ``recording`` as an NWB file at ``path`` (atomically)."""
    nwb = to_nwb(recording)

    def _write(tmp: Path):
        with NWBHDF5IO(str(tmp), mode="w") as io:
            io.write(nwb)

    return write_atomically(path, _write, suffix=".nwb")


def read(path) -> Recording:
    """Read an NWB file written by :func:`write` back into a Recording."""
    with NWBHDF5IO(str(path), mode="r") as io:
        return from_nwb(io.read())
