"""Association measures on hand-built responses and spike counts; the experiment's bad input."""

import argparse

import numpy as np
import pytest

from neuromem.analysis.association import (cued_recall_rank_fraction, distinguishability, gastaldi_band,
                                           own_response_retained, paired_response_fraction, shared_fraction)
from neuromem.experiments.concept_association import AssociationConfig, add_arguments, check_args
from neuromem.experiments.concept_association.protocol import choose_pairs, pairing_round
from neuromem.experiments.concept_association.summary import check_targets


def _resp(n_neurons, n_concepts, members):
    r = np.zeros((n_neurons, n_concepts), dtype=bool)
    for k, neurons in members.items():
        r[list(neurons), k] = True
    return r


def test_paired_fraction_counts_a_only_neurons_that_come_to_answer_b():
    r0 = _resp(10, 3, {0: [0, 1, 2, 3], 1: [3, 4], 2: [5]})  # neuron 3 answers both before: excluded
    rn = _resp(10, 3, {0: [0, 1, 2, 3], 1: [0, 3, 4], 2: [5]})
    assert paired_response_fraction(r0, rn, 0, 1) == pytest.approx(1 / 3)
    assert paired_response_fraction(r0, r0, 0, 1) == 0.0
    assert paired_response_fraction(r0, rn, 1, 0) == 0.0  # neuron 4 (B only) does not answer A
    assert np.isnan(paired_response_fraction(_resp(4, 2, {1: [0]}), _resp(4, 2, {}), 0, 1))


def test_own_response_retained_and_shared_fraction():
    r0 = _resp(10, 2, {0: [0, 1, 2, 3], 1: [4, 5]})
    rn = _resp(10, 2, {0: [0, 1, 2], 1: [2, 4, 5, 6]})
    assert own_response_retained(r0, rn, 0) == pytest.approx(0.75)
    assert own_response_retained(r0, rn, 1) == 1.0
    assert shared_fraction(rn, 0, 1) == pytest.approx(0.5 * (1 / 3 + 1 / 4))
    assert shared_fraction(r0, 0, 1) == 0.0
    assert np.isnan(shared_fraction(_resp(3, 2, {0: [0]}), 0, 1))


def test_gastaldi_band_of_the_human_fit_and_of_a_one_percent_code():
    human = gastaldi_band(0.002, 1_000_000)
    assert human["chance"] == 0.002 and human["fit"] == pytest.approx(0.04)  # their fit is recovered at their gamma
    assert human["min"] == pytest.approx(0.002 + 2 * np.sqrt(0.002 * 0.998 / 2000))
    net = gastaldi_band(0.01, 1000)  # 10 neurons per engram: the chance overlap fluctuates far more
    assert net["min"] == pytest.approx(0.01 + 2 * np.sqrt(0.01 * 0.99 / 10))
    assert net["chance"] < net["fit"] < net["min"] < net["max"] == 0.5


def test_distinguishability_on_hand_built_counts():
    apart = np.array([[5, 0], [6, 0], [0, 5], [0, 6]])
    same = np.array([[5, 0], [6, 0], [5, 0], [6, 0]])
    labels = np.array([0, 0, 1, 1])
    assert distinguishability(apart, labels, 0, 1) == 1.0
    assert distinguishability(same, labels, 0, 1) <= 0.5
    assert np.isnan(distinguishability(apart[:3], labels[:3], 0, 1))


def test_cued_recall_counts_b_first_or_second_after_a():
    proto = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0]])
    recalled = np.array([[0.4, 0.0], [0.9, 0.0], [-1.0, 0.0], [4.0, 4.0]])  # A then B, B first, A then B, C first
    assert cued_recall_rank_fraction(recalled, proto, 0, 1) == pytest.approx(3 / 4)
    assert cued_recall_rank_fraction(recalled[3:], proto, 0, 1) == 0.0


@pytest.mark.parametrize("call, match", [
    (lambda: paired_response_fraction(np.ones((3, 2)), np.ones((3, 2), bool), 0, 1), "boolean"),
    (lambda: paired_response_fraction(np.ones((3, 2), bool), np.ones((4, 2), bool), 0, 1), "one shape"),
    (lambda: paired_response_fraction(np.ones((3, 2), bool), np.ones((3, 2), bool), 0, 2), r"\[0, 2\)"),
    (lambda: shared_fraction(np.ones((3, 2), bool), 1, 1), "two different"),
    (lambda: gastaldi_band(0.0, 100), "gamma"),
    (lambda: gastaldi_band(0.01, 0), "n_neurons"),
    (lambda: distinguishability(np.ones((4, 2)), np.zeros(3), 0, 1), "one label"),
    (lambda: choose_pairs(6, 2, np.random.default_rng(0)), "lower --pairs"),
    (lambda: AssociationConfig(n_pairs=0), "n_pairs"),
    (lambda: AssociationConfig(seeds=(3, 3)), "distinct"),
    (lambda: AssociationConfig(name_onset_ms=-1), "name_onset_ms"),
])
def test_bad_input_is_refused_with_a_message_naming_it(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def _args(*argv):
    return add_arguments(argparse.ArgumentParser()).parse_args(list(argv))


@pytest.mark.parametrize("argv, match", [(["--pairs", "0"], "n_pairs"), (["--pairings", "0"], "max_pairings"),
                                         (["--name-onset-ms", "250"], "stimulus"), (["--seed", "-1"], "--seed"),
                                         (["--engine", "nope"], "unknown engine")])
def test_command_line_options_are_checked_before_work(argv, match):
    with pytest.raises(ValueError, match=match):
        check_args(_args(*argv))
    with pytest.raises(FileNotFoundError, match="--memory"):
        check_args(_args("--memory", "/nonexistent/memory"))


def test_pairing_round_shows_a_with_b_and_controls_apart():
    class Plan:
        chosen = {k: {"picture": np.array([10 + k, 20 + k]), "name": np.array([30 + k])} for k in range(4)}
    t = pairing_round(Plan(), [(0, 1)], [(2, 3)], 1, name_onset_ms=20.0, stimulus_ms=200.0)
    assert t.kind.tolist() == ["pairing", "picture", "name"]
    assert t.items["picture"].tolist() == [20, 22, -1] and t.items["name"].tolist() == [31, -1, 33]
    assert t.windows_ms() == {"picture": (0.0, 200.0), "name": (20.0, 180.0)}


def test_targets_can_fail_and_pass():
    n = 11
    good = {"paired_response_fraction": [0.0] + [0.6] * 10, "paired_minus_control": [0.0] + [0.5] * 10,
            "paired_minus_control_ci95": [np.nan] + [0.1] * 10, "control_response_fraction": [0.0] * n,
            "own_response_retained": [1.0] * n}
    assert all(t["met"] for t in check_targets(good).values())
    bad = dict(good, own_response_retained=[1.0] * 10 + [0.5], paired_minus_control_ci95=[np.nan] + [0.9] * 10)
    res = check_targets(bad)
    assert res["own_response_retained_10"]["met"] is False and res["paired_minus_control_2"]["met"] is False
    short = {k: v[:3] for k, v in good.items()}
    assert check_targets(short)["control_response_fraction_10"]["met"] is None
