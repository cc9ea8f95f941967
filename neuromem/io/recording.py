"""A Recording: what a run was asked to record, as plain data (spikes, membrane potentials, epochs).

The counterpart of PyNN's ``population.record(["spikes", "v"])`` followed by
``get_data()``, and of Brian2's ``SpikeMonitor`` / ``StateMonitor``, without
any simulator object: spikes of every recorded population on the
simulation grid, the membrane potential of chosen neurons, the stimulus
epochs of every trial and free annotations (seed, engine, preset, dataset).
One time axis: ms from the start of the recording, grid step ``dt_ms``.

Population names are short paths: ``"concept"``, ``"input/picture"``,
``"input/name"``, ``"readout/name"``. :meth:`Recording.save` writes neuromem's
own npz (the default format); :mod:`neuromem.io.formats` writes Neo and NWB.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from neuromem._checks import is_int
from neuromem.coding import SpikeTrains
from neuromem.io.arrays import SchemaError, read_tree, write_tree
from neuromem.io.epochs import StimulusEpochs
from neuromem.io.strict_json import from_strict_json, to_strict_json

__all__ = ["MembraneTrace", "RECORDING_SCHEMA", "Recording", "annotations_from_json", "annotations_to_json",
           "check_population_name"]

#: Schema of the npz file written by :meth:`Recording.save`.
RECORDING_SCHEMA = {"name": "neuromem.recording", "version": 1}
_NAME = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")


def check_population_name(name) -> str:
    """Return ``name`` if it is a population path (``"concept"``, ``"input/picture"``); raise ValueError otherwise."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"population name {name!r} must be words of letters, digits, '_', '.', '-' joined by '/' "
                         "(e.g. 'concept', 'input/picture')")
    return name


@dataclass(frozen=True, kw_only=True, eq=False)
class MembraneTrace:
    """Membrane potential of chosen neurons of one population, one sample per grid step.

    Sample ``k`` is the potential at the end of step ``start_step + k``, i.e.
    at ``(start_step + k + 1) * dt_ms`` (after any spike and reset in that step).

    Parameters
    ----------
    neurons : ndarray of int (n_recorded,)
        Indices of the recorded neurons in their population (distinct, >= 0).
    v_mv : ndarray, shape (n_samples, n_recorded)
        Membrane potentials in mV (stored as float32, as the engines record them).
    dt_ms : float
        Sampling step in ms (the simulation step).
    start_step : int
        Step of the first sample.

    Raises
    ------
    ValueError
        For repeated or negative neuron indices, a ``v_mv`` whose shape does
        not match them, a non-float ``v_mv``, ``dt_ms <= 0`` or ``start_step < 0``.
    """

    neurons: np.ndarray
    v_mv: np.ndarray
    dt_ms: float
    start_step: int = 0

    def __post_init__(self):
        ids = np.asarray(self.neurons)
        if ids.ndim != 1 or (len(ids) and ids.dtype.kind not in "iu"):
            raise ValueError(f"neurons must be a 1-D array of integers; got dtype {ids.dtype}, shape {ids.shape}")
        if len(ids) and (ids.min() < 0 or len(np.unique(ids)) != len(ids)):
            raise ValueError(f"neurons must be distinct indices >= 0; got {ids.tolist()[:10]}")
        v = np.asarray(self.v_mv)
        if v.ndim != 2 or v.shape[1] != len(ids) or v.dtype.kind != "f":
            raise ValueError(f"v_mv must be a float array of shape (n_samples, {len(ids)}); got dtype {v.dtype}, "
                             f"shape {v.shape}")
        if not (isinstance(self.dt_ms, (int, float)) and math.isfinite(self.dt_ms) and self.dt_ms > 0):
            raise ValueError(f"dt_ms={self.dt_ms!r} must be a finite number > 0")
        if not is_int(self.start_step) or self.start_step < 0:
            raise ValueError(f"start_step={self.start_step!r} must be an integer >= 0")
        object.__setattr__(self, "neurons", ids.astype(np.int64))
        object.__setattr__(self, "v_mv", v.astype(np.float32))
        object.__setattr__(self, "dt_ms", float(self.dt_ms))
        object.__setattr__(self, "start_step", int(self.start_step))

    @property
    def n_samples(self) -> int:
        return self.v_mv.shape[0]

    @property
    def times_ms(self) -> np.ndarray:
        """Time of each sample in ms, shape (n_samples,)."""
        return (self.start_step + np.arange(self.n_samples) + 1) * self.dt_ms


@dataclass(frozen=True, kw_only=True, eq=False)
class Recording:
    """What one run recorded, as plain data.

    Parameters
    ----------
    dt_ms : float
        Simulation step in ms (shared by every population).
    n_steps : int
        Length of the recording in steps (duration ``n_steps * dt_ms`` ms).
    spikes : dict of str -> SpikeTrains
        Spikes of each recorded population (``"concept"``, ``"input/picture"``,
        ...), each on this recording's grid (same ``dt_ms`` and ``n_steps``);
        kept in the engines' order (by step, then neuron).
    v : dict of str -> MembraneTrace, optional
        Membrane potentials of chosen neurons, per population.
    epochs : StimulusEpochs, optional
        The stimulus of every trial.
    annotations : dict, optional
        JSON-able facts about the run: seed, engine, preset, dataset, ...

    Raises
    ------
    ValueError
        For a bad population name, a population on another grid (``dt_ms`` or
        ``n_steps``), a membrane trace outside the recording or naming a
        neuron the population lacks, an epoch past the end, or annotations
        that have no JSON form.
    """

    dt_ms: float
    n_steps: int
    spikes: dict = field(default_factory=dict)
    v: dict = field(default_factory=dict)
    epochs: StimulusEpochs | None = None
    annotations: dict = field(default_factory=dict)

    def __post_init__(self):
        if not (isinstance(self.dt_ms, (int, float)) and math.isfinite(self.dt_ms) and self.dt_ms > 0):
            raise ValueError(f"dt_ms={self.dt_ms!r} must be a finite number > 0")
        if not is_int(self.n_steps) or self.n_steps < 0:
            raise ValueError(f"n_steps={self.n_steps!r} must be an integer >= 0")
        object.__setattr__(self, "dt_ms", float(self.dt_ms))
        object.__setattr__(self, "n_steps", int(self.n_steps))
        object.__setattr__(self, "spikes", {p: _step_then_neuron(st) for p, st in dict(self.spikes).items()})
        object.__setattr__(self, "v", dict(self.v))
        for pop, st in self.spikes.items():
            check_population_name(pop)
            if not isinstance(st, SpikeTrains):
                raise ValueError(f"spikes[{pop!r}] must be SpikeTrains; got {type(st).__name__}")
            if st.dt_ms != self.dt_ms or st.n_steps != self.n_steps:
                raise ValueError(f"spikes[{pop!r}] are on a grid of dt_ms={st.dt_ms}, n_steps={st.n_steps}; the "
                                 f"recording's is dt_ms={self.dt_ms}, n_steps={self.n_steps}")
        for pop, tr in self.v.items():
            check_population_name(pop)
            if not isinstance(tr, MembraneTrace):
                raise ValueError(f"v[{pop!r}] must be a MembraneTrace; got {type(tr).__name__}")
            if tr.dt_ms != self.dt_ms:
                raise ValueError(f"v[{pop!r}] has dt_ms={tr.dt_ms}; the recording's is {self.dt_ms}")
            if tr.start_step + tr.n_samples > self.n_steps:
                raise ValueError(f"v[{pop!r}] has samples for steps up to {tr.start_step + tr.n_samples}, past "
                                 f"the recording's {self.n_steps}")
            if pop in self.spikes and len(tr.neurons) and tr.neurons.max() >= self.spikes[pop].n_neurons:
                raise ValueError(f"v[{pop!r}] names neuron {tr.neurons.max()}; the population has "
                                 f"{self.spikes[pop].n_neurons}")
        if self.epochs is not None:
            if not isinstance(self.epochs, StimulusEpochs):
                raise ValueError(f"epochs must be StimulusEpochs or None; got {type(self.epochs).__name__}")
            if len(self.epochs) and self.epochs.stop_ms.max() > self.duration_ms * (1 + 1e-12):
                raise ValueError(f"an epoch ends at {self.epochs.stop_ms.max()} ms, after the recording's "
                                 f"{self.duration_ms} ms")
        if not isinstance(self.annotations, dict):
            raise ValueError(f"annotations must be a dict; got {type(self.annotations).__name__}")
        try:
            to_strict_json(self.annotations)
        except TypeError as e:
            raise ValueError(f"annotations must be JSON-able: {e}") from None

    @property
    def duration_ms(self) -> float:
        return self.n_steps * self.dt_ms

    @property
    def populations(self) -> list[str]:
        """Every population with recorded spikes or membrane potentials."""
        return sorted(set(self.spikes) | set(self.v))

    def differences(self, other: "Recording") -> list[str]:
        """What differs from ``other``, one line each (empty when the two are equal, values exactly)."""
        out = [f"{k}: {getattr(self, k)!r} != {getattr(other, k)!r}" for k in ("dt_ms", "n_steps")
               if getattr(self, k) != getattr(other, k)]
        for kind in ("spikes", "v"):
            a, b = getattr(self, kind), getattr(other, kind)
            if set(a) != set(b):
                out.append(f"{kind} populations {sorted(a)} != {sorted(b)}")
                continue
            for pop in a:
                for f in (("indices", "steps", "n_neurons") if kind == "spikes" else ("neurons", "v_mv", "start_step")):
                    x, y = getattr(a[pop], f), getattr(b[pop], f)
                    if not np.array_equal(x, y) or np.asarray(x).dtype != np.asarray(y).dtype:
                        out.append(f"{kind}[{pop!r}].{f} differ")
        if (self.epochs is None) != (other.epochs is None):
            out.append("epochs present in one recording only")
        elif self.epochs is not None:
            out += self.epochs.differences(other.epochs)
        if annotations_to_json(self.annotations) != annotations_to_json(other.annotations):
            out.append(f"annotations {self.annotations!r} != {other.annotations!r}")
        return out

    def save(self, path) -> Path:
        """Write the recording as neuromem's npz (atomically); returns the path."""
        tree = {"dt_ms": self.dt_ms, "n_steps": self.n_steps, "spikes": dict(self.spikes), "v": dict(self.v),
                "epochs": self.epochs, "annotations": annotations_to_json(self.annotations)}
        return write_tree(path, tree, schema=RECORDING_SCHEMA)

    @classmethod
    def load(cls, path) -> "Recording":
        """Read a file written by :meth:`save`.

        Raises
        ------
        FileNotFoundError
            If ``path`` does not exist.
        SchemaError
            If the file is not a recording, or one of a newer version.
        """
        schema, t = read_tree(path)
        if not schema or schema.get("name") != RECORDING_SCHEMA["name"]:
            raise SchemaError(f"{path} is not a neuromem recording (schema {schema!r})")
        if schema["version"] > RECORDING_SCHEMA["version"]:
            raise SchemaError(f"{path} is a recording of version {schema['version']}; this neuromem reads up to "
                             f"version {RECORDING_SCHEMA['version']}: upgrade neuromem to read it")
        return cls(dt_ms=t["dt_ms"], n_steps=t["n_steps"], spikes=t["spikes"],
                   v={p: MembraneTrace(**tr) for p, tr in t["v"].items()},
                   epochs=None if t["epochs"] is None else StimulusEpochs(**t["epochs"]),
                   annotations=annotations_from_json(t["annotations"]))


def _step_then_neuron(st):
    """``st`` with its spikes in the engines' order (by step, then neuron), so every format reads back equal."""
    if not isinstance(st, SpikeTrains) or len(st.steps) < 2:
        return st
    order = np.lexsort((st.indices, st.steps))
    if np.all(order[1:] > order[:-1]):
        return st
    return SpikeTrains(indices=st.indices[order], steps=st.steps[order], n_neurons=st.n_neurons, n_steps=st.n_steps,
                       dt_ms=st.dt_ms)


def annotations_to_json(annotations: dict) -> str:
    """``annotations`` as one strict-JSON text (with its missing-value map), as every writer stores them."""
    data, missing = to_strict_json(annotations)
    return json.dumps({"annotations": data, "missing": missing}, sort_keys=True, allow_nan=False)


def annotations_from_json(text: str) -> dict:
    """The annotations stored by a writer (strict JSON with its missing-value map)."""
    doc = json.loads(text)
    return from_strict_json(doc["annotations"], doc["missing"])
