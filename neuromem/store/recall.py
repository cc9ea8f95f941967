"""Recall answers: what the store's locality says, what the concept neurons say, and which one ``concept`` is.

A cue (picture, written name, sound) is encoded by the memory's own encoders
and answered twice:

``store_concept``
    The nearest concept by locality: the inverse-distance-weighted vote of
    the 10 nearest stored items (:meth:`~neuromem.store.ConceptStore.lookup`;
    ``confidence`` is its vote share).
``network_concept``
    The concept whose engram neurons fired most for the cue alone, learning
    off: the largest sum of spike counts over a concept's engram neurons
    (ties: the concept learned first); ``null`` when no engram neuron fired.

``concept`` **is** ``store_concept``. The store's vote uses every stored item
of every modality, while the network's answer rests on a handful of engram
neurons per concept whose responses overlap. Measured on a memory of the
embedded digits (10 concepts, seed 3, no spoken names): of 359 held-out
pictures (each recalled with itself left out of the store) the store answers
351 correctly, the network 349; of 30 held-out written forms (``sevens``,
``a seven``, ``septet``) the store 30, the network 23. Both are reported so
that an answer never seems to come from the neurons when it came from the
store: when they differ, the human-readable output says so.

Novelty: a picture cue is ``novel`` when the memory's novelty gate says
"new" (:mod:`neuromem.store.gate`): the decoder's match error (mean squared
error per pixel between the picture and the decoder's reconstruction from its
latent) and the concept layer's own response (``network_concept_spikes``),
each standardised against held-out pictures of the learned concepts, combine
into ``novelty_score``, compared with ``novelty_threshold``
(``novelty_rule``: ``"gate"``). A memory saved without a gate keeps the older
rule (``"radius"``): novel when the distance to the answer's centroid exceeds
the link radius or the match error exceeds ``match_error_threshold``, the
99th percentile of the held-out pictures' match errors. Name and sound cues
have no match error (``null``) and are novel when outside the link radius. A novel answer still
names the nearest concept in ``concept`` (the command line prints
``unknown (nearest: X)``), and its ``confidence`` is the vote share among the
nearest items, which says nothing about familiarity: the command line does
not print it beside ``novel: yes``.

Imagining (:func:`imagine`): a name (or sound) cue drives the concept
layer; the engram's spike counts weight the learned concept -> picture
feedback, completing a picture-population activity pattern, which is decoded
to a picture latent (population vector, :func:`neuromem.coding.decode_rates`)
and drawn by the decoder. This is the offline read-out of the feedback
weights, not a second spiking run.
"""

from __future__ import annotations

import hashlib

import numpy as np

from neuromem.seeds import SeedTree

__all__ = ["answer", "cue_seed", "imagine", "network_concept"]


def _item_key(item) -> bytes:
    """Bytes identifying a cue item: a prepared picture or waveform (float32), a text, or a latent."""
    if isinstance(item, str):
        return b"text:" + item.encode()
    return np.ascontiguousarray(item, dtype="<f4").tobytes()


def cue_seed(memory_seed: int, item, use: str = "cue", *after) -> SeedTree:
    """Seed-tree node of a cue's input spikes: ``input_spikes/<use>/<first 16 hex of sha256(item)>/...``."""
    item_hash = hashlib.sha256(_item_key(item)).hexdigest()[:16]
    return SeedTree(int(memory_seed)).child("input_spikes", use, item_hash, *after)


def network_concept(store, counts: np.ndarray) -> tuple[str | None, int]:
    """The concept whose engram neurons fired most, and their spike count (module docstring).

    Parameters
    ----------
    store : ConceptStore
    counts : ndarray (n_neurons,)
        Spike counts of the concept layer for one cue.

    Returns
    -------
    (str or None, int)
        The concept (None when no engram neuron fired) and its engram's total spikes.
    """
    best, best_spikes = None, 0
    for c in store.concepts:
        neurons = list(store.node(c).engram_neurons)
        spikes = int(np.asarray(counts)[neurons].sum()) if neurons else 0
        if spikes > best_spikes:
            best, best_spikes = c, spikes
    return best, best_spikes


def answer(memory, z: np.ndarray, modality: str, *, cue: dict, match_error=None, item=None, thesaurus=None) -> dict:
    """The recall answer for one encoded cue (keys: module docstring and ``neuromem.cli.recall``).

    Parameters
    ----------
    memory : Memory
    z : ndarray (latent_dim,)
        The cue's latent.
    modality : str
        ``"picture"``, ``"name"`` or ``"spoken"``.
    cue : dict
        What the cue was (echoed in the answer).
    match_error : float, optional
        Decoder match error of a picture cue.
    item : object, optional
        The cue item its spikes are seeded from (prepared picture, text, waveform).
    thesaurus : dict, optional
        The cue's thesaurus set (:func:`neuromem.store.thesaurus.cue_thesaurus`), for ``link_route``.
    """
    from neuromem.store.thesaurus import route_answer

    store = memory.store
    look = store.lookup(z[None, :], modality=modality)[0]
    counts = memory.cue_counts(modality, z[None, :], None if item is None else [item])[0]
    fired = np.flatnonzero(counts)
    fired = fired[np.argsort(-counts[fired], kind="stable")]
    from neuromem.store.gate import picture_novelty

    thr = memory.meta["thresholds"]["match_error_threshold"]
    net_concept, net_spikes = network_concept(store, counts)
    if modality == "picture":
        novelty = picture_novelty(memory, match_error, net_spikes, look.linked)
    else:
        novelty = {"novel": not look.linked, "novelty_score": None, "novelty_threshold": None, "novelty_rule": "radius"}
    names = memory.meta["dataset"].get("canonical_names", {})
    return {
        "concept": look.concept,
        "store_concept": look.concept,
        "network_concept": net_concept,
        "network_concept_spikes": net_spikes,
        "name": names.get(look.concept, look.concept),
        "confidence": look.confidence,
        "engram_neurons": [int(i) for i in fired],
        "engram_spike_counts": [int(counts[i]) for i in fired],
        "concept_engram": list(store.node(look.concept).engram_neurons),
        "match_error": None if match_error is None else float(match_error),
        "match_error_threshold": thr,
        **novelty,
        "distance": look.distance,
        "link_radius": store.link_radius,
        "linked": look.linked,
        "nearest_items": [{"item": i, "concept": store.item(i)[0], "modality": store.item(i)[1],
                           "source": store.item(i)[2], "distance": d}
                          for i, d in zip(look.neighbour_ids[:5], look.neighbour_distances[:5])],
        **route_answer(store, memory.meta, look.concept, look.linked, thesaurus),
        "cue": cue,
    }


def imagine(memory, latent: np.ndarray, modality: str, *, item=None, n_nearest: int = 5) -> dict:
    """Complete a picture latent from a word cue through the engram's feedback (module docstring).

    Returns a dict with ``picture`` (the decoder's drawing), ``latent``,
    ``source`` (``"engram feedback"`` or, when no concept neuron fired,
    ``"silent engram"`` with ``picture`` None), ``nearest`` (thumbnails and
    descriptions of the nearest stored real pictures).
    """
    from neuromem.analysis.recall import complete_pattern
    from neuromem.coding.population import decode_rates

    counts = memory.cue_counts(modality, latent[None, :], None if item is None else [item])
    pattern = complete_pattern(counts, memory.network_state().w_fb["picture"])
    if pattern.sum() <= 0:
        return {"picture": None, "latent": None, "source": "silent engram", "nearest": []}
    _, z = decode_rates(pattern, memory.spec().coding, memory.squash()["picture"])
    z = z.astype(np.float32)
    pic = memory.encoders.reconstruct(z)[0]
    pics = np.flatnonzero(memory.store._modality == 0)
    d = np.linalg.norm(memory.store.item_latents()[pics] - z[0], axis=1)
    near = pics[np.argsort(d)[:n_nearest]]
    thumbs = memory.arrays["thumbnails::pictures"]
    item_of = {int(i): j for j, i in enumerate(memory.arrays["thumbnails::item_ids"])}
    nearest = [{"item": int(i), "concept": memory.store.item(int(i))[0], "source": memory.store.item(int(i))[2],
                "thumbnail": thumbs[item_of[int(i)]] if int(i) in item_of else None} for i in near]
    return {"picture": pic, "latent": z[0], "source": "engram feedback", "nearest": nearest}
