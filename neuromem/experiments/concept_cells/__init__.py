"""Concept cells at the human stimulus count: a distributed code, human statistics, capacity beyond N.

A neuron's number of answered concepts grows with the number of concepts
shown, so the comparison with human MTL recordings (De Falco et al. 2016:
~94 pictures per session) shows as many concepts at once. Each seed builds a
synthetic concept set with the geometry of the real latents (three modalities
as distinct noisy views; :mod:`~neuromem.experiments.concept_cells.synthetic`
says which statistics and why), trains a layer of N concept neurons on it
(K presentations per concept, picture, written and spoken name together,
through the runtime session) and tests it with held-out cues of every
modality and blank trials (:mod:`~neuromem.experiments.concept_cells.code`).

Metrics (``metrics.json``)
--------------------------
``concepts_per_neuron_histogram``
    Fractions of responsive neurons answering 1, 2, 3, 4, 5, 6+ concepts,
    pooled over seeds (every seed's responsive neurons together; one seed has
    too few for a stable histogram), beside ``human_concepts_per_neuron_histogram``.
``concepts_per_neuron_tv_to_human``
    Total-variation distance of the pooled histogram to the human one
    (target <= 0.10); ``concepts_per_neuron_tv_to_human_seed_mean`` the mean of
    the per-seed distances.
``population_sparseness``, ``population_sparseness_at_2n``
    Mean fraction of concept neurons active per test stimulus, at N and with
    a layer of 2N neurons trained on the same set (target: 0.1-3 %, and within
    +-20 % at 2N: a code, not 1/N); ``sparseness_ratio_2n_to_n``.
``related_coresponse_ratio``
    Co-responses to related concept pairs (same category) over those to
    random pairs (:func:`neuromem.analysis.related_coresponse_ratio`; > 1:
    shared neurons link related concepts).
``capacity_concepts`` (with ``--capacity``)
    The spiking layer's one-shot capacity at N = 200
    (:mod:`~neuromem.experiments.concept_cells.capacity`);
    ``capacity_concepts_hopfield`` and ``capacity_concepts_softmax`` beside it,
    ``capacity_reference_min_recall`` the nearest-prototype reference's lowest
    recall on the tested sets.

Besides: ``neurons_per_concept_mean``, ``n_responsive_neurons``,
``multi_concept_fraction``, ``invariance_index``, ``picture_to_name_recall_at_1``,
``nearest_prototype_reference_recall_at_1``, ``no_binder_lookup_recall_at_1``.
Every per-seed value is under ``seed_<S>``; seed means carry ``_ci95`` (95 %
t-interval half-widths). ``tradeoff`` (with ``--tradeoff``): the same
summary per k-winners-take-all active fraction and the ``best`` point (the
most targets met, ties broken by recall); ``targets``: each target, its value
and whether it is met (:mod:`~neuromem.experiments.concept_cells.targets`).

The package is split by job: ``synthetic`` (the concept sets), ``config``,
``code`` (one seed's network and code statistics), ``capacity``, ``targets``,
``run`` (seeds, pooling, the sweep), ``results`` (the file schema) and ``cli``.
"""

from neuromem.experiments.concept_cells.cli import (
    DESCRIPTION,
    ENCODES,
    EXAMPLE,
    HELP,
    add_arguments,
    check_args,
    check_sweep_args,
    config_from_args,
    main,
    make_figures,
    results_exist,
)
from neuromem.experiments.concept_cells.config import CAPACITY_BINDERS, CAPACITY_N_NEURONS, ConceptCellsConfig
from neuromem.experiments.concept_cells.results import FIGURE_FILES, METRICS_FILE, ConceptCellsResults
from neuromem.experiments.concept_cells.run import run_cell

__all__ = ["CAPACITY_BINDERS", "CAPACITY_N_NEURONS", "DESCRIPTION", "ENCODES", "EXAMPLE", "FIGURE_FILES", "HELP",
           "METRICS_FILE", "ConceptCellsConfig", "ConceptCellsResults", "add_arguments", "check_args",
           "CONFIG", "check_sweep_args", "config_from_args", "main", "make_figures", "results_exist", "run_cell"]

#: The options' dataclass (the fields ``neuromem sweep --grid`` may set).
CONFIG = ConceptCellsConfig
#: The metric of a sweep's figure by default (``neuromem sweep --metric`` picks another).
SWEEP_METRIC = "concepts_per_neuron_tv_to_human"
