"""The measures of one test (one pairing count) of one seed, from the test's spike counts."""

from __future__ import annotations

import numpy as np

from neuromem.analysis import complete_pattern, concepts_per_neuron_histogram, responsive
from neuromem.analysis.association import (cued_recall_rank_fraction, distinguishability, own_response_retained,
                                           paired_response_fraction, shared_fraction)
from neuromem.coding import decode_rates

__all__ = ["count_measures", "responses", "PER_COUNT_KEYS"]

#: Per pairing count, one value each (lists indexed by pairing count in metrics.json).
PER_COUNT_KEYS = ("paired_response_fraction", "paired_response_fraction_reverse", "control_response_fraction",
                  "own_response_retained", "own_response_retained_b", "own_response_retained_control",
                  "shared_fraction",
                  "control_shared_fraction", "cued_recall_a_to_b", "cued_recall_control", "ab_distinguishable",
                  "control_distinguishable")


def responses(counts, test, n_concepts: int, criterion) -> np.ndarray:
    """Which neuron answers which concept: through its pictures or its written names (bool (n_neurons, n_concepts)).

    A concept cell answers a concept's pictures and names alike (Quian Quiroga et al. 2009), so a
    neuron answers a concept when it passes ``criterion`` for the concept's cues of either modality,
    against the blank trials' baseline.
    """
    blank = counts[test.kind == "blank"]
    out = np.zeros((counts.shape[1], n_concepts), dtype=bool)
    for m in ("picture", "name"):
        sel = test.kind == m
        out |= responsive(counts[sel], test.labels[sel], n_concepts, criterion, blank)
    return out


def _mean(values) -> float:
    v = np.asarray(values, dtype=np.float64)
    return float(np.nanmean(v)) if np.isfinite(v).any() else float("nan")


def count_measures(r0, rn, counts, test, pairs, controls, *, w_fb_name, name_prototypes, code, squash) -> dict:
    """Every per-count measure (see :data:`PER_COUNT_KEYS`), each the mean over the pairs.

    Parameters
    ----------
    r0, rn : ndarray of bool (n_neurons, n_concepts)
        Responses before pairing and now.
    counts : ndarray (n_trials, n_neurons)
        This test's spike counts.
    test : TrialSequence
        The test trials.
    pairs, controls : list of (int, int)
    w_fb_name : ndarray (n_neurons, n_name_inputs)
        The network's learned feedback onto the name population now.
    name_prototypes : ndarray (n_concepts, latent_dim)
        Name prototypes (train forms' centroids).
    code, squash
        The name population's code and squash (to decode the completed pattern).
    """
    cue = test.kind != "blank"
    pic = test.kind == "picture"
    proto_u = squash(name_prototypes)

    def recall(a, b):
        rows = pic & (test.labels == a)
        u, _ = decode_rates(complete_pattern(counts[rows], w_fb_name), code, squash)
        return cued_recall_rank_fraction(u, proto_u, a, b)

    out = {
        "paired_response_fraction": _mean([paired_response_fraction(r0, rn, a, b) for a, b in pairs]),
        "paired_response_fraction_reverse": _mean([paired_response_fraction(r0, rn, b, a) for a, b in pairs]),
        "control_response_fraction": _mean([paired_response_fraction(r0, rn, c, d) for c, d in controls]),
        "own_response_retained": _mean([own_response_retained(r0, rn, a) for a, _ in pairs]),  # A's neurons
        "own_response_retained_b": _mean([own_response_retained(r0, rn, b) for _, b in pairs]),
        "own_response_retained_control": _mean([own_response_retained(r0, rn, k) for p in controls for k in p]),
        "shared_fraction": _mean([shared_fraction(rn, a, b) for a, b in pairs]),
        "control_shared_fraction": _mean([shared_fraction(rn, c, d) for c, d in controls]),
        "cued_recall_a_to_b": _mean([recall(a, b) for a, b in pairs]),
        "cued_recall_control": _mean([recall(c, d) for c, d in controls]),
        "ab_distinguishable": _mean([distinguishability(counts[cue], test.labels[cue], a, b) for a, b in pairs]),
        "control_distinguishable": _mean([distinguishability(counts[cue], test.labels[cue], c, d)
                                          for c, d in controls]),
    }
    n = rn.sum(axis=1)
    out["concepts_per_neuron_counts"] = [int(round(h * (n > 0).sum())) for h in concepts_per_neuron_histogram(rn)]
    return out
