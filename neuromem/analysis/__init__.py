"""Concept-cell analysis: responsiveness, sparseness, invariance, recall, human reference data."""

from neuromem.analysis.recall import complete_pattern, nearest_prototype, recall_at_1, recall_from_counts
from neuromem.analysis.responses import (
    HUMAN_CONCEPTS_PER_NEURON,
    ResponseCriterion,
    concepts_per_neuron_distribution,
    concepts_with_engram,
    invariance_index,
    lifetime_sparseness,
    population_sparseness,
    responsive,
    trial_responses,
)

__all__ = [
    "HUMAN_CONCEPTS_PER_NEURON", "ResponseCriterion", "complete_pattern", "concepts_per_neuron_distribution",
    "concepts_with_engram", "invariance_index", "lifetime_sparseness", "nearest_prototype", "population_sparseness",
    "recall_at_1", "recall_from_counts", "responsive", "trial_responses",
]
