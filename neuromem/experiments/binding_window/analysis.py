"""Binding measures of one trained network, and where the binding curve falls to half."""

from __future__ import annotations

import numpy as np

from neuromem.analysis import binding_index, invariance_index, recall_at_1, recall_from_counts, responsive

__all__ = ["PER_OFFSET", "binding_measures", "binding_half_width_ms"]

#: The measures computed at every onset asynchrony.
PER_OFFSET = ("invariance_index", "binding_index", "picture_to_name_recall_at_1")


def binding_measures(test, counts, n_concepts: int, w_fb_name, name_prototypes, spec, squash_name, criterion,
                     rng) -> dict:
    """The three measures of :data:`PER_OFFSET` from one network's test responses.

    Parameters
    ----------
    test : TrialSequence
        Blank trials, held-out pictures and held-out names.
    counts : ndarray of int (n_test_trials, n_concept)
    n_concepts : int
    w_fb_name : ndarray (n_concept, n_name_inputs)
        Learned concept -> name feedback weights.
    name_prototypes : ndarray (n_concepts, latent_dim)
    spec : NetworkSpec
    squash_name : LatentSquash
        The name population's code.
    criterion : ResponseCriterion
    rng : numpy.random.Generator
        Guesses of silent recalls.
    """
    n_c = int(n_concepts)
    blank = counts[test.kind == "blank"]
    sel = {m: test.kind == m for m in ("picture", "name")}
    resp = {m: responsive(counts[s], test.labels[s], n_c, criterion, blank) for m, s in sel.items()}
    pred, _ = recall_from_counts(counts[sel["picture"]], w_fb_name, name_prototypes, spec.coding, squash_name, rng)
    return {"invariance_index": invariance_index(resp["picture"], resp["name"]),
            "binding_index": binding_index(counts[sel["picture"]], test.labels[sel["picture"]], counts[sel["name"]],
                                           test.labels[sel["name"]], n_c, blank),
            "picture_to_name_recall_at_1": recall_at_1(pred, test.labels[sel["picture"]])}


def binding_half_width_ms(offsets_ms, values) -> tuple[float, float]:
    """Offsets (negative side, positive side) at which ``values`` fall to half their value at offset 0.

    Linear interpolation between the measured offsets, walking outwards from
    0; NaN on a side where the values never fall below half (or where there
    is no offset 0 to refer to).
    """
    x = np.asarray(offsets_ms, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    order = np.argsort(x)
    x, y = x[order], y[order]
    zero = np.nonzero(x == 0)[0]
    if len(zero) == 0 or not np.isfinite(y[zero[0]]) or y[zero[0]] <= 0:
        return float("nan"), float("nan")
    i0, half = zero[0], y[zero[0]] / 2
    sides = []
    for step in (-1, 1):
        found = float("nan")
        i = i0
        while 0 <= i + step < len(x):
            j = i + step
            if np.isfinite(y[j]) and y[j] <= half:
                yi, yj = y[i], y[j]
                frac = (yi - half) / (yi - yj) if yi != yj else 0.0
                found = float(x[i] + frac * (x[j] - x[i]))
                break
            i = j
        sides.append(found)
    return sides[0], sides[1]
