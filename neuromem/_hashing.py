"""The one place neuromem hashes things (cache keys, content fingerprints, regression references)."""

from __future__ import annotations

import hashlib
import json

import numpy as np

__all__ = ["sha256_hex", "json_digest", "arrays_digest"]


def sha256_hex(*chunks, length: int | None = None) -> str:
    """SHA-256 (hex) of ``chunks`` in order: bytes as they are, str as UTF-8, arrays as their C-order bytes.

    ``length`` truncates the hex digest.
    """
    h = hashlib.sha256()
    for c in chunks:
        if isinstance(c, np.ndarray):
            c = np.ascontiguousarray(c).tobytes()
        elif isinstance(c, str):
            c = c.encode()
        h.update(c)
    return h.hexdigest()[:length]


def json_digest(obj, length: int | None = None) -> str:
    """SHA-256 (hex) of ``obj`` as canonical JSON (sorted keys; other objects by ``str``)."""
    return sha256_hex(json.dumps(obj, sort_keys=True, default=str), length=length)


def arrays_digest(arrays, length: int | None = None) -> str:
    """SHA-256 (hex) of a sequence of arrays, each with its dtype and shape (so ``[1, 2]`` and ``[[1], [2]]`` differ)."""
    chunks = []
    for a in arrays:
        a = np.ascontiguousarray(a)
        chunks += [str(a.dtype), str(a.shape), a]
    return sha256_hex(*chunks, length=length)
