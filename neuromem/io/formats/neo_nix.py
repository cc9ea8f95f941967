"""Neo export: a Recording as a ``neo.Block`` (what PyNN's ``get_data()`` returns), written as NIX.

Layout of the Block (one Segment, ``"recording"``):

- one ``SpikeTrain`` per neuron of every recorded population (silent ones
  too, so population rates are right), times in ms on the ``dt`` grid,
  annotated ``population`` and ``neuron``; one ``Group`` per population
  holds its trains and signals;
- one ``AnalogSignal`` per population with recorded membrane potential
  (mV, one channel per neuron, array annotation ``neuron``), sampled every
  ``dt`` from the end of its first step;
- one ``Epoch`` ``"stimulus"``: per trial its start and duration, label
  ``"<kind>:<concept>"`` and array annotations ``kind``, ``label``,
  ``concept``, ``phase``, ``stop_ms`` and ``items_<modality>``;
- Block annotations: the neuromem schema, ``dt_ms``, ``n_steps``, population
  sizes, the run's annotations as strict JSON (and their scalar entries as
  plain annotations for a quick look).

NIX (HDF5 through ``nixio``) is Neo's own format and reads back every field.
Writing costs tens of ms per spike train (NIX stores metadata per object):
export large populations to npz or NWB, or select populations first.
"""

from __future__ import annotations

import json
from pathlib import Path

import neo
import numpy as np
import quantities as pq
from neo.io import NixIO

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

__all__ = ["from_neo", "read", "to_neo", "write"]

_RESERVED = ("neuromem_schema", "neuromem_schema_version", "dt_ms", "n_steps", "populations", "modalities",
             "run_annotations")


def to_neo(recording: Recording) -> neo.Block:
    """The recording as a Neo Block (see the module docstring for the layout)."""
    dt = recording.dt_ms
    block = neo.Block(name="neuromem recording")
    seg = neo.Segment(name="recording")
    block.segments.append(seg)
    block.annotate(neuromem_schema=RECORDING_SCHEMA["name"], neuromem_schema_version=RECORDING_SCHEMA["version"],
                   dt_ms=dt, n_steps=recording.n_steps,
                   populations=json.dumps({p: st.n_neurons for p, st in recording.spikes.items()}),
                   modalities=json.dumps([] if recording.epochs is None else list(recording.epochs.items)),
                   run_annotations=annotations_to_json(recording.annotations))
    block.annotate(**{k: v for k, v in recording.annotations.items()
                      if isinstance(v, (str, int, float, bool)) and k not in _RESERVED})
    for pop in recording.populations:
        objects = []
        if pop in recording.spikes:
            st = recording.spikes[pop]
            order = np.argsort(st.indices, kind="stable")
            bounds = np.searchsorted(st.indices[order], np.arange(st.n_neurons + 1))
            for i in range(st.n_neurons):
                steps = st.steps[order[bounds[i]:bounds[i + 1]]]
                train = neo.SpikeTrain(steps * dt, units="ms", t_start=0.0, t_stop=recording.duration_ms,
                                       name=f"{pop}[{i}]")
                train.annotate(population=pop, neuron=i)
                objects.append(train)
            seg.spiketrains.extend(objects)
        if pop in recording.v:
            tr = recording.v[pop]
            sig = neo.AnalogSignal(tr.v_mv, units="mV", sampling_period=dt * pq.ms,
                                   t_start=(tr.start_step + 1) * dt * pq.ms, name=f"v {pop}")
            sig.annotate(population=pop)
            sig.array_annotate(neuron=tr.neurons)
            seg.analogsignals.append(sig)
            objects.append(sig)
        block.groups.append(neo.Group(objects, name=pop))
    ep = recording.epochs
    if ep is not None:
        epoch = neo.Epoch(times=ep.start_ms * pq.ms, durations=(ep.stop_ms - ep.start_ms) * pq.ms,
                          labels=np.array([f"{k}:{c}" for k, c in zip(ep.kind, ep.concept)], dtype=str),
                          name="stimulus")
        epoch.array_annotate(kind=ep.kind, label=ep.label, concept=ep.concept, phase=ep.phase, stop_ms=ep.stop_ms,
                             **{f"items_{m}": v for m, v in ep.items.items()})
        seg.epochs.append(epoch)
    return block


def _steps(times_ms: np.ndarray, dt_ms: float, what: str) -> np.ndarray:
    k = np.rint(times_ms / dt_ms)
    if len(k) and np.max(np.abs(times_ms / dt_ms - k)) > 1e-6:
        raise ValueError(f"{what}: times are not on the {dt_ms} ms grid; not a neuromem recording")
    return k.astype(np.int64)


def from_neo(block: neo.Block) -> Recording:
    """The Recording behind a Block made by :func:`to_neo` (read back from any Neo IO).

    Raises
    ------
    SchemaError
        If the Block was not written by neuromem (no neuromem schema), or by a newer version.
    """
    a = block.annotations
    if a.get("neuromem_schema") != RECORDING_SCHEMA["name"]:
        raise SchemaError("this Neo Block was not written by neuromem (no 'neuromem_schema' annotation)")
    if int(a["neuromem_schema_version"]) > RECORDING_SCHEMA["version"]:
        raise SchemaError(f"this Neo Block holds recording version {a['neuromem_schema_version']}; this neuromem "
                         f"reads up to {RECORDING_SCHEMA['version']}: upgrade neuromem")
    dt, n_steps = float(a["dt_ms"]), int(a["n_steps"])
    sizes = json.loads(a["populations"])
    seg = block.segments[0]
    parts: dict[str, list] = {p: [] for p in sizes}
    for train in seg.spiketrains:
        pop, i = str(train.annotations["population"]), int(train.annotations["neuron"])
        steps = _steps(train.times.rescale(pq.ms).magnitude, dt, f"spike train {train.name}")
        parts[pop].append((np.full(len(steps), i, dtype=np.int32), steps))
    spikes = {}
    for pop, n in sizes.items():
        idx = np.concatenate([p[0] for p in parts[pop]] or [np.zeros(0, np.int32)])
        steps = np.concatenate([p[1] for p in parts[pop]] or [np.zeros(0, np.int64)])
        order = np.lexsort((idx, steps))
        spikes[pop] = SpikeTrains(indices=idx[order], steps=steps[order], n_neurons=n, n_steps=n_steps, dt_ms=dt)
    v = {}
    for sig in seg.analogsignals:
        start = _steps(np.array([float(sig.t_start.rescale(pq.ms).magnitude)]), dt, f"signal {sig.name}")[0]
        v[str(sig.annotations["population"])] = MembraneTrace(
            neurons=np.asarray(sig.array_annotations["neuron"]).astype(np.int64), dt_ms=dt, start_step=int(start - 1),
            v_mv=np.asarray(sig.rescale(pq.mV).magnitude, dtype=np.float32))
    epochs = None
    for ep in seg.epochs:
        if ep.name == "stimulus":
            aa = ep.array_annotations
            mods = json.loads(a["modalities"])
            epochs = StimulusEpochs(
                start_ms=ep.times.rescale(pq.ms).magnitude, stop_ms=aa["stop_ms"], kind=aa["kind"].astype(str),
                label=aa["label"].astype(np.int64), concept=aa["concept"].astype(str), phase=aa["phase"].astype(str),
                items={m: aa[f"items_{m}"].astype(np.int64) for m in mods})
    return Recording(dt_ms=dt, n_steps=n_steps, spikes=spikes, v=v, epochs=epochs,
                     annotations=annotations_from_json(a["run_annotations"]))


def write(recording: Recording, path) -> Path:
    """Write ``recording`` as a Neo Block in a NIX file at ``path`` (atomically)."""
    block = to_neo(recording)

    def _write(tmp: Path):
        with NixIO(str(tmp), mode="ow") as io:
            io.write_block(block)

    return write_atomically(path, _write, suffix=".nix")


def read(path) -> Recording:
    """Read a NIX file written by :func:`write` back into a Recording."""
    with NixIO(str(path), mode="ro") as io:
        block = io.read_block()
    return from_neo(block)
