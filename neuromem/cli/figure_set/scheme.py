"""The seed's Figure 1 as plain data, read from a real run (encode folder + engram-formation folder).

Every size comes from the files: each modality's encoder input size (the
head's input vector), hidden layers and latent size from ``encoder_state.npz``;
the population code's size from the engram run's input weights; the concept
layer's size and each concept's engram neurons (responsive to that concept
through any modality) from ``engram_results.npz``. A concept node's link to a
latent space is the mean input weight (mV) that learning added from that
modality's code onto the concept's engram neurons (after minus the seeded
initial weights; both are kept); its point in each latent space is the mean of its training
latents, shown on the first two principal components of that space.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

__all__ = ["model_scheme"]

_ENCODER = {"picture": "{backbone} backbone ({px} px pictures)", "name": "all-MiniLM-L6-v2 text encoder",
            "spoken": "espeak-ng voice -> audio front end"}
_HEADS = {"picture": "picture_head", "name": "name_projection", "spoken": "spoken_projection"}


def _layer_sizes(state, prefix: str) -> list[int]:
    """Input size, then the output size of each weight matrix of ``prefix``, in order."""
    sizes = [int(state[f"{prefix}/mean"].shape[0])]
    weights = sorted((k for k in state.files if k.startswith(prefix + "/") and k.endswith("weight")),
                     key=lambda k: [int(p) if p.isdigit() else p for p in k[len(prefix) + 1:].split(".")])
    return sizes + [int(state[k].shape[0]) for k in weights]


def _pca2(z: np.ndarray) -> np.ndarray:
    zc = z - z.mean(axis=0)
    _, _, vt = np.linalg.svd(zc, full_matrices=False)
    return zc @ vt[:2].T


def model_scheme(engram_folder, encode_folder) -> dict:
    """Figure 1's content for one run (plain data; see the module docstring).

    Returns
    -------
    dict
        ``concepts``, ``seed``, ``n_concept_neurons``, ``modalities`` (each: ``encoder``, ``layers``,
        ``latent_dim``, ``code_neurons``, ``points`` (train latents on 2 PCs, ``(n, 2)``), ``labels``,
        ``prototypes`` ``(n_concepts, 2)``), ``engram_neurons`` (per concept, the neuron indices), ``links``
        ``{modality: (n_concepts,) mean weight added by learning, mV}``, ``links_after`` / ``links_before``
        (the mean weights after and before learning),
        ``decoder_layers``.

    Raises
    ------
    FileNotFoundError
        When a folder lacks the files its command writes.
    """
    from neuromem.latents import LatentSpace

    engram, encode = Path(engram_folder), Path(encode_folder)
    for f in (engram / "engram_results.npz", encode / "encoder_state.npz", encode / "latents.npz"):
        if not f.is_file():
            raise FileNotFoundError(f"{f} is missing: Figure 1 is drawn from a finished encode and engram run")
    enc_metrics = json.loads((encode / "metrics.json").read_text())
    space = LatentSpace.load(encode / "latents.npz")
    run = np.load(engram / "engram_results.npz", allow_pickle=False)
    state = np.load(encode / "encoder_state.npz", allow_pickle=False)
    concepts = [str(c) for c in run["concepts"]]
    mods = [m for m in ("picture", "name", "spoken") if f"w_in_mv_after__{m}" in run.files]
    union = np.logical_or.reduce([run[f"responsive__{m}"] for m in mods])  # (neurons, concepts)
    engram_neurons = [np.nonzero(union[:, k])[0].tolist() for k in range(len(concepts))]
    scheme = {"concepts": concepts, "seed": int(space.seed), "n_concept_neurons": int(union.shape[0]),
              "engram_neurons": engram_neurons, "modalities": {}, "links": {}, "links_after": {}, "links_before": {},
              "decoder_layers": [int(state["decoder/0.weight"].shape[1])]
              + [int(state[k].shape[0]) for k in sorted(k for k in state.files
                                                        if k.startswith("decoder/") and k.endswith(".weight"))]}
    for m in mods:
        z, y = space[m].select("train")
        pts = _pca2(np.asarray(z, dtype=float))
        w_after, w_before = run[f"w_in_mv_after__{m}"], run[f"w_in_mv_before__{m}"]  # (code neurons, concept neurons)
        scheme["modalities"][m] = {
            "encoder": _ENCODER[m].format(backbone=enc_metrics.get("backbone", "?"),
                                          px=enc_metrics.get("input_size_px", "?")),
            "layers": _layer_sizes(state, _HEADS[m]), "latent_dim": int(z.shape[1]),
            "code_neurons": int(w_after.shape[0]), "points": pts, "labels": np.asarray(y, dtype=int),
            "prototypes": np.stack([pts[y == k].mean(axis=0) if np.any(y == k) else np.full(2, np.nan)
                                    for k in range(len(concepts))])}
        scheme["links"][m] = np.array([(w_after[:, n] - w_before[:, n]).mean() if n else 0.0
                                       for n in engram_neurons])
        scheme["links_after"][m] = np.array([w_after[:, n].mean() if n else 0.0 for n in engram_neurons])
        scheme["links_before"][m] = np.array([w_before[:, n].mean() if n else 0.0 for n in engram_neurons])
    return scheme
