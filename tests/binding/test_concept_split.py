"""Concept split (--fit-concepts): parsing, errors, and that novel concepts never touch a fitted parameter."""

from __future__ import annotations

import numpy as np
import pytest

from neuromem.data.base import ConceptDataset, NameForms
from neuromem.data.concept_split import resolve_fit_concepts

CONCEPTS = ("apple", "boat", "cat", "drum", "egg")


def test_fraction_is_seeded_rounded_down_and_names_keep_dataset_order():
    a = resolve_fit_concepts("0.5", CONCEPTS, seed=3)
    assert len(a) == 2 and set(a) < set(CONCEPTS)
    assert a == resolve_fit_concepts("0.5", CONCEPTS, seed=3)
    picks = {resolve_fit_concepts("0.5", CONCEPTS, seed=s) for s in range(8)}
    assert len(picks) > 1  # the seed chooses
    assert resolve_fit_concepts("drum, apple", CONCEPTS, seed=0) == ("apple", "drum")
    assert resolve_fit_concepts(None, CONCEPTS, seed=0) is None


@pytest.mark.parametrize("value,match", [
    ("apple,boat,cat,drum,egg", "no novel concept"),
    ("0.1", "at least one concept on each side"),
    ("1.5", "out of range"),
    ("apple,zebra", "unknown concepts"),
    ("1", "a fraction needs a decimal point"),
])
def test_bad_split_is_a_clear_error(value, match):
    with pytest.raises(ValueError, match=match):
        resolve_fit_concepts(value, CONCEPTS, seed=0)


def test_latent_space_subset_relabels_and_keeps_the_split(digits_encoding):
    from neuromem.latents import LatentSpace

    sp = digits_encoding.space
    split = LatentSpace(concepts=sp.concepts, modalities=sp.modalities, seed=sp.seed, fit_concepts=sp.concepts[:4])
    assert split.novel_concepts == sp.concepts[4:]
    sub = split.subset(split.novel_concepts)
    assert sub.concepts == sp.concepts[4:] and sub.fit_concepts == ()
    assert sorted(np.unique(sub["picture"].labels)) == list(range(6))
    np.testing.assert_array_equal(sub["picture"].latents, sp["picture"].latents[sp["picture"].labels >= 4])


def _dataset(seed, perturb=False):
    rng = np.random.default_rng(seed)
    n_per, concepts = 12, ("apple", "boat", "cat", "drum")
    labels = np.repeat(np.arange(4), n_per)
    base = np.zeros((4, 8, 8), np.float32)
    for k in range(4):
        base[k, k * 2:k * 2 + 3, :] = 1.0
    pics = np.clip(base[labels] + 0.1 * rng.random((len(labels), 8, 8)), 0, 1).astype(np.float32)
    names = {c: NameForms(train=(c,), heldout=(f"a {c}",)) for c in concepts}
    if perturb:
        from neuromem.data.base import split_pictures

        held = split_pictures(labels, seed=0, heldout_fraction=0.25)
        noise = np.random.default_rng(99).random(pics.shape).astype(np.float32)
        change = (labels >= 2) | held            # novel concepts (cat, drum) and every held-out picture
        pics[change] = noise[change]
        names["cat"] = NameForms(train=("tiger",), heldout=("the tiger",))
        names["drum"] = NameForms(train=("trumpet",), heldout=("a trumpet",))
        names["apple"] = NameForms(train=("apple",), heldout=("pears",))   # a fit concept's held-out form
    return ConceptDataset(name="toy", concepts=concepts, pictures=pics, picture_labels=labels, names=names)


def test_novel_concepts_and_heldout_items_never_influence_fitted_parameters():
    from neuromem.encoders import EncoderConfig, encode_dataset

    cfg = EncoderConfig(spoken=False, head_epochs=3, input_size_px=32, latent_dim=8, heldout_fraction=0.25,
                        fit_concepts=("apple", "boat"))
    a = encode_dataset(_dataset(0), seed=0, config=cfg, progress=False, use_cache=False, log=lambda *_: None)
    b = encode_dataset(_dataset(0, perturb=True), seed=0, config=cfg, progress=False, use_cache=False,
                       log=lambda *_: None)
    assert a.space.fit_concepts == ("apple", "boat") and a.space.novel_concepts == ("cat", "drum")
    assert a.metrics["novel_concepts"] == ["cat", "drum"]
    fitted = [k for k in a.state if k.split("/")[0] in ("picture_head", "name_projection", "decoder", "centroids")]
    assert any(k.startswith("picture_head") for k in fitted) and any(k.startswith("decoder") for k in fitted)
    for k in fitted:
        np.testing.assert_array_equal(a.state[k], b.state[k], err_msg=k)
    # the perturbation did reach the latents: the novel pictures are encoded differently
    novel = a.space["picture"].labels >= 2
    assert not np.allclose(a.space["picture"].latents[novel], b.space["picture"].latents[novel])


@pytest.mark.slow
def test_without_a_split_the_same_perturbation_changes_the_fitted_head():
    """The control of the test above: it could fail (the perturbed items do matter once they are fitted)."""
    from neuromem.encoders import EncoderConfig, encode_dataset

    cfg_all = EncoderConfig(spoken=False, head_epochs=3, input_size_px=32, latent_dim=8, heldout_fraction=0.25)
    c = encode_dataset(_dataset(0), seed=0, config=cfg_all, progress=False, use_cache=False, log=lambda *_: None)
    d = encode_dataset(_dataset(0, perturb=True), seed=0, config=cfg_all, progress=False, use_cache=False,
                       log=lambda *_: None)
    assert any(not np.array_equal(c.state[k], d.state[k]) for k in c.state if k.startswith("picture_head"))


def test_engram_formation_with_a_split_learns_and_tests_the_novel_concepts_only(digits_encoding):
    from neuromem.experiments.engram_formation import EngramConfig, run
    from neuromem.latents import LatentSpace

    sp = digits_encoding.space
    split = LatentSpace(concepts=sp.concepts, modalities={m: sp[m] for m in ("picture", "name")}, seed=sp.seed,
                        fit_concepts=sp.concepts[:7])
    cfg = EngramConfig(engine="numba", presentations=1, controls=(), max_test_pictures_per_concept=3,
                       min_word_trials_per_concept=2, blank_trials=2)
    res = run(split, cfg, progress=False)
    m = res.metrics
    assert m["fit_concepts"] == list(sp.concepts[:7]) and m["novel_concepts"] == list(sp.concepts[7:])
    assert m["n_concepts"] == 3 and m["chance_recall_at_1"] == pytest.approx(1 / 3)
