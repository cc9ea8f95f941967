"""Held-out items never enter a fitted part: perturb them and every fitted parameter stays the same."""

from __future__ import annotations

import shutil
from dataclasses import replace

import numpy as np
import pytest

from neuromem.coding import LatentSquash
from neuromem.data import load_digits, split_pictures
from neuromem.encoders import EncoderConfig, encode_dataset


def _subset(per_concept: int):
    d = load_digits()
    keep = np.concatenate([np.flatnonzero(d.picture_labels == k)[:per_concept] for k in range(len(d.concepts))])
    return replace(d, pictures=d.pictures[keep], picture_labels=d.picture_labels[keep])


def test_perturbing_heldout_pictures_changes_no_fitted_parameter(digits_encoding):
    """Every fitted array (head, projections, decoder, centroids, the network's squash) is bit-identical.

    ``digits_encoding`` is requested so that the spoken names are already synthesised in this session.
    """
    base = _subset(30)
    heldout = split_pictures(base.picture_labels, seed=3, heldout_fraction=0.2)
    rng = np.random.default_rng(0)
    pics = base.pictures.copy()
    pics[heldout] = rng.uniform(0, 1, size=pics[heldout].shape).astype(np.float32)  # noise instead of digits
    perturbed = replace(base, pictures=pics)
    cfg = EncoderConfig(head_epochs=5, spoken=shutil.which("espeak-ng") is not None)
    kw = dict(seed=3, config=cfg, progress=False, use_cache=False, log=lambda *_: None)
    a, b = encode_dataset(base, **kw), encode_dataset(perturbed, **kw)
    assert set(a.state) == set(b.state) and any(k.startswith("picture_head/") for k in a.state)
    if cfg.spoken:
        assert any(k.startswith("spoken_projection/") for k in a.state)
    for key in a.state:
        np.testing.assert_array_equal(a.state[key], b.state[key], err_msg=key)
    for m in a.space.modalities:  # the network's population code is fitted on train latents only
        sa, sb = LatentSquash.fit(a.space[m].select("train")[0]), LatentSquash.fit(b.space[m].select("train")[0])
        np.testing.assert_array_equal(sa.mean, sb.mean)
        np.testing.assert_array_equal(sa.scale, sb.scale)
    # the perturbation did reach the held-out items (the test could see a leak)
    za, zb = a.space["picture"].latents, b.space["picture"].latents
    assert np.abs(za[heldout] - zb[heldout]).max() > 0.1
    np.testing.assert_array_equal(za[~heldout], zb[~heldout])
    assert a.metrics["heldout_picture_accuracy"] > b.metrics["heldout_picture_accuracy"] + 0.3
