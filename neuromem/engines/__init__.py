"""Simulation engines, chosen by name (see :data:`neuromem.engines.registry.ENGINES`).

Only ``neuromem/engines/<name>/`` imports the engine's library. Which engine
builds which mechanism: :data:`neuromem.engines.builders.BUILDERS`.
"""

from neuromem.config import cache_dir
from neuromem.engines.base import Engine, EngineUnavailable, RunFlags, RunResult, run_flags
from neuromem.engines.builders import BUILDERS, MechanismUnsupported, backends_for, register_builder
from neuromem.engines.registry import (
    ENGINES,
    available_engines,
    engine_class,
    engine_names,
    engine_status,
    make_engine,
    register_engine,
)

__all__ = ["BUILDERS", "ENGINES", "Engine", "EngineUnavailable", "MechanismUnsupported", "RunFlags", "RunResult",
           "available_engines", "backends_for", "cache_dir", "engine_class", "engine_names", "engine_status",
           "make_engine", "register_builder", "register_engine", "run_flags"]
