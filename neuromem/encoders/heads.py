"""Trainable parts of the encoders: projection heads and the decoder.

All heads are small PyTorch networks fitted on the **train split only**.

* :func:`fit_picture_head` (pictures): standardised backbone features ->
  MLP (dropout, GELU) -> latent ``z``, trained through a linear softmax
  read-out of ``z`` (cross-entropy with label smoothing 0.1, weight decay).
  The read-out is discarded; what remains is a latent space in which a
  concept's items cluster (locality), so nearest-centroid read-out in
  Euclidean distance works. On digits this beat a prototype loss
  (``-||z - c_k||^2`` logits), 0.97 vs 0.91 held-out nearest-centroid accuracy.
* :func:`fit_projection_to_targets` (written and spoken names): features ->
  linear map or MLP -> ``z``, trained with the same loss against **fixed**
  centres, the concepts' picture centroids, plus a squared-error pull toward the
  own centroid; this puts names into the picture latent space.
* :func:`fit_decoder`: latent -> picture (sigmoid MLP), squared error; the
  per-item reconstruction error is the match / prediction signal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


#: Floor of a feature's standard deviation, as a fraction of the median (non-zero) one; see :class:`Standardiser`.
STD_FLOOR_OF_MEDIAN = 0.3


@dataclass
class Standardiser:
    """Feature-wise z-scoring with statistics of the training items.

    A feature's standard deviation is floored at ``STD_FLOOR_OF_MEDIAN`` times
    the median of the non-zero ones (constant features get the floor too). A
    backbone feature that barely varies on the fitted concepts (e.g. a channel
    that is almost always zero for the digits seen) otherwise divides an
    unseen concept's value by ~1e-5: novel-concept latents then land hundreds
    of units away from everything, and the population code's squash, fitted on
    them, compresses all other items together. The floor was chosen on tuning
    seeds 0-2 of ``digits`` (fraction 0.5 split; one-shot nearest-prototype
    accuracy on the novel concepts, see the README).
    """

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray) -> "Standardiser":
        std = x.std(axis=0)
        nonzero = std[std > 1e-6]
        floor = STD_FLOOR_OF_MEDIAN * float(np.median(nonzero)) if len(nonzero) else 1.0
        return cls(mean=x.mean(axis=0).astype(np.float32), std=np.maximum(std, floor).astype(np.float32))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return ((x - self.mean) / self.std).astype(np.float32)


def _mlp(d_in: int, d_out: int, hidden: int | None, dropout: float):
    import torch.nn as nn

    if not hidden:
        return nn.Linear(d_in, d_out)
    return nn.Sequential(nn.Linear(d_in, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, d_out))


def _check_inputs(x: np.ndarray, y: np.ndarray, what: str):
    if x.ndim != 2 or len(x) != len(y):
        raise ValueError(f"{what}: features must be (n, d) with one label per row; got {x.shape} and {y.shape}")
    if len(x) == 0:
        raise ValueError(f"{what}: no training items")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{what}: features contain NaN or inf; check the input pictures / audio")


def _train(module, params, step_loss, n: int, *, epochs: int, batch_size: int, lr: float,
           weight_decay: float, seed: int, desc: str, progress: bool):
    import torch

    from neuromem._progress import progress as reported

    opt = torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    gen = torch.Generator().manual_seed(seed)
    module.train()
    bar = reported(range(epochs), desc=desc, unit="epoch", enabled=progress, leave=False)
    loss_val = float("nan")
    # dropout draws from torch's global generator: fork it so training is reproducible
    # and the caller's random state is left untouched
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed + 7919)
        for _ in bar:
            perm = torch.randperm(n, generator=gen)
            for i in range(0, n, batch_size):
                idx = perm[i:i + batch_size]
                loss = step_loss(idx)
                opt.zero_grad()
                loss.backward()
                opt.step()
                loss_val = float(loss.detach())
            sched.step()
            bar.set_postfix(loss=f"{loss_val:.3f}")
    module.eval()
    if not np.isfinite(loss_val):
        raise FloatingPointError(f"{desc}: training diverged (loss {loss_val}); lower the learning rate")
    return loss_val


@dataclass
class Projection:
    """A fitted feature -> latent map (standardiser + torch module)."""

    standardiser: Standardiser
    module: object

    def __call__(self, features: np.ndarray) -> np.ndarray:
        import torch

        if not np.all(np.isfinite(features)):
            raise ValueError("features contain NaN or inf")
        with torch.inference_mode():
            return self.module(torch.from_numpy(self.standardiser(features))).numpy().astype(np.float32)

    def state(self) -> dict:
        return {"mean": self.standardiser.mean, "std": self.standardiser.std,
                "module": {k: v.detach().numpy() for k, v in self.module.state_dict().items()}}


def fit_picture_head(features: np.ndarray, labels: np.ndarray, *, n_concepts: int, latent_dim: int = 64,
                     hidden: int = 512, epochs: int = 40, seed: int = 0, progress: bool = False) -> Projection:
    """Fit the picture head (see module docstring). Returns the fitted :class:`Projection`."""
    import torch
    import torch.nn as nn

    _check_inputs(features, labels, "picture head")
    if latent_dim < 2:
        raise ValueError(f"latent_dim must be at least 2; got {latent_dim}")
    missing = sorted(set(range(n_concepts)) - set(np.unique(labels).tolist()))
    if missing:
        raise ValueError(f"picture head: concepts {missing} have no training pictures")
    std = Standardiser.fit(features)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = nn.Sequential(nn.Dropout(0.3), _mlp(features.shape[1], latent_dim, hidden, dropout=0.3))
        readout = nn.Linear(latent_dim, n_concepts)
    x = torch.from_numpy(std(features))
    y = torch.from_numpy(labels.astype(np.int64))

    def loss(idx):
        return nn.functional.cross_entropy(readout(net(x[idx])), y[idx], label_smoothing=0.1)

    _train(net, list(net.parameters()) + list(readout.parameters()), loss, len(x), epochs=epochs, batch_size=128,
           lr=2e-3, weight_decay=1e-2, seed=seed, desc="picture head", progress=progress)
    return Projection(std, net)


def fit_projection_to_targets(features: np.ndarray, labels: np.ndarray, targets: np.ndarray, *,
                              hidden: int | None = None, epochs: int = 300, seed: int = 0,
                              pull_weight: float = 1.0, desc: str = "projection",
                              progress: bool = False) -> Projection:
    """Fit features -> latent so each item lands nearest its concept's target point.

    Parameters
    ----------
    features : ndarray (n, d)
    labels : ndarray (n,), concept index per item
    targets : ndarray (n_concepts, latent_dim)
        Fixed points, here the picture centroids.
    hidden : int or None
        None: a linear map; an int: an MLP with that hidden width.
    pull_weight : float
        Weight of the mean squared distance to the own target, relative to the
        cross-entropy term.
    """
    import torch

    _check_inputs(features, labels, desc)
    std = Standardiser.fit(features)
    t = torch.from_numpy(np.asarray(targets, dtype=np.float32))
    scale = float(t.pow(2).sum(1).mean().sqrt()) or 1.0
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = _mlp(features.shape[1], targets.shape[1], hidden, dropout=0.1)
    x = torch.from_numpy(std(features))
    y = torch.from_numpy(labels.astype(np.int64))

    def loss(idx):
        z = net(x[idx])
        d2 = torch.cdist(z, t).pow(2) / scale**2
        ce = torch.nn.functional.cross_entropy(-d2 * 10.0, y[idx])
        return ce + pull_weight * d2.gather(1, y[idx, None]).mean()

    _train(net, net.parameters(), loss, len(x), epochs=epochs, batch_size=128, lr=3e-3,
           weight_decay=1e-2, seed=seed, desc=desc, progress=progress)
    return Projection(std, net)


@dataclass
class Decoder:
    """latent -> picture. ``reconstruct`` returns pictures in the dataset's shape."""

    module: object
    picture_shape: tuple[int, ...]

    def reconstruct(self, latents: np.ndarray) -> np.ndarray:
        import torch

        with torch.inference_mode():
            out = self.module(torch.from_numpy(np.asarray(latents, dtype=np.float32))).numpy()
        return out.reshape((len(latents),) + tuple(self.picture_shape))

    def error(self, latents: np.ndarray, pictures: np.ndarray) -> np.ndarray:
        """Per-item mean squared error per pixel (intensities in [0, 1])."""
        rec = self.reconstruct(latents)
        if rec.shape != pictures.shape:
            raise ValueError(f"pictures have shape {pictures.shape[1:]}, decoder produces {rec.shape[1:]}")
        return ((rec - pictures) ** 2).reshape(len(pictures), -1).mean(axis=1)


def fit_decoder(latents: np.ndarray, pictures: np.ndarray, *, epochs: int = 80, seed: int = 0,
                progress: bool = False) -> Decoder:
    """Fit the decoder on train-split latents and their pictures (squared error)."""
    import torch
    import torch.nn as nn

    _check_inputs(latents, np.zeros(len(pictures)), "decoder")
    n_pix = int(np.prod(pictures.shape[1:]))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = nn.Sequential(nn.Linear(latents.shape[1], 256), nn.GELU(), nn.Linear(256, 512), nn.GELU(),
                            nn.Linear(512, n_pix), nn.Sigmoid())
    z = torch.from_numpy(latents.astype(np.float32))
    z_scale = float(z.std()) or 1.0
    target = torch.from_numpy(pictures.reshape(len(pictures), -1).astype(np.float32))
    gen = torch.Generator().manual_seed(seed + 1)

    def loss(idx):
        noisy = z[idx] + 0.05 * z_scale * torch.randn(z[idx].shape, generator=gen)
        return nn.functional.mse_loss(net(noisy), target[idx])

    _train(net, net.parameters(), loss, len(z), epochs=epochs, batch_size=128, lr=2e-3, weight_decay=1e-4,
           seed=seed, desc="decoder", progress=progress)
    return Decoder(net, tuple(pictures.shape[1:]))
