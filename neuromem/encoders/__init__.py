"""Encoders (stage 2): pretrained image / text front ends, fitted heads, decoder, latent cache.

``encode_dataset(dataset, seed=...)`` turns a :class:`~neuromem.data.ConceptDataset`
into a :class:`~neuromem.latents.LatentSpace` plus its quality report.
"""

from neuromem.encoders.backbones import BACKBONES, ImageBackbone, imagenet_categories, load_backbone
from neuromem.encoders.pipeline import (
    EncodeResult,
    EncoderConfig,
    backbone_features,
    encode_dataset,
)
from neuromem.encoders.request import EncodeRequest
from neuromem.latents import nearest_centroid

__all__ = ["BACKBONES", "ImageBackbone", "imagenet_categories", "load_backbone", "EncodeResult", "backbone_features",
           "EncoderConfig", "EncodeRequest", "encode_dataset", "nearest_centroid"]
