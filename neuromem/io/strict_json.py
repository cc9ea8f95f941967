"""Strict JSON for results: never a bare NaN or Infinity, every null explained.

Python's ``json`` writes ``NaN`` and ``Infinity``, which are not JSON: other
readers (``jq``, JavaScript, strict parsers) refuse such a file. Here a
value that is missing (``None``) or not finite (NaN, +-inf) is written as
``null``, and the reason is recorded beside the data in a map from the
value's place (a JSON Pointer, RFC 6901, e.g. ``"/per_seed/3/recall_ci95"``)
to a short reason. Reading the file back restores each value: ``None``,
``+inf`` / ``-inf``, or a NaN that carries its reason (:class:`Missing`).

Numpy scalars and arrays become JSON numbers and lists, tuples become lists,
paths become strings, integer dictionary keys become strings.
"""

from __future__ import annotations

import json
import math
from pathlib import PurePath

import numpy as np

__all__ = ["Missing", "REASON_NAN", "REASON_NONE", "REASON_POS_INF", "REASON_NEG_INF", "from_strict_json",
           "pointer", "strict_json_text", "to_strict_json"]

REASON_NONE = "no value (None)"
REASON_NAN = "not a number (NaN)"
REASON_POS_INF = "+infinity"
REASON_NEG_INF = "-infinity"


class Missing(float):
    """A missing number: a NaN float that carries the reason it is missing.

    Behaves as ``float("nan")`` in arithmetic and comparisons (``np.isnan``
    is true), so code that reads metrics needs no special case; writing it
    to strict JSON gives ``null`` with ``reason`` recorded next to it.

    Parameters
    ----------
    reason : str
        Why the value is missing, e.g. ``"fewer than two finite seeds"``.

    Raises
    ------
    ValueError
        If ``reason`` is not a non-empty string.
    """

    reason: str

    def __new__(cls, reason: str):
        if not isinstance(reason, str) or not reason.strip():
            raise ValueError(f"Missing(reason={reason!r}): the reason must be a non-empty string")
        if reason in (REASON_NONE, REASON_POS_INF, REASON_NEG_INF):
            raise ValueError(f"Missing(reason={reason!r}): that reason is reserved for None and the infinities")
        obj = super().__new__(cls, math.nan)
        obj.reason = reason
        return obj

    def __getnewargs__(self):
        return (self.reason,)

    def __repr__(self) -> str:
        return f"Missing({self.reason!r})"


def pointer(parts) -> str:
    """The JSON Pointer (RFC 6901) of a path of keys and list indices: ``["a", 0, "b/c"]`` -> ``"/a/0/b~1c"``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _parts(ptr: str) -> list[str]:
    if not ptr.startswith("/"):
        raise ValueError(f"{ptr!r} is not a JSON Pointer (it must start with '/')")
    return [p.replace("~1", "/").replace("~0", "~") for p in ptr[1:].split("/")]


def to_strict_json(obj) -> tuple[object, dict[str, str]]:
    """Convert ``obj`` to data that :func:`json.dumps` writes as strict JSON.

    Parameters
    ----------
    obj : dict, list, tuple, number, str, bool, None, numpy scalar or array, path
        Nested data. A number known to be missing for a stated reason is
        best given as :class:`Missing` (``Missing("fewer than two seeds")``).

    Returns
    -------
    data : object
        The same structure with only dict / list / str / int / float / bool / None.
    missing : dict of str -> str
        ``{pointer: reason}`` for every ``null`` in ``data``.

    Raises
    ------
    TypeError
        For a value that has no JSON form (the message names its place), or
        a dictionary key that is neither a string nor an integer.
    """
    missing: dict[str, str] = {}

    def conv(v, path):
        if isinstance(v, Missing):
            missing[pointer(path)] = v.reason
            return None
        if v is None:
            missing[pointer(path)] = REASON_NONE
            return None
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        if isinstance(v, (int, np.integer)):
            return int(v)
        if isinstance(v, (float, np.floating)):
            f = float(v)
            if math.isfinite(f):
                return f
            missing[pointer(path)] = REASON_NAN if math.isnan(f) else REASON_POS_INF if f > 0 else REASON_NEG_INF
            return None
        if isinstance(v, (str, np.str_)):
            return str(v)
        if isinstance(v, PurePath):
            return str(v)
        if isinstance(v, dict):
            out = {}
            for k, x in v.items():
                if isinstance(k, (bool, np.bool_)) or not isinstance(k, (str, int, np.integer)):
                    raise TypeError(f"key {k!r} at {pointer(path) or '/'} is not a string or an integer")
                out[str(k)] = conv(x, [*path, str(k)])
            return out
        if isinstance(v, (list, tuple)):
            return [conv(x, [*path, i]) for i, x in enumerate(v)]
        if isinstance(v, np.ndarray):
            if v.dtype.kind not in "biufU":
                raise TypeError(f"array of dtype {v.dtype} at {pointer(path) or '/'} has no JSON form")
            return conv(v.tolist(), path)
        raise TypeError(f"{type(v).__name__} at {pointer(path) or '/'} has no JSON form; convert it to "
                        "numbers, strings, lists or dicts first")

    return conv(obj, []), missing


def from_strict_json(data, missing: dict[str, str]):
    """Restore the values behind the nulls of ``data`` (the inverse of :func:`to_strict_json`).

    ``None`` stays None, infinities come back as floats, every other reason as
    a :class:`Missing` NaN carrying it.

    Raises
    ------
    ValueError
        If a pointer in ``missing`` does not lead to a null in ``data``.
    """
    for ptr, why in missing.items():
        if ptr == "":
            return None if why == REASON_NONE else _restore(why)
        *head, last = _parts(ptr)
        node = data
        try:
            for p in head:
                node = node[int(p)] if isinstance(node, list) else node[p]
            key = int(last) if isinstance(node, list) else last
            if node[key] is not None:
                raise KeyError(last)
        except (KeyError, IndexError, ValueError, TypeError):
            raise ValueError(f"the missing-value map names {ptr!r}, which is not a null in the data") from None
        node[key] = None if why == REASON_NONE else _restore(why)
    return data


def _restore(why: str) -> float:
    if why == REASON_POS_INF:
        return math.inf
    if why == REASON_NEG_INF:
        return -math.inf
    return Missing(why)


def strict_json_text(obj) -> str:
    """``obj`` (already strict, see :func:`to_strict_json`) as indented JSON text; refuses NaN and Infinity."""
    return json.dumps(obj, indent=2, allow_nan=False) + "\n"
