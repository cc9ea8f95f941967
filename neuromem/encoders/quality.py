"""The latent-space quality report of an encoding (held-out pictures and names nearest their own concept,
reconstruction and novelty, within / between concept distances)."""

from __future__ import annotations

import numpy as np

from neuromem.data.base import ConceptDataset
from neuromem.latents import LatentSpace, nearest_centroid

__all__ = ["quality_metrics", "within_between_ratio"]


def within_between_ratio(latents: np.ndarray, labels: np.ndarray, *, max_items: int = 2000, seed: int = 0) -> float:
    """Mean Euclidean distance within concepts / mean distance between concepts."""
    from scipy.spatial.distance import pdist

    if len(latents) > max_items:
        idx = np.random.default_rng(seed).choice(len(latents), max_items, replace=False)
        latents, labels = latents[idx], labels[idx]
    d = pdist(latents)
    same = pdist(labels[:, None].astype(float), metric="cityblock") == 0
    if not same.any() or same.all():
        raise ValueError("within/between ratio needs at least two concepts with two items each")
    return float(d[same].mean() / d[~same].mean())


def _fraction_nearest_own(latents, labels, centroids) -> float:
    return float(np.mean(nearest_centroid(latents, centroids) == labels)) if len(labels) else float("nan")


def quality_metrics(space: LatentSpace, centroids: np.ndarray, err_heldout: np.ndarray, err_novel: np.ndarray, *,
                    config, pictures_per_second: float, features_from_cache: bool,
                    dataset: ConceptDataset) -> dict:
    """The latent-space quality report (keys documented in the README).

    ``config`` is the :class:`~neuromem.encoders.pipeline.EncoderConfig` the space was encoded with.
    """
    from sklearn.metrics import roc_auc_score

    z_h, y_h = space["picture"].select("heldout")
    pred = nearest_centroid(z_h, centroids)
    per_concept = {c: float(np.mean(pred[y_h == k] == k)) for k, c in enumerate(space.concepts)}
    z_n, y_n = space["name"].select("heldout")
    name_pred = nearest_centroid(z_n, centroids)
    heldout_names = [d for d, s in zip(space["name"].descriptions, space["name"].split) if s == "heldout"]
    metrics = {
        "dataset": dataset.name,
        "seed": space.seed,
        "backbone": config.backbone,
        "input_size_px": config.input_size_px,
        "latent_dim": config.latent_dim,
        "distance": "euclidean",
        "n_train_pictures": int((space["picture"].split == "train").sum()),
        "n_heldout_pictures": int(len(y_h)),
        "heldout_picture_accuracy": float(np.mean(pred == y_h)),
        "heldout_picture_accuracy_per_concept": per_concept,
        "name_to_picture_centroid_fraction": _fraction_nearest_own(z_n, y_n, centroids),
        "name_train_forms_to_picture_centroid_fraction": _fraction_nearest_own(
            *space["name"].select("train"), centroids),
        "heldout_name_forms": {f: space.concepts[int(p)] for f, p in zip(heldout_names, name_pred)},
    }
    if "spoken" in space.modalities:
        metrics["spoken_to_picture_centroid_fraction"] = _fraction_nearest_own(
            *space["spoken"].select("heldout"), centroids)
        metrics["spoken_train_voices_to_picture_centroid_fraction"] = _fraction_nearest_own(
            *space["spoken"].select("train"), centroids)
    else:
        metrics["spoken_to_picture_centroid_fraction"] = None
    if space.fit_concepts is not None:
        fit_mask = np.isin(y_h, [space.concepts.index(c) for c in space.fit_concepts])
        metrics["fit_concepts"] = list(space.fit_concepts)
        metrics["novel_concepts"] = list(space.novel_concepts)
        metrics["heldout_picture_accuracy_fitted"] = float(np.mean(pred[fit_mask] == y_h[fit_mask]))
        metrics["heldout_picture_accuracy_novel"] = float(np.mean(pred[~fit_mask] == y_h[~fit_mask]))
    metrics.update({
        "recon_error_measure": "mean squared error per pixel, intensities in [0, 1]",
        "recon_error_heldout": float(err_heldout.mean()),
        "recon_error_novel": float(err_novel.mean()),
        "recon_novelty_auc": float(roc_auc_score(np.r_[np.zeros(len(err_heldout)), np.ones(len(err_novel))],
                                                 np.r_[err_heldout, err_novel])),
        "novel_source": "crops of scikit-image photographs",
        "compression_factor": float(config.compression_factor),
        "within_between_distance_ratio": within_between_ratio(z_h, y_h, seed=space.seed),
        "pictures_per_second": float(pictures_per_second),
        "features_from_cache": bool(features_from_cache),
    })
    return metrics
