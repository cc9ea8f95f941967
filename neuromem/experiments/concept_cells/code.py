"""The many-concept condition of one seed: a trained layer's code against the human statistics.

One network of ``n_neurons`` concept neurons learns every concept of a
synthetic set (:mod:`~neuromem.experiments.concept_cells.synthetic`) from K
presentations (picture, written name and spoken name together), then,
learning off, held-out pictures, written names and spoken names are shown
alone, with blank trials as the response baseline. A neuron answers a
concept when it passes the response criterion for the concept's cues of at
least one modality (concept cells answer a concept's pictures and names
alike, Quian Quiroga et al. 2009).
"""

from __future__ import annotations

import numpy as np

from neuromem.analysis import (
    concepts_per_neuron_histogram,
    human_concepts_per_neuron_histogram,
    invariance_index,
    nearest_prototype_reference,
    neurons_per_concept_mean,
    no_binder_lookup,
    population_sparseness,
    recall_at_1,
    recall_from_counts,
    related_coresponse_ratio,
    responsive,
    total_variation,
    trial_responses,
)
from neuromem.experiments.concept_cells.config import ConceptCellsConfig
from neuromem.experiments.concept_cells.synthetic import concept_set
from neuromem.protocols import choose_training, heldout_trials, training_trials
from neuromem.seeds import SeedTree
from neuromem.session import Session

__all__ = ["MODALITIES", "code_measures", "run_code_seed", "seed_concept_set"]

MODALITIES = ("picture", "name", "spoken")


def seed_concept_set(cfg: ConceptCellsConfig, seed: int):
    """The synthetic concept set of ``seed`` (seed-tree child ``synthetic/concept_cells/#<n_concepts>``)."""
    return concept_set(cfg.n_concepts, SeedTree(seed).rng("synthetic", "concept_cells", int(cfg.n_concepts)))


def code_measures(resp: dict, trial_resp: dict, category) -> dict:
    """The code statistics of one network from its response matrices.

    Parameters
    ----------
    resp : dict modality -> ndarray of bool (n_neurons, n_concepts)
        Which neuron answers which concept through that modality's cues.
    trial_resp : dict modality -> ndarray of bool (n_trials, n_neurons)
        Single-trial responses.
    category : ndarray of int (n_concepts,)
        Concepts of one category are related.

    Returns
    -------
    dict
        ``concepts_per_neuron_counts`` (responsive neurons answering 1, 2, 3,
        4, 5, 6+ concepts: counts, for pooling), ``concepts_per_neuron_histogram``
        and ``concepts_per_neuron_tv_to_human`` (this network alone),
        ``population_sparseness``, ``related_coresponse_ratio``,
        ``neurons_per_concept_mean``, ``n_responsive_neurons``,
        ``multi_concept_fraction`` (responsive neurons answering >= 2 concepts)
        and ``invariance_index`` (picture vs written name).
    """
    union = np.logical_or.reduce([np.asarray(r, dtype=bool) for r in resp.values()])
    n_answered = union.sum(axis=1)
    n_resp = int((n_answered > 0).sum())
    hist = concepts_per_neuron_histogram(union)
    cat = np.asarray(category)
    tv = total_variation(hist, human_concepts_per_neuron_histogram()) if n_resp else float("nan")
    return {
        "concepts_per_neuron_counts": [int(round(h * n_resp)) for h in hist],
        "concepts_per_neuron_histogram": hist.tolist(),
        "concepts_per_neuron_tv_to_human": tv,
        "population_sparseness": population_sparseness(np.concatenate(list(trial_resp.values()))),
        "related_coresponse_ratio": related_coresponse_ratio(union, cat[:, None] == cat[None]),
        "neurons_per_concept_mean": neurons_per_concept_mean(union),
        "n_responsive_neurons": n_resp,
        "multi_concept_fraction": float((n_answered >= 2).sum() / n_resp) if n_resp else float("nan"),
        "invariance_index": invariance_index(resp["picture"], resp["name"]),
    }


def run_code_seed(cfg: ConceptCellsConfig, seed: int, n_neurons: int | None = None, *,
                  progress: bool = False) -> dict:
    """Train and test one network of ``n_neurons`` (default ``cfg.n_neurons``) on the set of ``seed``.

    Returns
    -------
    dict
        :func:`code_measures` plus ``picture_to_name_recall_at_1`` (through the
        learned feedback), ``nearest_prototype_reference_recall_at_1`` (K-shot
        picture prototypes), ``no_binder_lookup_recall_at_1``, ``n_neurons``.
    """
    n = int(n_neurons or cfg.n_neurons)
    space, category = seed_concept_set(cfg, seed)
    seeds = SeedTree(seed)
    overrides = {k: dict(v) for k, v in cfg.spec_overrides.items()}
    overrides.setdefault("concept", {})["n_neurons"] = n
    session = Session(space, cfg.preset, overrides=overrides, modalities=MODALITIES, engine=cfg.engine,
                      engine_options=cfg.engine_options, seeds=seeds, progress=progress)
    plan = choose_training(space, cfg.presentations, seeds.rng("training"), MODALITIES)
    session.train(training_trials(space, plan, MODALITIES))
    test = heldout_trials(space, MODALITIES, seeds.rng("test_items", "test"),
                          max_pictures_per_concept=cfg.test_pictures_per_concept,
                          min_word_trials_per_concept=cfg.test_words_per_concept, blank_trials=cfg.blank_trials)
    counts = session.test(test).counts
    n_c = len(space.concepts)
    blank = counts[test.kind == "blank"]
    sel = {m: test.kind == m for m in MODALITIES}
    resp = {m: responsive(counts[s], test.labels[s], n_c, cfg.criterion, blank) for m, s in sel.items()}
    tresp = {m: trial_responses(counts[s], test.labels[s], n_c, cfg.criterion, blank) for m, s in sel.items()}
    out = code_measures(resp, tresp, category)
    proto = plan.prototypes(space, MODALITIES)
    pic = sel["picture"]
    z_pic, y_pic = space["picture"].latents[test.items["picture"][pic]], test.labels[pic]
    pred, _ = recall_from_counts(counts[pic], session.get_state().w_fb["name"], proto["name"],
                                 session.spec.coding, session.squash["name"], seeds.rng("recall_guess"))
    out["picture_to_name_recall_at_1"] = recall_at_1(pred, y_pic)
    out["nearest_prototype_reference_recall_at_1"] = recall_at_1(
        nearest_prototype_reference(z_pic, proto["picture"]), y_pic)
    out["no_binder_lookup_recall_at_1"] = recall_at_1(no_binder_lookup(z_pic, proto["name"]), y_pic)
    out["n_neurons"] = n
    return out
