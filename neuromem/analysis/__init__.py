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
from neuromem.analysis.capacity import CapacityResult, bisect_capacity
from neuromem.analysis.distributed import (
    blank_max_rate_hz,
    blank_trial_answer_fraction,
    isi_cv,
    neurons_per_concept_mean,
    related_coresponse_ratio,
)
from neuromem.analysis.human import (
    DEFALCO2016_FULL_DATA_VECTOR,
    DEFALCO2016_STIMULI_PER_SESSION,
    HISTOGRAM_BINS,
    HUMAN_CONCEPTS_PER_NEURON,
    concepts_per_neuron_histogram,
    human_concepts_per_neuron_histogram,
    total_variation,
)
from neuromem.analysis.references import nearest_prototype_reference, no_binder_lookup, presented_prototypes
from neuromem.analysis.spike_trains import isi_cv_per_neuron, mean_rate_hz
from neuromem.analysis.statistics import (ONE_SEED, REPORT_SEEDS, TUNING_SEEDS, chance_interval, mean_ci_text,
                                          summarise_seeds, t_ci95)

__all__ = [
    "CapacityResult", "bisect_capacity", "blank_max_rate_hz", "blank_trial_answer_fraction", "isi_cv",
    "neurons_per_concept_mean", "related_coresponse_ratio", "concepts_per_neuron_histogram",
    "human_concepts_per_neuron_histogram", "total_variation", "nearest_prototype_reference", "no_binder_lookup",
    "presented_prototypes", "isi_cv_per_neuron", "mean_rate_hz",
    "DEFALCO2016_FULL_DATA_VECTOR", "DEFALCO2016_STIMULI_PER_SESSION", "HISTOGRAM_BINS", "HUMAN_CONCEPTS_PER_NEURON", "REPORT_SEEDS", "ResponseCriterion", "TUNING_SEEDS", "binding_index",
    "chance_interval", "complete_pattern", "concepts_per_neuron_distribution",
    "concepts_with_engram", "invariance_index", "lifetime_sparseness", "nearest_prototype", "population_sparseness",
    "no_response_fraction", "recall_at_1", "recall_from_counts", "recall_from_readout", "responsive",
    "spontaneous_rate_hz", "summarise_seeds", "t_ci95", "trial_responses", "ONE_SEED", "mean_ci_text",
]
