"""Simulation engines, chosen by name (``"brian2"``, ``"brian2-runtime"``, ``"brian2-standalone"``).

Only ``neuromem/engines/<name>/`` imports the engine's library.
"""

from neuromem.engines.base import (
    Engine,
    EngineUnavailable,
    RunResult,
    available_engines,
    cache_dir,
    engine_class,
    engine_names,
    engine_status,
    make_engine,
    register_engine,
)

__all__ = ["Engine", "EngineUnavailable", "RunResult", "available_engines", "cache_dir", "engine_class",
           "engine_names", "engine_status", "make_engine", "register_engine"]

# array engines (helper of issue 4): a whole-loop compiled CPU engine and a PyTorch/Norse engine
register_engine("numba", "neuromem.engines.numba.engine:NumbaEngine", requires=("numba",))
register_engine("norse", "neuromem.engines.norse.engine:NorseEngine", requires=("torch", "norse"))
