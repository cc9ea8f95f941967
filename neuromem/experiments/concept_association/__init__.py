"""Association by pairing: concept cells of A come to answer B after A and B are shown together.

Human concept cells that answered a person start answering a place after the
two were shown together a few times, sometimes after one pairing (Ison,
Quian Quiroga & Fried 2015, Neuron 87:220). Here, per seed, ``4 * n_pairs``
concepts of an encoded dataset are learned one by one through the runtime
session (picture and written name together, K presentations); then, for
1, 2, ... ``max_pairings`` rounds, each pair (A, B) is shown as A's picture
with B's written name in one stimulus window (B's name ``name_onset_ms``
later), while each control pair (C, D) is shown apart (C's picture alone, D's
name alone: the same exposure, no co-occurrence), the adaptive threshold
recovering with ``pairing_tau_theta_ms`` during these trials; every concept is tested
alone (held-out pictures and written names, blank trials as baseline, one
fixed test drive) before pairing and after each round
(:mod:`~neuromem.experiments.concept_association.protocol`). A neuron
answers a concept when it passes the response criterion for the concept's
pictures or its names. A distributed preset (``human-mtl``) is needed: with
one neuron per concept no neuron can answer two concepts.

Metrics (``metrics.json``)
--------------------------
Each list is indexed by pairing count 0 .. ``max_pairings``: seed means with
``<key>_ci95`` lists (95 % t-interval half-widths) beside them, every seed's
values under ``seed_<S>``.

``paired_response_fraction``
    Of the neurons answering A and not B before pairing, the fraction answering B
    (0 at count 0 by construction); ``paired_response_fraction_reverse``: B's neurons answering A.
``control_response_fraction``
    The same for the control pairs; ``paired_minus_control`` the per-seed difference.
``own_response_retained``
    Of A's neurons before pairing (A: the concept whose picture is paired), the
    fraction still answering A; ``own_response_retained_b`` the same for B's
    neurons, ``own_response_retained_control`` for both control concepts.
``shared_fraction``
    Gastaldi et al.'s ``c`` of the two engrams (``|A & B| / |A|``, both orders
    averaged; ``control_shared_fraction`` for the control pairs), next to
    ``shared_fraction_band`` (:func:`neuromem.analysis.association.gastaldi_band`
    for the measured sparseness ``gamma``, the mean fraction of neurons
    answering one concept before pairing: chance ``gamma``, minimum chance + 2 sd
    of the finite-size overlap, maximum 1/2 (a stated rule, not their mean-field
    value), and their fit carried to this ``gamma``).
``cued_recall_a_to_b``
    Of A's picture cues, the fraction whose pattern completed through the learned
    feedback onto the name population has B's name nearest, or second after A's
    (``cued_recall_control`` for C -> D; the no-binder lookup and the
    nearest-prototype reference of the same rank measure on the latents,
    constant over pairings, as ``cued_recall_a_to_b_no_binder_lookup`` and
    ``cued_recall_a_to_b_nearest_prototype_reference``).
``ab_distinguishable``
    Leave-one-out nearest-centroid decoding of A's against B's test trials from
    the population counts (0.5 chance; ``control_distinguishable``).

Besides: ``concepts_per_neuron_histogram_before`` / ``_after`` (pooled over
seeds), ``gamma``, ``raster`` (one neuron's spikes to A, B and a control before
and after pairing), ``targets``. The package is split by job: ``config``,
``protocol``, ``measures`` (one test), ``run`` (one seed), ``summary`` (seeds,
targets), ``experiment`` (every seed, files), ``results`` and ``cli``.
"""

from neuromem.experiments.concept_association.cli import (
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
from neuromem.experiments.concept_association.config import AssociationConfig
from neuromem.experiments.concept_association.results import FIGURE_FILES, METRICS_FILE, AssociationResults

__all__ = ["DESCRIPTION", "ENCODES", "EXAMPLE", "FIGURE_FILES", "HELP", "METRICS_FILE", "AssociationConfig",
           "AssociationResults", "add_arguments", "check_args", "config_from_args", "main", "make_figures",
           "results_exist"]
