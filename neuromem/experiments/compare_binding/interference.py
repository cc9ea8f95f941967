"""The interference experiment: two groups of concepts that must share the binder's units, learned in turn.

Each group holds ``ceil(0.75 N)`` synthetic concepts (N = the binders' size
``n_units``; together 1.5 N, more than any binder has units, so the second
group can only be stored on units the first one uses), with the distance
ratio of the capacity sets (the fitted concepts' held-out pictures) and K =
``interference_k`` presentations per concept. A binder learns group 1, then
group 2 (no replay); ``retention`` = picture -> name recall@1 of group 1 after
/ before group 2, and ``recall_second_group_after`` says what the second
group got. Backprop binders also run the replay baseline (a fresh binder:
group 1, then group 2 interleaved with every group-1 presentation again):
``retention_with_replay`` and its recalls. A binder that declares it refuses
more concepts than its units (one softmax unit per concept) cannot hold both
groups: recorded as ``not_representable`` (by construction, not measured).
The two references run the same protocol as learners
(:mod:`~neuromem.experiments.compare_binding.reference_learners`): the
nearest-prototype reference overwrites nothing, so what it loses of group 1
is competition from group 2's prototypes, not forgetting.
"""

from __future__ import annotations

import math

import numpy as np

from neuromem.experiments.compare_binding.config import MODALITIES
from neuromem.experiments.compare_binding.measures import recall_metrics
from neuromem.experiments.compare_binding.protocol import build_presentations, choose_test_cues, prototypes
from neuromem.experiments.compare_binding.results import CellLabels
from neuromem.experiments.compare_binding.seeds import CellSeeds
from neuromem.experiments.compare_binding.synthetic import synthetic_concepts

__all__ = ["GROUP_FRACTION", "group_size", "run_interference_cell"]

#: Concepts per group as a fraction of the binder size N.
GROUP_FRACTION = 0.75
_RECALL = "picture_to_name_recall_at_1"


def group_size(n_units: int) -> int:
    """Concepts per group: ``ceil(0.75 N)``."""
    return max(1, math.ceil(GROUP_FRACTION * int(n_units)))


def _recalls(b, space, cues, protos, guesses, groups) -> list[float]:
    return [recall_metrics(b, space, {m: ix[np.isin(space[m].labels[ix], g)] for m, ix in cues.items()}, protos,
                           guesses)[_RECALL] for g in groups]


def run_interference_cell(name, n_units, ratio, latent_dim, seed, *, dataset, grid, binder_options) -> list[dict]:
    """Retention of group 1 after group 2, without and (backprop binders) with replay: tidy rows."""
    from neuromem.experiments.compare_binding.cells import capacity_limit, make_cell_learner

    K, n = grid.interference_k, group_size(n_units)
    seeds = CellSeeds(seed)
    labels = CellLabels(dataset=dataset, binder=name, condition="synthetic", k=K, n_units=int(n_units),
                        n_concepts=2 * n, seed=seed)
    limit = capacity_limit(name)
    if limit is not None and limit.refuses_more and 2 * n > limit.max_concepts(n_units):
        return labels.rows("interference", "recall", {"retention": float("nan"), "not_representable": 1.0})
    space = synthetic_concepts(2 * n, latent_dim, ratio, n_train=K, n_test=4,
                               seed=seeds.tree.child("synthetic", "interference").seed_sequence)
    pres, chosen = build_presentations(space, K, seeds.presentations("interference", K), MODALITIES)
    cues = choose_test_cues(space, seeds.test_cues(), per_concept=4, word_repeats=1)
    protos = prototypes(space, chosen)
    guesses = seeds.guesses("interference")
    ids = (np.arange(n), np.arange(n, 2 * n))
    first = [p for p in pres if p.concept < n]
    second = [p for p in pres if p.concept >= n]
    b = make_cell_learner(name, space, n_units, seeds, binder_options)
    b.learn(first)
    before = _recalls(b, space, cues, protos, guesses, ids[:1])[0]
    b.learn(second)
    after, second_after = _recalls(b, space, cues, protos, guesses, ids)
    vals = {"recall_first_group_before": before, "recall_first_group_after": after,
            "recall_second_group_after": second_after, "not_representable": 0.0,
            "retention": after / before if before > 0 else float("nan")}
    if b.family == "backprop":  # the replay baseline: group 1 presented again, interleaved with group 2
        r = make_cell_learner(name, space, n_units, seeds, binder_options)
        r.learn(first)
        order = seeds.tree.rng("training", "interference", "replay").permutation(len(first) + len(second))
        r.learn([(first + second)[i] for i in order])
        after_r, second_r = _recalls(r, space, cues, protos, guesses, ids)
        vals.update({"recall_first_group_after_with_replay": after_r, "recall_second_group_after_with_replay":
                     second_r, "retention_with_replay": after_r / before if before > 0 else float("nan")})
    from dataclasses import replace

    return replace(labels, engine=getattr(b, "engine_name", "") or "").rows("interference", "recall", vals)
