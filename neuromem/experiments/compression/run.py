"""The compression study: latent size and reconstruction loss -> recall, reconstruction quality, novelty.

Per seed, on the dataset's train / held-out split and a seeded concept split
(``fit_fraction`` of the concepts fit every trained part; the rest are novel):

(a) the supervised head (:func:`neuromem.encoders.heads.fit_picture_head`,
    classification on the fit concepts' train pictures) at each latent size,
    with the encoder's decoder fitted on its latents (the match signal);
(b) an autoencoder per latent size and loss, trained by reconstruction alone
    on the same pictures (:mod:`~neuromem.experiments.compression.models`).

Cost: both the head and the autoencoders read the backbone features projected
on their first ``feature_components`` principal components (fitted on the fit
concepts' train pictures; 256 of 2,024 by default), which keeps the study to
minutes on 2 CPU cores; the shipped encoder's head reads all 2,024.

Every latent is measured the same way. Downstream recall is the K-shot
nearest-prototype recall (no spiking network: the network's recall stays
within a few hundredths of it, see ``docs/results/engram-formation.md``):
each concept's prototype is the mean latent of K train pictures, each
held-out picture is answered with the nearest of all concepts' prototypes;
``fitted`` and ``novel`` average over held-out pictures of the fit and the
novel concepts (chance 1 / n_concepts). Next to it, the same recall on the
frozen backbone features and on raw pixels (no trained latent). Novelty AUC:
the decoder's per-picture reconstruction error separating foreign pictures
(crops of scikit-image photographs) from held-out pictures of the fit
concepts. PSNR (dB) and SSIM of held-out pictures of the fit concepts.
Invariance is not measured here: it needs the spiking network per size.
"""

from __future__ import annotations

import numpy as np

from neuromem.analysis.references import nearest_prototype_reference, presented_prototypes
from neuromem.analysis.statistics import t_ci95
from neuromem.experiments.compression.config import CompressionConfig
from neuromem.experiments.compression.models import feature_extractor, fit_autoencoder, psnr_db, ssim_mean
from neuromem.seeds import SeedTree

__all__ = ["run_seed", "run_compression", "knee", "choose", "summarise"]

_MEASURES = ("recall_fitted", "recall_novel", "psnr_db", "ssim", "novelty_auc")
_CHOICE_KEYS = ("knee_head_fitted", "knee_head_novel", "knee_autoencoder", "knee_autoencoder_any_loss", "best_loss")


def knee(sizes, recall, tolerance: float = 0.02):
    """The smallest size whose recall is within ``tolerance`` of the best (None when every value is NaN)."""
    r = np.asarray(recall, dtype=float)
    if not np.isfinite(r).any():
        return None
    best = np.nanmax(r)
    return int(next(s for s, v in zip(sizes, r) if np.isfinite(v) and v >= best - tolerance))


def _auc(foreign: np.ndarray, familiar: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(np.r_[np.ones(len(foreign)), np.zeros(len(familiar))], np.r_[foreign, familiar]))


def _pca(train: np.ndarray, n: int):
    """Projection onto the first ``n`` principal components of ``train`` (float32 out)."""
    mean = train.mean(axis=0)
    _, _, vt = np.linalg.svd(train - mean, full_matrices=False)
    basis = vt[:n].T

    def reduce(x):
        return ((np.asarray(x, np.float64) - mean) @ basis).astype(np.float32)

    return reduce


class _Seed:
    """One seed's data, split, shots and foreign pictures (everything both studies share)."""

    def __init__(self, request, seed: int, config: CompressionConfig):
        from neuromem.data.base import split_pictures
        from neuromem.data.concept_split import resolve_fit_concepts
        from neuromem.encoders.backbones import load_backbone
        from neuromem.encoders.novel import novel_pictures

        tree = SeedTree(seed)
        ds = request.load(seed)
        self.n_concepts = len(ds.concepts)
        feats = np.asarray(request.backbone_features(seed), np.float64)
        self.pictures = np.asarray(ds.pictures, np.float32)
        if self.pictures.ndim != 3:
            raise ValueError(f"the compression study needs grey pictures (n, H, W); {ds.name} has "
                             f"{self.pictures.shape[1:]}")
        self.labels = np.asarray(ds.picture_labels)
        heldout = split_pictures(self.labels, seed=seed, heldout_fraction=request.encoder.heldout_fraction)
        fit = set(resolve_fit_concepts(config.fit_fraction, ds.concepts, seed=seed))
        self.is_fit = np.array([c in fit for c in ds.concepts])
        self.fit_names = [c for c in ds.concepts if c in fit]
        self.train_fit = ~heldout & self.is_fit[self.labels]
        self.reduce = _pca(feats[self.train_fit], config.feature_components)
        self.features = self.reduce(feats)
        self.test, self.test_fit = heldout, heldout & self.is_fit[self.labels]
        rng = tree.rng("training")
        self.shots = np.concatenate([rng.choice(np.nonzero(~heldout & (self.labels == k))[0], config.shots,
                                                replace=False) for k in range(self.n_concepts)])
        backbone = load_backbone(request.encoder.backbone, input_size=request.encoder.input_size_px,
                                 weights=request.encoder.weights)
        self.backbone = backbone
        foreign = novel_pictures(int(min(300, heldout.sum())), self.pictures.shape[1:],
                                 seed=tree.int_seed("encoder", "novel_pictures"))
        self.foreign, self.foreign_features = foreign.astype(np.float32), self.reduce(backbone.features(foreign))
        self.model_seed = tree.int_seed("encoder")

    def recall(self, z: np.ndarray) -> tuple[float, float]:
        protos = presented_prototypes(z[self.shots], self.labels[self.shots], self.n_concepts)
        hit = nearest_prototype_reference(z[self.test], protos) == self.labels[self.test]
        fit = self.is_fit[self.labels[self.test]]
        return float(hit[fit].mean()), float(hit[~fit].mean())

    def measure(self, encode, decode) -> dict:
        z = encode(self.features)
        fitted, novel = self.recall(z)
        rec = decode(z[self.test_fit])
        truth = self.pictures[self.test_fit]
        err_familiar = ((rec - truth) ** 2).reshape(len(truth), -1).mean(axis=1)
        rec_f = decode(encode(self.foreign_features))
        err_foreign = ((rec_f - self.foreign) ** 2).reshape(len(rec_f), -1).mean(axis=1)
        return {"recall_fitted": fitted, "recall_novel": novel, "psnr_db": psnr_db(rec, truth),
                "ssim": ssim_mean(rec, truth), "novelty_auc": _auc(err_foreign, err_familiar)}


def run_seed(config: CompressionConfig, request, seed: int, *, log=None) -> dict:
    """One seed: ``{"head": {measure: [per size]}, "autoencoder": {loss: {measure: [...]}}, "references": ...}``."""
    from neuromem.encoders.heads import fit_decoder, fit_picture_head

    s = _Seed(request, seed, config)
    fit_local = np.cumsum(s.is_fit) - 1
    out = {"head": {m: [] for m in _MEASURES}, "autoencoder": {}, "fit_concepts": s.fit_names}
    for d in config.sizes:
        head = fit_picture_head(s.features[s.train_fit], fit_local[s.labels[s.train_fit]],
                                n_concepts=int(s.is_fit.sum()), latent_dim=d, epochs=config.head_epochs,
                                seed=s.model_seed)
        dec = fit_decoder(head(s.features[s.train_fit]), s.pictures[s.train_fit], seed=s.model_seed)
        for k, v in s.measure(head, dec.reconstruct).items():
            out["head"][k].append(v)
        if log:
            log(f"seed {seed}: head {d}-d done")
    feature_fn = feature_extractor(s.backbone) if "feature" in config.losses else None
    for loss in config.losses:
        row = out["autoencoder"][loss] = {m: [] for m in _MEASURES}
        for d in config.sizes:
            enc, dec = fit_autoencoder(s.features[s.train_fit], s.pictures[s.train_fit], latent_dim=d, loss=loss,
                                       epochs=config.ae_epochs, seed=s.model_seed, feature_fn=feature_fn)
            for k, v in s.measure(enc, dec).items():
                row[k].append(v)
        if log:
            log(f"seed {seed}: autoencoder {loss} done")
    out["references"] = {"backbone_features": dict(zip(("recall_fitted", "recall_novel"), s.recall(s.features))),
                         "pixels": dict(zip(("recall_fitted", "recall_novel"),
                                            s.recall(s.pictures.reshape(len(s.pictures), -1))))}
    out["chance_recall_at_1"] = 1.0 / s.n_concepts
    return out


def _mean_ci(per_seed: list) -> tuple[list, list]:
    a = np.asarray(per_seed, dtype=float)  # (seeds, sizes)
    return a.mean(axis=0).tolist(), [t_ci95(a[:, j]) for j in range(a.shape[1])]


def choose(config: CompressionConfig, m: dict, seeds) -> dict:
    """The knees and the best loss of the mean curves in ``m`` (summarised over ``seeds``).

    Head: smallest size within 0.02 of the best mean recall (fitted; novel).
    Autoencoders: the same on the mean of fitted and novel recall, per loss
    and over every loss (``knee_autoencoder_any_loss``); ``best_loss`` is the
    loss with the best mean recall at that size.
    """
    ae_mean = {loss: (np.asarray(m["autoencoder_recall_fitted"][loss]) + m["autoencoder_recall_novel"][loss]) / 2
               for loss in config.losses}
    best_all = np.nanmax(np.stack(list(ae_mean.values())))
    size = int(next(s for j, s in enumerate(config.sizes) if max(r[j] for r in ae_mean.values()) >= best_all - 0.02))
    j = config.sizes.index(size)
    return {"seeds": [int(s) for s in seeds], "knee_head_fitted": knee(config.sizes, m["head_recall_fitted"]),
            "knee_head_novel": knee(config.sizes, m["head_recall_novel"]),
            "knee_autoencoder": {loss: knee(config.sizes, r) for loss, r in ae_mean.items()},
            "knee_autoencoder_any_loss": size, "best_loss": max(config.losses, key=lambda loss: ae_mean[loss][j])}


def _check_choice(config: CompressionConfig, choice: dict, seeds) -> None:
    missing = [k for k in ("seeds", *_CHOICE_KEYS) if k not in choice]
    if missing:
        raise ValueError(f"the choice lacks {missing}; give the metrics.json of a compression run (--choose-on)")
    shared = sorted(set(choice["seeds"]) & set(seeds)) if choice["seeds"] != list(seeds) else []
    if shared:
        raise ValueError(f"--choose-on: its seeds {choice['seeds']} overlap the reported seeds {list(seeds)}; "
                         "choose on tuning seeds 0-2 and report on 3-7")
    for k in ("knee_head_fitted", "knee_head_novel", "knee_autoencoder_any_loss"):
        if choice[k] not in config.sizes:
            raise ValueError(f"--choose-on: the chosen {k} {choice[k]} is not among --sizes {list(config.sizes)}")
    if choice["best_loss"] not in config.losses:
        raise ValueError(f"--choose-on: the chosen loss {choice['best_loss']} is not among --losses "
                         f"{list(config.losses)}")


def summarise(config: CompressionConfig, seeds: dict, choice: dict | None = None) -> dict:
    """Means over seeds (``_ci95`` half-widths), the knees and the loss that makes sense (see the package doc).

    ``choice`` (the ``choice`` section of a run on other seeds, see :func:`choose`): the knees and the
    loss are taken from it, the numbers reported at them are these seeds'; without it they are chosen on
    these seeds (``choice.seeds`` says which). ``choice_on_these_seeds`` is always these seeds' own choice.
    """
    order = sorted(seeds)
    m = {"sizes": list(config.sizes), "losses": list(config.losses), "seeds": order, "shots": config.shots,
         "chance_recall_at_1": seeds[order[0]]["chance_recall_at_1"],
         "recall_measure": "K-shot nearest-prototype recall@1 on the latents (no spiking network)"}
    for k in _MEASURES:
        m[f"head_{k}"], m[f"head_{k}_ci95"] = _mean_ci([seeds[s]["head"][k] for s in order])
        m[f"autoencoder_{k}"], m[f"autoencoder_{k}_ci95"] = {}, {}
        for loss in config.losses:
            m[f"autoencoder_{k}"][loss], m[f"autoencoder_{k}_ci95"][loss] = _mean_ci(
                [seeds[s]["autoencoder"][loss][k] for s in order])
    for ref in ("backbone_features", "pixels"):
        for k in ("recall_fitted", "recall_novel"):
            vals = [seeds[s]["references"][ref][k] for s in order]
            m[f"{ref}_{k}"], m[f"{ref}_{k}_ci95"] = float(np.mean(vals)), t_ci95(vals)
    own = choose(config, m, order)
    m["choice_on_these_seeds"] = own
    choice = dict(choice) if choice is not None else own
    _check_choice(config, choice, order)
    m["choice"] = choice
    for k in _CHOICE_KEYS:
        m[k] = choice[k]
    j = config.sizes.index(choice["knee_autoencoder_any_loss"])
    best = choice["best_loss"]
    m["best_loss_at_knee"] = {"size": choice["knee_autoencoder_any_loss"], **{
        k: m[f"autoencoder_{k}"][best][j] for k in _MEASURES}, **{
        f"{k}_ci95": m[f"autoencoder_{k}_ci95"][best][j] for k in _MEASURES}}
    jh = config.sizes.index(choice["knee_head_fitted"])
    m["head_at_knee"] = {"size": choice["knee_head_fitted"], **{k: m[f"head_{k}"][jh] for k in _MEASURES},
                         **{f"{k}_ci95": m[f"head_{k}_ci95"][jh] for k in _MEASURES}}
    m["per_seed"] = {str(s): seeds[s] for s in order}
    return m


def run_compression(config: CompressionConfig, request, *, log=None, choice: dict | None = None) -> dict:
    """Every seed of ``config``, summarised (:func:`summarise`; ``choice`` made on other seeds)."""
    if choice is not None:
        _check_choice(config, choice, config.seeds)
    return summarise(config, {s: run_seed(config, request, s, log=log) for s in config.seeds}, choice)
