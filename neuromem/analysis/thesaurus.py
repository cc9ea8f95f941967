"""The thesaurus route's measures: top-k ImageNet classes, superordinate hits and parent placement.

Plain arrays in, plain arrays out (the WordNet look-ups that build the
class -> superordinate table live in :mod:`neuromem.data.wordnet`).

* A picture **hits** a superordinate ``P`` (``garment``, ``footwear``,
  ``bag``) when at least one of its ``k`` most probable ImageNet classes lies
  below one of ``P``'s WordNet synsets.
* A novel concept is **placed** under the superordinate that the largest
  fraction of its pictures hit, or with the largest lift of that fraction
  over chance (ties: the first in the table's order); a
  concept none of whose pictures hit any superordinate is not placed
  (``-1``, counted wrong).
* ``thesaurus_parent_majority_baseline``: the accuracy of always answering
  the commonest true parent.
"""

from __future__ import annotations

import numpy as np

__all__ = ["chance_hit_fraction", "class_membership", "majority_baseline", "parent_accuracy", "parent_votes",
           "place_concepts", "superordinate_hits", "top_classes"]


def top_classes(probabilities: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` most probable classes of each row, most probable first.

    Parameters
    ----------
    probabilities : ndarray (n_pictures, n_classes)
    k : int
        1..n_classes.

    Returns
    -------
    ndarray (n_pictures, k), int64
    """
    p = np.asarray(probabilities)
    if p.ndim != 2:
        raise ValueError(f"probabilities must be 2-d (pictures x classes); got shape {p.shape}")
    if not 1 <= k <= p.shape[1]:
        raise ValueError(f"k={k} is out of range; allowed 1..{p.shape[1]}")
    return np.argsort(-p, axis=1, kind="stable")[:, :k].astype(np.int64)


def class_membership(class_closures, parent_synsets) -> np.ndarray:
    """Which classes lie below which superordinate.

    Parameters
    ----------
    class_closures : sequence of set of str, length n_classes
        Each class's synset and all its hypernyms.
    parent_synsets : sequence of sequence of str, length n_parents
        The synsets of each superordinate (``footwear``: ``footwear.n.01``,
        ``footwear.n.02``).

    Returns
    -------
    ndarray (n_classes, n_parents), bool
    """
    return np.array([[bool(set(senses) & closure) for senses in parent_synsets] for closure in class_closures],
                    dtype=bool).reshape(len(class_closures), len(parent_synsets))


def superordinate_hits(top: np.ndarray, membership: np.ndarray) -> np.ndarray:
    """Whether any of each picture's top classes lies below each superordinate, shape (n_pictures, n_parents)."""
    return np.asarray(membership, bool)[np.asarray(top)].any(axis=1)


def parent_votes(hits: np.ndarray, concept_of: np.ndarray, n_concepts: int) -> np.ndarray:
    """Fraction of each concept's pictures that hit each superordinate, shape (n_concepts, n_parents).

    A concept without pictures gets a row of NaN.
    """
    hits = np.asarray(hits, bool)
    concept_of = np.asarray(concept_of, np.int64)
    out = np.full((n_concepts, hits.shape[1]), np.nan)
    for c in range(n_concepts):
        sel = concept_of == c
        if sel.any():
            out[c] = hits[sel].mean(axis=0)
    return out


def place_concepts(votes: np.ndarray, chance: np.ndarray | None = None) -> np.ndarray:
    """Each concept's superordinate index by the largest vote; ``-1`` when its votes are all zero or NaN.

    With ``chance`` (n_parents,), the votes are first divided by it (the
    *lift* over ``k`` random classes), so that a superordinate with few
    ImageNet classes (``bag``: 5 of 1,000) is not outvoted by one with many
    (``garment``: 26) on hits that random classes would also give.
    """
    v = np.nan_to_num(np.asarray(votes, float), nan=0.0)
    if chance is not None:
        c = np.asarray(chance, float)
        if c.shape != (v.shape[1],) or np.any(c <= 0):
            raise ValueError(f"chance must hold one positive value per superordinate ({v.shape[1]}); got {c}")
        v = v / c
    placed = np.argmax(v, axis=1)
    return np.where(v.max(axis=1) > 0, placed, -1).astype(np.int64)


def parent_accuracy(placed: np.ndarray, truth: np.ndarray) -> float:
    """Fraction of concepts placed under their true superordinate (unplaced ones count wrong)."""
    placed, truth = np.asarray(placed), np.asarray(truth)
    if placed.shape != truth.shape or not len(truth):
        raise ValueError(f"placed {placed.shape} and truth {truth.shape} must be equal, non-empty 1-d arrays")
    return float(np.mean(placed == truth))


def majority_baseline(truth: np.ndarray) -> float:
    """Accuracy of always answering the commonest true superordinate."""
    truth = np.asarray(truth)
    if not len(truth):
        raise ValueError("truth is empty; give one true superordinate per concept")
    return float(np.bincount(truth).max() / len(truth))


def chance_hit_fraction(membership: np.ndarray, k: int) -> np.ndarray:
    """Hit probability of ``k`` classes drawn uniformly without replacement, per superordinate.

    ``1 - C(n - m, k) / C(n, k)`` with ``n`` classes of which ``m`` lie below
    the superordinate: the hit fraction a head that ignored the picture would
    reach, shape (n_parents,).
    """
    member = np.asarray(membership, bool)
    n = member.shape[0]
    out = []
    for m in member.sum(axis=0):
        miss = 1.0
        for i in range(k):
            miss *= max(n - m - i, 0) / (n - i)
        out.append(1.0 - miss)
    return np.array(out)
