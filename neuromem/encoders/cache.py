"""On-disk cache of expensive encoder outputs, keyed by configuration and data content.

Entries are ``.npz`` files under ``cache_dir(kind)``; each is written to a
temporary file and renamed, so an interrupted run never leaves a partial entry.
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
    """Arrays of a cache entry, or None when absent or unreadable (then it is recomputed)."""
    path = cache_path(kind, key)
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as f:
            return {k: f[k] for k in f.files}
    except Exception as exc:
        warnings.warn(f"cache entry {path} is unreadable ({type(exc).__name__}: {exc}); it is discarded and "
                      "recomputed", CacheWarning, stacklevel=2)
        path.unlink(missing_ok=True)
        return None


def save_cached(kind: str, key: str, arrays: dict) -> Path:
    return atomic_write_npz(cache_path(kind, key), arrays)
