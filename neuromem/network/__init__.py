"""The declarative engram-network description: neurons, mechanisms, state, presets."""

from neuromem.network.layers import ConceptLayer, LatentPopulation, SimConfig
from neuromem.network.mechanisms import (
    MAX_DT_FOR_INHIBITION_MS,
    STDP,
    AdaptiveThreshold,
    Feedback,
    HebbianFeedback,
    Homeostasis,
    Inhibition,
    KWinnersTakeAll,
    LateralInhibition,
    Mechanism,
    PairSTDP,
    ThresholdSpread,
    register_mechanism,
)
from neuromem.network.presets import MODELS_DIR, available_presets, describes, load_preset, spec_from_dict
from neuromem.network.single import one_population_spec
from neuromem.network.spec import MODALITIES, NetworkSpec
from neuromem.network.state import NetworkState, initial_state

__all__ = [
    "MAX_DT_FOR_INHIBITION_MS", "MODALITIES", "MODELS_DIR", "ConceptLayer", "LatentPopulation", "NetworkSpec",
    "NetworkState", "SimConfig", "available_presets", "initial_state", "load_preset", "one_population_spec",
    "spec_from_dict", "describes", "Mechanism", "register_mechanism", "PairSTDP", "HebbianFeedback", "AdaptiveThreshold",
    "ThresholdSpread", "LateralInhibition", "KWinnersTakeAll", "STDP", "Feedback", "Homeostasis", "Inhibition",
]
