"""EncodeRequest: the one way an experiment gets each seed's latent space."""

from __future__ import annotations

import numpy as np
import pytest

from neuromem.encoders import EncodeRequest, EncoderConfig


@pytest.mark.parametrize("kw", [{"min_train": 0}, {"min_train": True}, {"per_concept": 1}, {"per_concept": -2},
                                {"encoder": {"latent_dim": 8}}])
def test_bad_requests_refused(kw):
    with pytest.raises((TypeError, ValueError)):
        EncodeRequest(**kw)


def test_encode_matches_encode_dataset(digits_encoding):
    got = EncodeRequest(dataset="digits", progress=False).encode(0).space
    want = digits_encoding.space
    for m in want.modalities:
        np.testing.assert_array_equal(got[m].latents, want[m].latents)


def test_fraction_split_is_resolved_per_seed():
    req = EncodeRequest(dataset="digits", fit_concepts="0.5", progress=False)
    data = req.load(0)
    fits = {req.config_for(data, s).fit_concepts for s in (0, 1, 2, 3)}
    assert all(len(f) == 5 for f in fits) and len(fits) > 1
    assert EncodeRequest(progress=False).config_for(data, 0) == EncoderConfig()
