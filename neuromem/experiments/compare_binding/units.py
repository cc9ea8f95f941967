"""The units experiment: the binders' concept units on 94 synthetic concepts, beside the human histogram.

With 5 concepts, lifetime sparseness cannot fall below 0.2 and a unit can
answer at most 5 concepts, so no statistic can be compared with the human
screening data. Here every binder with concept units learns the concept-cell
experiment's 94-concept condition
(:func:`neuromem.experiments.concept_cells.synthetic.concept_set`: the number
of stimuli of a human screening session, related concepts in categories,
picture and name as distinct views with the real latents' geometry), K =
``units_k`` presentations per concept, and is cued with every held-out
picture and name form. Measured with the responsiveness criterion of
:func:`~neuromem.experiments.compare_binding.measures.unit_metrics`: population
and lifetime sparseness, invariance, the share of responsive units answering
1, 2, 3, 4, 5, 6+ concepts and its total variation from the corrected human
histogram (:data:`neuromem.analysis.human.HUMAN_CONCEPTS_PER_NEURON`).
``units_assigned_by_label`` = 1 marks binders whose units are assigned to
concepts by the training label (supervised selectivity, e.g. ``softmax``):
their selectivity is given, not found.
"""

from __future__ import annotations

from dataclasses import replace

from neuromem.experiments.compare_binding.config import MODALITIES
from neuromem.experiments.compare_binding.measures import unit_metrics
from neuromem.experiments.compare_binding.protocol import build_presentations, choose_test_cues
from neuromem.experiments.compare_binding.results import CellLabels
from neuromem.experiments.compare_binding.seeds import CellSeeds

__all__ = ["N_CONCEPTS", "run_units_cell", "units_space"]

#: Concepts of the units condition: the stimuli of one human screening session (De Falco et al. 2016).
N_CONCEPTS = 94


def units_space(seed):
    """The 94-concept synthetic set of comparison seed ``seed`` (picture and name views)."""
    from neuromem.experiments.concept_cells.synthetic import concept_set

    rng = CellSeeds(seed).tree.rng("synthetic", "units")
    return concept_set(N_CONCEPTS, rng, modalities=MODALITIES)[0]


def run_units_cell(name, n_units, seed, *, dataset, grid, binder_options) -> list[dict]:
    """Concept-unit statistics of one binder on the 94-concept condition: tidy rows (condition ``synthetic-94``)."""
    from neuromem.binding import binder_traits
    from neuromem.experiments.compare_binding.cells import make_cell_binder

    space = units_space(seed)
    K = grid.units_k
    seeds = CellSeeds(seed)
    labels = CellLabels(dataset=dataset, binder=name, condition="synthetic-94", k=K, n_units=int(n_units),
                        n_concepts=N_CONCEPTS, seed=seed)
    supervised = float(binder_traits(name).units_assigned_by_label)
    limit = binder_traits(name).capacity
    if limit is not None and limit.refuses_more and N_CONCEPTS > limit.max_concepts(n_units):
        return labels.rows("units", "recall", {"not_representable": 1.0, "units_assigned_by_label": supervised})
    pres, _ = build_presentations(space, K, seeds.presentations("units", K), MODALITIES)
    cues = choose_test_cues(space, seeds.test_cues(), per_concept=10, word_repeats=1)
    b = make_cell_binder(name, space, n_units, seeds, binder_options)
    b.learn(pres)
    vals = {**unit_metrics(b, space, cues), "units_assigned_by_label": supervised, "not_representable": 0.0}
    return replace(labels, engine=getattr(b, "engine_name", "") or "").rows("units", "recall", vals)
