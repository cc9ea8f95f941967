"""The thesaurus route measured on Fashion-MNIST: superordinate hits and novel-concept placement.

For each seed, ``per_concept`` pictures of each Fashion-MNIST concept are
drawn (the seed picks them; nothing is fitted on Fashion-MNIST, so every
picture is held out). The EfficientNet-Lite0 network's own ImageNet head
gives each picture its top-``k`` ImageNet classes; WordNet's hypernyms say
which of the superordinates ``garment``, ``footwear`` and ``bag`` each class
lies below (each word's noun senses below ``artifact.n.01``).

Measured (keys of the results JSON):

``superordinate_hit_fraction``
    Fraction of pictures whose top-``k`` classes include a class below
    their concept's superordinate (per concept and pooled), next to
    ``superordinate_hit_chance`` (``k`` classes drawn at random).
``thesaurus_parent_accuracy``
    Each concept in turn is novel; it is placed under the superordinate
    most of its pictures hit (:func:`neuromem.analysis.thesaurus.place_concepts`).
``locality_parent_accuracy``
    Latent locality alone: the novel concept's pictures are looked up in a
    concept store of the other nine concepts' pictures (frozen backbone
    features at the memory's 64 px, the store's 10-nearest vote); the
    concept most of them land on gives its superordinate.
``thesaurus_parent_majority_baseline``
    Always answering the commonest superordinate.
``link_route_fraction``
    With all ten concepts known (half of each concept's pictures stored,
    folder hierarchy plus WordNet parents), the share of the other half's
    pictures linked to their answer by ``locality``, ``thesaurus``, ``both``
    or ``none`` (:func:`neuromem.store.thesaurus.route_answer`), and the
    answer's accuracy within each route.
``placement_margin``
    Mean over concepts of (true parent's vote - best other vote) / the larger
    of the two, in [-1, 1] (a tie-breaker when choosing a configuration).

The true superordinates are declared in :data:`FASHION_SUPERORDINATES`
(6 garments, 3 footwear, 1 bag). WordNet agrees for nine of the ten
concepts; it files ``dress.n.01`` under ``woman's_clothing`` ->
``clothing``, beside ``garment`` rather than below it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from neuromem.analysis import thesaurus as th

__all__ = ["FASHION_SUPERORDINATES", "ThesaurusEvalConfig", "evaluate_seed", "head_probabilities",
           "superordinate_table"]

#: The declared superordinate of every Fashion-MNIST concept.
FASHION_SUPERORDINATES = {
    "garment": ("t-shirt", "trouser", "pullover", "dress", "coat", "shirt"),
    "footwear": ("sandal", "sneaker", "ankle boot"),
    "bag": ("bag",),
}


@dataclass(frozen=True, kw_only=True)
class ThesaurusEvalConfig:
    """One configuration of the thesaurus route on Fashion-MNIST.

    Parameters
    ----------
    top_k : int
        ImageNet classes kept per picture (1..50).
    classify_size_px : int
        Side of the picture given to the ImageNet head (32..320).
    invert : bool
        Give the head the inverted picture (dark object on a light ground, as in product photos).
    score : {"lift", "fraction"}
        Placement by the hit fraction's lift over chance, or by the fraction itself
        (:func:`neuromem.analysis.thesaurus.place_concepts`).
    per_concept : int
        Pictures drawn per concept and seed (2..7000).
    locality_size_px : int
        Backbone input side for the locality reference (the memory's encoder default, 64).
    """

    top_k: int = 5
    classify_size_px: int = 224
    invert: bool = False
    score: str = "lift"
    per_concept: int = 20
    locality_size_px: int = 64

    def __post_init__(self):
        if self.score not in ("lift", "fraction"):
            raise ValueError(f"score={self.score!r} is unknown; allowed 'lift' or 'fraction'")
        for name, lo, hi in (("top_k", 1, 50), ("classify_size_px", 32, 320), ("per_concept", 2, 7000),
                             ("locality_size_px", 32, 320)):
            v = getattr(self, name)
            if not isinstance(v, int) or not lo <= v <= hi:
                raise ValueError(f"{name}={v!r} is out of range; allowed integers {lo}..{hi}")


def superordinate_table(wordnet, words=tuple(FASHION_SUPERORDINATES)) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """``(membership (1000, n_words) bool, senses per word)``: which ImageNet classes lie below each word."""
    senses = [wordnet.noun_senses(w, under="artifact.n.01") for w in words]
    closures = [wordnet.hypernym_closure(s) for s in wordnet.imagenet_synsets]
    return th.class_membership(closures, senses), senses


@functools.lru_cache(maxsize=2)
def _backbone(size_px: int):
    from neuromem.encoders.backbones import load_backbone

    return load_backbone("efficientnet_lite0", input_size=size_px)


def head_probabilities(pictures: np.ndarray, *, size_px: int, invert: bool, log=print) -> np.ndarray:
    """ImageNet head probabilities of ``pictures`` (n, 1000), cached in neuromem's cache by content."""
    import torch

    from neuromem._hashing import sha256_hex
    from neuromem.encoders.backbones import set_threads
    from neuromem.encoders.cache import cache_key, load_cached, save_cached

    set_threads()
    bb = _backbone(size_px)
    pics = 1.0 - pictures if invert else pictures
    key = cache_key(kind="imagenet-head", weights=bb.weights_id, size=size_px, data=sha256_hex(pics, length=20),
                    torch=torch.__version__.split("+")[0])
    cached = load_cached("imagenet_head", key)
    if cached is not None:
        return cached["probabilities"]
    log(f"ImageNet head on {len(pics)} pictures at {size_px} px{' (inverted)' if invert else ''}")
    prob = bb.imagenet_probabilities(pics.astype(np.float32))
    save_cached("imagenet_head", key, {"probabilities": prob})
    return prob


def _locality_placement(features: np.ndarray, labels: np.ndarray, n_concepts: int) -> np.ndarray:
    """For each concept left out, the known concept most of its pictures land on (store lookup)."""
    from neuromem.store.concepts import ConceptStore

    out = np.empty(n_concepts, np.int64)
    for c in range(n_concepts):
        known = labels != c
        store = ConceptStore(features.shape[1])
        names = [str(i) for i in range(n_concepts) if i != c]
        for n in names:
            store.add_concept(n)
        store.add_items_many([str(i) for i in labels[known]], "picture", features[known],
                             [""] * int(known.sum()))
        store.fit_locality()
        got = [int(look.concept) for look in store.lookup(features[~known], modality="picture")]
        out[c] = np.bincount(got, minlength=n_concepts).argmax()
    return out


def _route_fractions(ds, features: np.ndarray, prob: np.ndarray, config, wordnet, seed: int) -> dict:
    """``link_route`` of held-out pictures recalled from a store of the other half (all ten concepts known).

    Half of each concept's pictures (chosen by the seed) are stored with the
    dataset's folder hierarchy, WordNet parents are attached
    (:func:`neuromem.store.thesaurus.attach_thesaurus`), and every other
    picture is looked up: the fraction of each route, and of correct answers.
    """
    import types

    from neuromem.seeds import SeedTree
    from neuromem.store.concepts import ConceptStore
    from neuromem.store.thesaurus import LINK_ROUTES, attach_thesaurus, route_answer

    labels = np.asarray(ds.picture_labels, np.int64)
    rng = SeedTree(int(seed)).rng("thesaurus_route_split")
    stored = np.zeros(len(labels), bool)
    for c in range(len(ds.concepts)):
        idx = rng.permutation(np.flatnonzero(labels == c))
        stored[idx[: len(idx) // 2]] = True
    store = ConceptStore(features.shape[1])
    for parent, child in ds.hierarchy.edges if ds.hierarchy is not None else ():
        store.link_hierarchy(parent, child)
    for c in ds.concepts:
        store.add_concept(c)
    store.add_items_many([ds.concepts[i] for i in labels[stored]], "picture", features[stored],
                         [""] * int(stored.sum()))
    store.fit_locality()
    mem = types.SimpleNamespace(store=store, meta={"dataset": {"canonical_names": {}}})
    attach_thesaurus(mem, wordnet, top_k=config.top_k, classify_size_px=config.classify_size_px,
                     invert=config.invert)
    top = th.top_classes(prob[~stored], config.top_k)
    looks = store.lookup(features[~stored], modality="picture")
    routes, right = [], []
    for look, row, lab in zip(looks, top, labels[~stored]):
        classes = [wordnet.imagenet_synsets[int(i)] for i in row]
        thes = {"classes": classes, "synsets": frozenset().union(*(wordnet.hypernym_closure(c) for c in classes))}
        routes.append(route_answer(store, mem.meta, look.concept, look.linked, thes)["link_route"])
        right.append(look.concept == ds.concepts[lab])
    routes, right = np.array(routes), np.array(right)
    return {"link_route_fraction": {r: float(np.mean(routes == r)) for r in LINK_ROUTES},
            "link_route_accuracy": {r: (float(right[routes == r].mean()) if (routes == r).any() else None)
                                    for r in LINK_ROUTES},
            "locality_answer_accuracy": float(right.mean()), "n_heldout": int(len(right))}


def evaluate_seed(seed: int, config: ThesaurusEvalConfig, wordnet, *, with_locality: bool = True, dataset=None,
                  membership=None, log=print) -> dict:
    """All measures of one seed (module docstring); plain numbers and lists, JSON-ready.

    ``dataset`` (this seed's Fashion-MNIST draw) and ``membership``
    (:func:`superordinate_table`) may be passed in when several
    configurations are measured on the same seed.
    """
    from neuromem.data.builtin import load_fashion_mnist

    ds = dataset if dataset is not None else load_fashion_mnist(per_concept=config.per_concept, seed=seed)
    words = list(FASHION_SUPERORDINATES)
    truth = np.array([next(i for i, w in enumerate(words) if c in FASHION_SUPERORDINATES[w]) for c in ds.concepts])
    if membership is None:
        membership, _ = superordinate_table(wordnet, words)
    prob = head_probabilities(ds.pictures, size_px=config.classify_size_px, invert=config.invert, log=log)
    labels = np.asarray(ds.picture_labels, np.int64)
    hits = th.superordinate_hits(th.top_classes(prob, config.top_k), membership)
    votes = th.parent_votes(hits, labels, len(ds.concepts))
    chance = th.chance_hit_fraction(membership, config.top_k)
    placed = th.place_concepts(votes, chance if config.score == "lift" else None)
    if config.score == "lift":
        votes = votes / chance
    own = hits[np.arange(len(hits)), truth[labels]]
    mine = votes[np.arange(len(truth)), truth]
    other = np.array([np.max(np.delete(votes[c], truth[c])) for c in range(len(ds.concepts))])
    margin = np.divide(mine - other, np.maximum(mine, other), out=np.zeros(len(truth)),
                       where=np.maximum(mine, other) > 0)
    res = {
        "seed": seed,
        "concepts": list(ds.concepts),
        "superordinates": words,
        "true_parent": [words[t] for t in truth],
        "superordinate_hit_fraction": float(own.mean()),
        "superordinate_hit_fraction_per_concept": [float(own[labels == c].mean()) for c in range(len(ds.concepts))],
        "superordinate_hit_chance": [float(x) for x in chance],
        "parent_votes": votes.tolist(),
        "placement_margin": float(margin.mean()),
        "thesaurus_parent": [words[p] if p >= 0 else None for p in placed],
        "thesaurus_parent_accuracy": th.parent_accuracy(placed, truth),
        "thesaurus_parent_majority_baseline": th.majority_baseline(truth),
        "n_pictures": int(len(labels)),
    }
    if with_locality:
        from neuromem.encoders.pipeline import EncoderConfig, backbone_features

        feats = backbone_features(ds, config=EncoderConfig(input_size_px=config.locality_size_px), log=log)
        nearest = _locality_placement(feats.astype(np.float32), labels, len(ds.concepts))
        res["locality_nearest_concept"] = [ds.concepts[n] for n in nearest]
        res["locality_parent"] = [words[truth[n]] for n in nearest]
        res["locality_parent_accuracy"] = th.parent_accuracy(truth[nearest], truth)
        res.update(_route_fractions(ds, feats.astype(np.float32), prob, config, wordnet, seed))
    return res
