"""Finished cells on disk (``DIR/cells/<key>.json``), reused by a second run with the same arguments.

A cell's key hashes everything its rows depend on (binder, options, data,
grid, seed) and :data:`CELL_VERSION`, which changes whenever a binder or the
protocol behaves differently under the same options.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from neuromem._io import atomic_write_json

__all__ = ["CELL_VERSION", "CellCache", "cell_key"]

#: Part of every finished cell's key: bump when a binder's behaviour changes under the same options (v2: the
#: surrogate binder's subtractive weight normalisation; v3: every seed from the seed tree; v4: references and
#: prototypes from what was presented only, one energy convention, latency to a correct answer).
CELL_VERSION = "compare-binding/v4"


def cell_key(**parts) -> str:
    """20 hex characters of the SHA-256 of ``parts`` (JSON, sorted keys) with :data:`CELL_VERSION`."""
    parts = {"v": CELL_VERSION, **parts}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:20]


class CellCache:
    """The finished cells of one output folder.

    Parameters
    ----------
    out : path
        The comparison's output folder; cells live in ``out/cells``.
    """

    def __init__(self, out):
        self.dir = Path(out) / "cells"
        self.dir.mkdir(parents=True, exist_ok=True)

    def get(self, key: str):
        """The rows of cell ``key``, or None (an unreadable file is removed and recomputed)."""
        p = self.dir / f"{key}.json"
        if p.exists():
            try:
                return json.loads(p.read_text())
            except json.JSONDecodeError:
                p.unlink()
        return None

    def put(self, key: str, rows) -> None:
        """Store the rows of cell ``key``, atomically."""
        atomic_write_json(self.dir / f"{key}.json", rows)
