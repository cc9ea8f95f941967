"""Where neuromem keeps caches, and how threads are set.

Every cache neuromem or its engines write lives under one directory that the
user controls: ``$NEUROMEM_CACHE_DIR`` if set, else ``~/.cache/neuromem``.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir(*parts: str) -> Path:
    """Return (and create) a directory inside neuromem's cache.

    Parameters
    ----------
    *parts : str
        Sub-directory names, e.g. ``cache_dir("features")``.
    """
    root = os.environ.get("NEUROMEM_CACHE_DIR")
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "neuromem"
    path = base.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path
