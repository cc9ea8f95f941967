"""The thesaurus route: WordNet parents for concept nodes, and links through shared synsets.

A memory gets a thesaurus with :func:`attach_thesaurus` (``neuromem
thesaurus --memory DIR``):

* every concept with items is given its WordNet synset
  (:meth:`~neuromem.data.wordnet.WordNet.concept_synset` of its name, then
  its canonical name) and the first ``depth`` synsets above it on its
  shortest hypernym path, stopping below a synset that more than
  ``max_imagenet_share`` of the 1,000 ImageNet classes lie under (5 %:
  ``container.n.01`` with 100 classes, ``covering.n.02``: such a parent would
  link almost any picture); these become hierarchy parents named by their
  first lemma (``sneaker`` -> ``gym_shoe.n.01``; parents ``shoe``,
  ``footwear``). A parent with the name of an existing node (a
  folder-declared ``footwear``, or the concept ``shirt`` above ``t-shirt``)
  *is* that node: the two hierarchies merge by name. A link that would
  make the hierarchy cyclic is left out.
* ``memory.meta["thesaurus"]`` records the settings and ``node_synsets``
  (node -> its WordNet synsets).

At recall, a picture's ``top_k`` ImageNet classes (the backbone's own
1,000-class head, at ``classify_size_px``) and every synset above them form
its *thesaurus set*; a written name's set is its synset and those above it.
The nodes whose synsets meet that set are ``thesaurus_nodes``. The answer
concept is **linked by the thesaurus** when it or one of its hierarchy
ancestors is among them, **linked by locality** when the cue lies within the
link radius of its centroid (:mod:`neuromem.store.locality`), and
``link_route`` is ``"both"``, ``"locality"``, ``"thesaurus"`` or
``"none"``. Without an attached thesaurus (or for a sound cue) only
locality can link.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["DEFAULT_CLASSIFY_SIZE_PX", "DEFAULT_DEPTH", "DEFAULT_TOP_K", "MAX_IMAGENET_SHARE", "LINK_ROUTES",
           "THESAURUS_MODES", "attach_if_available", "attach_new_concept", "attach_thesaurus", "cue_thesaurus",
           "link_route", "route_answer", "thesaurus_nodes"]

DEFAULT_DEPTH = 2
MAX_IMAGENET_SHARE = 0.05
#: Chosen on Fashion-MNIST seeds 0-2 (``simulations/thesaurus_fashion.py``, ``results-22-thesaurus/tuning.json``).
DEFAULT_TOP_K = 5
DEFAULT_CLASSIFY_SIZE_PX = 224
LINK_ROUTES = ("locality", "thesaurus", "both", "none")
#: ``neuromem learn --thesaurus``: attach when WordNet is installed, require it, or skip it.
THESAURUS_MODES = ("auto", "on", "off")


def link_route(locality: bool, thesaurus: bool) -> str:
    """``"both"``, ``"locality"``, ``"thesaurus"`` or ``"none"`` from the two link decisions."""
    return {(True, True): "both", (True, False): "locality", (False, True): "thesaurus",
            (False, False): "none"}[(bool(locality), bool(thesaurus))]


def attach_thesaurus(memory, wordnet, *, top_k: int, classify_size_px: int, invert: bool = False,
                     depth: int = DEFAULT_DEPTH, max_imagenet_share: float = MAX_IMAGENET_SHARE) -> dict:
    """Give the memory's concepts WordNet parents and record the thesaurus settings (module docstring).

    Parameters
    ----------
    memory : Memory
    wordnet : neuromem.data.wordnet.WordNet
    top_k : int
        ImageNet classes kept per picture cue (1..50).
    classify_size_px : int
        Side of the picture given to the ImageNet head (32..320).
    invert : bool
        Give the head the inverted picture.
    depth : int
        WordNet parents added above each concept at most (1..6).
    max_imagenet_share : float
        The climb stops below a parent with more than this share of the
        ImageNet classes under it (0.001..1).

    Returns
    -------
    dict
        ``{concept: {"synset": str or None, "parents": [node, ...]}}``.
    """
    for name, v, lo, hi in (("top_k", top_k, 1, 50), ("classify_size_px", classify_size_px, 32, 320),
                            ("depth", depth, 1, 6)):
        if not isinstance(v, int) or not lo <= v <= hi:
            raise ValueError(f"{name}={v!r} is out of range; allowed integers {lo}..{hi}")
    if not 0.001 <= max_imagenet_share <= 1.0:
        raise ValueError(f"max_imagenet_share={max_imagenet_share} is out of range; allowed 0.001..1")
    limit = max_imagenet_share * len(wordnet.imagenet_synsets)
    under = _imagenet_counts(wordnet)
    canonical = memory.meta["dataset"].get("canonical_names", {})
    node_synsets: dict[str, set] = {}
    added = {}
    for concept in memory.store.concepts:
        if memory.store.node(concept).n_items:
            added[concept] = _parents_of(memory.store, wordnet, concept, canonical, node_synsets, under=under,
                                         limit=limit, depth=depth)
    memory.meta["thesaurus"] = {"top_k": top_k, "classify_size_px": classify_size_px, "invert": bool(invert),
                                "depth": depth, "max_imagenet_share": max_imagenet_share,
                                "wordnet": "3.0 (Debian wordnet-base)",
                                "node_synsets": {n: sorted(s) for n, s in sorted(node_synsets.items())}}
    return added


@functools.lru_cache(maxsize=2)
def _imagenet_counts(wordnet) -> dict:
    """How many of the 1,000 ImageNet classes lie under each synset."""
    under: dict[str, int] = {}
    for c in wordnet.imagenet_synsets:
        for s in wordnet.hypernym_closure(c):
            under[s] = under.get(s, 0) + 1
    return under


def _parents_of(store, wordnet, concept: str, canonical: dict, node_synsets: dict, *, under: dict, limit: float,
                depth: int) -> dict:
    """Give one concept its WordNet synset and up to ``depth`` parents (module docstring); updates ``node_synsets``."""
    synset = wordnet.concept_synset([concept, canonical.get(concept, concept)])
    out = {"synset": synset, "parents": []}
    if synset is None:
        return out
    node_synsets.setdefault(concept, set()).add(synset)
    child = concept
    for parent_synset in wordnet.hypernym_chain(synset)[1:1 + depth]:
        if under.get(parent_synset, 0) > limit:
            break
        parent = wordnet.lemma(parent_synset)
        node_synsets.setdefault(parent, set()).add(parent_synset)
        try:
            store.link_hierarchy(parent, child)
        except ValueError:  # the folder's hierarchy already says the opposite
            break
        out["parents"].append(parent)
        child = parent
    return out


def attach_new_concept(memory, concept: str) -> dict:
    """Give a concept added after the thesaurus was attached its WordNet synset and parents (``memory add``).

    Uses the memory's recorded thesaurus settings; a parent named like an existing node *is* that node, so a
    new ``sandal`` joins an existing ``footwear``. Returns ``{"synset", "parents", "existing_parents"}``
    (``existing_parents``: the parents that were nodes of the memory before, i.e. the existing nodes the new
    concept is now linked to through shared synsets); empty lists when the memory has no thesaurus or the
    name has no WordNet synset.

    Raises
    ------
    WordNetMissingError
        The memory has a thesaurus but WordNet is no longer installed.
    """
    from neuromem.data.wordnet import load_wordnet

    cfg = memory.meta.get("thesaurus")
    if cfg is None:
        return {"synset": None, "parents": [], "existing_parents": []}
    wn = load_wordnet()
    before = set(memory.store.concepts)
    node_synsets = {n: set(v) for n, v in cfg["node_synsets"].items()}
    out = _parents_of(memory.store, wn, concept, memory.meta["dataset"].get("canonical_names", {}), node_synsets,
                      under=_imagenet_counts(wn), limit=cfg["max_imagenet_share"] * len(wn.imagenet_synsets),
                      depth=cfg["depth"])
    cfg["node_synsets"] = {n: sorted(s) for n, s in sorted(node_synsets.items())}
    return {**out, "existing_parents": [p for p in out["parents"] if p in before]}


def attach_if_available(memory, mode: str, **options) -> str:
    """``neuromem learn``'s thesaurus step; returns a one-line account of what was done.

    ``mode`` ``"auto"``: attach WordNet (:func:`attach_thesaurus`, default settings) when it is installed
    and at least one concept's name has a synset (otherwise nothing could be linked through it, and recall
    would run the ImageNet head for nothing); ``"on"``: attach it whatever the names (raises
    :class:`~neuromem.data.wordnet.WordNetMissingError`, naming the Debian package, when it is missing);
    ``"off"``: skip it.
    """
    from neuromem.data.wordnet import WordNetMissingError, load_wordnet

    if mode not in THESAURUS_MODES:
        raise ValueError(f"thesaurus mode {mode!r} is unknown; use one of {list(THESAURUS_MODES)}")
    if mode == "off":
        return "thesaurus: off (--thesaurus off); locality only"
    try:
        wn = load_wordnet()
    except WordNetMissingError as exc:
        if mode == "on":
            raise
        return f"thesaurus: not attached ({exc}); locality only"
    canonical = memory.meta["dataset"].get("canonical_names", {})
    named = [c for c in memory.store.concepts if memory.store.node(c).n_items
             and wn.concept_synset([c, canonical.get(c, c)]) is not None]
    if not named and mode == "auto":  # nothing the thesaurus could link: recall need not run the ImageNet head
        return "thesaurus: no concept name has a WordNet synset; not attached (locality only)"
    options = {"top_k": DEFAULT_TOP_K, "classify_size_px": DEFAULT_CLASSIFY_SIZE_PX, **options}
    added = attach_thesaurus(memory, wn, **options)
    return f"thesaurus: {len(named)} of {len(added)} concepts have a WordNet synset (their parents were added)"


@functools.lru_cache(maxsize=2)
def _head(name: str, size_px: int):
    from neuromem.encoders.backbones import load_backbone

    return load_backbone(name, input_size=size_px)


def cue_thesaurus(memory, *, pictures: np.ndarray | None = None, text: str | None = None) -> list[dict] | None:
    """Thesaurus sets of picture cues (or one written name), or None when the memory has no thesaurus.

    Returns
    -------
    list of dict, one per cue
        ``classes`` (the top ImageNet classes as synset names, most probable
        first; empty for a name), ``synsets`` (the thesaurus set, a frozenset).
    """
    from neuromem.data.wordnet import load_wordnet

    cfg = memory.meta.get("thesaurus")
    if cfg is None:
        return None
    wn = load_wordnet()
    if text is not None:
        s = wn.concept_synset(text, under=None)
        return [{"classes": [], "synsets": wn.hypernym_closure(s) if s else frozenset()}]
    enc = memory.encoders
    head = (enc.backbone if cfg["classify_size_px"] == enc.config["input_size_px"]
            else _head(enc.config["backbone"], cfg["classify_size_px"]))
    pics = np.asarray(pictures, np.float32)
    prob = head.imagenet_probabilities(1.0 - pics if cfg["invert"] else pics)
    top = np.argsort(-prob, axis=1, kind="stable")[:, :cfg["top_k"]]
    out = []
    for row in top:
        classes = [wn.imagenet_synsets[int(i)] for i in row]
        out.append({"classes": classes, "synsets": frozenset().union(*(wn.hypernym_closure(c) for c in classes))})
    return out


def thesaurus_nodes(node_synsets: dict, synsets) -> list[str]:
    """Store nodes whose WordNet synsets meet a cue's thesaurus set, in name order."""
    synsets = set(synsets)
    return sorted(n for n, s in node_synsets.items() if synsets & set(s))


def route_answer(store, meta: dict, concept: str, locality_linked: bool, thesaurus: dict | None) -> dict:
    """The recall answer's ``link_route``, ``thesaurus_nodes`` and ``thesaurus_classes`` (module docstring)."""
    cfg = meta.get("thesaurus")
    if cfg is None or thesaurus is None:
        return {"link_route": link_route(locality_linked, False), "thesaurus_nodes": None, "thesaurus_classes": None}
    nodes = thesaurus_nodes(cfg["node_synsets"], thesaurus["synsets"])
    linked = bool(({concept} | store.ancestors(concept)) & set(nodes))
    return {"link_route": link_route(locality_linked, linked), "thesaurus_nodes": nodes,
            "thesaurus_classes": list(thesaurus["classes"])}
