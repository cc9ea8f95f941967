"""One results base for every experiment: strict-JSON metrics, arrays, a recording, a schema version.

A results folder holds

``metrics.json``
    The metrics as strict JSON (no bare NaN / Infinity), with the schema
    stamped in (``"_schema": {"name", "version"}``) and every ``null``
    explained in ``"_missing": {JSON Pointer: reason}`` (see
    :mod:`neuromem.io.strict_json`). Metrics keep their top-level keys, so a
    reader that only wants one number needs nothing but ``json.load``.
``arrays.npz`` (the name is a class attribute; only when there are arrays)
    Arrays, spike trains and dataclasses of arrays (see
    :mod:`neuromem.io.arrays`), stamped with the same schema.
``recording.npz`` (only when the results carry a recording)
    A :class:`~neuromem.io.recording.Recording`; ``neuromem export`` turns
    it into Neo or NWB.

Every file is written atomically; ``metrics.json`` last, so a folder whose
``metrics.json`` is there is complete. Saving again into a folder removes
an arrays or recording file the new results do not have.

A subclass names its schema, lists what goes in the arrays file and says how
to rebuild itself::

    @dataclass(frozen=True, kw_only=True)
    class WindowResults(Results):
        SCHEMA_NAME = "neuromem.binding-window"
        SCHEMA_VERSION = 2
        CONVERTERS = {1: _v1_to_v2}          # read files of version 1
        counts: np.ndarray

        def arrays_to_save(self):
            return {"counts": self.counts}

        @classmethod
        def from_saved(cls, *, metrics, arrays, recording):
            return cls(metrics=metrics, counts=arrays["counts"], recording=recording)

Files written before a schema was stamped read as version 0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ClassVar, NamedTuple

from neuromem._io import atomic_write_bytes
from neuromem.io.arrays import SchemaError, read_tree, write_tree
from neuromem.io.recording import Recording
from neuromem.io.strict_json import from_strict_json, strict_json_text, to_strict_json

__all__ = ["METRICS_FILE", "RECORDING_FILE", "Results", "Schema", "SchemaError", "read_metrics", "read_schema"]

METRICS_FILE = "metrics.json"
RECORDING_FILE = "recording.npz"
_SCHEMA = "_schema"
_MISSING = "_missing"


class Schema(NamedTuple):
    """The kind and version of a results folder (version 0: written before schemas were stamped)."""

    name: str | None
    version: int


def _read_metrics_file(folder: Path) -> tuple[Schema, dict]:
    path = folder / METRICS_FILE
    if not path.is_file():
        raise FileNotFoundError(f"no {METRICS_FILE} in {folder}: not a results folder (or the run did not finish)")
    doc = json.loads(path.read_text())  # files of version 0 may hold bare NaN: read them too
    if not isinstance(doc, dict):
        raise SchemaError(f"{path} holds a JSON {type(doc).__name__}, not an object of metrics")
    stamp = doc.pop(_SCHEMA, None)
    missing = doc.pop(_MISSING, {})
    if stamp is None:
        return Schema(None, 0), doc
    if not (isinstance(stamp, dict) and isinstance(stamp.get("name"), str) and type(stamp.get("version")) is int):
        raise SchemaError(f"{path}: {_SCHEMA} must be {{'name': str, 'version': int}}; got {stamp!r}")
    return Schema(stamp["name"], stamp["version"]), from_strict_json(doc, missing)


def read_metrics(folder) -> tuple[Schema, dict]:
    """The schema and the metrics of ``folder/metrics.json`` (a null with a reason comes back as it was written).

    For results that keep their arrays in a file of their own layout and
    write ``metrics.json`` through :meth:`Results.save`.

    Raises
    ------
    FileNotFoundError
        If the folder has no ``metrics.json``.
    """
    return _read_metrics_file(Path(folder))


def read_schema(folder) -> Schema:
    """The schema stamped in ``folder/metrics.json`` (``Schema(None, 0)`` when none is).

    Raises
    ------
    FileNotFoundError
        If the folder has no ``metrics.json``.
    """
    return _read_metrics_file(Path(folder))[0]


@dataclass(frozen=True, kw_only=True)
class Results:
    """Base of every experiment's results: metrics, arrays, an optional recording, a versioned schema.

    Parameters
    ----------
    metrics : dict
        JSON-able metrics (numbers, strings, lists, nested dicts; numpy
        scalars and arrays are converted; NaN, infinities and None are
        written as null with a reason, see :mod:`neuromem.io.strict_json`).
        Top-level keys ``_schema`` and ``_missing`` are reserved.
    recording : Recording, optional
        What the run recorded (spikes, membrane potentials, stimulus epochs).

    Attributes
    ----------
    SCHEMA_NAME : str
        The kind of results (``"neuromem.<experiment>"``); load refuses another kind.
    SCHEMA_VERSION : int
        The version this class writes (>= 1); raise it whenever the files change.
    CONVERTERS : dict of int -> callable
        ``CONVERTERS[v](metrics, arrays) -> (metrics, arrays)`` turns what was
        read from version ``v`` into version ``v + 1`` (``arrays``: the tree of
        :meth:`arrays_to_save`, as read). Load chains them up to ``SCHEMA_VERSION``.
    ARRAYS_FILE : str
        Name of the arrays file in the folder.
    """

    metrics: dict
    recording: Recording | None = None

    SCHEMA_NAME: ClassVar[str] = "neuromem.results"
    SCHEMA_VERSION: ClassVar[int] = 1
    CONVERTERS: ClassVar[dict[int, Callable]] = {}
    ARRAYS_FILE: ClassVar[str] = "arrays.npz"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.SCHEMA_NAME == Results.SCHEMA_NAME:
            raise TypeError(f"{cls.__name__} must name its schema: SCHEMA_NAME = 'neuromem.<experiment>'")
        v = cls.SCHEMA_VERSION
        if type(v) is not int or v < 1:
            raise TypeError(f"{cls.__name__}.SCHEMA_VERSION={v!r} must be an int >= 1")
        bad = [k for k in cls.CONVERTERS if type(k) is not int or not 0 <= k < v]
        if bad:
            raise TypeError(f"{cls.__name__}.CONVERTERS keys {bad} must be versions in [0, {v})")

    def __post_init__(self):
        if not isinstance(self.metrics, dict):
            raise TypeError(f"metrics must be a dict; got {type(self.metrics).__name__}")
        clash = [k for k in self.metrics if isinstance(k, str) and k in (_SCHEMA, _MISSING)]
        if clash:
            raise ValueError(f"metrics keys {clash} are reserved for the file's schema and missing-value map")
        if self.recording is not None and not isinstance(self.recording, Recording):
            raise TypeError(f"recording must be a Recording or None; got {type(self.recording).__name__}")

    # -- what a subclass provides ------------------------------------------------------------------------
    def arrays_to_save(self) -> dict:
        """``{name: array | SpikeTrains | scalar | dict / list / dataclass of them}`` for the arrays file."""
        return {}

    @classmethod
    def from_saved(cls, *, metrics: dict, arrays: dict, recording: Recording | None):
        """Rebuild the object from what :meth:`load` read (dataclasses in ``arrays`` come back as dicts)."""
        return cls(metrics=metrics, recording=recording)

    # -- files -------------------------------------------------------------------------------------------
    @classmethod
    def schema(cls) -> dict:
        return {"name": cls.SCHEMA_NAME, "version": cls.SCHEMA_VERSION}

    def save(self, folder) -> dict[str, Path]:
        """Write the results into ``folder`` (created if needed), every file atomically.

        Returns
        -------
        dict of str -> Path
            ``{"metrics": ..., "arrays": ..., "recording": ...}`` for the files written.

        Raises
        ------
        TypeError
            If a metric or an array has no JSON / npz form (the message names its place).
        """
        folder = Path(folder)
        data, missing = to_strict_json(self.metrics)
        text = strict_json_text({_SCHEMA: self.schema(), **data, _MISSING: missing})
        out = {}
        arrays = self.arrays_to_save()
        if arrays:
            out["arrays"] = write_tree(folder / self.ARRAYS_FILE, arrays, schema=self.schema())
        if self.recording is not None:
            out["recording"] = self.recording.save(folder / RECORDING_FILE)
        for key, name in (("arrays", self.ARRAYS_FILE), ("recording", RECORDING_FILE)):
            if key not in out and (folder / name).is_file():  # left by an earlier run into this folder
                (folder / name).unlink()
        out["metrics"] = atomic_write_bytes(folder / METRICS_FILE, text.encode())
        return out

    @classmethod
    def exist(cls, folder) -> bool:
        """Whether ``folder`` holds results of this class's schema (its name stamped in ``metrics.json``).

        Subclasses whose older files carry no stamp override this with their own test."""
        try:
            return read_schema(folder).name == cls.SCHEMA_NAME
        except (FileNotFoundError, SchemaError, ValueError, OSError):
            return False

    @classmethod
    def load(cls, folder):
        """Read a folder written by :meth:`save` (of this or an older schema version with a converter).

        Raises
        ------
        FileNotFoundError
            If ``metrics.json`` is missing.
        SchemaError
            If the folder holds another kind of results, a newer schema
            version than this class reads, or a version with no converter.
        """
        folder = Path(folder)
        schema, metrics = _read_metrics_file(folder)
        if schema.name is not None and schema.name != cls.SCHEMA_NAME:
            raise SchemaError(f"{folder} holds {schema.name!r} results, not {cls.SCHEMA_NAME!r}")
        if schema.version > cls.SCHEMA_VERSION:
            raise SchemaError(f"{folder / METRICS_FILE} was written with schema version {schema.version} of "
                              f"{cls.SCHEMA_NAME!r}; this neuromem reads up to version {cls.SCHEMA_VERSION}: "
                              "upgrade neuromem to read it")
        arrays = {}
        if (folder / cls.ARRAYS_FILE).is_file():
            a_schema, arrays = read_tree(folder / cls.ARRAYS_FILE)
            a_version = 0 if a_schema is None else a_schema.get("version")
            if a_version != schema.version:
                raise SchemaError(f"{folder / cls.ARRAYS_FILE} has schema version {a_version} but "
                                  f"{METRICS_FILE} has {schema.version}: the two files come from different runs")
        version = schema.version
        while version < cls.SCHEMA_VERSION:
            convert = cls.CONVERTERS.get(version)
            if convert is None:
                raise SchemaError(f"{folder} holds {cls.SCHEMA_NAME!r} results of schema version {version}, "
                                  f"which this neuromem cannot convert to version {cls.SCHEMA_VERSION}; "
                                  "re-run the experiment to write them anew")
            metrics, arrays = convert(metrics, arrays)
            version += 1
        rec_path = folder / RECORDING_FILE
        recording = Recording.load(rec_path) if rec_path.is_file() else None
        return cls.from_saved(metrics=metrics, arrays=arrays, recording=recording)
