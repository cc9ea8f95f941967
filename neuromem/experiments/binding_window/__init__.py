"""The binding window: how far apart in time may a picture and its name be and still bind?

For each onset asynchrony ``Delta = t_word - t_picture`` (negative: the word
comes first), a fresh network (the same seeded initial weights for every
``Delta``) learns every concept from K presentations in which the picture and
its written name (and, with ``use_spoken``, its spoken name) are shown inside one
trial, each for ``SimConfig.stimulus_ms``, the words shifted by ``Delta``
against the picture. Nothing is reset between the two stimuli of a trial
(state is reset only at trial starts, :data:`neuromem.protocols.RESET_RULE`);
the trial period is lengthened to ``stimulus_ms + max |Delta| + pause_ms`` for
every ``Delta`` alike. Then, learning off, held-out pictures and held-out
written names are presented alone (both at trial start) and the concept
layer's responses are analysed.

Binding is measured three ways per ``Delta``:

``invariance_index``
    Among (neuron, concept) pairs responsive to the concept's pictures or to
    its names, the fraction responsive to both
    (:func:`neuromem.analysis.invariance_index`).
``binding_index``
    Overlap of the evoked responses to a concept's pictures and to its names
    (:func:`neuromem.analysis.binding_index`): 0 when they drive disjoint
    neurons, 1 when they drive the same neurons in the same proportions.
``picture_to_name_recall_at_1``
    Recall of the name from a held-out picture through the learned feedback
    (:func:`neuromem.analysis.recall_from_counts`). It can stay high without
    binding (a concept's picture and name each forming their own engram,
    with the feedback of the picture engram still growing from the name's
    trace), which is why it is reported beside the two binding measures.

Metrics (``metrics.json``)
--------------------------
``onset_asynchrony_ms`` (list) and, per offset in lists of the same length,
``invariance_index``, ``binding_index``, ``picture_to_name_recall_at_1``
(means over seeds) with ``..._ci95`` lists beside them (95 % t-interval
half-widths over seeds); ``binding_half_width_ms`` (the positive and negative
offsets at which the seed-mean ``binding_index`` has fallen to half its value
at ``Delta = 0``, linearly interpolated; NaN if it never does inside the
measured range); ``stdp`` and ``feedback`` (the preset's plasticity windows,
for the figure); ``per_seed`` (every seed's lists); ``seeds``, ``engine``,
``preset``, ``presentations``, ``dataset``, ``trial_period_ms``.

The package is split by job: ``config`` (:class:`BindingWindowConfig`),
``run`` (one network per seed through the runtime session,
:mod:`neuromem.session`), ``analysis`` (the binding measures and
:func:`binding_half_width_ms`), ``results`` (:class:`BindingWindowResults`,
whose ``save`` / ``load`` own ``metrics.json``) and ``cli`` (the options and
``main`` of ``neuromem run binding-window``).
"""

from neuromem.experiments.binding_window.analysis import PER_OFFSET, binding_half_width_ms, binding_measures
from neuromem.experiments.binding_window.cli import (
    DESCRIPTION,
    ENCODES,
    EXAMPLE,
    HELP,
    add_arguments,
    check_args,
    config_from_args,
    main,
    make_figures,
    results_exist,
)
from neuromem.experiments.binding_window.config import DEFAULT_OFFSETS_MS, BindingWindowConfig
from neuromem.experiments.binding_window.results import FIGURE_FILE, METRICS_FILE, BindingWindowResults
from neuromem.experiments.binding_window.run import run_binding_window, run_cell, run_seed, stimulus_windows

__all__ = ["DEFAULT_OFFSETS_MS", "DESCRIPTION", "ENCODES", "EXAMPLE", "FIGURE_FILE", "HELP", "METRICS_FILE",
           "PER_OFFSET", "BindingWindowConfig", "BindingWindowResults", "add_arguments", "binding_half_width_ms",
           "binding_measures", "check_args", "config_from_args", "main", "make_figures", "results_exist",
           "run_binding_window", "run_cell", "run_seed", "stimulus_windows", "CONFIG"]

#: The options' dataclass (the fields ``neuromem sweep --grid`` may set).
CONFIG = BindingWindowConfig
#: The metric of a sweep's figure by default (``neuromem sweep --metric`` picks another).
SWEEP_METRIC = "binding_index"
