"""Recall through the concept layer (pattern completion) and its references.

A cue (e.g. a held-out picture) drives the concept neurons; their spike
counts ``s`` (n_concept,) weight the learned feedback onto the target
modality's latent population, giving the completed activity pattern
``p = s @ F`` (n_target_inputs,). The pattern is decoded to squashed latent
coordinates (population vector, :func:`neuromem.coding.decode_rates`) and
the answer is the concept whose target prototype is nearest in those
coordinates. When no concept neuron fires the pattern is empty; the answer is
then drawn uniformly at random (seeded), i.e. a guess at chance level.
"""

from __future__ import annotations

import numpy as np

from neuromem.coding.population import LatentSquash, PopulationCode, decode_rates
from neuromem.latents import nearest_centroid

__all__ = ["complete_pattern", "recall_from_counts", "nearest_prototype", "recall_at_1"]


def complete_pattern(counts: np.ndarray, w_fb: np.ndarray) -> np.ndarray:
    """Feedback drive onto a latent population: ``counts (n_trials, n_concept) @ w_fb (n_concept, n_inputs)``."""
    c = np.asarray(counts, dtype=np.float64)
    return c @ np.asarray(w_fb, dtype=np.float64)


def nearest_prototype(points: np.ndarray, prototypes: np.ndarray) -> np.ndarray:
    """Index of the nearest prototype (Euclidean) for each point (:func:`neuromem.latents.nearest_centroid`)."""
    return nearest_centroid(points, prototypes)


def recall_from_counts(counts: np.ndarray, w_fb: np.ndarray, prototypes: np.ndarray, code: PopulationCode,
                       squash: LatentSquash, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Answer concept per cue trial.

    Parameters
    ----------
    counts : ndarray (n_trials, n_concept)
        Concept spike counts per cue trial.
    w_fb : ndarray (n_concept, n_target_inputs)
        Learned feedback weights onto the target modality.
    prototypes : ndarray (n_concepts, latent_dim)
        Target-modality prototype latent per concept.
    code, squash : population code and squash of the target modality.
    rng : numpy.random.Generator
        For the chance-level guess of empty patterns.

    Returns
    -------
    predicted : ndarray of int (n_trials,)
    empty : ndarray of bool (n_trials,)
        Trials whose completed pattern was empty (guessed).
    """
    pattern = complete_pattern(counts, w_fb)
    u, _ = decode_rates(pattern, code, squash)
    proto_u = squash(prototypes)
    pred = nearest_prototype(u, proto_u)
    empty = pattern.sum(axis=1) <= 0
    pred[empty] = rng.integers(0, len(prototypes), size=int(empty.sum()))
    return pred, empty


def recall_at_1(predicted, labels) -> float:
    """Fraction of correct first answers."""
    p = np.asarray(predicted)
    y = np.asarray(labels)
    return float((p == y).mean()) if len(y) else float("nan")
