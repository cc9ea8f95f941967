"""The thesaurus route: WordNet offline, hypernym chains, WordNet parents in the store, link_route."""

from __future__ import annotations

import types
import numpy as np
import pytest

from neuromem.data.wordnet import DEBIAN_WORDNET_DIR, WordNetMissingError, load_wordnet
from neuromem.store.concepts import ConceptStore
from neuromem.store.thesaurus import LINK_ROUTES, attach_thesaurus, link_route, route_answer, thesaurus_nodes

needs_wordnet = pytest.mark.skipif(not (DEBIAN_WORDNET_DIR / "data.noun").is_file(),
                                   reason="Debian's wordnet-base is not installed (tools/setup.sh installs it)")


def test_missing_wordnet_folder_names_the_debian_package(tmp_path):
    with pytest.raises(WordNetMissingError, match="wordnet-base"):
        load_wordnet(tmp_path / "no-such-folder")
    (tmp_path / "partial").mkdir()
    (tmp_path / "partial" / "data.noun").write_text("")
    with pytest.raises(WordNetMissingError, match=r"cntlist\.rev.*wordnet-base"):
        load_wordnet(tmp_path / "partial")


def test_thesaurus_command_refuses_a_missing_wordnet_in_one_line(tmp_path, monkeypatch, capsys):
    from neuromem.cli import main

    monkeypatch.setenv("NEUROMEM_WORDNET_DIR", str(tmp_path / "gone"))
    code = main(["thesaurus", "--memory", str(tmp_path / "memory")])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and "wordnet-base" in err and "Traceback" not in err


@needs_wordnet
def test_hypernym_chain_and_imagenet_table():
    wn = load_wordnet()
    assert wn.hypernym_chain("running_shoe.n.01")[:4] == ("running_shoe.n.01", "shoe.n.01", "footwear.n.02",
                                                         "covering.n.02")
    assert wn.hypernym_chain("running_shoe.n.01")[-1] == "entity.n.01"
    assert len(wn.imagenet_synsets) == 1000 and wn.imagenet_synsets[770] == "running_shoe.n.01"
    assert wn.concept_synset("sneaker") == "gym_shoe.n.01"
    assert wn.concept_synset("ankle boot") == "boot.n.01"  # no ankle_boot synset: its head noun
    assert "garment.n.01" in wn.hypernym_closure("jersey.n.03")
    assert "garment.n.01" not in wn.hypernym_closure("sandal.n.01")
    with pytest.raises(ValueError, match="not a WordNet"):
        wn.synset("no_such_thing.n.01")


def _tiny_store():
    """Two concepts in a 2-d latent space, ``sneaker`` around (0, 0) and ``t-shirt`` around (10, 0)."""
    rng = np.random.default_rng(0)
    store = ConceptStore(2)
    store.add_concept("footwear")  # folder-declared
    store.add_concept("sneaker", parents=("footwear",))
    store.add_concept("t-shirt")
    store.add_items("sneaker", "picture", rng.normal(0, 0.3, (8, 2)), [""] * 8)
    store.add_items("t-shirt", "picture", rng.normal(0, 0.3, (8, 2)) + [10, 0], [""] * 8)
    store.fit_locality()
    return store


@needs_wordnet
def test_wordnet_parents_merge_with_the_folder_hierarchy():
    store = _tiny_store()
    mem = types.SimpleNamespace(store=store, meta={"dataset": {"canonical_names": {}}})
    added = attach_thesaurus(mem, load_wordnet(), top_k=5, classify_size_px=224)
    assert added["sneaker"] == {"synset": "gym_shoe.n.01", "parents": ["shoe", "footwear"]}
    assert added["t-shirt"] == {"synset": "jersey.n.03", "parents": ["shirt", "garment"]}
    assert store.ancestors("sneaker") == {"shoe", "footwear"}  # the folder's footwear is WordNet's footwear
    assert mem.meta["thesaurus"]["node_synsets"]["footwear"] == ["footwear.n.02"]


def test_link_route_values_on_a_tiny_store():
    store = _tiny_store()
    store.link_hierarchy("shoe", "sneaker")
    meta = {"thesaurus": {"node_synsets": {"sneaker": ["gym_shoe.n.01"], "shoe": ["shoe.n.01"],
                                           "t-shirt": ["jersey.n.03"]}}}
    near, far = store.lookup(np.array([[0.1, 0.0], [0.0, 6.0]]))
    assert near.concept == "sneaker" and near.linked and not far.linked
    shoe_like = {"classes": ["sandal.n.01"], "synsets": frozenset({"sandal.n.01", "shoe.n.01", "footwear.n.02"})}
    shirt_like = {"classes": ["jersey.n.03"], "synsets": frozenset({"jersey.n.03", "shirt.n.01"})}
    assert thesaurus_nodes(meta["thesaurus"]["node_synsets"], shoe_like["synsets"]) == ["shoe"]
    got = {(look.linked, name): route_answer(store, meta, look.concept, look.linked, t)["link_route"]
           for look in (near, far) for name, t in (("shoe", shoe_like), ("shirt", shirt_like))}
    assert got == {(True, "shoe"): "both", (True, "shirt"): "locality",
                   (False, "shoe"): "thesaurus", (False, "shirt"): "none"}
    # without a thesaurus only locality can link
    assert route_answer(store, {}, "sneaker", True, shoe_like)["link_route"] == "locality"
    assert route_answer(store, {}, "sneaker", False, shoe_like)["link_route"] == "none"
    assert [link_route(a, b) for a in (True, False) for b in (True, False)] == ["both", "locality", "thesaurus",
                                                                                 "none"]


@needs_wordnet
def test_thesaurus_command_then_recall_json_reports_the_route(learned, tmp_path, capsys):
    import json
    import shutil

    from memory_helpers import neuromem_here

    from neuromem.store.memory import load_memory

    mem_dir = tmp_path / "memory"
    shutil.copytree(learned["memory"], mem_dir)
    seven = learned["held"]["seven"][0]
    code, out, _ = neuromem_here(capsys, "thesaurus", "--memory", mem_dir, "--top-k", "3", "--classify-size", "64")
    assert code == 0 and "seven: -  no WordNet synset (locality only)" in out  # digits are no artifacts
    code, out, _ = neuromem_here(capsys, "recall", "--memory", mem_dir, "--picture", seven, "--json")
    ans = json.loads(out)
    wn = load_wordnet()
    assert len(ans["thesaurus_classes"]) == 3 and set(ans["thesaurus_classes"]) <= set(wn.imagenet_synsets)
    assert ans["concept"] == "seven" and ans["thesaurus_nodes"] == [] and ans["link_route"] in ("locality", "none")
    # a node that shares the picture's top class: the thesaurus links it too
    mem = load_memory(mem_dir)
    mem.meta["thesaurus"]["node_synsets"]["seven"] = [ans["thesaurus_classes"][0]]
    again = mem.recall_picture(seven)
    assert again["thesaurus_nodes"] == ["seven"]
    assert again["concept"] == "seven"
    assert again["link_route"] == {"locality": "both", "none": "thesaurus"}[ans["link_route"]]
    # memory add reports the route that linked the added picture, as recall --json does
    code, out, err = neuromem_here(capsys, "memory", "add", "--memory", mem_dir, "--picture", seven, "--concept",
                                   "seven", "--json")
    added = json.loads(out)
    assert code == 0, err
    assert added["added_to"] == "seven" and added["link_route"] in LINK_ROUTES
    assert added["thesaurus_nodes"] == [] and len(added["thesaurus_classes"]) == 3


def test_learn_refuses_a_required_missing_wordnet_before_any_work(tmp_path, monkeypatch, capsys):
    import neuromem.store.learning as learning_module
    from neuromem.cli import main

    monkeypatch.setenv("NEUROMEM_WORDNET_DIR", str(tmp_path / "gone"))
    monkeypatch.setattr(learning_module, "learn", lambda *a, **k: pytest.fail("learned despite a missing WordNet"))
    code = main(["learn", "--dataset", f"folder:{tmp_path}", "--memory", str(tmp_path / "m"), "--thesaurus", "on"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1 and "wordnet-base" in err
    assert not (tmp_path / "m").exists()


@needs_wordnet
def test_learn_attaches_the_thesaurus_when_available_unless_off(tmp_path, monkeypatch):
    from neuromem.store.thesaurus import attach_if_available

    def mem(store):
        return types.SimpleNamespace(store=store, meta={"dataset": {"canonical_names": {}}})

    m = mem(_tiny_store())
    assert "off" in attach_if_available(m, "off") and "thesaurus" not in m.meta
    monkeypatch.setenv("NEUROMEM_WORDNET_DIR", str(tmp_path / "gone"))
    assert "not attached" in attach_if_available(m, "auto") and "thesaurus" not in m.meta  # auto: locality only
    with pytest.raises(WordNetMissingError, match="wordnet-base"):
        attach_if_available(m, "on")
    monkeypatch.delenv("NEUROMEM_WORDNET_DIR")
    assert attach_if_available(m, "auto").startswith("thesaurus: 2 of 2 concepts")
    assert m.meta["thesaurus"]["node_synsets"]["footwear"] == ["footwear.n.02"] and "shoe" in m.store.ancestors(
        "sneaker")
    unnamed = ConceptStore(2)  # names with no WordNet synset: nothing to link, auto leaves recall alone
    unnamed.add_concept("seven")
    unnamed.add_items("seven", "picture", np.zeros((2, 2)), ["", ""])
    m = mem(unnamed)
    assert "not attached" in attach_if_available(m, "auto") and "thesaurus" not in m.meta
    with pytest.raises(ValueError, match="thesaurus mode 'maybe'"):
        attach_if_available(m, "maybe")


@needs_wordnet
def test_a_concept_added_later_is_linked_to_existing_nodes_through_shared_synsets():
    from neuromem.store.thesaurus import attach_new_concept

    store = _tiny_store()
    mem = types.SimpleNamespace(store=store, meta={"dataset": {"canonical_names": {}}})
    assert attach_new_concept(mem, "sneaker")["parents"] == []  # no thesaurus attached: locality only
    attach_thesaurus(mem, load_wordnet(), top_k=5, classify_size_px=224)
    for name in ("sandal", "qwzx"):
        store.add_concept(name)
        store.add_items(name, "picture", np.full((2, 2), 50.0), ["", ""])
    got = attach_new_concept(mem, "sandal")
    assert got == {"synset": "sandal.n.01", "parents": ["shoe", "footwear"], "existing_parents": ["shoe", "footwear"]}
    assert {"shoe", "footwear"} <= store.ancestors("sandal")
    assert mem.meta["thesaurus"]["node_synsets"]["sandal"] == ["sandal.n.01"]
    assert attach_new_concept(mem, "qwzx") == {"synset": None, "parents": [], "existing_parents": []}
    assert not store.ancestors("qwzx")
