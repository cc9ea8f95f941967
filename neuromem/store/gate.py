"""A memory's novelty gate: calibrated when it is learned, read by every picture cue and by ``memory add``.

The gate (:mod:`neuromem.analysis.novelty`) combines the decoder's match
error with the concept layer's own response (the spike count of the engram
that answers the cue most). :func:`calibrate` fits it on the memory's
held-out pictures (pictures of the learned concepts that fitted no encoder
part), at most :data:`MAX_CALIBRATION_PICTURES` of them, each cued alone with
learning off from the seed of its own latent; the gate is stored in
``memory.json`` under ``thresholds.novelty_gate``. A memory saved before the
gate existed (or with fewer than two held-out pictures) has none: its
picture cues keep the older rule (novel when outside the link radius or
when the match error exceeds ``match_error_threshold``).
"""

from __future__ import annotations

import numpy as np

from neuromem.analysis.novelty import NoveltyGate, engram_response, fit_gate

__all__ = ["MAX_CALIBRATION_PICTURES", "calibrate", "memory_gate", "picture_novelty"]

#: Held-out pictures cued to calibrate a memory's gate (a larger set is subsampled with the memory's seed).
MAX_CALIBRATION_PICTURES = 200


def memory_gate(memory) -> NoveltyGate | None:
    """The memory's calibrated gate, or None (module docstring)."""
    d = memory.meta.get("thresholds", {}).get("novelty_gate")
    return None if d is None else NoveltyGate.from_dict(d)


def calibrate(memory, latents: np.ndarray, match_errors: np.ndarray) -> NoveltyGate | None:
    """Fit the gate on held-out pictures of the learned concepts and store it in ``memory.meta``.

    Parameters
    ----------
    memory : Memory
    latents : ndarray (n, latent_dim)
        Held-out picture latents.
    match_errors : ndarray (n,)
        Their decoder match errors.

    Returns
    -------
    NoveltyGate or None
        None (nothing stored) with fewer than two pictures.
    """
    from neuromem.seeds import SeedTree

    z = np.asarray(latents, dtype=np.float32)
    e = np.asarray(match_errors, dtype=np.float64)
    if len(z) < 2:
        return None
    if len(z) > MAX_CALIBRATION_PICTURES:
        keep = np.sort(SeedTree(memory.seed).rng("novelty", "calibration").choice(len(z), MAX_CALIBRATION_PICTURES,
                                                                                  replace=False))
        z, e = z[keep], e[keep]
    counts = memory.cue_counts("picture", z)
    _, response = engram_response(counts, [memory.store.node(c).engram_neurons for c in memory.store.concepts])
    gate = fit_gate(np.maximum(e, 1e-12), response)
    memory.meta.setdefault("thresholds", {})["novelty_gate"] = gate.to_dict()
    return gate


def picture_novelty(memory, match_error: float | None, response: float, linked: bool) -> dict:
    """Whether a picture cue is new: ``{"novel", "novelty_score", "novelty_threshold", "novelty_rule"}``.

    With a calibrated gate the gate decides (``novelty_rule`` ``"gate"``);
    without one, or without a match error, the older rule does (``"radius"``).
    """
    gate = memory_gate(memory)
    if gate is None or match_error is None:
        thr = memory.meta["thresholds"]["match_error_threshold"]
        novel = (not linked) or (match_error is not None and match_error > thr)
        return {"novel": bool(novel), "novelty_score": None, "novelty_threshold": None, "novelty_rule": "radius"}
    score = float(gate.score([max(float(match_error), 1e-12)], [float(response)])[0])
    return {"novel": bool(score > gate.threshold), "novelty_score": score, "novelty_threshold": gate.threshold,
            "novelty_rule": "gate"}
