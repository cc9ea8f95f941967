"""The capacity experiment: integer bisection of the number of one-shot synthetic concepts a binder recalls.

For one binder of size N and one seed, :func:`neuromem.analysis.bisect_capacity`
(the function the concept-cell experiment uses too; galloping from 1, then
bisecting) finds the largest number of synthetic concepts ``n`` in ``1..16 N``
whose picture -> name recall@1 after one presentation each reaches
:data:`CAPACITY_RECALL` (one concept passes by definition, chance being 1, so
the sets tested start at 2); ``16 N`` passing is recorded as a lower bound. A
binder declaring that it refuses more than ``L`` concepts
(:class:`~neuromem.binding.traits.CapacityLimit` with ``refuses_more``) is
searched up to ``L`` only; every binder with a declared limit gets
``declared_limit`` and ``at_declared_limit`` (1 when the capacity found
reaches it: a limit set by construction, not measured). ``n_plastic`` counts
every stored number of the binder holding ``capacity`` concepts (a binder that
keeps what it was shown, e.g. ``contrastive``, grows with ``n``) and
``bits_per_parameter = n log2 n / n_plastic``, to be read against the
Hopfield (0.138 bits per synapse) and Willshaw (ln 2) references
(:data:`BITS_REFERENCES`). The two references (``no_binder_lookup``,
``nearest_prototype_reference``) run the same search as learners
(:mod:`~neuromem.experiments.compare_binding.reference_learners`).
"""

from __future__ import annotations

import math

import numpy as np

from neuromem.experiments.compare_binding.config import MODALITIES
from neuromem.experiments.compare_binding.protocol import build_presentations, prototypes, within_between
from neuromem.experiments.compare_binding.results import CellLabels
from neuromem.experiments.compare_binding.seeds import CellSeeds
from neuromem.experiments.compare_binding.synthetic import synthetic_concepts

__all__ = ["BITS_REFERENCES", "CAPACITY_RECALL", "CAPACITY_VERSION", "REFERENCE_CONCEPTS", "bits_per_parameter",
           "recall_one_set", "run_capacity_cell", "store_one_set"]

#: Recall@1 a stored set must reach to count towards capacity.
CAPACITY_RECALL = 0.9
#: Concepts of the independent synthetic set whose train latents are every capacity binder's reference
#: statistics (the stored set's own train items are too few at small n: two points give a per-dimension
#: standard deviation near zero in some dimensions, which then dominate a standardised cue).
REFERENCE_CONCEPTS = 100
#: Part of a capacity cell's key: 2 = reference statistics from the independent set.
CAPACITY_VERSION = 2
#: Bits per plastic synapse of the classic associative memories.
BITS_REFERENCES = {"hopfield_0.138": 0.138, "willshaw_ln2": math.log(2)}


def bits_per_parameter(capacity: float, n_plastic: float) -> float:
    """``n log2 n / n_plastic`` for a capacity ``n`` (0 for ``n <= 1``)."""
    return capacity * math.log2(capacity) / n_plastic if capacity > 1 else 0.0


def store_one_set(name, n_units, n_concepts, ratio, latent_dim, seed, binder_options) -> tuple:
    """``(learner, space, held-out picture indices, their picture -> name answers)`` of one synthetic set.

    The set, presentations, cues and the binder's seeds come from the cell
    seeds of ``seed`` (every learner of one seed sees the same set); the
    binder's reference statistics come from an independent synthetic set of
    :data:`REFERENCE_CONCEPTS` concepts of the same distribution, the same
    for every size. A set larger than a limit the binder declares it refuses
    (:class:`~neuromem.binding.traits.CapacityLimit` ``refuses_more``) is not
    learned: indices and answers ``None``.
    """
    from neuromem.experiments.compare_binding.cells import capacity_limit, make_cell_learner

    seeds = CellSeeds(seed)
    space = synthetic_concepts(n_concepts, latent_dim, ratio, seed=seeds.synthetic(n_concepts))
    reference = synthetic_concepts(REFERENCE_CONCEPTS, latent_dim, ratio, seed=seeds.synthetic_reference())
    b = make_cell_learner(name, space, n_units, seeds, binder_options, reference_space=reference)
    limit = capacity_limit(name)
    if limit is not None and limit.refuses_more and n_concepts > limit.max_concepts(n_units):
        return b, space, None, None
    pres, chosen = build_presentations(space, 1, seeds.capacity_presentations(), MODALITIES)
    b.learn(pres)
    ix = np.nonzero(space["picture"].split == "heldout")[0]
    rng = np.random.default_rng(seeds.guesses("capacity")["picture"])
    pred, _ = b.predict("picture", space["picture"].latents[ix], "name", prototypes(space, chosen)["name"], rng=rng)
    return b, space, ix, pred


def recall_one_set(name, n_units, n_concepts, ratio, latent_dim, seed, binder_options) -> tuple:
    """(recall@1, n_plastic, engine, within/between ratio) of one synthetic set stored one-shot
    (:func:`store_one_set`; a refused set: recall NaN)."""
    b, space, ix, pred = store_one_set(name, n_units, n_concepts, ratio, latent_dim, seed, binder_options)
    engine = getattr(b, "engine_name", "") or ""
    if ix is None:
        return float("nan"), float(b.n_plastic), engine, float("nan")
    ratio_seen = within_between(space) if n_concepts > 1 else float("nan")
    return float(np.mean(pred == space["picture"].labels[ix])), float(b.n_plastic), engine, ratio_seen


def run_capacity_cell(name, n_units, ratio, latent_dim, seed, *, dataset, grid, binder_options) -> list[dict]:
    """Capacity of one binder of size ``n_units`` on one seed: a row per tested set and the bisection's result.

    Rows of phase ``recall`` (``n_concepts`` = the tested set's size):
    ``picture_to_name_recall_at_1``, ``n_plastic``, ``within_between_ratio``;
    rows of phase ``bisection`` (``n_concepts`` = 0): ``capacity``,
    ``capacity_is_lower_bound``, ``searched_up_to``, ``declared_limit`` (NaN
    without one), ``at_declared_limit``, ``n_plastic`` and ``bits_per_parameter``.
    """
    from neuromem.analysis import bisect_capacity
    from neuromem.experiments.compare_binding.cells import capacity_limit

    limit = capacity_limit(name)
    declared = limit.max_concepts(n_units) if limit is not None else None
    top = grid.capacity_max_per_unit * int(n_units)
    hi = min(top, declared) if limit is not None and limit.refuses_more else top
    sets: dict[int, tuple] = {}

    def score(n: int) -> float:
        if n not in sets:
            sets[n] = recall_one_set(name, n_units, n, ratio, latent_dim, seed, binder_options)
        return sets[n][0]

    # one concept is recalled by definition (chance is 1), so the search tests 2 .. hi; 2 failing gives 1
    res = bisect_capacity(score, min(2, hi), hi, threshold=CAPACITY_RECALL, gallop=True)
    engine = next(iter(sets.values()))[2]
    rows = []
    for n, (recall, n_plastic, _, ratio_seen) in sorted(sets.items()):
        rows += CellLabels(dataset=dataset, binder=name, engine=engine, condition="synthetic", k=1, n_units=n_units,
                           n_concepts=n, seed=seed).rows("capacity", "recall", {
            "picture_to_name_recall_at_1": recall, "n_plastic": n_plastic, "within_between_ratio": ratio_seen})
    cap = res.capacity
    n_plastic = sets[cap][1] if cap in sets else sets[min(sets)][1]
    vals = {"capacity": float(cap), "capacity_is_lower_bound": float(res.is_lower_bound and hi == top),
            "searched_up_to": float(hi), "declared_limit": float("nan") if declared is None else float(declared),
            "at_declared_limit": float(declared is not None and cap >= declared), "n_plastic": n_plastic,
            "bits_per_parameter": bits_per_parameter(cap, n_plastic)}
    return rows + CellLabels(dataset=dataset, binder=name, engine=engine, condition="synthetic", k=1,
                             n_units=n_units, n_concepts=0, seed=seed).rows("capacity", "bisection", vals)
