"""Multimodal engram formation and recall.

For each concept, its picture latent and name latent (and spoken-name latent,
when the latent space has one) are presented together for ``presentations``
trials with learning on; each presentation uses a different train-split
picture and cycles through the concept's train name forms. Presentations come
in rounds (every concept once per round, in a seeded random order). Then,
with learning off, held-out pictures, held-out written names (and held-out
spoken names) are presented alone and the concept neurons' responses are
analysed (:mod:`neuromem.analysis`).

Recall runs two ways from the same concept spikes: through the network's own
dynamics (the learned feedback synapses drive LIF readout populations of the
target modality, whose spikes are decoded, :mod:`neuromem.readout`) and
offline (the concept counts weight the feedback matrix, ``counts @ w_fb``,
decoded the same way: the reference the network readout is compared with).

References and controls, on the same latents, engine, initial weights and
test stimuli: non-spiking nearest-prototype classifiers for each cue modality
(from the same K pictures, or the train name / spoken forms), the same for the
frozen backbone's features without the fitted head (when given), chance
(1 / n_concepts, with its binomial 95 % interval for the control's number of
trials), an untrained network (recall through the same synapses: its feedback
weights hold their random initial values), shuffled picture/name pairings
during learning (every presentation gets the name of a random concept), and
asynchronous presentation: picture and words inside one trial, the words
``asynchronous_offset_ms`` after the picture's onset (beyond the measured
binding window, :mod:`neuromem.experiments.binding_window`), nothing reset in
between. Its binding measures (``invariance_index``, ``binding_index``) are
the metrics that can fail: binding at that offset would show in them.

Seeds: 0-2 are tuning seeds, 3-7 report seeds (the CLI default); over several
seeds ``metrics.json`` holds the mean of every number with its 95 %
t-interval half-width under ``<metric>_ci95`` and each seed's own results in
``seed_<S>/``.

Metrics (``metrics.json``)
--------------------------
``<cue>_to_<target>_recall_at_1``
    Offline recall@1 (``picture_to_name_recall_at_1``,
    ``name_to_picture_recall_at_1``, ``spoken_to_name_recall_at_1``,
    ``spoken_to_picture_recall_at_1``): concept counts times the learned
    feedback weights, decoded (see :mod:`neuromem.analysis.recall`), for
    held-out pictures / held-out name forms.
``<cue>_to_<target>_network_recall_at_1``
    The same through the network: decoded from the spikes of the target
    modality's readout population (:mod:`neuromem.readout`);
    ``<cue>_to_<target>_network_silent_fraction``: cue trials on which that
    population did not fire.
``<cue>_cue_no_response_fraction``
    Cue trials on which no concept neuron fired in the stimulus window.
``spontaneous_rate_hz``
    Mean concept-neuron rate in the blank trials (background input only).
``binding_index`` (picture vs written name), ``binding_index_spoken``
    Overlap of the concept neurons driven by a concept's pictures and by its
    names (:func:`neuromem.analysis.binding_index`), in [0, 1].
``frozen_backbone_prototype_recall_at_1``
    Nearest-prototype classifier from the same K pictures on the frozen
    backbone features (no fitted head), when the features are given.
``nearest_prototype_reference_recall_at_1``
    K-shot nearest-prototype reference: each held-out picture's nearest
    prototype among the means of the K presented pictures, on the same
    latents; ``nearest_prototype_reference_name_recall_at_1``
    (``..._spoken_...``) the same for word cues against the presented forms
    (:func:`neuromem.analysis.nearest_prototype_reference`).
``no_binder_lookup_recall_at_1``
    What the encoder alone gives: each held-out picture's nearest NAME
    prototype (presented forms) in the shared latent space, no network
    (:func:`neuromem.analysis.no_binder_lookup`).
``chance_recall_at_1``
    ``1 / n_concepts``.
Concept-cell metrics
    ``population_sparseness``, ``lifetime_sparseness``, ``concepts_with_engram``,
    ``invariance_index`` (picture vs written name), ``invariance_index_spoken``
    (picture vs spoken name), ``n_responsive_neurons``,
    ``concepts_per_responsive_neuron`` (fractions answering 1, 2, ... concepts).
    See :mod:`neuromem.analysis.responses`; ``criterion`` holds the thresholds
    used and ``criterion_sensitivity`` the same metrics for other thresholds
    (``criterion_sensitivity_n_responsive_change``: ``(max - min) / max`` of
    the responsive-neuron counts across that table).
``invariance_index_by_sd``
    ``invariance_index`` with the criterion at 3, 5 and 7 blank-trial SDs:
    ``{"3": .., "5": .., "7": ..}``.
``neurons_per_concept_mean``, ``concepts_per_neuron_histogram``
    Neurons responsive to a concept (any cue modality), mean over concepts;
    fractions of responsive neurons answering 1, 2, 3, 4, 5, 6+ concepts,
    next to ``human_concepts_per_responsive_neuron`` (the same six bins,
    :data:`neuromem.analysis.HUMAN_CONCEPTS_PER_NEURON`; the human
    screening showed ~94 concepts, so compare at that count).
``blank_trial_answer_fraction``, ``blank_max_rate_hz``
    Blank trials in which some concept neuron passes the single-trial
    criterion; the highest single-neuron rate in blank trials
    (:mod:`neuromem.analysis.distributed`; None with ``blank_trials_note``
    below 3 blank trials).
``blank_isi_cv``
    Median CV of inter-spike intervals over neurons with >= 10 spikes in one
    continuous blank period of the trained network (``blank_period_ms``,
    20 s); None, with ``blank_isi_cv_note`` saying why, when no neuron has 10
    spikes; ``blank_isi_cv_n_neurons``, ``blank_period_max_rate_hz``.
``controls``
    ``untrained``, ``shuffled_pairing``, ``asynchronous``: the same metrics
    (on at most ``control_test_pictures_per_concept`` pictures per concept;
    ``n_control_test_trials``), next to ``chance_recall_at_1_interval95``.
``test_engine``
    Only when ``EngramConfig.test_engine`` is set: the engine of the frozen
    test runs (learning ran on ``engine``; ``torch-batched`` runs every test
    cue of a phase side by side, with numba's counts).
``timings_s``
    Wall-clock seconds per phase (the first standalone run includes the build;
    ``test_s`` includes the readout populations).

The package is split by job: ``config`` (:class:`EngramConfig`, the options
the CLI, tests and TOML files share), ``run`` (learning, test and controls
through the runtime session, :mod:`neuromem.session`, on trials of
:mod:`neuromem.protocols`), ``analysis`` (every metric from the test
responses, and the non-spiking references), ``results``
(:class:`EngramResults`, whose ``save`` / ``load`` own the file schema) and
``cli`` (the options and ``main`` of ``neuromem run engram-formation``).
Figures are drawn by :mod:`neuromem.viz.engram` from the results object.

With a concept split (``--fit-concepts``) the metrics also hold
``fit_concepts`` and ``novel_concepts`` (lists of names); every other metric
then refers to the novel concepts, the only ones learned and tested.
"""


from neuromem.experiments.engram_formation.cli import (
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
from neuromem.experiments.engram_formation.config import CONTROLS, EngramConfig
from neuromem.experiments.engram_formation.results import METRICS_FILE, RESULTS_FILE, EngramResults
from neuromem.experiments.engram_formation.run import demo, run, run_cell, run_engram_formation

__all__ = ["CONTROLS", "DESCRIPTION", "ENCODES", "EXAMPLE", "HELP", "METRICS_FILE", "RESULTS_FILE", "EngramConfig",
           "EngramResults", "CONFIG", "add_arguments", "check_args", "config_from_args", "demo", "main",
           "make_figures", "results_exist", "run", "run_cell", "run_engram_formation"]

#: The options' dataclass (the fields ``neuromem sweep --grid`` may set).
CONFIG = EngramConfig
#: The metric of a sweep's figure by default (``neuromem sweep --metric`` picks another).
SWEEP_METRIC = "picture_to_name_recall_at_1"
