"""From a concept dataset to a shared latent space, with the quality report.

:func:`encode_dataset` runs every encoder stage on one dataset and one split
seed and returns an :class:`EncodeResult` (the :class:`~neuromem.latents.LatentSpace`,
the metrics, reconstruction examples and the fitted weights). Results are cached
on disk keyed by the encoder configuration, the data content and the split, so
a second call with the same arguments returns in seconds.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from neuromem.data.base import ConceptDataset, check_split_sizes, split_pictures
from neuromem.encoders import audio as _audio
from neuromem.encoders import text as _text
from neuromem.encoders.backbones import BACKBONES, FEATURE_VERSION, load_backbone, set_threads
from neuromem.encoders.cache import cache_key, load_cached, save_cached
from neuromem.encoders.heads import fit_decoder, fit_projection_to_targets, fit_picture_head
from neuromem.encoders.novel import novel_pictures
from neuromem.encoders.quality import quality_metrics
from neuromem.latents import LatentSpace, ModalityLatents

#: Bump when anything that changes cached results changes.
PIPELINE_VERSION = "encode/v6"  # v6: splits and novel pictures from the seed tree
N_RECON_EXAMPLES = 8


@dataclass(frozen=True, kw_only=True)
class EncoderConfig:
    """Configuration of the encoding stage.

    Parameters
    ----------
    backbone : str
        ``"efficientnet_lite0"`` (default, offline), ``"resnet18"`` or ``"resnet50"``.
    input_size_px : int
        Side of the square backbone input in pixels (32..512).
    latent_dim : int
        Size of the shared latent space (2..1024).
    heldout_fraction : float
        Fraction of each concept's pictures held out (0.05..0.9).
    spoken : bool
        Synthesise and encode spoken names.
    head_epochs : int
        Training epochs of the picture head (1..1000).
    weights : str or None
        Backbone weights file (ResNets; EfficientNet-Lite0 defaults to the packaged file).
    fit_concepts : tuple of str or None
        Concept split: only these concepts' training items fit the picture
        head, the name and spoken projections and the decoder; the other
        (novel) concepts are encoded but never influence a fitted parameter.
        None: every concept fits them. Resolve ``--fit-concepts`` values with
        :func:`neuromem.data.concept_split.resolve_fit_concepts`.
    """

    backbone: str = "efficientnet_lite0"
    input_size_px: int = 64
    latent_dim: int = 64
    heldout_fraction: float = 0.2
    spoken: bool = True
    head_epochs: int = 40
    weights: str | None = None
    fit_concepts: tuple[str, ...] | None = None

    def __post_init__(self):
        if self.fit_concepts is not None:
            fit = tuple(str(c) for c in self.fit_concepts)
            if not fit:
                raise ValueError("fit_concepts=() names no concept; give at least one (or None for no split)")
            object.__setattr__(self, "fit_concepts", fit)
        if self.backbone not in BACKBONES:
            raise ValueError(f"backbone={self.backbone!r} is unknown; choose one of {BACKBONES}")
        for name, lo, hi in (("input_size_px", 32, 512), ("latent_dim", 2, 1024), ("head_epochs", 1, 1000)):
            v = getattr(self, name)
            if not isinstance(v, int) or not lo <= v <= hi:
                raise ValueError(f"{name}={v!r} is out of range; allowed integers {lo}..{hi}")
        if not 0.05 <= self.heldout_fraction <= 0.9:
            raise ValueError(f"heldout_fraction={self.heldout_fraction} is out of range; allowed 0.05..0.9")

    @property
    def compression_factor(self) -> float:
        """Values in the backbone's input tensor (3 x size x size) per latent value."""
        return 3 * self.input_size_px**2 / self.latent_dim


@dataclass
class EncodeResult:
    """Output of :func:`encode_dataset`."""

    space: LatentSpace
    metrics: dict
    recon: dict = field(repr=False)
    state: dict = field(repr=False)
    from_cache: bool = False

    def save(self, out_dir: str | Path) -> dict[str, Path]:
        """Write ``metrics.json``, ``latents.npz`` and ``encoder_state.npz`` into ``out_dir``."""
        from neuromem._io import atomic_write_json, atomic_write_npz

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {
            "metrics": atomic_write_json(out / "metrics.json", self.metrics),
            "latents": self.space.save(out / "latents.npz"),
            "encoder_state": atomic_write_npz(out / "encoder_state.npz", self.state),
            "reconstructions": atomic_write_npz(out / "reconstructions.npz", self.recon),
        }
        return paths


def _flatten_state(prefix: str, proj) -> dict:
    st = proj.state()
    out = {f"{prefix}/mean": st["mean"], f"{prefix}/std": st["std"]}
    out.update({f"{prefix}/{k}": v for k, v in st["module"].items()})
    return out


def _backbone_features(dataset, config, backbone, data_hash, *, progress, use_cache, log):
    import torch

    feat_key = cache_key(backbone=config.backbone, weights=backbone.weights_id, size=config.input_size_px,
                         layout=FEATURE_VERSION,
                         data=data_hash, torch=torch.__version__.split("+")[0])
    cached = load_cached("features", feat_key) if use_cache else None
    if cached is not None:
        log(f"backbone features of {len(cached['features'])} pictures from cache")
        return cached["features"], float(cached["pictures_per_second"]), True
    log(f"extracting {config.backbone} features of {len(dataset.pictures)} pictures at "
        f"{config.input_size_px}x{config.input_size_px} px")
    t0 = time.perf_counter()
    feats = backbone.features(dataset.pictures, progress=progress)
    pps = len(feats) / (time.perf_counter() - t0)
    save_cached("features", feat_key, {"features": feats, "pictures_per_second": np.float64(pps)})
    return feats, pps, False


def backbone_features(dataset: ConceptDataset, *, config: EncoderConfig | None = None, progress: bool = False,
                      use_cache: bool = True, log=print) -> np.ndarray:
    """Frozen backbone features of every picture (no fitted head), shape (n_pictures, n_features).

    The same features :func:`encode_dataset` fits its head on (shared cache),
    in the dataset's picture order; the reference "what the pretrained network
    alone gives" for every downstream number.
    """
    config = config or EncoderConfig()
    set_threads()
    backbone = load_backbone(config.backbone, input_size=config.input_size_px, weights=config.weights)
    return _backbone_features(dataset, config, backbone, dataset.content_hash(), progress=progress,
                              use_cache=use_cache, log=log)[0]


def encode_dataset(dataset: ConceptDataset, *, seed: int = 0, config: EncoderConfig | None = None,
                   progress: bool = True, use_cache: bool = True, log=print) -> EncodeResult:
    """Encode every modality of ``dataset`` into one latent space and measure its quality.

    Parameters
    ----------
    dataset : ConceptDataset
    seed : int
        Split seed (and seed of every fitted head).
    config : EncoderConfig, optional
    progress : bool
        Show progress bars.
    use_cache : bool
        Reuse cached features and results.
    log : callable
        Receives one-line progress messages.
    """
    import torch

    config = config or EncoderConfig()
    fit_idx = np.arange(dataset.n_concepts)
    if config.fit_concepts is not None:
        unknown = [c for c in config.fit_concepts if c not in dataset.concepts]
        if unknown:
            raise ValueError(f"fit_concepts {unknown} are not concepts of {dataset.name!r} ({list(dataset.concepts)})")
        fit_idx = np.array([k for k, c in enumerate(dataset.concepts) if c in set(config.fit_concepts)])
        if len(fit_idx) == dataset.n_concepts:
            raise ValueError(f"fit_concepts names every concept of {dataset.name!r}, which leaves no novel concept; "
                             f"leave at least one out (or use fit_concepts=None for no split)")
    # fitted parts see only fit concepts, relabelled 0..n_fit-1 (fit_local[label] = -1 for novel concepts)
    fit_local = np.full(dataset.n_concepts, -1)
    fit_local[fit_idx] = np.arange(len(fit_idx))
    set_threads()
    check_split_sizes({f"concept {c!r} of {dataset.name}": int(n) for c, n in zip(dataset.concepts, dataset.counts())},
                      heldout_fraction=config.heldout_fraction)  # before any encoding
    heldout = split_pictures(dataset.picture_labels, seed=seed, heldout_fraction=config.heldout_fraction)
    data_hash = dataset.content_hash()
    backbone = load_backbone(config.backbone, input_size=config.input_size_px, weights=config.weights)

    key_config = asdict(config)
    if key_config["fit_concepts"] is None:  # no split: the same key (and cache entries) as before splits existed
        del key_config["fit_concepts"]
    result_key = cache_key(version=PIPELINE_VERSION, data=data_hash, seed=seed, config=key_config,
                           weights=backbone.weights_id, text=_text.TEXT_MODEL_ID, audio=_audio.AUDIO_FEATURE_VERSION,
                           torch=torch.__version__.split("+")[0])
    if use_cache:
        hit = load_cached("encoded", result_key)
        if hit is not None:
            try:
                result = _result_from_arrays(hit)
            except Exception as exc:  # an entry from an incompatible or damaged write: recompute
                import warnings

                from neuromem.encoders.cache import CacheWarning, cache_path

                warnings.warn(f"cache entry {cache_path('encoded', result_key)} is unusable "
                              f"({type(exc).__name__}: {exc}); it is discarded and recomputed", CacheWarning,
                              stacklevel=2)
                cache_path("encoded", result_key).unlink(missing_ok=True)
            else:
                log(f"latents for {dataset.name} (seed {seed}) from cache")
                return result

    _text.check_distinct_names(dataset)  # before any encoding: names the text encoder reads alike
    # 1. pictures -> backbone features (cached separately: the expensive step)
    feats, pps, feats_cached = _backbone_features(dataset, config, backbone, data_hash, progress=progress,
                                                  use_cache=use_cache, log=log)

    labels = dataset.picture_labels
    train = ~heldout
    fit_rows = train & (fit_local[labels] >= 0)   # train split of the fit concepts: all a fitted part sees
    # 2. transfer-learned picture head (train split of the fit concepts only)
    head = fit_picture_head(feats[fit_rows], fit_local[labels[fit_rows]], n_concepts=len(fit_idx),
                              latent_dim=config.latent_dim, epochs=config.head_epochs, seed=seed, progress=progress)
    z_pic = head(feats)
    # every concept's centroid (quality report only); the projections' targets are the fit concepts' centroids
    centroids = np.stack([z_pic[train & (labels == k)].mean(0) for k in range(dataset.n_concepts)])
    fit_centroids = centroids[fit_idx]

    # 3. written names -> MiniLM -> linear projection onto picture centroids (train forms only)
    name_texts, name_labels, name_split = [], [], []
    for k, c in enumerate(dataset.concepts):
        for s, forms in (("train", dataset.names[c].train), ("heldout", dataset.names[c].heldout)):
            name_texts += list(forms)
            name_labels += [k] * len(forms)
            name_split += [s] * len(forms)
    name_labels, name_split = np.asarray(name_labels), np.asarray(name_split)
    log(f"embedding {len(name_texts)} written name forms with {_text.TEXT_MODEL_ID}")
    emb = _text.embed_texts(name_texts)
    name_fit = (name_split == "train") & (fit_local[name_labels] >= 0)
    text_proj = fit_projection_to_targets(emb[name_fit], fit_local[name_labels[name_fit]],
                                          fit_centroids, hidden=None, seed=seed, desc="name projection",
                                          progress=progress)
    modalities = {
        "picture": ModalityLatents(z_pic, labels, np.where(heldout, "heldout", "train"),
                                   tuple(f"#{i}" for i in range(len(z_pic)))),
        "name": ModalityLatents(text_proj(emb), name_labels, name_split, tuple(name_texts)),
    }
    state = {**_flatten_state("picture_head", head), **_flatten_state("name_projection", text_proj),
             "centroids": fit_centroids.astype(np.float32)}

    # 4. spoken names -> log-mel -> MLP projection onto picture centroids (training voices only)
    if config.spoken:
        from neuromem.data.speech import spoken_name_items, synthesise

        utts, sp_labels, sp_split = spoken_name_items(dataset.names, dataset.concepts)
        waves = synthesise(utts, progress=progress, log=log)
        sp_feats = _audio.audio_features(waves, version=_audio.AUDIO_FEATURE_VERSION)
        sp_fit = (sp_split == "train") & (fit_local[sp_labels] >= 0)
        sp_proj = fit_projection_to_targets(sp_feats[sp_fit], fit_local[sp_labels[sp_fit]],
                                            fit_centroids, hidden=128, seed=seed, epochs=150,
                                            desc="spoken-name projection", progress=progress)
        modalities["spoken"] = ModalityLatents(sp_proj(sp_feats), sp_labels, sp_split,
                                               tuple(u.describe() for u in utts))
        state.update(_flatten_state("spoken_projection", sp_proj))

    # 5. decoder: latent -> picture; reconstruction error is the match signal
    decoder = fit_decoder(z_pic[fit_rows], dataset.pictures[fit_rows], seed=seed, progress=progress)
    err_heldout = decoder.error(z_pic[heldout], dataset.pictures[heldout])
    novel = novel_pictures(int(min(500, heldout.sum())), dataset.picture_shape, seed=seed)
    z_novel = head(backbone.features(novel))
    err_novel = decoder.error(z_novel, novel)
    state.update({f"decoder/{k}": v.detach().numpy() for k, v in decoder.module.state_dict().items()})

    space = LatentSpace(concepts=dataset.concepts, modalities=modalities, seed=seed,
                        encoder={**asdict(config), "dataset": dataset.name, "pipeline": PIPELINE_VERSION},
                        fit_concepts=config.fit_concepts)
    metrics = quality_metrics(space, centroids, err_heldout, err_novel, config=config,
                              pictures_per_second=pps, features_from_cache=feats_cached, dataset=dataset)
    idx_h = np.flatnonzero(heldout)[:N_RECON_EXAMPLES]
    recon = {
        "heldout_pictures": dataset.pictures[idx_h],
        "heldout_reconstructions": decoder.reconstruct(z_pic[idx_h]),
        "heldout_labels": labels[idx_h],
        "novel_pictures": novel[:N_RECON_EXAMPLES],
        "novel_reconstructions": decoder.reconstruct(z_novel[:N_RECON_EXAMPLES]),
        "error_heldout": err_heldout.astype(np.float32),
        "error_novel": err_novel.astype(np.float32),
    }
    result = EncodeResult(space=space, metrics=metrics, recon=recon, state=state)
    if use_cache:
        save_cached("encoded", result_key, _result_to_arrays(result))
    return result


def _result_to_arrays(result: EncodeResult) -> dict:
    import json

    arrays = {f"recon::{k}": v for k, v in result.recon.items()}
    arrays.update({f"state::{k}": v for k, v in result.state.items()})
    arrays.update(result.space.to_arrays(prefix="space::"))
    arrays["metrics"] = np.array(json.dumps(result.metrics))
    return arrays


def _result_from_arrays(arrays: dict) -> EncodeResult:
    import json

    space = LatentSpace.from_arrays(arrays, prefix="space::")
    recon = {k.split("::", 1)[1]: v for k, v in arrays.items() if k.startswith("recon::")}
    state = {k.split("::", 1)[1]: v for k, v in arrays.items() if k.startswith("state::")}
    metrics = dict(json.loads(str(arrays["metrics"])), features_from_cache=True)
    return EncodeResult(space=space, metrics=metrics, recon=recon, state=state, from_cache=True)
