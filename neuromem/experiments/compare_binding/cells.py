"""One cell of the comparison: one binder, seed, condition and K (or capacity set) -> tidy rows.

Every binder of a cell gets the same presentations and test cues (their
seeds depend on the seed, experiment and K, never on the binder), so
differences between binders are differences of the learning rule.
"""

from __future__ import annotations

import hashlib
import time

import numpy as np

from neuromem.binding import hash_presentations, make_binder
from neuromem.experiments.compare_binding.config import MODALITIES
from neuromem.experiments.compare_binding.measures import (
    cost_metrics,
    latency_metrics,
    recall_metrics,
)
from neuromem.experiments.compare_binding.protocol import (
    build_presentations,
    choose_test_cues,
    prototypes,
    reference_latents,
)
from neuromem.experiments.compare_binding.results import CellLabels
from neuromem.experiments.compare_binding.seeds import CellSeeds

__all__ = ["REFERENCES", "capacity_limit", "hash_cues", "make_cell_binder", "make_cell_learner", "reference_rows",
           "run_shots_cell"]


def make_cell_binder(name, space, n_units, seeds: CellSeeds, binder_options: dict, *, reference_space=None):
    """The binder ``name`` of one cell: bound modalities, size, seed, reference latents, options.

    The reference latents (the binder's input statistics) are ``reference_space``'s train latents, by default
    ``space``'s own.
    """
    return make_binder(name, modalities=MODALITIES, latent_dim=space.latent_dim, n_units=int(n_units),
                       seed=seeds.binder(name), reference=reference_latents(reference_space or space),
                       **(binder_options.get(name, {})))


def make_cell_learner(name, space, n_units, seeds: CellSeeds, binder_options: dict, *, reference_space=None):
    """:func:`make_cell_binder`, or a :class:`~neuromem.experiments.compare_binding.reference_learners.ReferenceLearner`
    for a reference name (:data:`~neuromem.experiments.compare_binding.reference_learners.REFERENCE_LEARNERS`)."""
    from neuromem.experiments.compare_binding.reference_learners import REFERENCE_LEARNERS, ReferenceLearner

    if name in REFERENCE_LEARNERS:
        return ReferenceLearner(name, MODALITIES, space.latent_dim)
    return make_cell_binder(name, space, n_units, seeds, binder_options, reference_space=reference_space)


def capacity_limit(name):
    """The capacity limit a binder declares (:class:`~neuromem.binding.traits.CapacityLimit`); None for a
    reference or a binder without one."""
    from neuromem.binding import binder_traits
    from neuromem.experiments.compare_binding.reference_learners import REFERENCE_LEARNERS

    return None if name in REFERENCE_LEARNERS else binder_traits(name).capacity


def _engine(b) -> str:
    return getattr(b, "engine_name", "") or ""


def hash_cues(space, cues) -> str:
    """SHA-256 (16 hex characters) of the cue indices and their latents."""
    h = hashlib.sha256()
    for m in sorted(cues):
        h.update(np.asarray(cues[m], dtype=np.int64).tobytes())
        h.update(np.ascontiguousarray(space[m].latents[cues[m]]).tobytes())
    return h.hexdigest()[:16]


def _cues(space, seeds: CellSeeds, grid) -> dict:
    return choose_test_cues(space, seeds.test_cues(), per_concept=grid.test_per_concept,
                            word_repeats=grid.word_repeats)


def run_shots_cell(name, space, K, seed, *, dataset, condition, grid, binder_options, received=None) -> list[dict]:
    """Shots (+ cost and latency at every K) for one binder: tidy rows.

    ``received``, when given, gets ``(name, condition, K, seed) -> (presentations hash, cues hash)``.
    """
    seeds = CellSeeds(seed)
    pres, chosen = build_presentations(space, K, seeds.presentations("shots", K), MODALITIES)
    cues = _cues(space, seeds, grid)
    protos = prototypes(space, chosen)
    b = make_cell_binder(name, space, grid.n_units, seeds, binder_options)
    t0 = time.perf_counter()
    b.learn(pres)
    learn_s = time.perf_counter() - t0
    b.cost.counts["recall"] = {}
    t0 = time.perf_counter()
    rec = recall_metrics(b, space, cues, protos, seeds.guesses("shots"))
    recall_s = time.perf_counter() - t0
    n_cues = len(cues["picture"]) + len(cues["name"])
    cost = cost_metrics(b, len(pres), n_cues, learn_s, recall_s)  # before any further cue runs
    cost.update({f"recall/{m}": v for m, v in latency_metrics(b, space, cues, protos).items()})
    if received is not None:
        received[(name, condition, K, seed)] = (hash_presentations(pres), hash_cues(space, cues))
    labels = CellLabels(dataset=dataset, binder=name, engine=_engine(b), condition=condition, k=K,
                        n_units=grid.n_units, n_concepts=len(space.concepts), seed=seed)
    rows = labels.rows("shots", "recall", rec)
    for m, v in cost.items():
        phase, metric = m.split("/", 1)
        rows.append(labels.row("cost", phase, metric, v))
    rows.append(labels.row("shots", "learn", "presentations_hash", hash_presentations(pres)))
    return rows


#: The rows every shots cell is shown beside (binder column of ``results.csv``), not binders.
REFERENCES = ("no_binder_lookup", "nearest_prototype_reference", "chance")


def reference_rows(space, K, seed, *, dataset, condition, grid) -> list[dict]:
    """The two references (:mod:`neuromem.analysis.references`) and chance on the same presentations and cues.

    ``no_binder_lookup``: the cue's nearest TARGET-modality prototype (what the
    encoder alone gives); ``nearest_prototype_reference``: the cue's nearest
    CUE-modality prototype (K-shot). Both from what was presented only.
    """
    from neuromem.analysis.references import nearest_prototype_reference, no_binder_lookup

    seeds = CellSeeds(seed)
    _, chosen = build_presentations(space, K, seeds.presentations("shots", K), MODALITIES)
    cues = _cues(space, seeds, grid)
    protos = prototypes(space, chosen)
    n_c = len(space.concepts)
    vals = {}
    for cue, target in (("picture", "name"), ("name", "picture")):
        z, y = space[cue].latents[cues[cue]], space[cue].labels[cues[cue]]
        metric = f"{cue}_to_{target}_recall_at_1"
        vals[("no_binder_lookup", metric)] = float(np.mean(no_binder_lookup(z, protos[target]) == y))
        vals[("nearest_prototype_reference", metric)] = float(np.mean(nearest_prototype_reference(z, protos[cue])
                                                                      == y))
        vals[("chance", metric)] = 1.0 / n_c
    return [CellLabels(dataset=dataset, binder=b, condition=condition, k=K, n_units=0, n_concepts=n_c,
                       seed=seed).row("shots", "recall", m, v) for (b, m), v in vals.items()]
