"""Autoencoders trained by reconstruction alone, their losses, and reconstruction quality (PSNR, SSIM).

The autoencoder's encoder reads the frozen backbone's features of a picture
(the same cached features the supervised head reads: standardised, then an
MLP ``features -> 256 -> d``); its decoder draws the picture (``d -> 256 ->
pixels``, a sigmoid: intensities in [0, 1]). No label is used. Losses:

``pixel_mse``, ``pixel_l1``
    Mean squared / absolute error per pixel.
``ssim``
    ``1 - SSIM`` (Wang et al. 2004, IEEE TIP 13:600) with a 3 x 3 uniform
    window (the pictures are 8 x 8 pixels), constants ``C1 = 0.01^2``,
    ``C2 = 0.03^2`` for intensities in [0, 1].
``feature``
    Mean squared error between the frozen backbone's early feature maps
    (stem and first two blocks of EfficientNet-Lite0, ImageNet weights, the
    pictures upsampled to 16 x 16 px) of the
    reconstruction and of the picture. UNCALIBRATED: a perceptual metric
    (LPIPS, DISTS) calibrates such distances on human judgements; no such
    weights can be had offline, so this loss only says "distance in a
    pretrained network's early features".
"""

from __future__ import annotations

import numpy as np

__all__ = ["fit_autoencoder", "ssim_map", "psnr_db", "ssim_mean", "feature_extractor"]

_C1, _C2 = 0.01 ** 2, 0.03 ** 2


def ssim_map(a, b):
    """SSIM per picture (torch tensors ``(n, 1, H, W)``, intensities in [0, 1]), 3 x 3 uniform window."""
    import torch.nn.functional as F

    pool = lambda x: F.avg_pool2d(x, 3, stride=1)  # noqa: E731
    mu_a, mu_b = pool(a), pool(b)
    var_a = pool(a * a) - mu_a ** 2
    var_b = pool(b * b) - mu_b ** 2
    cov = pool(a * b) - mu_a * mu_b
    s = ((2 * mu_a * mu_b + _C1) * (2 * cov + _C2)) / ((mu_a ** 2 + mu_b ** 2 + _C1) * (var_a + var_b + _C2))
    return s.mean(dim=(1, 2, 3))


def psnr_db(recon: np.ndarray, pictures: np.ndarray) -> float:
    """Mean PSNR (dB) over pictures, intensities in [0, 1]: ``10 log10(1 / MSE)`` per picture."""
    mse = np.mean((np.asarray(recon, float) - np.asarray(pictures, float)) ** 2, axis=tuple(range(1, recon.ndim)))
    return float(np.mean(10 * np.log10(1.0 / np.maximum(mse, 1e-10))))


def ssim_mean(recon: np.ndarray, pictures: np.ndarray) -> float:
    """Mean SSIM (the loss's definition, :func:`ssim_map`) over grey pictures ``(n, H, W)``."""
    import torch

    a = torch.from_numpy(np.asarray(recon, np.float32))[:, None]
    b = torch.from_numpy(np.asarray(pictures, np.float32))[:, None]
    with torch.no_grad():
        return float(ssim_map(a, b).mean())


def feature_extractor(backbone, *, n_blocks: int = 2, input_size: int = 16):
    """The frozen backbone's stem and first ``n_blocks`` blocks as a function of pictures ``(n, 1, H, W)``."""
    import torch
    import torch.nn.functional as F

    m = backbone.model
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    for p in m.parameters():
        p.requires_grad_(False)

    def features(x):
        x = F.interpolate(x, size=(input_size, input_size), mode="bilinear", align_corners=False)
        x = (x.expand(-1, 3, -1, -1) - mean) / std
        x = m._swish(m._bn0(m._conv_stem(x)))
        for block in list(m._blocks)[:n_blocks]:
            x = block(x)
        return x

    return features


def fit_autoencoder(features: np.ndarray, pictures: np.ndarray, *, latent_dim: int, loss: str, epochs: int,
                    seed: int, feature_fn=None):
    """Train one autoencoder by reconstruction alone; returns ``(encode, decode)`` numpy functions.

    Parameters
    ----------
    features : ndarray (n, n_features)
        Frozen backbone features of the training pictures.
    pictures : ndarray (n, H, W)
        The pictures, intensities in [0, 1].
    latent_dim : int
    loss : {"pixel_mse", "pixel_l1", "ssim", "feature"}
    epochs : int
    seed : int
        Initial weights and batch order.
    feature_fn : callable, optional
        :func:`feature_extractor` (needed for ``loss="feature"``).

    Raises
    ------
    ValueError
        For an unknown loss, or ``feature`` without ``feature_fn``.
    """
    import torch
    import torch.nn as nn

    if loss not in ("pixel_mse", "pixel_l1", "ssim", "feature"):
        raise ValueError(f"loss={loss!r} is not one of pixel_mse, pixel_l1, ssim, feature")
    if loss == "feature" and feature_fn is None:
        raise ValueError("loss='feature' needs feature_fn (feature_extractor(backbone))")
    mean, std = features.mean(axis=0), features.std(axis=0) + 1e-6
    x = torch.from_numpy(((features - mean) / std).astype(np.float32))
    shape = pictures.shape[1:]
    y = torch.from_numpy(np.asarray(pictures, np.float32))[:, None]
    n_pix = int(np.prod(shape))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        enc = nn.Sequential(nn.Linear(x.shape[1], 256), nn.GELU(), nn.Linear(256, latent_dim))
        dec = nn.Sequential(nn.Linear(latent_dim, 256), nn.GELU(), nn.Linear(256, n_pix), nn.Sigmoid())
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.AdamW(params, lr=2e-3, weight_decay=1e-4)
    rng = np.random.default_rng(seed)
    target_feats = None
    if loss == "feature":
        with torch.no_grad():
            target_feats = feature_fn(y)

    def step_loss(idx):
        r = dec(enc(x[idx])).view(-1, 1, *shape)
        t = y[idx]
        if loss == "pixel_mse":
            return ((r - t) ** 2).mean()
        if loss == "pixel_l1":
            return (r - t).abs().mean()
        if loss == "ssim":
            return 1.0 - ssim_map(r, t).mean()
        return ((feature_fn(r) - target_feats[idx]) ** 2).mean()

    enc.train()
    dec.train()
    for _ in range(int(epochs)):
        order = torch.from_numpy(rng.permutation(len(x)))
        for i in range(0, len(x), 128):
            opt.zero_grad()
            step_loss(order[i:i + 128]).backward()
            opt.step()
    enc.eval()
    dec.eval()

    def encode(f: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return enc(torch.from_numpy(((f - mean) / std).astype(np.float32))).numpy()

    def decode(z: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return dec(torch.from_numpy(np.asarray(z, np.float32))).numpy().reshape(-1, *shape)

    return encode, decode
