"""The novelty gate: AUC on hand-built scores, calibration, the test a match-error-blind gate fails, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from neuromem.analysis.novelty import DEFAULT_MATCH_WEIGHT, NoveltyGate, auc, engram_response, fit_gate


def test_auc_on_hand_built_scores():
    # pairs (positive, negative): (0.35 > 0.1), (0.35 < 0.4), (0.8 > 0.1), (0.8 > 0.4): 3 of 4
    assert auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)
    assert auc([1, 1, 0, 0], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.25)
    assert auc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == pytest.approx(0.5)  # ties count half
    assert auc([1, 1, 1], [0.1, 0.2, 0.3]) is None  # one class: undefined
    with pytest.raises(ValueError, match="one score per item"):
        auc([0, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="NaN or inf"):
        auc([0, 1], [0.1, np.nan])


def _items(rng, n, *, log_error, response):
    return np.exp(rng.normal(log_error, 1.0, n)), rng.normal(response, 5.0, n)


def _novelty_test(gate_weight: float, seed: int = 0) -> float:
    """AUC "new vs known" of a gate calibrated on known items, on held-out known and new items.

    New concepts whose pictures drive a known engram almost as hard as its own pictures (the network answers
    them with a similar concept) but are drawn badly by the decoder: only the match error tells them apart.
    """
    rng = np.random.default_rng(seed)
    cal_e, cal_r = _items(rng, 60, log_error=-4.0, response=40.0)
    kn_e, kn_r = _items(rng, 100, log_error=-4.0, response=40.0)
    new_e, new_r = _items(rng, 100, log_error=-1.5, response=37.0)
    gate = fit_gate(cal_e, cal_r, match_weight=gate_weight)
    is_new = np.r_[np.zeros(100, bool), np.ones(100, bool)]
    return auc(is_new, gate.score(np.r_[kn_e, new_e], np.r_[kn_r, new_r]))


def test_a_gate_that_ignores_the_match_error_fails_the_novelty_test():
    assert _novelty_test(DEFAULT_MATCH_WEIGHT) >= 0.9
    assert _novelty_test(0.0) < 0.9  # network response only: the match error ignored


def test_the_threshold_is_the_calibration_quantile_and_the_gate_round_trips():
    rng = np.random.default_rng(1)
    e, r = _items(rng, 200, log_error=-3.0, response=30.0)
    gate = fit_gate(e, r, quantile=0.9)
    assert np.mean(gate.is_new(e, r)) == pytest.approx(0.1, abs=0.01)
    assert NoveltyGate.from_dict(gate.to_dict()) == gate
    # a worse reconstruction or a weaker network response both push the score up
    base = gate.score([np.exp(-3.0)], [30.0])[0]
    assert gate.score([np.exp(-1.0)], [30.0])[0] > base
    assert gate.score([np.exp(-3.0)], [10.0])[0] > base


def test_engram_response_picks_the_engram_that_fired_most():
    counts = np.array([[0, 5, 1, 0], [0, 0, 0, 0], [3, 0, 0, 4]])
    answer, response = engram_response(counts, [[0, 3], [1, 2]])
    assert answer.tolist() == [1, -1, 0] and response.tolist() == [6, 0, 7]


@pytest.mark.parametrize("kwargs, message", [
    ({"match_error": [0.1], "response": [3.0]}, "at least 2 calibration items"),
    ({"match_error": [0.1, 0.2], "response": [3.0]}, "give one of each per item"),
    ({"match_error": [0.1, -0.2], "response": [3.0, 4.0]}, "must be > 0"),
    ({"match_error": [0.1, np.inf], "response": [3.0, 4.0]}, "NaN or inf"),
    ({"match_error": [0.1, 0.2], "response": [3.0, 4.0], "match_weight": 1.5}, r"match_weight=1.5 .*\[0, 1\]"),
    ({"match_error": [0.1, 0.2], "response": [3.0, 4.0], "quantile": 0.2}, r"quantile=0.2 .*\[0.5, 1\]"),
])
def test_bad_calibration_input_is_a_clear_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        fit_gate(**kwargs)


def test_bad_experiment_options_are_one_line_errors_before_any_work(capsys):
    from neuromem.cli import main
    from neuromem.experiments.novelty_gate import NoveltyConfig

    with pytest.raises(ValueError, match="repeats a seed"):
        NoveltyConfig(seeds=(3, 3))
    for flag, value, message in (("--match-weight", "2", "--match-weight 2.0 is out of range"),
                                 ("--quantile", "0.1", "--quantile 0.1 is out of range")):
        code = main(["run", "novelty-gate", flag, value, "--out", "/nonexistent/never-made"])
        err = capsys.readouterr().err
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1
