"""Association by pairing: what changes in two concepts' engrams when they are shown together.

Pure functions on response matrices (which neuron answers which concept,
:func:`neuromem.analysis.responsive`) and spike counts, used by the
``concept-association`` experiment (:mod:`neuromem.experiments.concept_association`).

Definitions (``R0``: responses before pairing, ``Rn``: after ``n`` pairings,
both boolean (n_neurons, n_concepts))

``paired_response_fraction(R0, Rn, a, b)``
    Of the neurons answering ``a`` and not ``b`` before pairing, the fraction
    answering ``b`` after (Ison, Quian Quiroga & Fried 2015, Neuron 87:220:
    neurons that answered a person start answering a place shown with it).
    Zero at ``n = 0`` by construction.
``own_response_retained(R0, Rn, a)``
    Of ``a``'s neurons before pairing, the fraction still answering ``a``.
``shared_fraction(R, a, b)``
    Gastaldi et al.'s ``c`` (2021, PLoS Comput. Biol. 17:e1009691): the
    fraction of one engram's neurons that also belong to the other,
    ``|A & B| / |A|``, averaged over the two orders (the engrams may differ in size).
``gastaldi_band(gamma, n_neurons)``
    What their model gives for a network of ``n_neurons`` with sparseness
    ``gamma`` (the fraction of neurons answering one concept): see its docstring.
"""

from __future__ import annotations

import math

import numpy as np

from neuromem.analysis.human import GASTALDI_C, GASTALDI_GAMMA

__all__ = ["cued_recall_rank_fraction", "distinguishability", "gastaldi_band", "own_response_retained",
           "paired_response_fraction", "shared_fraction"]

#: Standard deviations of the chance overlap that the band's minimum lies above.
BAND_MIN_SD = 2.0
#: The band's maximum (see :func:`gastaldi_band`).
BAND_MAX = 0.5


def _resp(name: str, r) -> np.ndarray:
    m = np.asarray(r)
    if m.ndim != 2 or m.dtype != bool:
        raise ValueError(f"{name} must be a boolean (n_neurons, n_concepts) response matrix; got "
                         f"{m.dtype} of shape {m.shape}")
    return m


def _concepts(m: np.ndarray, *ks) -> None:
    for k in ks:
        if not isinstance(k, (int, np.integer)) or not 0 <= k < m.shape[1]:
            raise ValueError(f"concept index {k!r} must be an int in [0, {m.shape[1]})")
    if len(ks) == 2 and ks[0] == ks[1]:
        raise ValueError(f"a pair needs two different concepts; got {ks[0]} twice")


def _pair(r0, rn, *ks):
    r0, rn = _resp("responses before pairing", r0), _resp("responses after pairing", rn)
    if r0.shape != rn.shape:
        raise ValueError(f"responses before {r0.shape} and after {rn.shape} pairing must have one shape")
    _concepts(r0, *ks)
    return r0, rn


def paired_response_fraction(r0, rn, a: int, b: int) -> float:
    """Of the neurons answering ``a`` and not ``b`` in ``r0``, the fraction answering ``b`` in ``rn``.

    Parameters
    ----------
    r0, rn : ndarray of bool (n_neurons, n_concepts)
        Responses before and after pairing.
    a, b : int
        The pair (``a``'s neurons, ``b`` the concept they may come to answer).

    Returns
    -------
    float
        In [0, 1]; NaN when no neuron answers ``a`` without ``b`` before pairing.

    Raises
    ------
    ValueError
        For matrices that are not boolean, of different shapes, or concept indices out of range.
    """
    r0, rn = _pair(r0, rn, a, b)
    sel = r0[:, a] & ~r0[:, b]
    return float(rn[sel, b].mean()) if sel.any() else float("nan")


def own_response_retained(r0, rn, a: int) -> float:
    """Of ``a``'s neurons in ``r0``, the fraction still answering ``a`` in ``rn`` (NaN when ``a`` has none)."""
    r0, rn = _pair(r0, rn, a)
    sel = r0[:, a]
    return float(rn[sel, a].mean()) if sel.any() else float("nan")


def shared_fraction(r, a: int, b: int) -> float:
    """Gastaldi et al.'s shared fraction ``c``: ``|A & B| / |A|`` and ``|A & B| / |B|`` averaged.

    NaN when either concept has no neuron.
    """
    r = _resp("responses", r)
    _concepts(r, a, b)
    na, nb = int(r[:, a].sum()), int(r[:, b].sum())
    if na == 0 or nb == 0:
        return float("nan")
    both = int((r[:, a] & r[:, b]).sum())
    return 0.5 * (both / na + both / nb)


def gastaldi_band(gamma: float, n_neurons: int) -> dict:
    """The shared-fraction band of Gastaldi et al. (2021) for a network's sparseness ``gamma`` and size.

    In their model each concept is a random binary pattern in which a neuron
    takes part with probability ``gamma``; two unrelated concepts then share
    the fraction ``c = gamma`` of their neurons (chance), and an association
    is a raised shared fraction, i.e. a pattern correlation
    ``C = (c - gamma) / (1 - gamma)`` (their code's definition). They show a
    minimum ``c_min`` below which an association cannot be told from the
    chance overlap, and a maximum ``c_max`` above which the single concepts
    can no longer be retrieved alone; their fit to the human data is
    ``gamma = 0.002``, ``c = 0.04``. Computed here:

    - ``chance = gamma``;
    - ``min = gamma + 2 sd``, the chance overlap's finite-size fluctuation: an
      engram of ``m = gamma * n_neurons`` neurons shares Binomial(m, gamma) of
      them with an unrelated one, ``sd = sqrt(gamma (1 - gamma) / m)``;
    - ``max = 1/2``: beyond it a concept's engram holds more shared neurons
      than its own, so a cue of one drives the other as much as itself. This is
      a stated rule for a k-winners-take-all layer, NOT the mean-field value of
      their rate model (which depends on its gain, threshold and inhibition,
      parameters this network does not have, and is not reproduced here);
    - ``fit``: their fitted correlation carried to this ``gamma``:
      ``gamma + C_fit (1 - gamma)`` with ``C_fit = (0.04 - 0.002) / (1 - 0.002)``.

    Parameters
    ----------
    gamma : float
        Fraction of neurons answering one concept, in (0, 1).
    n_neurons : int
        Neurons in the layer, >= 1.

    Returns
    -------
    dict
        ``chance``, ``min``, ``max``, ``fit``, ``gamma``, ``engram_size``.

    Raises
    ------
    ValueError
        For ``gamma`` outside (0, 1) or ``n_neurons`` < 1.
    """
    if not isinstance(gamma, (float, int, np.floating)) or not 0 < float(gamma) < 1:
        raise ValueError(f"gamma={gamma!r} must be a fraction in (0, 1)")
    if not isinstance(n_neurons, (int, np.integer)) or n_neurons < 1:
        raise ValueError(f"n_neurons={n_neurons!r} must be an int >= 1")
    g = float(gamma)
    m = max(g * int(n_neurons), 1.0)
    c_fit = (GASTALDI_C - GASTALDI_GAMMA) / (1.0 - GASTALDI_GAMMA)
    return {"gamma": g, "engram_size": m, "chance": g, "min": min(g + BAND_MIN_SD * math.sqrt(g * (1 - g) / m), 1.0),
            "max": BAND_MAX, "fit": g + c_fit * (1.0 - g)}


def distinguishability(counts, labels, a: int, b: int) -> float:
    """Whether the trials of ``a`` and of ``b`` evoke different population responses.

    Leave-one-out nearest-centroid decoding between the two concepts' trials
    (Euclidean distance of the spike-count vectors; each trial is left out of
    its own concept's centroid): the fraction decoded correctly. 0.5 is
    chance; 1.0: every trial of each concept is nearer its own concept's mean.

    Parameters
    ----------
    counts : ndarray (n_trials, n_neurons)
        Spike counts of the test trials.
    labels : ndarray of int (n_trials,)
        Concept of each trial.
    a, b : int

    Returns
    -------
    float
        NaN when either concept has fewer than two trials.

    Raises
    ------
    ValueError
        For mismatched shapes or ``a == b``.
    """
    c = np.asarray(counts, dtype=np.float64)
    y = np.asarray(labels)
    if c.ndim != 2 or y.shape != (len(c),):
        raise ValueError(f"counts must be (n_trials, n_neurons) with one label per trial; got {c.shape}, {y.shape}")
    if a == b:
        raise ValueError(f"a pair needs two different concepts; got {a} twice")
    ca, cb = c[y == a], c[y == b]
    if len(ca) < 2 or len(cb) < 2:
        return float("nan")
    sa, sb = ca.sum(axis=0), cb.sum(axis=0)
    right = 0
    for own, own_sum, other_mean in ((ca, sa, cb.mean(axis=0)), (cb, sb, ca.mean(axis=0))):
        for x in own:
            loo = (own_sum - x) / (len(own) - 1)
            right += int(np.sum((x - loo) ** 2) < np.sum((x - other_mean) ** 2))
    return right / (len(ca) + len(cb))


def cued_recall_rank_fraction(recalled, prototypes, cue_concept: int, target: int) -> float:
    """Cued recall of ``target`` from cues of ``cue_concept``: how often ``target`` comes first or second.

    Each row of ``recalled`` is what the network completes from one cue
    (e.g. the feedback pattern decoded to latent coordinates,
    :func:`neuromem.analysis.complete_pattern`); the concepts are ranked by
    the distance of their ``prototypes`` to it. Recalled: ``target`` is the
    nearest, or the second nearest after the cue's own concept.

    Parameters
    ----------
    recalled : ndarray (n_cues, latent_dim)
    prototypes : ndarray (n_concepts, latent_dim)
    cue_concept, target : int

    Returns
    -------
    float
        In [0, 1]; NaN without cues.
    """
    u = np.asarray(recalled, dtype=np.float64)
    p = np.asarray(prototypes, dtype=np.float64)
    if u.ndim != 2 or p.ndim != 2 or (len(u) and u.shape[1] != p.shape[1]):
        raise ValueError(f"recalled (n_cues, d) and prototypes (n_concepts, d) must share d; got {u.shape}, {p.shape}")
    _concepts(np.zeros((1, len(p)), bool), cue_concept, target)
    if len(u) == 0:
        return float("nan")
    d = ((u[:, None, :] - p[None]) ** 2).sum(axis=2)
    order = np.argsort(d, axis=1, kind="stable")
    first, second = order[:, 0], order[:, 1] if p.shape[0] > 1 else order[:, 0]
    hit = (first == target) | ((first == cue_concept) & (second == target))
    return float(hit.mean())
