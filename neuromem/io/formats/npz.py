"""neuromem's own recording file: an npz of named arrays and a JSON layout (no pickle); the default format."""

from __future__ import annotations

from pathlib import Path

from neuromem.io.recording import Recording

__all__ = ["read", "write"]


def write(recording: Recording, path) -> Path:
    """Write ``recording`` to ``path`` (atomically)."""
    return recording.save(path)


def read(path) -> Recording:
    """Read a recording written by :func:`write`."""
    return Recording.load(path)
