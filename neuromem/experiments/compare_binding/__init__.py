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
    concept; picture -> name recall@1 per binder size ``n_units`` (what it
    counts, e.g. concept neurons or pattern slots, is the binder's declared
    ``n_units_counts``); ``capacity`` = the largest tested number of concepts
    with recall@1 >= 0.9 (a set beyond a capacity limit the binder declares as
    refusing more, e.g. one softmax unit per concept, is not representable:
    recorded as NaN with ``not_representable = 1``), ``bits_per_parameter`` =
    n log2 n / plastic parameters. Binders run here unless their traits say
    ``in_capacity_sweep = False``.
``cost``
    Counted operations per presentation (``learn``) and per cue (``recall``):
    ``synaptic_events`` (spiking), ``macs`` and ``memory_writes`` (rate),
    wall seconds, recall latency in biological ms (cue onset to the first
    concept spike; spiking binders), and ``energy_pj_estimate``: an
    estimate, as quoted in the design notes from Horowitz (ISSCC 2014, 45 nm):
    a MAC = fp32 multiply 3.7 pJ + add 0.9 pJ, a synaptic event = one fp32
    add 0.9 pJ, a memory write = one 64-bit SRAM access 10 pJ; memory traffic
    is otherwise not counted.
``units``
    Population and lifetime sparseness, invariance index (picture vs name),
    concepts per responsive unit, for binders with units.

Files (:mod:`~neuromem.experiments.compare_binding.results`): ``results.csv``
(one tidy row per measurement, columns :data:`COLUMNS`), ``metrics.json``
(mean and ``_ci95`` per binder, experiment, condition and K, keys
``<experiment>/<condition>/<binder>/k=<K>/<metric>`` and
``.../n_units=<N>/n_concepts=<n>/...`` for capacity), one PNG per experiment,
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
