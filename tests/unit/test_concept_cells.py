"""The concept-cells experiment: synthetic sets, the distributed-code checks, the human TV, capacity, the CLI."""

import argparse

import numpy as np
import pytest

from neuromem.analysis import human_concepts_per_neuron_histogram, total_variation
from neuromem.experiments import registry
from neuromem.experiments.concept_cells.capacity import capacity_of
from neuromem.experiments.concept_cells.code import code_measures, run_code_seed
from neuromem.experiments.concept_cells.config import ConceptCellsConfig
from neuromem.experiments.concept_cells.run import pool_histogram
from neuromem.experiments.concept_cells.synthetic import NAME_RATIO, PICTURE_RATIO, concept_set, distance_ratio
from neuromem.experiments.concept_cells.table import markdown_tables
from neuromem.experiments.concept_cells.targets import best_point, check_targets


def test_synthetic_set_has_the_real_ratios_related_categories_and_distinct_views():
    space, cat = concept_set(30, np.random.default_rng(0))
    assert len(space.concepts) == 30 and set(np.unique(cat)) == set(range(5))
    for m, target in (("picture", PICTURE_RATIO), ("name", NAME_RATIO), ("spoken", NAME_RATIO)):
        z, y = space[m].select("heldout")
        assert distance_ratio(z, y) == pytest.approx(target, abs=0.02)
    # related concepts (one category) are nearer than other pairs
    c = space.centroids("picture")
    d = np.linalg.norm(c[:, None] - c[None], axis=-1)
    same = (cat[:, None] == cat[None]) & ~np.eye(30, dtype=bool)
    assert d[same].mean() < 0.85 * d[~same & ~np.eye(30, dtype=bool)].mean()
    # the name view is a different rotation: a picture's nearest name centroid is mostly another concept
    zp, yp = space["picture"].select("heldout")
    n = space.centroids("name")
    assert np.mean(np.argmin(np.linalg.norm(zp[:, None] - n[None], axis=-1), axis=1) == yp) < 0.2
    again, _ = concept_set(30, np.random.default_rng(0))
    np.testing.assert_array_equal(again["name"].latents, space["name"].latents)
    with pytest.raises(ValueError, match="n_concepts"):
        concept_set(1, np.random.default_rng(0))


def _distributed(m, n_neurons):
    """The distributed-code checks: several neurons carry a concept, several neurons answer a stimulus."""
    return m["neurons_per_concept_mean"] >= 2 and m["population_sparseness"] > 1.5 / n_neurons


@pytest.mark.parametrize("preset,n_neurons,distributed", [("default", 100, False), ("human-mtl", 300, True)])
def test_hard_winner_take_all_fails_the_distributed_code_checks(preset, n_neurons, distributed):
    pytest.importorskip("numba")
    cfg = ConceptCellsConfig(n_concepts=8, n_neurons=n_neurons, preset=preset, seeds=(0,), presentations=1,
                             test_pictures_per_concept=2, test_words_per_concept=1, blank_trials=10,
                             at_2n=False, engine_options={"threads": 1})
    m = run_code_seed(cfg, 0)
    assert _distributed(m, n_neurons) == distributed
    if not distributed:  # one grandmother neuron per concept: every responsive neuron answers one concept, 1/N
        assert m["concepts_per_neuron_histogram"][0] == 1.0
        assert m["population_sparseness"] <= 1.0 / n_neurons + 1e-12


def test_tv_is_taken_against_the_human_histogram_and_pooled_over_neurons():
    resp = np.zeros((10, 8), bool)
    resp[0, 0] = resp[1, 1] = True  # two 1-concept neurons
    resp[2, :3] = True  # one 3-concept neuron
    resp[3, :7] = True  # one 6+-concept neuron
    m = code_measures({"picture": resp, "name": np.zeros_like(resp)}, {"picture": np.zeros((4, 10), bool)},
                      np.arange(8) % 2)
    assert m["concepts_per_neuron_counts"] == [2, 0, 1, 0, 0, 1]
    mine = np.array([0.5, 0, 0.25, 0, 0, 0.25])
    assert m["concepts_per_neuron_tv_to_human"] == pytest.approx(
        0.5 * np.abs(mine - human_concepts_per_neuron_histogram()).sum())
    # pooling adds neurons, not per-seed fractions: a seed with 1 neuron weighs 1/5, not 1/2
    hist, tv, counts = pool_histogram([{"concepts_per_neuron_counts": [4, 0, 0, 0, 0, 0]},
                                       {"concepts_per_neuron_counts": [0, 1, 0, 0, 0, 0]}])
    assert counts == [4, 1, 0, 0, 0, 0] and hist[:2] == [0.8, 0.2]
    assert tv == pytest.approx(total_variation(np.array(hist), human_concepts_per_neuron_histogram()))


def test_capacity_finds_a_planted_limit_above_below_and_beyond_the_bracket():
    calls = []

    def planted(limit):
        def score(n):
            calls.append(n)
            return 0.95 if n <= limit else 0.3
        return score

    r = capacity_of(planted(137), 200)
    assert r["capacity_concepts"] == 137 and not r["capacity_below_half_n"] and not r["capacity_is_lower_bound"]
    assert r["recall_by_n"]["100"] == 0.95 and r["recall_by_n"]["3200"] == 0.3
    calls.clear()
    below = capacity_of(planted(41), 200)  # N/2 fails: a second bisection below it
    assert below["capacity_concepts"] == 41 and below["capacity_below_half_n"] and 3200 not in calls
    top = capacity_of(planted(10 ** 6), 200)
    assert top["capacity_concepts"] == 3200 and top["capacity_is_lower_bound"]
    m = {"seeds": [3, 4], "capacity_n_neurons": 200, "seed_3": {"capacity_concepts": 250},
         "seed_4": {"capacity_concepts": 137}}
    assert check_targets(m)["capacity_beyond_n"] == {"value": [250, 137], "met": False}
    m["seed_4"]["capacity_concepts"] = 201
    assert check_targets(m)["capacity_beyond_n"]["met"] is True


def test_targets_and_best_point():
    seed = {"sparseness_ratio_2n_to_n": 1.1, "related_coresponse_ratio": 3.0}
    good = {"seeds": [3], "seed_3": seed, "concepts_per_neuron_tv_to_human": 0.08, "population_sparseness": 0.01,
            "picture_to_name_recall_at_1": 0.5, "active_fraction": 0.01}
    t = check_targets(good)
    assert all(t[k]["met"] for k in ("histogram_tv", "population_sparseness", "sparseness_at_2n",
                                     "related_coresponse"))
    assert t["capacity_beyond_n"]["met"] is None
    bad = dict(good, concepts_per_neuron_tv_to_human=0.3, population_sparseness=0.0005, active_fraction=0.02,
               picture_to_name_recall_at_1=0.9)
    assert not check_targets(bad)["histogram_tv"]["met"] and not check_targets(bad)["population_sparseness"]["met"]
    best = best_point({"rows": [bad, good]})
    assert best["active_fraction"] == 0.01 and "histogram_tv" in best["targets_met"]
    # a target measured at one point only (2N here) does not decide; the lower TV does
    other = dict(good, seed_3={"related_coresponse_ratio": 3.0}, concepts_per_neuron_tv_to_human=0.05,
                 active_fraction=0.005)
    best = best_point({"rows": [good, other]})
    assert best["active_fraction"] == 0.005 and "sparseness_at_2n" not in best["targets_compared"]


def test_registered_and_options_checked_before_any_work():
    exp = registry.load_experiment("concept-cells")
    assert exp.ENCODES is False and exp.EXAMPLE.startswith("neuromem run concept-cells ")
    p = exp.add_arguments(argparse.ArgumentParser())
    args = p.parse_args(["--n-concepts", "94", "--concept-neurons", "1000", "--seeds", "3,4", "--capacity"])
    cfg = exp.config_from_args(args)
    assert (cfg.n_concepts, cfg.n_neurons, cfg.seeds, cfg.capacity, cfg.preset) == (94, 1000, (3, 4), True,
                                                                                  "human-mtl")
    with pytest.raises(ValueError, match="n_concepts=1 "):
        exp.check_args(p.parse_args(["--n-concepts", "1"]))
    with pytest.raises(ValueError, match="--tradeoff"):
        exp.check_args(p.parse_args(["--tradeoff", "0.01,2"]))
    with pytest.raises(ValueError, match="unknown engine"):
        exp.check_args(p.parse_args(["--engine", "nope"]))
    assert p.parse_args(["--capacity-binders", ""]).capacity_binders == ()
    for bad in ("hopfield,hopfield", "hopfield,,softmax"):  # the one list parser: no repeat, no empty entry
        with pytest.raises(SystemExit):
            p.parse_args(["--capacity-binders", bad])


def test_the_docs_table_is_generated_from_the_metrics():
    seed = {"sparseness_ratio_2n_to_n": 1.1, "related_coresponse_ratio": 3.0, "population_sparseness": 0.0105,
            "concepts_per_neuron_tv_to_human": 0.2}
    m = {"preset": "human-mtl", "n_concepts": 94, "n_neurons": 1000, "seeds": [3], "seed_3": seed,
         "concepts_per_neuron_histogram": [0.5, 0.2, 0.1, 0.1, 0.05, 0.05], "concepts_per_neuron_counts": [10] * 6,
         "human_concepts_per_neuron_histogram": human_concepts_per_neuron_histogram().tolist(),
         "concepts_per_neuron_tv_to_human": 0.123, "population_sparseness": 0.0105,
         "population_sparseness_ci95": float("nan")}
    text = markdown_tables(m)
    assert "| model, pooled (60 neurons) | 0.500 | 0.200 |" in text
    assert "| pooled histogram: TV to human (<= 0.10) | 0.123 | **not met** |" in text
    assert "| population sparseness at N (0.1-3 %; set by the k-WTA) | 1.05 % | met |" in text
