"""On-disk cache of expensive encoder outputs, keyed by configuration and data content.

Entries are ``.npz`` files under ``cache_dir(kind)``; each is written to a
temporary file and renamed, so an interrupted run never leaves a partial entry.

A cache entry is derived data: it is used only when it says what it was
derived from. Each entry stores its own key (``__key__``: the hash of the
configuration and the data content it was computed from) and is checked
against the key it is looked up by; an entry without it (written by an older
neuromem), with another key (copied or renamed by hand, synchronised from
another machine) or unreadable is discarded with a :class:`CacheWarning` and
recomputed.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from neuromem._hashing import json_digest
from neuromem._io import atomic_write_npz
from neuromem.config import cache_dir


class CacheWarning(UserWarning):
    """A cache entry could not be read; it was discarded and is recomputed."""


def cache_key(**parts) -> str:
    """Stable short hash of JSON-serialisable key parts."""
    return json_digest(parts, length=24)


def cache_path(kind: str, key: str) -> Path:
    return cache_dir(kind) / f"{key}.npz"


def load_cached(kind: str, key: str) -> dict | None:
    """Arrays of a cache entry, or None when absent, unreadable or derived from something else (recomputed)."""
    path = cache_path(kind, key)
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
    except Exception as exc:
        return _discard(path, f"is unreadable ({type(exc).__name__}: {exc})")
    own = str(arrays.pop(_KEY)) if _KEY in arrays else None
    if own != key:
        why = ("does not say what it was computed from (written by an older neuromem)" if own is None
               else f"was computed for key {own}, not for {key} (copied or renamed)")
        return _discard(path, why)
    return arrays


def save_cached(kind: str, key: str, arrays: dict) -> Path:
    """Write a cache entry with its key (see the module docstring), atomically."""
    return atomic_write_npz(cache_path(kind, key), {**arrays, _KEY: np.array(key)})


_KEY = "__key__"


def _discard(path: Path, why: str) -> None:
    warnings.warn(f"cache entry {path} {why}; it is discarded and recomputed", CacheWarning, stacklevel=3)
    path.unlink(missing_ok=True)
    return None
