"""The engram experiment on real digits latents at reduced size (default suite, numba engine).

Tolerances are stated next to each check; they were set from the tuning
seeds' spread (seed 0 here is a tuning seed) and are far from what a broken
pathway gives (a network without learned feedback answers at chance, 0.1).
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("numba")

from neuromem.analysis import chance_interval  # noqa: E402
from neuromem.experiments.engram_formation import run_engram_formation  # noqa: E402


@pytest.fixture(scope="module")
def digits_metrics(digits_encoding):
    from neuromem.data import load_digits
    from neuromem.encoders import backbone_features

    feats = backbone_features(load_digits(), log=lambda *_: None)  # the encoder's cached features
    return run_engram_formation(digits_encoding.space, engine="numba", presentations=3, seed=0, progress=False,
                                max_test_pictures_per_concept=15, control_test_pictures_per_concept=20,
                                min_word_trials_per_concept=8, figures=False, dataset="digits",
                                engine_options={"threads": 1}, backbone_features=feats)


def test_picture_and_name_recall(digits_metrics):
    m = digits_metrics
    # picture -> name within 0.06 of the non-spiking K-shot prototype reference on the same latents
    assert m["picture_to_name_recall_at_1"] >= m["nearest_prototype_reference_recall_at_1"] - 0.06
    assert m["picture_to_name_recall_at_1"] >= 0.85
    # name -> picture within 0.15 of the written-name prototype reference (the name latents are the weak link)
    assert m["name_to_picture_recall_at_1"] >= m["nearest_prototype_reference_name_recall_at_1"] - 0.15
    assert m["name_to_picture_recall_at_1"] >= 0.6


def test_recall_through_the_readout_populations(digits_metrics):
    """The readout populations' spikes give the offline readout's answers within 0.05."""
    m = digits_metrics
    for cue, target in (("picture", "name"), ("name", "picture")):
        net, off = m[f"{cue}_to_{target}_network_recall_at_1"], m[f"{cue}_to_{target}_recall_at_1"]
        assert abs(net - off) <= 0.05, (cue, target)
        assert m[f"{cue}_to_{target}_network_silent_fraction"] < 0.05


def test_frozen_backbone_reference(digits_metrics):
    """Without the fitted head, K = 3 prototypes on pretrained features are far weaker: the head does much of it."""
    m = digits_metrics
    assert m["frozen_backbone_prototype_recall_at_1"] < m["nearest_prototype_reference_recall_at_1"] - 0.2
    assert m["frozen_backbone_prototype_recall_at_1"] > m["chance_recall_at_1"] + 0.1


def test_spoken_names_reach_the_same_neurons(digits_metrics):
    m = digits_metrics
    if "spoken" not in m["modalities"]:
        pytest.skip("no spoken names (espeak-ng missing)")
    assert m["invariance_index_spoken"] >= 0.7
    assert m["spoken_to_name_recall_at_1"] >= m["nearest_prototype_reference_spoken_recall_at_1"] - 0.15


def test_spontaneous_activity_and_criterion(digits_metrics):
    m = digits_metrics
    assert 0.3 <= m["spontaneous_rate_hz"] <= 3.0
    n = [r["n_responsive_neurons"] for r in m["criterion_sensitivity"]]
    assert (max(n) - min(n)) / max(n) >= 0.2  # the criterion matters somewhere in the table
    assert m["criterion_sensitivity_n_responsive_change"] == pytest.approx((max(n) - min(n)) / max(n))


def test_controls(digits_metrics):
    m = digits_metrics
    ctrl = m["controls"]
    n_ctrl = m["n_control_test_trials"]["picture"]
    lo, hi = chance_interval(n_ctrl, m["chance_recall_at_1"])
    # untrained: the same pathway (random feedback weights), neurons fire, recall no better than chance. Only the
    # upper end of the binomial 95 % band is the claim: one winner answers all of a concept's pictures through
    # one random feedback row, so answers are correlated within a concept and below-chance values (0.055 on
    # seed 0 with the current encoder) carry no meaning; a pathway that recalls without learning exceeds `hi`.
    assert ctrl["untrained"]["picture_cue_no_response_fraction"] < 0.5
    assert ctrl["untrained"]["picture_to_name_recall_at_1"] <= hi
    assert m["chance_recall_at_1_interval95"] == pytest.approx([lo, hi])
    # shuffled pairings bind pictures to the wrong names
    assert ctrl["shuffled_pairing"]["picture_to_name_recall_at_1"] <= hi
    assert m["picture_to_name_recall_at_1"] > hi + 0.5
    # words 300 ms after the picture's onset, inside one trial: no binding (the metric that could show it)
    assert ctrl["asynchronous"]["picture_cue_no_response_fraction"] < 0.5
    assert np.nan_to_num(ctrl["asynchronous"]["invariance_index"]) <= 0.2
    assert ctrl["asynchronous"]["binding_index"] <= 0.2
    assert m["binding_index"] >= 0.6
