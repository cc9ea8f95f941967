"""The concept-association experiment end to end on a small synthetic set: pairing with plasticity passes the
pairing test, the same network with learning off during pairing fails it."""

import numpy as np
import pytest

from neuromem.experiments.concept_association import AssociationConfig
from neuromem.experiments.concept_association.run import run_seed
from neuromem.experiments.concept_association.summary import TARGETS
from neuromem.experiments.concept_cells.synthetic import concept_set
from neuromem.seeds import SeedTree

#: A small human-mtl layer: 200 neurons, 10 winners per trial (as the preset's 1 % of 1,000).
SMALL = {"concept": {"n_neurons": 200}, "k_winners_take_all": {"active_fraction": 0.05}}
MIN_DIFFERENCE = dict((n, t) for n, _, t in TARGETS)["paired_minus_control_2"]


def _space(seed=0):
    space, _ = concept_set(8, SeedTree(seed).rng("synthetic", "test_association"), modalities=("picture", "name"))
    return space


def _run(plastic: bool) -> dict:
    cfg = AssociationConfig(seeds=(0,), overrides=SMALL, max_pairings=3, pairing_plastic=plastic,
                            test_pictures_per_concept=3, test_names_per_concept=3, blank_trials=10)
    return run_seed(cfg, _space(), 0)


def _pairing_test(r: dict) -> bool:
    """Some pairing count up to 3 lifts A's neurons' answers to B above the never-paired control by the target."""
    diff = np.asarray(r["paired_response_fraction"]) - np.asarray(r["control_response_fraction"])
    return bool(np.nanmax(diff[1:]) >= MIN_DIFFERENCE)


@pytest.fixture(scope="module")
def runs():
    return {"plastic": _run(True), "frozen": _run(False)}


def test_pairing_with_plasticity_passes_and_without_fails(runs):
    plastic, frozen = runs["plastic"], runs["frozen"]
    assert plastic["paired_response_fraction"][0] == 0.0  # by construction before any pairing
    assert _pairing_test(plastic), plastic["paired_response_fraction"]
    assert not _pairing_test(frozen), frozen["paired_response_fraction"]
    assert np.nanmax(frozen["paired_response_fraction"]) == 0.0
    assert plastic["own_response_retained"][-1] >= 0.5


def test_one_seed_reports_every_count_and_the_band(runs):
    r = runs["plastic"]
    for key in ("paired_response_fraction", "control_response_fraction", "own_response_retained", "shared_fraction",
                "cued_recall_a_to_b", "ab_distinguishable"):
        assert len(r[key]) == 4, key
    band = r["shared_fraction_band"]
    assert band["chance"] == pytest.approx(r["gamma"]) and band["chance"] < band["min"] < band["max"]
    assert set(r["raster"]["before"]) == {"A", "B", "control"}
    assert set(r["pair_strengths"]) == {"|".join(p) for p in r["pairs"]}


def test_a_recovering_threshold_keeps_the_own_response_through_ten_pairings():
    """The measured cause of the own response's decline: the pairing trials' threshold never recovers (theta grows
    on A's neurons in every pairing). Synthetic seed 1, ten pairings: with the preset's non-decaying threshold
    the own response falls below the target; with the default 2 s recovery it stays."""
    import math

    def own_at_10(tau):
        cfg = AssociationConfig(seeds=(1,), overrides=SMALL, max_pairings=10, pairing_tau_theta_ms=tau,
                                test_pictures_per_concept=3, test_names_per_concept=3, blank_trials=10)
        r = run_seed(cfg, _space(1), 1)
        return r["own_response_retained"][-1], r["paired_response_fraction"]

    target = dict((n, t) for n, _, t in TARGETS)["own_response_retained_10"]
    assert AssociationConfig().pairing_tau_theta_ms == 2000.0
    never, _ = own_at_10(math.inf)
    recovering, paired = own_at_10(AssociationConfig().pairing_tau_theta_ms)
    assert never < target <= recovering, (never, recovering)
    assert max(paired) >= 0.9  # and the association still forms
    with pytest.raises(ValueError, match="pairing_tau_theta_ms=0"):
        AssociationConfig(pairing_tau_theta_ms=0)
