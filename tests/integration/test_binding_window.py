"""The binding-window experiment on real digits latents at reduced size (numba engine)."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("numba")

from neuromem.experiments.binding_window import (  # noqa: E402
    BindingWindowConfig,
    binding_half_width_ms,
    run_binding_window,
)

OFFSETS = (-200.0, 0.0, 50.0, 200.0)


@pytest.fixture(scope="module")
def window(digits_encoding, tmp_path_factory):
    out = tmp_path_factory.mktemp("bw")
    cfg = BindingWindowConfig(offsets_ms=OFFSETS, seeds=(0, 1), max_test_pictures_per_concept=8,
                              min_word_trials_per_concept=6, engine_options={"threads": 1})
    m = run_binding_window({0: digits_encoding.space, 1: digits_encoding.space}, cfg, out_dir=out, progress=False,
                           dataset="digits")
    return m, out


def test_metrics_file_contract(window):
    m, out = window
    on_disk = json.loads((out / "metrics.json").read_text())
    assert on_disk["onset_asynchrony_ms"] == list(OFFSETS)
    for key in ("invariance_index", "binding_index", "picture_to_name_recall_at_1"):
        assert len(on_disk[key]) == len(OFFSETS) and len(on_disk[f"{key}_ci95"]) == len(OFFSETS), key
    assert (out / "binding_window.png").stat().st_size > 20_000


def test_binding_falls_with_asynchrony(window):
    m, _ = window
    b, inv = np.array(m["binding_index"]), np.array(m["invariance_index"])
    # simultaneous and 50 ms apart: the same neurons answer both; no overlap at +-200 ms: nothing bound
    assert b[1] >= 0.6 and b[2] >= 0.6 and inv[1] >= 0.8
    assert b[0] <= 0.2 and b[3] <= 0.2
    assert np.nan_to_num(inv[0]) <= 0.2 and np.nan_to_num(inv[3]) <= 0.2
    # recall@1 is reported for every offset; simultaneous presentation binds pictures to names (chance 0.1)
    r = np.array(m["picture_to_name_recall_at_1"])
    assert r.shape == (len(OFFSETS),) and r[1] >= 0.8


def test_half_width_interpolation():
    x = [-100, -50, 0, 50, 100]
    assert binding_half_width_ms(x, [0.0, 0.5, 1.0, 0.8, 0.2]) == pytest.approx((-50.0, 50 + 50 * 0.3 / 0.6))
    lo, hi = binding_half_width_ms(x, [0.9, 0.9, 1.0, 0.9, 0.9])
    assert np.isnan(lo) and np.isnan(hi)


def test_config_and_cli_errors():
    with pytest.raises(ValueError, match="offsets_ms"):
        BindingWindowConfig(offsets_ms=(0.0, 5000.0))
    with pytest.raises(ValueError, match="seeds"):
        BindingWindowConfig(seeds=())
    from neuromem.cli import build_parser

    a = build_parser().parse_args(["run", "binding-window", "--dataset", "digits", "--offsets-ms", "-50,0,50",
                                   "--seeds", "3,4", "--out", "x"])
    assert a.offsets_ms == (-50.0, 0.0, 50.0) and a.seeds == (3, 4) and a.out == "x"
    d = build_parser().parse_args(["run", "binding-window", "--dataset", "digits", "--out", "x"])
    assert d.seeds == (3, 4, 5, 6, 7) and d.offsets_ms[0] == -150.0 and d.offsets_ms[-1] == 150.0
    assert len(d.offsets_ms) == 13
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "binding-window", "--dataset", "digits", "--seeds", "a,b", "--out", "x"])
