"""Every metric of one trained network from its test responses, and the non-spiking references beside them."""

from __future__ import annotations

import numpy as np

from neuromem.analysis import (
    ResponseCriterion,
    binding_index,
    blank_max_rate_hz,
    blank_trial_answer_fraction,
    concepts_per_neuron_distribution,
    concepts_per_neuron_histogram,
    concepts_with_engram,
    invariance_index,
    lifetime_sparseness,
    nearest_prototype,
    nearest_prototype_reference,
    neurons_per_concept_mean,
    no_binder_lookup,
    no_response_fraction,
    presented_prototypes,
    population_sparseness,
    recall_at_1,
    recall_from_counts,
    recall_from_readout,
    responsive,
    spontaneous_rate_hz,
    trial_responses,
)
from neuromem.protocols import TrialSequence

__all__ = ["INVARIANCE_N_SD", "SENSITIVITY_MIN_MEDIAN_COUNTS", "SENSITIVITY_N_SD", "analyse", "blank_metrics",
           "criterion_sensitivity", "invariance_by_sd", "references", "relative_change"]

#: Criterion strictness (baseline SDs) of ``invariance_index_by_sd``; the other thresholds stay the run's.
INVARIANCE_N_SD = (3.0, 5.0, 7.0)
#: Blank trials the blank-trial statistics need (each trial is judged against the others).
MIN_BLANK_TRIALS = 3

#: Thresholds of the criterion-sensitivity table (``min_median_count`` x ``n_sd``): from a criterion that
#: admits weak, occasional responses to one that only the strongest responses pass.
SENSITIVITY_MIN_MEDIAN_COUNTS = (0.0, 1.0, 2.0, 5.0, 20.0)
SENSITIVITY_N_SD = (0.0, 0.5, 1.0, 3.0, 5.0, 7.0)


def analyse(space, spec, squash, test: TrialSequence, counts, state, proto, criterion, rng, modalities,
            readout_counts=None) -> tuple[dict, dict]:
    """Every metric of one trained network from its test responses (and its readout populations' spikes).

    Parameters
    ----------
    space : LatentSpace
    spec : NetworkSpec
    squash : dict of str -> LatentSquash
        The network's population code.
    test : TrialSequence
        Blank trials, then single-modality cues.
    counts : ndarray of int (n_test_trials, n_concept)
    state : NetworkState
        Weights the test ran with (its feedback weights complete the target).
    proto : dict of str -> ndarray (n_concepts, latent_dim)
        Target prototypes per modality.
    criterion : ResponseCriterion
    rng : numpy.random.Generator
        Guesses of silent recalls.
    modalities : tuple of str
    readout_counts : dict of str -> ndarray (n_test_trials, n_target_inputs), optional
        Spikes of the LIF readout populations.

    Returns
    -------
    metrics : dict
    responsive : dict of str -> ndarray of bool (n_concept, n_concepts)
    """
    n_c = len(space.concepts)
    resp, tresp = {}, {}
    blank = counts[test.kind == "blank"]
    for m in modalities:
        sel = test.kind == m
        resp[m] = responsive(counts[sel], test.labels[sel], n_c, criterion, blank)
        tresp[m] = trial_responses(counts[sel], test.labels[sel], n_c, criterion, blank)
    union = np.logical_or.reduce([resp[m] for m in modalities])
    sel = {m: test.kind == m for m in modalities}
    out = {
        "spontaneous_rate_hz": spontaneous_rate_hz(blank, spec.sim.stimulus_ms),
        "binding_index": binding_index(counts[sel["picture"]], test.labels[sel["picture"]], counts[sel["name"]],
                                       test.labels[sel["name"]], n_c, blank),
        "binding_index_spoken": (binding_index(counts[sel["picture"]], test.labels[sel["picture"]],
                                               counts[sel["spoken"]], test.labels[sel["spoken"]], n_c, blank)
                                 if "spoken" in modalities else None),
        "population_sparseness": population_sparseness(np.concatenate([tresp[m] for m in modalities])),
        "population_sparseness_by_modality": {m: population_sparseness(tresp[m]) for m in modalities},
        "lifetime_sparseness": lifetime_sparseness(union),
        "concepts_with_engram": concepts_with_engram(union),
        "concepts_with_engram_by_modality": {m: concepts_with_engram(resp[m]) for m in modalities},
        "invariance_index": invariance_index(resp["picture"], resp["name"]),
        "invariance_index_spoken": (invariance_index(resp["picture"], resp["spoken"])
                                    if "spoken" in modalities else None),
        "invariance_index_by_sd": invariance_by_sd(space, test, counts, criterion),
        "n_responsive_neurons": int(union.any(axis=1).sum()),
        "neurons_per_concept_mean": neurons_per_concept_mean(union),
        "concepts_per_responsive_neuron": concepts_per_neuron_distribution(union),
        "concepts_per_neuron_histogram": concepts_per_neuron_histogram(union).tolist(),
        **blank_metrics(blank, spec.sim.stimulus_ms, criterion),
    }
    recall = {}
    for cue, target in (("picture", "name"), ("name", "picture"), ("spoken", "name"), ("spoken", "picture")):
        if cue not in modalities or target not in modalities:
            continue
        sel = test.kind == cue
        pred, _ = recall_from_counts(counts[sel], state.w_fb[target], proto[target], spec.coding,
                                     squash[target], rng)
        recall[f"{cue}_to_{target}_recall_at_1"] = recall_at_1(pred, test.labels[sel])
        if readout_counts is not None:
            pred, silent = recall_from_readout(readout_counts[target][sel], proto[target], spec.coding,
                                               squash[target], rng)
            recall[f"{cue}_to_{target}_network_recall_at_1"] = recall_at_1(pred, test.labels[sel])
            recall[f"{cue}_to_{target}_network_silent_fraction"] = float(silent.mean())
        recall[f"{cue}_cue_no_response_fraction"] = no_response_fraction(counts[sel])
    out.update(recall)
    return out, resp


def invariance_by_sd(space, test: TrialSequence, counts, criterion: ResponseCriterion) -> dict:
    """``invariance_index`` (pictures vs written names) at 3, 5 and 7 baseline SDs: ``{"3": .., "5": .., "7": ..}``.

    The criterion's other thresholds (median count, SD floor) stay as given;
    NaN where no (neuron, concept) pair passes.
    """
    n_c = len(space.concepts)
    blank = counts[test.kind == "blank"]
    out = {}
    for nsd in INVARIANCE_N_SD:
        crit = ResponseCriterion(min_median_count=criterion.min_median_count, n_sd=nsd, sd_floor=criterion.sd_floor)
        r = [responsive(counts[test.kind == m], test.labels[test.kind == m], n_c, crit, blank)
             for m in ("picture", "name")]
        out[f"{nsd:g}"] = invariance_index(*r)
    return out


def blank_metrics(blank_counts, window_ms: float, criterion: ResponseCriterion) -> dict:
    """``blank_trial_answer_fraction`` and ``blank_max_rate_hz`` of the blank trials (:mod:`neuromem.analysis.distributed`).

    Both are None, with ``blank_trials_note`` saying why, when there are fewer
    than :data:`MIN_BLANK_TRIALS` blank trials.
    """
    if len(blank_counts) < MIN_BLANK_TRIALS:
        return {"blank_trial_answer_fraction": None, "blank_max_rate_hz": None,
                "blank_trials_note": f"{len(blank_counts)} blank trials; the blank-trial statistics need at least "
                                     f"{MIN_BLANK_TRIALS} (raise blank_trials)"}
    return {"blank_trial_answer_fraction": blank_trial_answer_fraction(blank_counts, criterion),
            "blank_max_rate_hz": blank_max_rate_hz(blank_counts, window_ms)}


def criterion_sensitivity(space, test: TrialSequence, counts, modalities) -> list[dict]:
    """The main response metrics for every criterion of the sensitivity table (one row each)."""
    n_c = len(space.concepts)
    blank = counts[test.kind == "blank"]
    rows = []
    for mm in SENSITIVITY_MIN_MEDIAN_COUNTS:
        for nsd in SENSITIVITY_N_SD:
            crit = ResponseCriterion(min_median_count=mm, n_sd=nsd)
            resp = {m: responsive(counts[test.kind == m], test.labels[test.kind == m], n_c, crit, blank)
                    for m in modalities}
            tr = np.concatenate([trial_responses(counts[test.kind == m], test.labels[test.kind == m],
                                                 n_c, crit, blank) for m in modalities])
            union = np.logical_or.reduce([resp[m] for m in modalities])
            rows.append({"min_median_count": mm, "n_sd": nsd,
                         "population_sparseness": population_sparseness(tr),
                         "concepts_with_engram": concepts_with_engram(union),
                         "invariance_index": invariance_index(resp["picture"], resp["name"]),
                         "n_responsive_neurons": int(union.any(axis=1).sum())})
    return rows


def relative_change(values) -> float:
    """``(max - min) / max`` of a list of counts (0 when all are zero)."""
    hi = max(values)
    return float((hi - min(values)) / hi) if hi > 0 else 0.0


def references(space, test: TrialSequence, train: TrialSequence, modalities, backbone_features=None) -> dict:
    """Non-spiking references on the same latents and test cues (the network is never credited with their work).

    Both come from :mod:`neuromem.analysis.references`, with prototypes from
    what was presented during learning (``train``):
    ``nearest_prototype_reference_recall_at_1``: nearest picture prototype
    (mean of the K shown pictures) of each held-out picture (K-shot);
    ``nearest_prototype_reference_<m>_recall_at_1``: the same for word cues
    against the presented forms of their own modality;
    ``no_binder_lookup_recall_at_1``: each held-out picture's nearest NAME
    prototype (what the encoder alone gives, no binder); ``chance_recall_at_1``;
    ``frozen_backbone_prototype_recall_at_1``: the picture reference on the
    frozen backbone's features (no fitted head), when given.
    """
    n_c = len(space.concepts)
    proto = {m: presented_prototypes(space[m].latents[train.items[m]], train.labels, n_c) for m in modalities}
    sel = test.kind == "picture"
    z_test = space["picture"].latents[test.items["picture"][sel]]
    out = {"nearest_prototype_reference_recall_at_1": recall_at_1(nearest_prototype_reference(z_test,
                                                                                              proto["picture"]),
                                                                  test.labels[sel]),
           "no_binder_lookup_recall_at_1": recall_at_1(no_binder_lookup(z_test, proto["name"]), test.labels[sel]),
           "chance_recall_at_1": 1.0 / n_c}
    for m in modalities:
        if m != "picture":
            sel_m = test.kind == m
            z = space[m].latents[test.items[m][sel_m]]
            out[f"nearest_prototype_reference_{m}_recall_at_1"] = recall_at_1(
                nearest_prototype_reference(z, proto[m]), test.labels[sel_m])
    if backbone_features is not None:  # what the pretrained network alone gives: no fitted head
        feats = np.asarray(backbone_features, dtype=np.float64)
        proto_f = presented_prototypes(feats[train.items["picture"]], train.labels, n_c)
        out["frozen_backbone_prototype_recall_at_1"] = recall_at_1(
            nearest_prototype(feats[test.items["picture"][sel]], proto_f), test.labels[sel])
    return out
