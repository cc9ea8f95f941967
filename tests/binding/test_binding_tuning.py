"""Equal-effort tuning of every binder (``neuromem.experiments.binding_tuning``) and the shipped ``binders.toml``."""

import numpy as np
import pytest

from neuromem.binding.tuned import TUNED_FILE, comparison_options, load_tuned, read_tuning


class _ToySpace:
    """What ``tune`` asks of a latent space: its novel concepts and a subset of them."""

    novel_concepts = ("a", "b")

    def subset(self, concepts):
        assert tuple(concepts) == self.novel_concepts  # tuning looks at the novel concepts only
        return self


def _toy_score(name, space, K, seed, options, *, max_cues_per_concept):
    """Peaks at x = 2 (and y = 'b'); seed and K shift every candidate alike."""
    x = options.get("x", options.get("spec_overrides", {}).get("sec", {}).get("x"))
    return 1.0 - 0.1 * (x - 2) ** 2 + (0.05 if options.get("y") == "b" else 0.0) + 0.01 * seed + 0.001 * K


def test_tuner_picks_the_best_candidate_of_a_toy_scorer_and_writes_every_score(tmp_path):
    from neuromem.experiments.binding_tuning import tune

    out = tmp_path / "binders.toml"
    search = {"toy": {"x": (0, 1, 2, 3), "y": ("a", "b")}, "toy-net": {"sec.x": (3, 2, 1, 0), "y": ("b", "a")}}
    table = tune({0: _ToySpace(), 1: _ToySpace()}, binders=("toy", "toy-net"), shots=(1, 5), search=search,
                 score=_toy_score, out=out, log=lambda s: None)
    assert table["toy"]["chosen"] == {"x": 2, "y": "b"}
    assert table["toy-net"]["chosen"] == {"sec.x": 2, "y": "b"}
    tuned = load_tuned(out)
    assert tuned["toy"] == {"x": 2, "y": "b"}
    assert tuned["toy-net"] == {"spec_overrides": {"sec": {"x": 2}}, "y": "b"}  # dotted key: a preset section
    rec = read_tuning(out)["toy"]
    assert len(rec["candidates"]) == 8 and rec["seeds"] == [0, 1] and rec["condition"] == "novel"
    best = rec["candidates"][rec["chosen_index"]]
    assert best["by_seed"] == pytest.approx([1.053, 1.063])  # mean over K = 1, 5
    assert best["validation_recall_at_1"] == max(r["validation_recall_at_1"] for r in rec["candidates"])


def test_tuner_refuses_unequal_effort_and_chooses_within_the_budget():
    from neuromem.experiments.binding_tuning import choose, tune

    with pytest.raises(ValueError, match="unequal search effort"):
        tune({0: _ToySpace()}, binders=("a", "b"), search={"a": {"x": (1, 2)}, "b": {"x": (1, 2, 3)}},
             score=_toy_score, out="/nonexistent/never-written.toml", log=lambda s: None)
    rows = [{"params": {"epochs": 100, "min_steps": 0}, "validation_recall_at_1": 0.9},
            {"params": {"epochs": 30, "min_steps": 0}, "validation_recall_at_1": 0.8}]
    assert choose("surrogate", rows)["params"]["epochs"] == 30  # the better one is over the compute budget
    assert choose("softmax", rows)["params"]["epochs"] == 100


def test_shipped_binders_toml_searched_every_default_binder_with_equal_effort():
    """Every binder of the default comparison: the same number (>= 8) of candidates, tuning seeds 0-2 only,
    on novel concepts, and its section holds the best candidate's values (within the compute budget)."""
    from neuromem.binding.registry import default_binder_names
    from neuromem.experiments.binding_tuning import CANDIDATES_PER_BINDER, choose

    rec = read_tuning(TUNED_FILE)
    names = default_binder_names()
    assert set(names) <= set(rec), sorted(set(names) - set(rec))
    counts = {n: len(rec[n]["candidates"]) for n in names}
    assert set(counts.values()) == {CANDIDATES_PER_BINDER} and CANDIDATES_PER_BINDER >= 8, counts
    tuned = load_tuned(TUNED_FILE)
    for n in names:
        assert rec[n]["seeds"] == [0, 1, 2] and rec[n]["condition"] == "novel", n
        for r in rec[n]["candidates"]:
            assert len(r["by_seed"]) == 3 and r["validation_recall_at_1"] == pytest.approx(np.mean(r["by_seed"]), abs=1e-6)
        best = choose(n, rec[n]["candidates"])
        assert rec[n]["candidates"][rec[n]["chosen_index"]] == best, n
        from neuromem.experiments.binding_tuning import candidate_options

        assert tuned[n] == candidate_options(best["params"]), n


def test_comparison_uses_the_tuned_stdp_values_and_the_engine():
    from neuromem.experiments.binding_tuning import candidate_options

    rec = read_tuning(TUNED_FILE)
    opts = comparison_options("brian2")
    for n in ("stdp", "stdp-human-mtl"):
        chosen = rec[n]["candidates"][rec[n]["chosen_index"]]["params"]
        assert opts[n] == {**candidate_options(chosen), "engine": "brian2"}
        assert opts[n]["spec_overrides"]["pair_stdp"]["a_plus"] == chosen["pair_stdp.a_plus"]


def test_stdp_binder_is_built_with_the_tuned_preset_parameters():
    from neuromem.binding import make_binder

    opts = comparison_options("numba")["stdp"]
    ref = {m: np.random.default_rng(0).normal(size=(20, 4)) for m in ("picture", "name")}
    b = make_binder("stdp", modalities=("picture", "name"), latent_dim=4, n_units=6, reference=ref, **opts)
    assert b.spec.stdp.a_plus == opts["spec_overrides"]["pair_stdp"]["a_plus"]
    assert b.spec.inhibition.w_inh_mv == opts["spec_overrides"]["lateral_inhibition"]["w_inh_mv"]


def test_a_shots_cell_key_does_not_depend_on_the_other_seeds_of_the_run():
    """So a run can add report seeds to a folder and reuse the finished ones; any other grid field still counts."""
    from dataclasses import replace

    from neuromem.experiments.compare_binding.config import GridConfig
    from neuromem.experiments.compare_binding.run import _key

    class _Sub:
        concepts, encoder, fit_concepts = ("a", "b"), "enc", ("a",)

        def __getitem__(self, m):
            return type("P", (), {"latents": np.arange(6.0).reshape(3, 2)})

    g = GridConfig.reduced()
    key = _key("shots", "stdp", _Sub(), "novel", 5, 3, opts={}, dataset="digits", grid=g)
    assert key == _key("shots", "stdp", _Sub(), "novel", 5, 3, opts={}, dataset="digits",
                       grid=replace(g, seeds=(3, 4, 5, 6, 7)))
    assert key != _key("shots", "stdp", _Sub(), "novel", 5, 3, opts={}, dataset="digits",
                       grid=replace(g, test_per_concept=7))


def test_grid_shares_of_two_processes_merge_into_the_full_search(tmp_path):
    from neuromem.experiments.binding_tuning import merge_parts, tune

    search = {"toy": {"x": (0, 1, 2, 3), "y": ("a", "b")}}
    kw = dict(binders=("toy",), search=search, score=_toy_score, log=lambda s: None)
    full = tune({0: _ToySpace()}, out=tmp_path / "full.toml", **kw)
    for i in (0, 1):
        tune({0: _ToySpace()}, part=(i, 2), out=tmp_path / f"part{i}.toml", **kw)
    with pytest.raises(ValueError, match="do not cover its grid once"):
        merge_parts([tmp_path / "part0.toml"], out=tmp_path / "half.toml")
    merged = merge_parts([tmp_path / "part1.toml", tmp_path / "part0.toml"], out=tmp_path / "merged.toml")
    assert merged["toy"]["chosen"] == full["toy"]["chosen"] == {"x": 2, "y": "b"}
    rows = read_tuning(tmp_path / "merged.toml")["toy"]["candidates"]
    assert [c["params"] for c in rows] == [c["params"] for c in full["toy"]["candidates"]]  # grid order
    assert np.allclose([c["by_seed"] for c in rows], [c["by_seed"] for c in full["toy"]["candidates"]])
    assert load_tuned(tmp_path / "merged.toml") == load_tuned(tmp_path / "full.toml")


def test_the_matched_surrogates_take_surrogates_tuned_values_with_their_own_epochs(tmp_path):
    pytest.importorskip("torch")
    from neuromem.binding import make_binder
    from neuromem.binding.tuned import comparison_options

    toml = tmp_path / "binders.toml"
    toml.write_text('[surrogate]\nepochs = 7\nlearning_rate = 0.03\nlr_w_mv = 0.04\nbatch_size = 2\n'
                    'loss = "prototype_ce"\n')
    opts = comparison_options(path=toml)
    ref = {m: np.random.default_rng(0).standard_normal((10, 4)) for m in ("picture", "name")}
    for name, epochs in (("surrogate", 7), ("surrogate-matched", 30), ("surrogate-matched-100", 100)):
        b = make_binder(name, modalities=("picture", "name"), latent_dim=4, n_units=3, reference=ref, **opts[name])
        assert (b.config.epochs, b.config.learning_rate, b.lr_w_mv, b.batch_size, b.loss) == (
            epochs, 0.03, 0.04, 2, "prototype_ce"), name
