"""Nested numpy data in one ``.npz`` file: arrays, spike trains, dicts, lists and dataclasses of them.

A tree such as ``{"train_spikes": SpikeTrains, "initial": NetworkState,
"responsive": {"picture": bool array}}`` is flattened to named arrays
(``"initial/w_in_mv/picture"``; a ``/`` inside a key is written ``~1``) plus a
layout (JSON) that records how to rebuild it, so no pickle is ever needed.
Reading gives the tree back, with two deliberate simplifications: a
dataclass comes back as a dict of its fields (the caller, who knows the
class, rebuilds it: ``NetworkState(**tree["initial"])``), and a tuple as a
list. :class:`~neuromem.coding.SpikeTrains` come back as SpikeTrains.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np

from neuromem._io import atomic_write_npz
from neuromem.coding import SpikeTrains

__all__ = ["SchemaError", "flatten_tree", "read_tree", "unflatten_tree", "write_tree"]

LAYOUT_KEY = "_layout"
SCHEMA_KEY = "_schema"
_ARRAY_KINDS = "biufcUS"


class SchemaError(ValueError):
    """A file of another kind, of a newer schema version, or of a version that cannot be converted."""


def _esc(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def flatten_tree(tree: dict) -> tuple[dict[str, np.ndarray], dict]:
    """Flatten ``tree`` to ``({name: array}, layout)``.

    Raises
    ------
    TypeError
        For a value that is not an array, spike trains, scalar, None, dict,
        list, tuple or dataclass (the message names its place), an object
        array, or a dict key that is not a string.
    """
    flat: dict[str, np.ndarray] = {}

    def walk(v, name):
        place = name or "/"
        if isinstance(v, SpikeTrains):
            flat[f"{name}/indices"] = v.indices
            flat[f"{name}/steps"] = v.steps
            return {"@spikes": {"n_neurons": int(v.n_neurons), "n_steps": int(v.n_steps), "dt_ms": float(v.dt_ms)}}
        if v is None:
            return {"@none": True}
        if isinstance(v, (bool, int, float, str)):
            flat[name] = np.asarray(v)
            return {"@scalar": "python"}
        if isinstance(v, (np.ndarray, np.generic)):
            a = np.asarray(v)
            if a.dtype.kind not in _ARRAY_KINDS:
                raise TypeError(f"array of dtype {a.dtype} at {place} cannot be stored without pickle; "
                                "convert it to numbers or fixed-width strings (e.g. .astype(str))")
            flat[name] = a
            return {"@scalar": "numpy"} if isinstance(v, np.generic) else "array"
        if isinstance(v, dict):
            for k in v:
                if not isinstance(k, str):
                    raise TypeError(f"key {k!r} at {place} must be a string")
            return {"@dict": {k: walk(x, f"{name}/{_esc(k)}") for k, x in v.items()}}
        if isinstance(v, (list, tuple)):
            return {"@list": [walk(x, f"{name}/{i}") for i, x in enumerate(v)]}
        if dataclasses.is_dataclass(v) and not isinstance(v, type):
            return {"@fields": {f.name: walk(getattr(v, f.name), f"{name}/{f.name}")
                                for f in dataclasses.fields(v)}}
        raise TypeError(f"{type(v).__name__} at {place} cannot be stored in an npz file; give arrays, spike "
                        "trains, scalars, or dicts / lists / dataclasses of them")

    if not isinstance(tree, dict):
        raise TypeError(f"the arrays to store must be a dict; got {type(tree).__name__}")
    layout = {}
    for k, v in tree.items():
        if not isinstance(k, str) or not k or k.startswith("_"):
            raise TypeError(f"top-level name {k!r} must be a non-empty string not starting with '_'")
        layout[k] = walk(v, _esc(k))
    return flat, layout


def unflatten_tree(flat: dict[str, np.ndarray], layout: dict) -> dict:
    """Rebuild the tree written by :func:`flatten_tree` (dataclasses as dicts of fields, tuples as lists).

    Raises
    ------
    ValueError
        If the layout names an array that ``flat`` lacks (a damaged file).
    """

    def get(name):
        if name not in flat:
            raise ValueError(f"array {name!r} named by the layout is missing (damaged file?)")
        return flat[name]

    def build(node, name):
        if node == "array":
            return get(name)
        (tag, val), = node.items()
        if tag == "@spikes":
            return SpikeTrains(indices=get(f"{name}/indices"), steps=get(f"{name}/steps"), **val)
        if tag == "@none":
            return None
        if tag == "@scalar":
            a = get(name)
            return a.item() if val == "python" else a[()]
        if tag in ("@dict", "@fields"):
            return {k: build(x, f"{name}/{_esc(k)}") for k, x in val.items()}
        if tag == "@list":
            return [build(x, f"{name}/{i}") for i, x in enumerate(val)]
        raise ValueError(f"unknown layout entry {tag!r} at {name!r} (written by a newer neuromem?)")

    return {k: build(node, _esc(k)) for k, node in layout.items()}


def write_tree(path, tree: dict, *, schema: dict) -> Path:
    """Write ``tree`` (see :func:`flatten_tree`) and its ``schema`` (``{"name", "version"}``) to an npz, atomically."""
    flat, layout = flatten_tree(tree)
    flat[LAYOUT_KEY] = np.array(json.dumps(layout))
    flat[SCHEMA_KEY] = np.array(json.dumps(schema))
    return atomic_write_npz(path, flat)


def read_tree(path) -> tuple[dict | None, dict]:
    """``(schema, tree)`` of an npz written by :func:`write_tree`.

    A file written without a layout (before this format existed) gives
    ``(None, {name: array})``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no file {path}")
    with np.load(path, allow_pickle=False) as f:
        flat = {k: f[k] for k in f.files}
    if LAYOUT_KEY not in flat:
        return None, flat
    layout = json.loads(str(flat.pop(LAYOUT_KEY)))
    schema = json.loads(str(flat.pop(SCHEMA_KEY))) if SCHEMA_KEY in flat else None
    return schema, unflatten_tree(flat, layout)
