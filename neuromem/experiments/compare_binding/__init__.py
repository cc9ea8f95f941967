"""Hebbian vs backprop binding on the same latents: ``neuromem run compare-binding``.

Every binder (:mod:`neuromem.binding`; by default every registered one, each
read from its declared traits: family, size, capacity limit, colour) gets
identical presentations and test
cues for each seed, condition and K, so differences are differences of the
learning rule. Conditions: ``fitted`` (concepts whose training items fitted
the encoder parts) and ``novel`` (concepts no fitted part has seen; the
comparison's claim), from one concept split per seed
(:mod:`neuromem.data.concept_split`, half of the concepts fit the encoders).

Experiments (the ``experiment`` column of ``results.csv``)
----------------------------------------------------------
``shots``
    ``picture_to_name_recall_at_1`` and ``name_to_picture_recall_at_1`` on
    held-out items after K presentations per concept, beside the two
    references of :mod:`neuromem.analysis.references` (binder column
    ``no_binder_lookup``: the cue's nearest target-modality prototype, what the
    encoder alone gives; ``nearest_prototype_reference``: the cue's nearest
    cue-modality prototype, K-shot), both from what was presented only, and
    chance (``chance``). ``<cue>_to_<target>_added_over_lookup`` is a binder's
    recall minus the lookup's in the same cell: what the binder is credited with.
``interference``
    The bound concepts in two sequential groups (first half, then second
    half, no replay); ``retention`` = picture -> name recall of the first group
    after learning the second / before.
``capacity``
    Synthetic concept sets whose within / between concept distance ratio
    matches the fitted concepts' real held-out pictures; one presentation per
    concept; per binder size ``n_units`` (what it counts is the binder's
    declared ``n_units_counts``) and seed, ``capacity`` = the largest number
    of concepts in ``1 .. 16 N`` with picture -> name recall@1 >= 0.9, found by
    integer bisection (:func:`neuromem.analysis.bisect_capacity`, galloping
    from 1; ``capacity_is_lower_bound`` when 16 N passes); a binder that
    declares it refuses more than its limit is searched up to that limit, and
    ``at_declared_limit`` marks a capacity set by construction;
    ``bits_per_parameter`` = n log2 n / every stored number (kept latents
    included), beside the Hopfield and Willshaw references
    (:mod:`~neuromem.experiments.compare_binding.capacity`). Binders run here
    unless their traits say ``in_capacity_sweep = False``.
``cost``
    Counted operations per presentation (``learn``) and per cue (``recall``)
    in one convention for every binder, forward and backward alike
    (:mod:`neuromem.binding.cost`: ``synaptic_events``, ``neuron_updates``,
    ``macs``, ``weight_updates``, ``memory_writes``), the adds, multiplies and
    bytes moved they make, wall seconds, and ``energy_pj_estimate`` (with its
    compute and memory parts): an estimate from Horowitz (ISSCC 2014, 45 nm),
    fp32 add 0.9 pJ, multiply 3.7 pJ, 64-bit 8 KB SRAM access 10 pJ. Spiking
    binders: ``latency_to_correct_answer_ms_median`` (cue onset to the first
    time the binder's readout answers correctly, on one 1 ms grid for every
    binder), ``correct_within_window_fraction`` and
    ``blank_trial_false_answer_fraction`` (background-only trials in which the
    readout answers).
``units``
    Population and lifetime sparseness, invariance index (picture vs name),
    concepts per responsive unit, for binders with units.

Files (:mod:`~neuromem.experiments.compare_binding.results`): ``results.csv``
(one tidy row per measurement, columns :data:`COLUMNS`), ``metrics.json``
(mean and ``_ci95`` per binder, experiment, condition and K, keys
``<experiment>/<condition>/<binder>/k=<K>/<metric>``, and for capacity
``.../n_units=<N>/n_concepts=<n>/...`` per tested set and ``.../n_units=<N>/...``
for the bisection's result), one PNG per experiment,
and ``cells/``: every finished cell, reused by a second run with the same
arguments.

Modules, one job each: ``config`` (the grid), ``protocol`` (presentations,
test cues, prototypes), ``synthetic`` (capacity sets), ``seeds`` (every seed
of a cell), ``measures`` (recall, units, cost), ``cells`` (one cell ->
rows), ``cache`` (finished cells), ``results`` (files and schema),
``statistics`` (summary over seeds), ``table`` (the markdown summary),
``run`` (the whole comparison) and ``cli`` (the experiment interface).
"""

from neuromem.experiments.compare_binding.cli import (
    DEFAULT_FIT_CONCEPTS,
    DESCRIPTION,
    ENCODES,
    EXAMPLE,
    HELP,
    add_arguments,
    check_args,
    main,
    make_figures,
    results_exist,
)
from neuromem.experiments.compare_binding.config import EXPERIMENTS, MODALITIES, GridConfig
from neuromem.experiments.compare_binding.protocol import build_presentations, choose_test_cues
from neuromem.experiments.compare_binding.results import COLUMNS
from neuromem.experiments.compare_binding.run import default_binders, run_compare_binding
from neuromem.experiments.compare_binding.statistics import summarise
from neuromem.experiments.compare_binding.synthetic import synthetic_concepts
from neuromem.experiments.compare_binding.table import summary_table

__all__ = ["COLUMNS", "DEFAULT_FIT_CONCEPTS", "DESCRIPTION", "ENCODES", "EXAMPLE", "EXPERIMENTS", "HELP",
           "MODALITIES", "GridConfig", "add_arguments", "build_presentations", "check_args", "choose_test_cues",
           "default_binders", "main", "make_figures", "results_exist", "run_compare_binding", "summarise", "summary_table",
           "synthetic_concepts"]
