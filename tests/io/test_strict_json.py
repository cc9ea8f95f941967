"""Strict JSON: NaN / inf / None become null with a reason beside them, and come back as they were."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from neuromem.io.strict_json import (
    REASON_NAN,
    Missing,
    from_strict_json,
    pointer,
    strict_json_text,
    to_strict_json,
)


def _refuse_constant(name):
    raise ValueError(f"bare {name} in the file")


def test_non_finite_and_missing_values_become_null_with_reasons_and_come_back():
    metrics = {
        "recall": np.float32(0.75), "count": np.int64(3), "ok": np.bool_(True),
        "ci95": math.nan, "ratio": math.inf, "floor": -math.inf, "invariance": None,
        "per_seed": {3: {"recall_ci95": Missing("fewer than two finite seeds")}},
        "curve": np.array([0.5, np.nan, np.inf]), "pair": (1, 2.5), "a/b~c": [None, 1],
    }
    data, missing = to_strict_json(metrics)
    text = strict_json_text(data)
    parsed = json.loads(text, parse_constant=_refuse_constant)  # strict: no NaN / Infinity tokens
    assert missing == {
        "/ci95": REASON_NAN, "/ratio": "+infinity", "/floor": "-infinity", "/invariance": "no value (None)",
        "/per_seed/3/recall_ci95": "fewer than two finite seeds", "/curve/1": REASON_NAN, "/curve/2": "+infinity",
        "/a~1b~0c/0": "no value (None)",
    }
    back = from_strict_json(parsed, missing)
    assert back["recall"] == 0.75 and back["count"] == 3 and back["ok"] is True
    assert math.isnan(back["ci95"]) and back["ratio"] == math.inf and back["floor"] == -math.inf
    assert back["invariance"] is None and back["a/b~c"] == [None, 1]
    kept = back["per_seed"]["3"]["recall_ci95"]
    assert isinstance(kept, Missing) and math.isnan(kept) and kept.reason == "fewer than two finite seeds"
    assert back["curve"][0] == 0.5 and math.isnan(back["curve"][1]) and back["curve"][2] == math.inf
    assert back["pair"] == [1, 2.5]


def test_a_value_with_no_json_form_is_refused_with_its_place():
    with pytest.raises(TypeError, match="/config/when"):
        to_strict_json({"config": {"when": object()}})
    with pytest.raises(TypeError, match="not a string or an integer"):
        to_strict_json({(1, 2): 3})
    with pytest.raises(TypeError, match="dtype object"):
        to_strict_json({"x": np.array([object()])})


def test_missing_map_must_point_at_nulls():
    with pytest.raises(ValueError, match="/a"):
        from_strict_json({"a": 1.0}, {"/a": REASON_NAN})


def test_missing_behaves_as_nan_and_keeps_its_reason_through_copies():
    import copy
    import pickle

    m = Missing("no blank trials")
    assert math.isnan(m + 1.0) and not (m == m)
    for c in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert isinstance(c, Missing) and c.reason == "no blank trials"
    with pytest.raises(ValueError, match="reserved"):
        Missing("+infinity")
    with pytest.raises(ValueError, match="non-empty"):
        Missing("")


def test_pointer_escapes_slash_and_tilde():
    assert pointer(["input/picture", 0, "a~b"]) == "/input~1picture/0/a~0b"
