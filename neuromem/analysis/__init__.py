"""Concept-cell analysis: responsiveness, sparseness, invariance, recall, human reference data."""

from neuromem.analysis.recall import (
    complete_pattern,
    nearest_prototype,
    no_response_fraction,
    recall_at_1,
    recall_from_counts,
    recall_from_readout,
)
from neuromem.analysis.responses import (
    HUMAN_CONCEPTS_PER_NEURON,
    ResponseCriterion,
    binding_index,
    concepts_per_neuron_distribution,
    concepts_with_engram,
    invariance_index,
    lifetime_sparseness,
    population_sparseness,
    responsive,
    spontaneous_rate_hz,
    trial_responses,
)
from neuromem.analysis.statistics import REPORT_SEEDS, TUNING_SEEDS, chance_interval, summarise_seeds, t_ci95

__all__ = [
    "HUMAN_CONCEPTS_PER_NEURON", "REPORT_SEEDS", "ResponseCriterion", "TUNING_SEEDS", "binding_index",
    "chance_interval", "complete_pattern", "concepts_per_neuron_distribution",
    "concepts_with_engram", "invariance_index", "lifetime_sparseness", "nearest_prototype", "population_sparseness",
    "no_response_fraction", "recall_at_1", "recall_from_counts", "recall_from_readout", "responsive",
    "spontaneous_rate_hz", "summarise_seeds", "t_ci95", "trial_responses",
]
