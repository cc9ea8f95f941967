"""The concept store: locality, hierarchy, associations, bad input (no encoders, no network)."""

from __future__ import annotations

import numpy as np
import pytest

from neuromem.store import ConceptStore, MemoryMismatchError, UnknownConceptError
from neuromem.store.index import IndexParams


def clustered_store(n_concepts=4, per=20, dim=16, seed=0, **kw):
    rng = np.random.default_rng(seed)
    s = ConceptStore(dim, **kw)
    centres = rng.normal(size=(n_concepts, dim)) * 4
    for k in range(n_concepts):
        s.add_concept(f"c{k}")
        s.add_items(f"c{k}", "picture", centres[k] + rng.normal(size=(per, dim)), [f"c{k}/{i}.png" for i in range(per)])
    s.fit_locality()
    return s, centres


def test_locality_links_near_items_and_proposes_far_ones_as_new():
    s, centres = clustered_store()
    rng = np.random.default_rng(1)
    near = centres[2] + rng.normal(size=16)
    far = centres[2] + 40.0
    a, b = s.lookup(np.stack([near, far]), modality="picture")
    assert a.concept == "c2" and a.linked and a.confidence == 1.0
    assert b.concept == "c2" and not b.linked  # nearest known concept, but outside the link radius
    # the radius is the 95th percentile of item-to-own-centroid distances: ~95 % of own items are linked
    own = s.lookup(s.item_latents(), modality="picture")
    assert 0.93 <= np.mean([o.linked for o in own]) <= 0.97


def test_confidence_is_the_inverse_distance_weighted_vote_share_of_the_ten_nearest_items():
    s = ConceptStore(2)
    s.add_concept("a")
    s.add_concept("b")
    s.add_items("a", "picture", [[0.0, 0.0]] * 7, ["x"] * 7)
    s.add_items("b", "picture", [[1.0, 0.0]] * 7, ["y"] * 7)
    ans = s.lookup(np.array([0.2, 0.0]))[0]  # 7 votes of 1/0.2 for a, 3 of 1/0.8 for b (eps is 0.001)
    assert ans.concept == "a" and ans.confidence == pytest.approx(35 / (35 + 3.75), rel=1e-2)
    far = s.lookup(np.array([0.55, 0.0]))[0]  # 7 of b at 0.45 outvote 3 of a at 0.55
    assert far.concept == "b" and 0.5 < far.confidence < 1.0


def test_a_concept_learned_from_one_item_is_found_again():
    s, centres = clustered_store()
    s.add_concept("one-shot")
    z = centres[0] + 1.0
    s.add_items("one-shot", "picture", z[None], ["new.png"])
    assert s.lookup(z[None])[0].concept == "one-shot"
    assert s.lookup(centres[0][None])[0].concept == "c0"


def test_hnsw_index_agrees_with_exact_search_on_clusters():
    s, centres = clustered_store(n_concepts=30, per=100, dim=16, index_params=IndexParams(hnsw_min_items=1000))
    assert s.index.kind_ == "hnsw"
    q = centres + np.random.default_rng(3).normal(size=centres.shape)
    got = [a.neighbour_ids for a in s.lookup(q)]
    z = s.item_latents()
    exact = [tuple(np.argsort(((z - x) ** 2).sum(1))[:10]) for x in q.astype(np.float32)]
    recall = np.mean([len(set(g) & set(e)) / 10 for g, e in zip(got, exact)])
    assert recall >= 0.95


def test_hierarchy_ancestors_descendants_and_superordinate_summary():
    s = ConceptStore(3)
    s.add_concept("sneaker", parents=["footwear"])
    s.add_concept("boot", parents=["footwear"])
    s.link_hierarchy("clothing", "footwear")
    s.add_items("sneaker", "picture", [[1, 0, 0], [3, 0, 0]], ["s1", "s2"])
    s.add_items("boot", "picture", [[0, 4, 0]], ["b1"])
    assert s.ancestors("sneaker") == {"footwear", "clothing"}
    assert s.descendants("clothing") == {"footwear", "sneaker", "boot"}
    np.testing.assert_allclose(s.summary("footwear"), [4 / 3, 4 / 3, 0])
    np.testing.assert_allclose(s.summary("sneaker"), [2, 0, 0])
    with pytest.raises(ValueError, match="cyclic"):
        s.link_hierarchy("sneaker", "clothing")
    with pytest.raises(ValueError, match="hold no items"):
        s2 = ConceptStore(3)
        s2.add_concept("empty")
        s2.summary("empty")


def test_associations_are_kept_apart_from_the_hierarchy(tmp_path):
    s, _ = clustered_store()
    s.link_hierarchy("all", "c0")
    s.associate("c0", "c1")
    assert s.node("c1").associations == ("c0",) and s.node("c1").parents == ()
    assert s.descendants("all") == {"c0"}
    s.save(tmp_path)
    t = ConceptStore.load(tmp_path)
    assert t.node("c0").associations == ("c1",) and t.node("c0").parents == ("all",)
    assert t.ancestors("c0") == {"all"}


def test_node_round_trips_through_sqlite_with_engram_and_provenance(tmp_path):
    s, _ = clustered_store()
    s.set_engram("c1", [5, 9], [12.0, 3.5])
    s.save(tmp_path)
    t = ConceptStore.load(tmp_path)
    a, b = s.node("c1"), t.node("c1")
    assert b.engram_neurons == (5, 9) and b.engram_weights == (12.0, 3.5)
    assert b.provenance == a.provenance and b.item_ids == a.item_ids
    np.testing.assert_array_equal(a.points["picture"], b.points["picture"])
    assert t.link_radius == s.link_radius and t.index_loaded_


def test_unknown_concept_names_are_clear_errors():
    s, _ = clustered_store()
    with pytest.raises(UnknownConceptError, match=r"unknown concept 'C1'; did you mean 'c1'\?"):
        s.node("C1")
    with pytest.raises(UnknownConceptError, match="unknown concept 'dog'"):
        s.associate("c0", "dog")
    with pytest.raises(UnknownConceptError):
        s.add_items("dog", "picture", np.zeros((1, 16)), ["x"])


def test_items_with_the_wrong_latent_size_or_nan_are_refused_and_nothing_is_added():
    s, _ = clustered_store()
    n = s.n_items
    with pytest.raises(MemoryMismatchError, match="16-d latents"):
        s.add_items("c0", "picture", np.zeros((2, 15)), ["a", "b"])
    bad = np.zeros((2, 16))
    bad[1, 3] = np.nan
    with pytest.raises(MemoryMismatchError, match="NaN"):
        s.add_items("c0", "picture", bad, ["a", "b"])
    with pytest.raises(MemoryMismatchError, match="16-d latents"):
        s.lookup(np.zeros(8))
    with pytest.raises(MemoryMismatchError, match="NaN"):
        s.lookup(np.full(16, np.nan))
    with pytest.raises(ValueError, match="provenance"):
        s.add_items("c0", "picture", np.zeros((2, 16)), ["a"])
    assert s.n_items == n
