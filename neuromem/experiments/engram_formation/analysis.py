"""Every metric of one trained network from its test responses, and the non-spiking references beside them."""

from __future__ import annotations

import numpy as np

from neuromem.analysis import (
    ResponseCriterion,
    binding_index,
    concepts_per_neuron_distribution,
    concepts_with_engram,
    invariance_index,
    lifetime_sparseness,
    nearest_prototype,
    no_response_fraction,
    population_sparseness,
    recall_at_1,
    recall_from_counts,
    recall_from_readout,
    responsive,
    spontaneous_rate_hz,
    trial_responses,
)
from neuromem.protocols import TrialSequence

__all__ = ["SENSITIVITY_MIN_MEDIAN_COUNTS", "SENSITIVITY_N_SD", "analyse", "criterion_sensitivity", "references",
           "relative_change"]

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
        "n_responsive_neurons": int(union.any(axis=1).sum()),
        "concepts_per_responsive_neuron": concepts_per_neuron_distribution(union),
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


def references(space, test: TrialSequence, plan, proto, modalities, backbone_features=None) -> dict:
    """Non-spiking references on the same latents and test cues (the network is never credited with their work).

    ``prototype_ceiling_recall_at_1``: nearest picture prototype (mean of the
    K shown pictures) of each held-out picture; ``prototype_ceiling_<m>_recall_at_1``:
    the same for word cues against their own modality's train-form prototypes;
    ``chance_recall_at_1``; ``frozen_backbone_prototype_recall_at_1``: the
    picture reference on the frozen backbone's features (no fitted head), when given.
    """
    n_c = len(space.concepts)
    sel = test.kind == "picture"
    z_test = space["picture"].latents[test.items["picture"][sel]]
    out = {"prototype_ceiling_recall_at_1": recall_at_1(nearest_prototype(z_test, proto["picture"]),
                                                        test.labels[sel]),
           "chance_recall_at_1": 1.0 / n_c}
    for m in modalities:
        if m != "picture":
            sel_m = test.kind == m
            z = space[m].latents[test.items[m][sel_m]]
            out[f"prototype_ceiling_{m}_recall_at_1"] = recall_at_1(nearest_prototype(z, proto[m]),
                                                                    test.labels[sel_m])
    if backbone_features is not None:  # what the pretrained network alone gives: no fitted head
        feats = np.asarray(backbone_features, dtype=np.float64)
        proto_f = np.stack([feats[plan.chosen[k]["picture"]].mean(axis=0) for k in range(n_c)])
        out["frozen_backbone_prototype_recall_at_1"] = recall_at_1(
            nearest_prototype(feats[test.items["picture"][sel]], proto_f), test.labels[sel])
    return out
