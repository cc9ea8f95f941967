"""The compression study's parts: the knee, the reconstruction measures, the options, the figure's data."""

from __future__ import annotations

import numpy as np
import pytest

from neuromem.experiments.compression import CompressionConfig, knee, summarise
from neuromem.experiments.compression.run import choose
from neuromem.experiments.compression.models import fit_autoencoder, psnr_db, ssim_mean


def test_knee_is_the_smallest_size_within_002_of_the_best():
    assert knee([8, 16, 32, 64], [0.5, 0.90, 0.95, 0.96]) == 32
    assert knee([8, 16, 32, 64], [0.5, 0.95, 0.90, 0.96]) == 16
    assert knee([8, 16], [float("nan"), float("nan")]) is None


def test_psnr_and_ssim_of_identical_and_different_pictures():
    rng = np.random.default_rng(0)
    pics = rng.random((5, 8, 8)).astype(np.float32)
    assert ssim_mean(pics, pics) == pytest.approx(1.0, abs=1e-5)
    assert psnr_db(pics, pics) >= 99.0
    noisy = np.clip(pics + rng.normal(0, 0.2, pics.shape), 0, 1).astype(np.float32)
    assert ssim_mean(noisy, pics) < 0.9 and psnr_db(noisy, pics) < 20.0


@pytest.mark.parametrize("bad", [dict(sizes=(16, 8)), dict(sizes=(1, 8)), dict(losses=("lpips",)), dict(shots=0),
                                 dict(fit_fraction=1.0), dict(seeds=()), dict(ae_epochs=0)])
def test_bad_options_are_refused(bad):
    with pytest.raises(ValueError, match="CompressionConfig"):
        CompressionConfig(**bad)


def test_an_autoencoder_learns_to_reconstruct_by_reconstruction_alone():
    rng = np.random.default_rng(1)
    codes = rng.random((200, 4))
    basis = rng.random((4, 64))
    pics = (codes @ basis / basis.sum(axis=0).max()).reshape(200, 8, 8).astype(np.float32)
    feats = np.concatenate([codes, rng.normal(0, 0.01, (200, 12))], axis=1).astype(np.float32)
    enc, dec = fit_autoencoder(feats, pics, latent_dim=4, loss="pixel_mse", epochs=60, seed=0)
    trained = psnr_db(dec(enc(feats)), pics)
    enc0, dec0 = fit_autoencoder(feats, pics, latent_dim=4, loss="pixel_mse", epochs=1, seed=0)
    assert trained > psnr_db(dec0(enc0(feats)), pics) + 3.0


def _seed_result(recall_head, recall_ae):
    n = len(recall_head)
    row = {"recall_fitted": recall_head, "recall_novel": recall_head, "psnr_db": [20.0] * n, "ssim": [0.5] * n,
           "novelty_auc": [0.9] * n}
    ae = {loss: {**row, "recall_fitted": r, "recall_novel": r} for loss, r in recall_ae.items()}
    return {"head": row, "autoencoder": ae, "chance_recall_at_1": 0.1,
            "references": {"backbone_features": {"recall_fitted": 0.9, "recall_novel": 0.5},
                           "pixels": {"recall_fitted": 0.8, "recall_novel": 0.6}}}


def test_summary_knees_best_loss_and_the_figure_draw_what_was_measured():
    from neuromem.viz.compression import draw_compression

    cfg = CompressionConfig(sizes=(8, 16, 32), losses=("pixel_mse", "ssim"), seeds=(3, 4))
    seeds = {3: _seed_result([0.6, 0.9, 0.91], {"pixel_mse": [0.3, 0.5, 0.6], "ssim": [0.4, 0.62, 0.6]}),
             4: _seed_result([0.7, 0.92, 0.93], {"pixel_mse": [0.3, 0.5, 0.6], "ssim": [0.4, 0.6, 0.62]})}
    m = summarise(cfg, seeds)
    assert m["head_recall_fitted"] == pytest.approx([0.65, 0.91, 0.92])
    assert m["knee_head_fitted"] == 16 and m["knee_autoencoder_any_loss"] == 16 and m["best_loss"] == "ssim"
    assert m["best_loss_at_knee"]["recall_fitted"] == pytest.approx(0.61)
    fig = draw_compression({**m, "dataset": "digits"})
    lines = {c.get_label(): c.lines[0].get_ydata() for c in fig.axes[0].containers}
    assert list(lines["head"]) == pytest.approx(m["head_recall_fitted"])
    assert list(lines["autoencoder ssim"]) == pytest.approx(m["autoencoder_recall_fitted"]["ssim"])


def test_a_choice_made_on_tuning_seeds_is_reported_on_the_report_seeds():
    cfg = CompressionConfig(sizes=(8, 16, 32), losses=("pixel_mse", "ssim"), seeds=(3, 4))
    tuning = {0: _seed_result([0.9, 0.9, 0.9], {"pixel_mse": [0.5, 0.6, 0.6], "ssim": [0.2, 0.3, 0.3]})}
    report = {3: _seed_result([0.5, 0.7, 0.9], {"pixel_mse": [0.3, 0.4, 0.5], "ssim": [0.3, 0.6, 0.6]}),
              4: _seed_result([0.5, 0.7, 0.9], {"pixel_mse": [0.3, 0.4, 0.5], "ssim": [0.3, 0.6, 0.6]})}
    tcfg = CompressionConfig(sizes=(8, 16, 32), losses=("pixel_mse", "ssim"), seeds=(0,))
    choice = choose(tcfg, summarise(tcfg, tuning), [0])
    assert choice["knee_head_fitted"] == 8 and choice["knee_autoencoder_any_loss"] == 16
    assert choice["best_loss"] == "pixel_mse"
    m = summarise(cfg, report, choice)
    assert m["choice"]["seeds"] == [0] and m["best_loss"] == "pixel_mse" and m["knee_head_fitted"] == 8
    assert m["head_at_knee"]["recall_fitted"] == pytest.approx(0.5)  # the report seeds' number at the tuned knee
    assert m["best_loss_at_knee"]["recall_fitted"] == pytest.approx(0.4)
    own = m["choice_on_these_seeds"]
    assert own["knee_head_fitted"] == 32 and own["best_loss"] == "ssim"  # what the report seeds would pick
    with pytest.raises(ValueError, match="overlap"):
        summarise(cfg, report, {**choice, "seeds": [3]})


def test_runs_of_single_seeds_join_into_the_run_of_all_seeds(tmp_path):
    import json
    import sys
    from pathlib import Path

    from neuromem.experiments.compression import CompressionResults

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
    from compression_merge import main as merge

    seeds = {0: _seed_result([0.9, 0.9], {"ssim": [0.5, 0.6]}), 3: _seed_result([0.5, 0.9], {"ssim": [0.3, 0.6]}),
             4: _seed_result([0.6, 0.8], {"ssim": [0.2, 0.7]})}
    folders = {}
    for s, r in seeds.items():
        cfg = CompressionConfig(sizes=(8, 16), losses=("ssim",), seeds=(s,))
        folders[s] = tmp_path / f"seed{s}"
        CompressionResults(metrics={**summarise(cfg, {s: r}), "config": cfg.to_dict()}).save(folders[s])
    merge(["--report", str(folders[3]), str(folders[4]), "--tuning", str(folders[0]), "--out",
           str(tmp_path / "joined"), "--no-figures"])
    got = json.loads((tmp_path / "joined" / "metrics.json").read_text())
    cfg = CompressionConfig(sizes=(8, 16), losses=("ssim",), seeds=(3, 4))
    want = summarise(cfg, {3: seeds[3], 4: seeds[4]}, choose(cfg, summarise(cfg, {0: seeds[0]}), [0]))
    assert got["head_recall_fitted"] == pytest.approx(want["head_recall_fitted"])
    assert got["choice"]["seeds"] == [0] and got["knee_head_fitted"] == 8 == want["knee_head_fitted"]
    assert got["head_at_knee"]["recall_fitted"] == pytest.approx(0.55)
    with pytest.raises(ValueError, match="two of the runs"):
        merge(["--report", str(folders[3]), str(folders[3]), "--out", str(tmp_path / "x"), "--no-figures"])
    # the same seed run with another loss joins into one seed with both losses (heads must agree)
    extra = {**seeds[3], "autoencoder": {"pixel_mse": seeds[3]["autoencoder"]["ssim"]}}
    cfg = CompressionConfig(sizes=(8, 16), losses=("pixel_mse",), seeds=(3,))
    CompressionResults(metrics={**summarise(cfg, {3: extra}), "config": cfg.to_dict()}).save(tmp_path / "mse3")
    merge(["--report", str(folders[3]), str(tmp_path / "mse3"), "--out", str(tmp_path / "both"), "--no-figures"])
    both = json.loads((tmp_path / "both" / "metrics.json").read_text())
    assert both["losses"] == ["pixel_mse", "ssim"] and both["seeds"] == [3]
    bad = {**extra, "head": {**extra["head"], "recall_fitted": [0.1, 0.2]}}
    CompressionResults(metrics={**summarise(cfg, {3: bad}), "config": cfg.to_dict()}).save(tmp_path / "bad3")
    with pytest.raises(ValueError, match="head numbers differ"):
        merge(["--report", str(folders[3]), str(tmp_path / "bad3"), "--out", str(tmp_path / "y"), "--no-figures"])
