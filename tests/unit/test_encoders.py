"""Encoders: pretrained backbone, fitted heads, decoder, text and audio front ends, cache."""

from __future__ import annotations

import numpy as np
import pytest

from neuromem._io import atomic_write_bytes
from neuromem.encoders import load_backbone
from neuromem.encoders.heads import fit_decoder, fit_picture_head, fit_projection_to_targets
from neuromem.encoders.pipeline import EncoderConfig
from neuromem.encoders.quality import within_between_ratio
from neuromem.latents import nearest_centroid

CAT_CLASSES = {"Egyptian cat", "tabby", "tiger cat", "Persian cat", "Siamese cat", "lynx"}


@pytest.fixture(scope="module")
def effnet():
    return load_backbone("efficientnet_lite0", input_size=224)


def test_backbone_is_really_imagenet_pretrained(effnet):
    from skimage import data, transform

    cat = transform.resize(data.chelsea(), (224, 224), anti_aliasing=True).astype(np.float32)
    top5 = effnet.classify(cat[None])[0]
    names = [n for n, _ in top5]
    assert names[0] in CAT_CLASSES, top5
    assert len(CAT_CLASSES & set(names)) >= 2, top5


def test_backbone_features_shape_and_grey_input(effnet):
    pics = np.random.default_rng(0).random((3, 28, 28)).astype(np.float32)
    f = effnet.features(pics)
    assert f.shape == (3, effnet.feature_dim) and np.all(np.isfinite(f))


@pytest.mark.parametrize("pics, err", [
    (np.zeros((2, 28, 28), np.uint8), TypeError),
    (np.zeros((2, 28, 28, 4), np.float32), ValueError),
    (np.full((2, 28, 28), np.inf, np.float32), ValueError),
])
def test_backbone_rejects_bad_pictures(effnet, pics, err):
    with pytest.raises(err):
        effnet.features(pics)


def test_unknown_backbone_and_bad_config():
    with pytest.raises(ValueError, match="unknown backbone"):
        load_backbone("vgg16")
    with pytest.raises(ValueError, match="latent_dim"):
        EncoderConfig(latent_dim=0)
    with pytest.raises(ValueError, match="heldout_fraction"):
        EncoderConfig(heldout_fraction=0.0)


def _resnet18_checkpoint(path):
    import torch
    import torchvision

    torch.manual_seed(0)
    torch.save(torchvision.models.resnet18(weights=None).state_dict(), path)
    return path


def test_resnet_without_weights_offline_says_how_to_supply_them(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    with pytest.raises(FileNotFoundError, match="--weights"):
        load_backbone("resnet18")


def test_resnet_loads_from_torch_hub_cache_and_rejects_wrong_architecture(tmp_path, monkeypatch):
    import torch

    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    ckpt_dir = tmp_path / "hub" / "checkpoints"
    ckpt_dir.mkdir(parents=True)
    _resnet18_checkpoint(ckpt_dir / "resnet18-f37072fd.pth")
    bb = load_backbone("resnet18", input_size=32)
    assert bb.feature_dim == 960
    assert bb.features(np.zeros((2, 8, 8), np.float32)).shape == (2, 960)
    torch.save({"fc.weight": torch.zeros(3, 3)}, tmp_path / "wrong.pth")
    with pytest.raises(ValueError, match="does not fit"):
        load_backbone("resnet18", weights=tmp_path / "wrong.pth")


def _clusters(n_per=60, k=4, d=20, seed=0, spread=0.6):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 3, (k, d))
    y = np.repeat(np.arange(k), n_per)
    return (centres[y] + rng.normal(0, spread, (len(y), d))).astype(np.float32), y


def test_picture_head_clusters_concepts():
    x, y = _clusters()
    head = fit_picture_head(x[::2], y[::2], n_concepts=4, latent_dim=8, hidden=32, epochs=30)
    z = head(x)
    cent = np.stack([z[::2][y[::2] == k].mean(0) for k in range(4)])
    assert np.mean(nearest_centroid(z[1::2], cent) == y[1::2]) > 0.95
    assert within_between_ratio(z[1::2], y[1::2]) < 0.5


def test_heads_reject_nan_and_missing_concepts():
    x, y = _clusters()
    x[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        fit_picture_head(x, y, n_concepts=4)
    x, y = _clusters()
    with pytest.raises(ValueError, match="no training pictures"):
        fit_picture_head(x[y < 3], y[y < 3], n_concepts=4)


def test_standardiser_floors_features_that_barely_vary_on_the_training_items():
    """An unseen concept's value of a feature (almost) constant on the fitted ones stays in range."""
    from neuromem.encoders.heads import STD_FLOOR_OF_MEDIAN, Standardiser

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 20))
    x[:, 0] = 1e-5 * rng.normal(size=200)   # barely varies on the training items
    x[:, 1] = 0.0                           # constant
    st = Standardiser.fit(x)
    unseen = np.zeros((1, 20))
    unseen[0, :2] = 1.0
    z = st(unseen)[0]
    median_std = np.median(x.std(0)[2:])
    assert np.all(np.abs(z[:2]) <= 1.0 / (STD_FLOOR_OF_MEDIAN * 0.9 * median_std))
    np.testing.assert_allclose(st(x)[:, 2:].std(0), 1.0, rtol=1e-4)   # ordinary features: z-scores


def test_projection_to_targets_lands_on_targets():
    x, y = _clusters(k=3, d=30)
    targets = np.eye(3, 8) * 5
    proj = fit_projection_to_targets(x, y, targets, epochs=100)
    assert np.mean(nearest_centroid(proj(x), targets) == y) == 1.0


def test_decoder_error_is_the_match_signal():
    rng = np.random.default_rng(0)
    pics = np.zeros((200, 8, 8), np.float32)
    y = np.arange(200) % 4
    for k in range(4):
        pics[y == k, 2 * k:2 * k + 2, :] = 1.0
    z = np.eye(4, 6)[y].astype(np.float32) * 3
    dec = fit_decoder(z, pics, epochs=60)
    familiar = dec.error(z[:20], pics[:20]).mean()
    novel = rng.random((20, 8, 8)).astype(np.float32)
    assert familiar < 0.02 < dec.error(z[:20], novel).mean()
    with pytest.raises(ValueError, match="shape"):
        dec.error(z[:2], np.zeros((2, 4, 4), np.float32))


def test_text_embeddings_respect_meaning():
    from neuromem.encoders.text import TEXT_DIM, embed_texts

    e = embed_texts(["sneaker", "sneakers", "coat"])
    assert e.shape == (3, TEXT_DIM)
    np.testing.assert_allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-4)
    assert e[0] @ e[1] > e[0] @ e[2] + 0.1
    with pytest.raises(ValueError, match="non-empty"):
        embed_texts(["ok", ""])


def test_logmel_features_fixed_size_and_errors():
    from neuromem.encoders.audio import N_FRAMES, N_MELS, logmel_features

    sr = 16000
    t = np.arange(sr // 2) / sr
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    f = logmel_features(tone, sr)
    assert f.shape == (N_MELS * (N_FRAMES + 2),) and np.all(np.isfinite(f))
    with pytest.raises(ValueError, match="20 ms"):
        logmel_features(tone[:10], sr)
    bad = tone.copy()
    bad[5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        logmel_features(bad, sr)


def test_a_spoken_name_with_room_noise_before_or_after_is_encoded_like_the_clean_word():
    """1 s of white noise at -50 dBFS before or after a spoken digit name (3 unheard voices): the noisy cue's
    features are nearest those of its own clean word among the ten (54 of 60 measured; 21 of 60 with ``v1``)."""
    from neuromem.data.speech import HELDOUT_RATE_WPM, HELDOUT_VOICES, Utterance, synthesise
    from neuromem.encoders.audio import AUDIO_FEATURE_VERSIONS, logmel_features

    words = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    rng = np.random.default_rng(0)
    hits, n = 0, 0
    for voice in HELDOUT_VOICES:
        waves = synthesise([Utterance(w, voice, HELDOUT_RATE_WPM) for w in words])
        clean = np.stack([logmel_features(w, sr) for w, sr in waves])
        for k, (w, sr) in enumerate(waves):
            noise = (rng.standard_normal(sr) * 10 ** (-50 / 20)).astype(np.float32)
            for cue in (np.concatenate([w, noise]), np.concatenate([noise, w])):
                hits += int(np.argmin(np.linalg.norm(clean - logmel_features(cue, sr), axis=1)) == k)
                n += 1
    assert hits >= 0.85 * n, f"{hits} of {n}"
    with pytest.raises(ValueError, match="unknown"):
        logmel_features(waves[0][0], waves[0][1], version="logmel/v0")
    assert AUDIO_FEATURE_VERSIONS[0].endswith("/v1")  # memories learned with v1 keep their features


def test_atomic_write_leaves_nothing_on_interruption(tmp_path):
    from neuromem._io import _atomic

    target = tmp_path / "entry.npz"

    def explode(fh):
        fh.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _atomic(target, explode)
    assert list(tmp_path.iterdir()) == []
    atomic_write_bytes(target, b"whole")
    assert target.read_bytes() == b"whole" and len(list(tmp_path.iterdir())) == 1


def test_head_fitting_is_reproducible_whatever_the_global_torch_state():
    import torch

    x, y = _clusters()
    torch.manual_seed(1)
    a = fit_picture_head(x, y, n_concepts=4, latent_dim=8, hidden=32, epochs=3, seed=5)(x)
    torch.rand(1000)
    b = fit_picture_head(x, y, n_concepts=4, latent_dim=8, hidden=32, epochs=3, seed=5)(x)
    np.testing.assert_array_equal(a, b)


def test_set_threads_honours_omp_num_threads(monkeypatch):
    import os

    import torch

    from neuromem.encoders.backbones import set_threads

    before = torch.get_num_threads()
    try:
        monkeypatch.setenv("OMP_NUM_THREADS", "1")
        torch.set_num_threads(2)
        set_threads()
        assert torch.get_num_threads() == 1
        monkeypatch.setenv("OMP_NUM_THREADS", "")
        set_threads()
        assert torch.get_num_threads() == max(1, len(os.sched_getaffinity(0)))
    finally:
        torch.set_num_threads(before)
