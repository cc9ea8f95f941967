"""Simulation engines, chosen by name (see :data:`neuromem.engines.registry.ENGINES`).

Only ``neuromem/engines/<name>/`` imports the engine's library.
"""

from neuromem.config import cache_dir
from neuromem.engines.base import Engine, EngineUnavailable, RunFlags, RunResult
from neuromem.engines.registry import (
    ENGINES,
    available_engines,
    engine_class,
    engine_names,
    engine_status,
    make_engine,
    register_engine,
)

__all__ = ["ENGINES", "Engine", "EngineUnavailable", "RunFlags", "RunResult", "available_engines", "cache_dir",
           "engine_class", "engine_names", "engine_status", "make_engine", "register_engine"]
