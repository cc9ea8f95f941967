"""Novelty-gated learning, measured: does the decoder's match error (with the network's response) tell new concepts?

Per seed the encoders (picture head, decoder) are fitted on the *known*
concepts of a concept split only, and the concept layer learns those
concepts (``learn``'s engram formation, :func:`neuromem.store.learning.form_engrams`).
Every held-out picture is then scored three ways (:mod:`neuromem.analysis.novelty`):
its log match error, minus the network's response (spikes of the engram that
answers the picture alone) and the calibrated combination the store's gate
uses. Half of the known concepts' held-out pictures calibrate the gate; the
other half and every held-out picture of the new concepts are evaluated.

Metrics (``metrics.json``; seed means with ``_ci95``, ``per_seed``)
--------------------------------------------------------------------
``novelty_auc_match_error``, ``novelty_auc_network``, ``novelty_auc_combined``
    ROC AUC for "new concept" vs "known concept".
``wrong_recall_auc``
    AUC of the match error for the network answering a known picture with
    the wrong concept (None for a seed where it never or always does).
``gate_decision_accuracy``
    Share of evaluated pictures the gate decides rightly (new vs familiar);
    with ``gate_new_recall`` and ``gate_known_false_new``.
``network_recall_known``, ``nearest_prototype_recall_known``
    The network's answer on known pictures next to the nearest-prototype
    reference on the same latents.

``memory_add`` measures the same gate through ``memory add``'s decision on a
held-out folder (:func:`~neuromem.experiments.novelty_gate.memory_add.memory_add_decisions`).
"""

from neuromem.experiments.novelty_gate.cli import (
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
from neuromem.experiments.novelty_gate.config import MATCH_WEIGHT_GRID, NoveltyConfig
from neuromem.experiments.novelty_gate.results import FIGURE_FILE, METRICS_FILE, NoveltyResults
from neuromem.experiments.novelty_gate.run import PER_SEED_KEYS, run_novelty, run_seed, seed_metrics

__all__ = ["DESCRIPTION", "ENCODES", "EXAMPLE", "FIGURE_FILE", "HELP", "MATCH_WEIGHT_GRID", "METRICS_FILE",
           "NoveltyConfig", "NoveltyResults", "PER_SEED_KEYS", "add_arguments", "check_args", "config_from_args",
           "main", "make_figures", "results_exist", "run_novelty", "run_seed", "seed_metrics"]
