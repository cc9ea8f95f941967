"""The declarative engram-network description: parameter dataclasses, state, presets."""

from neuromem.network.presets import MODELS_DIR, available_presets, load_preset, spec_from_dict
from neuromem.network.spec import (
    MAX_DT_FOR_INHIBITION_MS,
    MODALITIES,
    STDP,
    ConceptLayer,
    Feedback,
    Homeostasis,
    Inhibition,
    LatentPopulation,
    NetworkSpec,
    NetworkState,
    SimConfig,
    initial_state,
)

__all__ = [
    "MAX_DT_FOR_INHIBITION_MS", "MODALITIES", "MODELS_DIR", "STDP", "ConceptLayer", "Feedback", "Homeostasis",
    "Inhibition", "LatentPopulation", "NetworkSpec", "NetworkState", "SimConfig", "available_presets",
    "initial_state", "load_preset", "spec_from_dict",
]
