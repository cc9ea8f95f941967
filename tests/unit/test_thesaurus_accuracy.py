"""The thesaurus route's placement measures, on stored head outputs of Fashion-MNIST pictures.

``tests/data/thesaurus_top20.npz`` holds the top-20 ImageNet classes that the
EfficientNet-Lite0 head gave report seed 3's Fashion-MNIST pictures (20 per
concept) at the configuration chosen on seeds 0-2, written by
``simulations/thesaurus_fashion.py --fixture``, and the class ->
superordinate table from WordNet. The slow test recomputes both.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from neuromem.analysis import thesaurus as th

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "thesaurus_top20.npz"
METRICS = ROOT / "results-22-thesaurus" / "metrics.json"
TRUE_PARENT = {"garment": ("t-shirt", "trouser", "pullover", "dress", "coat", "shirt"),
               "footwear": ("sandal", "sneaker", "ankle boot"), "bag": ("bag",)}


def _load():
    with np.load(FIXTURE) as f:
        data = {k: f[k] for k in f.files}
    cfg = json.loads(METRICS.read_text())["config"]
    words = list(TRUE_PARENT)
    truth = np.array([next(i for i, w in enumerate(words) if str(c) in TRUE_PARENT[w]) for c in data["concepts"]])
    return data, cfg, truth


def _accuracy(top, labels, membership, truth, cfg) -> float:
    k = cfg["top_k"]
    hits = th.superordinate_hits(top[:, :k], membership)
    votes = th.parent_votes(hits, labels, len(truth))
    chance = th.chance_hit_fraction(membership, k) if cfg["score"] == "lift" else None
    return th.parent_accuracy(th.place_concepts(votes, chance), truth)


def test_placement_measures_on_a_hand_made_case():
    membership = np.zeros((6, 2), bool)
    membership[[0, 1], 0] = True  # classes 0, 1 lie below parent 0
    membership[2, 1] = True  # class 2 below parent 1
    top = np.array([[0, 3], [1, 4], [2, 5], [3, 4]])
    labels = np.array([0, 0, 1, 1])
    hits = th.superordinate_hits(top, membership)
    assert hits.tolist() == [[True, False], [True, False], [False, True], [False, False]]
    votes = th.parent_votes(hits, labels, 2)
    assert votes.tolist() == [[1.0, 0.0], [0.0, 0.5]]
    assert th.place_concepts(votes).tolist() == [0, 1]
    assert th.place_concepts(np.zeros((1, 2))).tolist() == [-1]  # no hit: not placed
    assert th.parent_accuracy(np.array([0, -1]), np.array([0, 1])) == 0.5
    assert th.majority_baseline(np.array([0, 0, 0, 1, 2])) == 0.6
    # lift: 2 of 6 classes vs 1 of 6; a 0.4 / 0.3 vote turns into 0.4 / 0.6 over chance for k = 1
    assert th.place_concepts(np.array([[0.4, 0.3]]), th.chance_hit_fraction(membership, 1)).tolist() == [1]
    assert np.allclose(th.chance_hit_fraction(membership, 2), [1 - (4 * 3) / (6 * 5), 1 - (5 * 4) / (6 * 5)])


def test_the_heads_classes_pass_the_accuracy_test_and_a_thesaurus_ignoring_them_fails():
    data, cfg, truth = _load()
    top, labels, membership = data["top20"].astype(np.int64), data["labels"].astype(np.int64), data["membership"]
    baseline = th.majority_baseline(truth)

    def passes(acc):
        return acc >= 0.7 and acc > baseline

    assert passes(_accuracy(top, labels, membership, truth, cfg))
    # the same k classes for every picture (the k most frequent in anyone's top k): the head's answer ignored
    common = np.argsort(-np.bincount(top[:, :cfg["top_k"]].ravel(), minlength=1000), kind="stable")[:cfg["top_k"]]
    assert not passes(_accuracy(np.tile(common, (len(top), 1)), labels, membership, truth, cfg))
    # each picture given another picture's classes
    rng = np.random.default_rng(0)
    shuffled = [_accuracy(top[rng.permutation(len(top))], labels, membership, truth, cfg) for _ in range(5)]
    assert not any(passes(a) for a in shuffled)


@pytest.mark.slow
def test_the_fixture_is_what_the_head_and_wordnet_give():
    from neuromem.data.builtin import load_fashion_mnist
    from neuromem.data.wordnet import load_wordnet
    from neuromem.experiments.thesaurus_route import head_probabilities, superordinate_table

    data, cfg, _ = _load()
    membership, _ = superordinate_table(load_wordnet())
    assert np.array_equal(membership, data["membership"])
    ds = load_fashion_mnist(per_concept=cfg["per_concept"], seed=int(data["seed"]))
    prob = head_probabilities(ds.pictures, size_px=cfg["classify_size_px"], invert=cfg["invert"])
    top = th.top_classes(prob, 20)
    assert np.mean(top[:, 0] == data["top20"][:, 0]) >= 0.95  # float summation order may swap near ties
