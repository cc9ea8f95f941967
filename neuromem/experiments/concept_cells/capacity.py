"""Capacity: the most concepts a learner of N units stores one-shot at picture -> name recall@1 >= 0.9.

The sets are the comparison's synthetic capacity sets
(:func:`neuromem.experiments.compare_binding.synthetic_concepts`: Gaussian
concept clusters, pictures and names independent views) with the real
pictures' within / between distance ratio
(:data:`~neuromem.experiments.concept_cells.synthetic.PICTURE_RATIO`); every
concept is presented once (picture and name together) and tested with its 4
held-out pictures. Every learner of one seed sees the same sets, presentations
and cues (the comparison's cell seeds), and one function runs every learner
(:func:`neuromem.experiments.compare_binding.capacity.recall_one_set`): the spiking
layer is the ``stdp`` binder on the experiment's preset with N concept
neurons, beside the ``hopfield`` and ``softmax`` binders with N units. The
capacity is found by :func:`neuromem.analysis.bisect_capacity` between N/2 and
16N (16N passing: a lower bound); when N/2 already fails, a second bisection
between 2 and N/2 - 1 can say where it lies (``capacity_below_half_n``). The nearest-prototype reference
(one presented picture per concept) is recorded at every tested size.
"""

from __future__ import annotations

import numpy as np

from neuromem.analysis import bisect_capacity, nearest_prototype_reference, recall_at_1
from neuromem.experiments.compare_binding.capacity import recall_one_set
from neuromem.experiments.compare_binding.config import MODALITIES
from neuromem.experiments.compare_binding.protocol import build_presentations, prototypes
from neuromem.experiments.compare_binding.seeds import CellSeeds
from neuromem.experiments.compare_binding.synthetic import synthetic_concepts
from neuromem.experiments.concept_cells.synthetic import LATENT_DIM, PICTURE_RATIO

__all__ = ["capacity_of", "capacity_reference", "capacity_seed", "recall_one_shot"]

RECALL = "picture_to_name_recall_at_1"


def recall_one_shot(binder: str, n_units: int, n_concepts: int, seed: int, binder_options: dict) -> float:
    """Picture -> name recall@1 of ``binder`` after storing ``n_concepts`` synthetic concepts one-shot.

    A set the binder declares it cannot represent (more concepts than its
    units hold, :class:`~neuromem.binding.traits.CapacityLimit`) scores 0.
    """
    recall = recall_one_set(binder, int(n_units), int(n_concepts), PICTURE_RATIO, LATENT_DIM, int(seed),
                            binder_options)[0]
    return 0.0 if np.isnan(recall) else recall


def capacity_reference(n_concepts: int, seed: int) -> float:
    """Nearest-prototype recall@1 (the one presented picture per concept) on the set a learner of ``seed`` sees."""
    seeds = CellSeeds(int(seed))
    space = synthetic_concepts(int(n_concepts), LATENT_DIM, PICTURE_RATIO, seed=seeds.synthetic(int(n_concepts)))
    _, chosen = build_presentations(space, 1, seeds.capacity_presentations(), MODALITIES)
    cues = np.nonzero(space["picture"].split == "heldout")[0]
    z, y = space["picture"].latents[cues], space["picture"].labels[cues]
    return recall_at_1(nearest_prototype_reference(z, prototypes(space, chosen)["picture"]), y)


def capacity_of(score, n_units: int, *, below: bool = True) -> dict:
    """Capacity by :func:`~neuromem.analysis.bisect_capacity` between N/2 and 16N (then, with ``below``, below N/2).

    Parameters
    ----------
    score : callable int -> float
        Recall@1 after storing ``n`` concepts.
    n_units : int
        N, >= 4.
    below : bool
        When N/2 fails, bisect again between 2 and N/2 - 1; otherwise the capacity is recorded as N/2 - 1
        (an upper bound).

    Returns
    -------
    dict
        ``capacity_concepts`` (the located capacity), ``capacity_is_lower_bound``
        (16N passed), ``capacity_below_half_n`` (N/2 failed: the value comes
        from the bisection in [2, N/2 - 1], or is N/2 - 1 as an upper bound
        without ``below``), ``recall_by_n`` (every tested size).
    """
    n = int(n_units)
    res = bisect_capacity(score, n // 2, 16 * n)
    scores = dict(res.scores)
    cap = res.capacity
    if res.is_upper_bound and below:
        lower = bisect_capacity(score, 2, n // 2 - 1)
        scores.update(lower.scores)
        cap = lower.capacity
    return {"capacity_concepts": int(cap), "capacity_is_lower_bound": bool(res.is_lower_bound),
            "capacity_below_half_n": bool(res.is_upper_bound),
            "recall_by_n": {str(k): float(v) for k, v in sorted(scores.items())}}


def capacity_seed(seed: int, n_units: int, *, preset: str, engine: str = "numba", overrides: dict | None = None,
                  binders=("hopfield", "softmax"), below: bool = False) -> dict:
    """Capacities of the spiking layer (``spiking``) and of every binder of ``binders`` for one seed.

    Parameters
    ----------
    seed : int
        Root of the comparison's cell seeds (sets, presentations, cues, initial weights).
    n_units : int
        N: concept neurons of the spiking layer, units of every binder.
    preset, engine : str
        The spiking layer's network preset and engine.
    overrides : dict, optional
        Preset section overrides of the spiking layer.
    binders : tuple of str
        Registered binders measured beside it.
    below : bool
        Locate a spiking capacity below N/2 (see :func:`capacity_of`).

    Returns
    -------
    dict learner -> :func:`capacity_of` result; ``reference_recall_by_n``: the
    nearest-prototype reference at every size any learner tested, and
    ``reference_min_recall`` (its smallest value: the sets stay learnable when >= 0.95).
    """
    opts = {"stdp": {"preset": preset, "engine": engine, "spec_overrides": dict(overrides or {})}}
    out = {"spiking": capacity_of(lambda n: recall_one_shot("stdp", n_units, n, seed, opts), n_units, below=below)}
    for b in binders:
        out[b] = capacity_of(lambda n, b=b: recall_one_shot(b, n_units, n, seed, {}), n_units)
    sizes = sorted({int(k) for r in out.values() for k in r["recall_by_n"]})
    ref = {str(n): capacity_reference(n, seed) for n in sizes}
    out["reference_recall_by_n"] = ref
    out["reference_min_recall"] = float(min(ref.values()))
    return out
