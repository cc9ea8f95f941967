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

__all__ = ["complete_pattern", "recall_from_counts", "recall_from_readout", "nearest_prototype", "recall_at_1",
           "no_response_fraction"]


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


def no_response_fraction(counts) -> float:
    """Fraction of cue trials on which no concept neuron fired (all counts zero).

    Parameters
    ----------
    counts : ndarray (n_trials, n_concept)
        Concept spike counts per cue trial (in the window the recall reads).

    Returns
    -------
    float
        NaN when there are no trials.
    """
    c = np.asarray(counts)
    if c.ndim != 2:
        raise ValueError(f"counts must be (n_trials, n_concept); got shape {c.shape}")
    return float((c.sum(axis=1) == 0).mean()) if len(c) else float("nan")


def recall_from_readout(readout_counts: np.ndarray, prototypes: np.ndarray, code: PopulationCode,
                        squash: LatentSquash, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Answer concept per cue trial from the spikes of the target modality's readout population.

    The readout spike counts are decoded like any activity pattern of the
    latent population (population vector, :func:`neuromem.coding.decode_rates`)
    and the answer is the nearest target prototype in squashed coordinates; a
    trial on which no readout neuron fired is answered by a seeded guess.

    Parameters
    ----------
    readout_counts : ndarray (n_trials, n_target_inputs)
        Readout spike counts per cue trial (see :mod:`neuromem.readout`).
    prototypes : ndarray (n_concepts, latent_dim)
    code, squash : population code and squash of the target modality.
    rng : numpy.random.Generator

    Returns
    -------
    predicted : ndarray of int (n_trials,)
    silent : ndarray of bool (n_trials,)
        Trials on which the readout population did not fire (guessed).
    """
    counts = np.asarray(readout_counts, dtype=np.float64)
    u, _ = decode_rates(counts, code, squash)
    pred = nearest_prototype(u, squash(prototypes))
    silent = counts.sum(axis=1) <= 0
    pred[silent] = rng.integers(0, len(prototypes), size=int(silent.sum()))
    return pred, silent
