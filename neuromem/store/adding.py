"""Adding one picture to a memory: the novelty gate links it to a known concept or recruits new neurons.

The memory's novelty gate (:mod:`neuromem.store.gate`: the decoder's match
error and the concept layer's own response) decides what the picture does:

* **familiar** (``gate_decision`` ``"link"``): it is added to the concept the
  store's locality matched, and that engram is strengthened and extended: the
  picture is presented once with the concept's written name, STDP on, and
  the neurons that then fire and belong to no other engram join it. With
  ``--concept NAME`` naming another concept, the picture still goes to the
  matched concept and the answer's ``warning`` says so.
* **new** (``"recruit"``): without ``--concept`` it is refused (a new concept
  needs a name). With a new name it is learned one-shot as a new concept
  node with neurons of its own (below); with an existing concept's name that
  concept recruits the free neurons that fire for it (as above).

A new concept's name follows :func:`neuromem.data.names.clean_concept_name`
(Unicode NFC, ``_`` as a space) and is compared with the memory's concepts
ignoring case: ``--concept Cat`` adds to an existing ``cat``. A new name that
the text encoder cannot tell from an existing concept's name
(:func:`neuromem.encoders.text.indistinct_names`: ``résumé`` beside
``resume``, ``🐶`` beside ``🐱``) is refused.

One-shot learning presents the picture and the written name together once,
with STDP on, and gives the new concept the neurons that then fire for them.
A new concept must get at least one neuron of its own (one that is in no
other concept's engram): a picture that only fires the neurons of a concept it
resembles (a ring drawn like the memory's circles) is refused, the network's
weights are put back as they were, and nothing is added.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neuromem.store.errors import StoreError
from neuromem.store.recall import answer, cue_seed

__all__ = ["add_picture", "concept_for_name", "decide_picture"]


def concept_for_name(memory, name: str) -> tuple[str, bool]:
    """The concept ``name`` means in ``memory``: ``(concept, is_new)`` (module docstring).

    Raises
    ------
    ValueError
        The name is empty after clean-up.
    StoreError
        A new name the text encoder cannot tell from an existing concept's name.
    """
    from neuromem.data.names import clean_concept_name, concept_key

    clean = clean_concept_name(name)
    if not clean:
        raise ValueError(f"concept name {name!r} is empty after clean-up; give the concept's name")
    same = [c for c in memory.store.concepts if concept_key(c) == concept_key(clean)]
    if same:
        return same[0], False
    from neuromem.encoders.text import indistinct_message, indistinct_names

    canonical = memory.meta["dataset"].get("canonical_names", {})
    existing = list(memory.store.concepts)
    texts = [clean] + [canonical.get(c, c) for c in existing]
    clash = [(existing[j - 1], cos) for i, j, cos in indistinct_names(texts) if i == 0]
    if clash:
        other, cos = clash[0]
        raise StoreError(indistinct_message(f"the new concept name {clean!r}", f"the concept {other!r}", cos)
                         + f"; use --concept {other!r} to add the picture to it, or choose a name in other words. "
                           "Nothing was saved")
    return clean, True


def decide_picture(memory, path, *, concept: str | None = None) -> tuple[dict, dict]:
    """What adding ``path`` would do, without changing the memory: ``(recall answer, plan)``.

    The plan's keys: ``decision`` (``"link"``: the gate found the picture
    familiar; ``"recruit"``: new), ``target`` (the concept it goes to), ``thesaurus`` (the picture's thesaurus
    set, :func:`neuromem.store.thesaurus.cue_thesaurus`, or None without one),
    ``new_concept`` (a new concept node), ``warning`` (None, or why the
    picture goes elsewhere than ``concept`` says). See the module docstring.

    Raises
    ------
    StoreError
        A new picture without ``concept``; a new concept name the text encoder cannot tell from an existing one.
    ValueError
        ``concept`` is empty after clean-up.
    """
    from neuromem.data.names import clean_concept_name, concept_key

    from neuromem.store.thesaurus import cue_thesaurus

    pic, z = memory.encode_picture_file(path)
    thes = cue_thesaurus(memory, pictures=pic[None])  # None without an attached thesaurus
    ans = answer(memory, z, "picture", match_error=float(memory.encoders.match_error(z[None], pic[None])[0]),
                 cue={"modality": "picture", "file": str(path)}, item=pic, thesaurus=thes[0] if thes else None)
    plan = {"decision": "recruit" if ans["novel"] else "link", "warning": None, "picture": pic, "latent": z,
            "thesaurus": thes[0] if thes else None}
    if not ans["novel"]:
        plan.update(target=ans["concept"], new_concept=False)
        if concept is not None:
            clean = clean_concept_name(concept)
            if not clean:
                raise ValueError(f"concept name {concept!r} is empty after clean-up; give the concept's name")
            if concept_key(clean) != concept_key(ans["concept"]):
                plan["warning"] = (f"{path} matches the known concept {ans['concept']!r} (novelty score "
                                   f"{_score_text(ans)}), not {clean!r}: linked to {ans['concept']!r}")
        return ans, plan
    if concept is None:
        raise StoreError(f"{path} is novel ({_why_novel(ans)}); give it a name with --concept NAME to learn "
                         "it as a new concept. Nothing was saved")
    target, new = concept_for_name(memory, concept)
    plan.update(target=target, new_concept=new)
    return ans, plan


def _score_text(ans: dict) -> str:
    if ans.get("novelty_score") is None:
        return "not calibrated"
    return f"{ans['novelty_score']:.3g} <= threshold {ans['novelty_threshold']:.3g}"


def _why_novel(ans: dict) -> str:
    if ans.get("novelty_rule") == "gate":
        return (f"novelty score {ans['novelty_score']:.3g} > threshold {ans['novelty_threshold']:.3g} from match "
                f"error {ans['match_error']:.4g} and network response {ans['network_concept_spikes']} spikes")
    return (f"distance {ans['distance']:.3g} vs link radius {ans['link_radius']:.3g}, match error "
            f"{ans['match_error']:.4g} vs {ans['match_error_threshold']:.4g}")


def add_picture(memory, path, *, concept: str | None = None) -> dict:
    """Add one picture file to ``memory`` (see :meth:`neuromem.store.memory.Memory.add_picture`)."""
    from neuromem.store.thesaurus import attach_new_concept, link_route, route_answer

    ans, plan = decide_picture(memory, path, concept=concept)
    thes = plan["thesaurus"]
    target, pic, z = plan["target"], plan["picture"], plan["latent"]
    parents = {"synset": None, "parents": [], "existing_parents": []}
    if plan["new_concept"]:
        recruited = _learn_one_shot(memory, target, z, pic, path, ans)
        parents = attach_new_concept(memory, target)
    else:
        recruited = _strengthen(memory, target, z, pic)
    memory.store.add_items(target, "picture", z[None], [Path(path).name])
    memory._add_thumbnail(memory.store.n_items - 1, pic)
    if plan["new_concept"]:  # linked to existing nodes by locality (the nearest concept within the link radius)
        # and by the thesaurus (its name's WordNet parents that were nodes, or nodes sharing the picture's synsets)
        route = {"link_route": link_route(ans["linked"], bool(parents["existing_parents"] or ans["thesaurus_nodes"]))}
    elif target != ans["concept"]:  # recruited for another known concept than the nearest: locality did not link it
        route = route_answer(memory.store, memory.meta, target, False, thes)
    else:
        route = {}
    return {**ans, **route, "added_to": target, "new_concept": plan["new_concept"], "gate_decision": plan["decision"],
            "warning": plan["warning"], "recruited_neurons": recruited, "thesaurus_synset": parents["synset"],
            "thesaurus_parents": parents["parents"]}


def _strengthen(memory, name: str, z_pic: np.ndarray, pic: np.ndarray) -> list[int]:
    """Present the picture with the concept's written name, STDP on; its engram gains the free neurons that fire.

    Neurons of another concept's engram are not taken. Returns the neurons added to the engram.
    """
    store = memory.store
    owner = {n: c for c in store.concepts for n in store.node(c).engram_neurons}
    canonical = memory.meta["dataset"].get("canonical_names", {})
    z_name = memory.encoders.names([canonical.get(name, name)])[0]
    stim = {"picture": z_pic[None], "name": z_name[None]}
    memory.network.present(stim, plastic=True, seed=cue_seed(memory.seed, pic, "strengthen", "learn").rng())
    counts = memory.network.present(stim, plastic=False, seed=cue_seed(memory.seed, pic, "strengthen", "assign").rng()
                                    ).counts[0]
    node = store.node(name)
    old = list(node.engram_neurons)
    added = [int(n) for n in np.flatnonzero(counts) if int(n) not in owner]
    if added:
        weights = dict(zip(old, node.engram_weights))
        neurons = old + added
        store.set_engram(name, np.asarray(neurons), np.asarray([weights.get(n, counts[n]) for n in neurons], float))
    return added


def _learn_one_shot(memory, name: str, z_pic: np.ndarray, pic: np.ndarray, path, ans: dict) -> list[int]:
    store = memory.store
    owner = {n: c for c in store.concepts for n in store.node(c).engram_neurons}
    n_neurons = int(memory.meta["network"]["concept_neurons"])
    if len(owner) >= n_neurons - 1:
        raise StoreError(f"the concept layer has no free neuron for a new concept ({len(owner)} of {n_neurons} "
                         "are in engrams); re-learn with a larger --concept-neurons. Nothing was saved")
    z_name = memory.encoders.names([name])[0]
    stim = {"picture": z_pic[None], "name": z_name[None]}
    before = memory.network.snapshot()
    memory.network.present(stim, plastic=True, seed=cue_seed(memory.seed, pic, "one_shot", "learn").rng())
    counts = memory.network.present(stim, plastic=False, seed=cue_seed(memory.seed, pic, "one_shot", "assign").rng()
                                    ).counts[0]
    fired = np.flatnonzero(counts)
    if not set(fired.tolist()) - set(owner):
        memory.network.load_snapshot(before)  # the one-shot presentation changed the weights: undo it
        whose = sorted({owner[int(n)] for n in fired})
        what = (f"fires only neurons of {', '.join(map(repr, whose))} (engram neurons {fired.tolist()})" if whose
                else "fires no concept neuron")
        raise StoreError(f"{path} {what}, so the new concept {name!r} would get no neuron of its own (nearest "
                         f"concept {ans['concept']!r}, distance {ans['distance']:.3g} vs link radius "
                         f"{ans['link_radius']:.3g}). Add it to {ans['concept']!r} with --concept "
                         f"{ans['concept']!r}, or teach {name!r} with a picture unlike the memory's concepts. "
                         "Nothing was saved")
    store.add_concept(name)
    store.add_items(name, "name", z_name[None], [name])
    store.set_engram(name, fired, counts[fired].astype(float))
    shared = sorted(set(fired.tolist()) & set(owner))
    memory.meta.setdefault("shared_engram_neurons", {})
    if shared:
        memory.meta["shared_engram_neurons"][name] = shared
    memory.meta["dataset"].setdefault("canonical_names", {})[name] = name
    return [int(n) for n in fired]
