"""Latent vectors -> firing rates of a latent population, and back.

Each latent dimension ``d`` is first squashed to ``u_d in (0, 1)`` with a
Gaussian CDF fitted on training latents,

.. math:: u_d = \\Phi\\left(\\frac{z_d - \\mu_d}{s_d}\\right),

and then represented by ``neurons_per_dim`` neurons with Gaussian tuning
curves whose preferred values ``c_j = j / (n - 1)`` tile ``[0, 1]``:

.. math:: r_{dj} = r_\\mathrm{bg} + (r_\\max - r_\\mathrm{bg})
          \\exp\\left(-\\frac{(u_d - c_j)^2}{2 \\sigma^2}\\right).

Rates are non-negative by construction and every dimension is represented.
Neuron ``d * neurons_per_dim + j`` codes dimension ``d`` with preferred value
``c_j`` (dimension-major layout).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr, ndtri

__all__ = ["PopulationCode", "LatentSquash", "encode_rates", "decode_rates", "check_latents"]

#: Largest firing rate any neuromem population may be asked to produce (Hz).
MAX_RATE_HZ = 1000.0


def _check_range(owner: str, name: str, value, lo, hi, *, lo_open=False, hi_open=False):
    """Raise ``ValueError`` naming field, value and allowed range unless ``lo <= value <= hi``."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{owner}.{name} must be a number; got {value!r}") from None
    ok = np.isfinite(v) or (hi == np.inf and v == np.inf and not hi_open)
    ok = ok and (v > lo if lo_open else v >= lo) and (v < hi if hi_open else v <= hi)
    if not ok:
        lb = "(" if lo_open else "["
        rb = ")" if hi_open else "]"
        raise ValueError(f"{owner}.{name}={value!r} is out of range; allowed {lb}{lo}, {hi}{rb}")


@dataclass(frozen=True, kw_only=True)
class PopulationCode:
    """Gaussian-tuned population code for squashed latent dimensions.

    Parameters
    ----------
    neurons_per_dim : int
        Neurons per latent dimension, 1 to 1000. With 1 neuron the rate is
        ``r_bg + (r_max - r_bg) * u_d`` (a monotonic code).
    rate_max_hz : float
        Peak rate of a tuning curve, in Hz, (0, 1000].
    rate_background_hz : float
        Baseline rate of every neuron, in Hz, [0, rate_max_hz).
    tuning_sigma : float
        Width of the tuning curves in squashed units, (0, 1].
    """

    neurons_per_dim: int = 10
    rate_max_hz: float = 60.0
    rate_background_hz: float = 1.0
    tuning_sigma: float = 0.1

    def __post_init__(self):
        if not isinstance(self.neurons_per_dim, (int, np.integer)) or isinstance(self.neurons_per_dim, bool):
            raise TypeError(f"PopulationCode.neurons_per_dim must be an int; got {self.neurons_per_dim!r}")
        _check_range("PopulationCode", "neurons_per_dim", self.neurons_per_dim, 1, 1000)
        _check_range("PopulationCode", "rate_max_hz", self.rate_max_hz, 0, MAX_RATE_HZ, lo_open=True)
        _check_range("PopulationCode", "rate_background_hz", self.rate_background_hz, 0, self.rate_max_hz,
                     hi_open=True)
        _check_range("PopulationCode", "tuning_sigma", self.tuning_sigma, 0, 1, lo_open=True)

    @property
    def preferred_values(self) -> np.ndarray:
        """Preferred squashed value ``c_j`` of each neuron of one dimension, shape (neurons_per_dim,)."""
        n = self.neurons_per_dim
        return np.array([1.0]) if n == 1 else np.linspace(0.0, 1.0, n)


@dataclass(frozen=True)
class LatentSquash:
    """Per-dimension Gaussian CDF squash ``u = Phi((z - mean) / scale)``.

    Parameters
    ----------
    mean : ndarray, shape (latent_dim,)
        Centre of each dimension (latent units).
    scale : ndarray, shape (latent_dim,)
        Spread of each dimension (latent units, > 0).
    """

    mean: np.ndarray
    scale: np.ndarray

    def __post_init__(self):
        m = np.asarray(self.mean, dtype=np.float64)
        s = np.asarray(self.scale, dtype=np.float64)
        if m.ndim != 1 or s.shape != m.shape:
            raise ValueError(f"LatentSquash mean and scale must be 1-D of equal length; got {m.shape} and {s.shape}")
        if not (np.all(np.isfinite(m)) and np.all(np.isfinite(s)) and np.all(s > 0)):
            raise ValueError("LatentSquash.scale must be finite and > 0 and mean finite")
        object.__setattr__(self, "mean", m)
        object.__setattr__(self, "scale", s)

    @property
    def latent_dim(self) -> int:
        return len(self.mean)

    @classmethod
    def fit(cls, latents: np.ndarray, *, min_scale: float = 1e-6) -> "LatentSquash":
        """Fit mean and standard deviation per dimension on ``latents`` (n_items, latent_dim)."""
        z = check_latents(latents)
        if len(z) < 2:
            raise ValueError(f"LatentSquash.fit needs at least 2 latent vectors; got {len(z)}")
        return cls(mean=z.mean(axis=0), scale=np.maximum(z.std(axis=0), min_scale))

    def __call__(self, latents: np.ndarray) -> np.ndarray:
        z = check_latents(latents, latent_dim=self.latent_dim)
        return ndtr((z - self.mean) / self.scale)

    def inverse(self, u: np.ndarray, *, eps: float = 1e-4) -> np.ndarray:
        """Latent vectors for squashed values ``u`` (clipped to ``[eps, 1 - eps]``)."""
        u = np.clip(np.asarray(u, dtype=np.float64), eps, 1 - eps)
        return self.mean + self.scale * ndtri(u)


def check_latents(latents, *, latent_dim: int | None = None, name: str = "latents") -> np.ndarray:
    """Return ``latents`` as a finite 2-D float64 array, or raise a clear error."""
    z = np.asarray(latents, dtype=np.float64)
    if z.ndim == 1:
        z = z[None, :]
    if z.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_items, latent_dim); got shape {z.shape}")
    if latent_dim is not None and z.shape[1] != latent_dim:
        raise ValueError(f"{name} have {z.shape[1]} dimensions but the population codes {latent_dim}")
    bad = ~np.isfinite(z)
    if bad.any():
        rows = np.unique(np.nonzero(bad)[0])
        raise ValueError(f"{name} contain NaN or inf in {len(rows)} row(s), first at row {rows[0]}")
    return z


def encode_rates(latents: np.ndarray, code: PopulationCode, squash: LatentSquash) -> np.ndarray:
    """Firing rates (Hz) of the latent population for each latent vector.

    Parameters
    ----------
    latents : ndarray, shape (n_items, latent_dim) or (latent_dim,)
    code : PopulationCode
    squash : LatentSquash
        Fitted on training latents of the same latent space.

    Returns
    -------
    ndarray, shape (n_items, latent_dim * neurons_per_dim)
        Rates in Hz, in ``[rate_background_hz, rate_max_hz]``.
    """
    u = squash(latents)  # validates shape and finiteness
    c = code.preferred_values
    if code.neurons_per_dim == 1:
        shape = u[:, :, None]
    else:
        shape = np.exp(-((u[:, :, None] - c[None, None, :]) ** 2) / (2 * code.tuning_sigma ** 2))
    rates = code.rate_background_hz + (code.rate_max_hz - code.rate_background_hz) * shape
    return rates.reshape(len(u), -1)


def decode_rates(pattern: np.ndarray, code: PopulationCode, squash: LatentSquash) -> tuple[np.ndarray, np.ndarray]:
    """Population-vector decode of an activity pattern back to squashed values and latents.

    For each dimension the per-dimension minimum is subtracted (removing a
    uniform baseline) and the centre of mass of the preferred values is taken:
    ``u_d = sum_j c_j p_dj / sum_j p_dj``. A dimension with no activity decodes
    to 0.5 (the fitted mean).

    Parameters
    ----------
    pattern : ndarray, shape (n_items, latent_dim * neurons_per_dim)
        Non-negative activity (rates, spike counts or feedback drive).

    Returns
    -------
    u : ndarray, shape (n_items, latent_dim)
        Decoded squashed values in [0, 1].
    latents : ndarray, shape (n_items, latent_dim)
        ``squash.inverse(u)``.
    """
    p = np.asarray(pattern, dtype=np.float64)
    if p.ndim == 1:
        p = p[None, :]
    n = code.neurons_per_dim
    if p.ndim != 2 or p.shape[1] != squash.latent_dim * n:
        raise ValueError(f"pattern must have shape (n_items, {squash.latent_dim * n}); got {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError("pattern must be finite and non-negative")
    p = p.reshape(len(p), squash.latent_dim, n)
    if n == 1:
        mx = p.max()
        u = p[:, :, 0] / mx if mx > 0 else np.full(p.shape[:2], 0.5)
    else:
        p = p - p.min(axis=2, keepdims=True)
        tot = p.sum(axis=2)
        com = (p * code.preferred_values[None, None, :]).sum(axis=2)
        u = np.where(tot > 0, com / np.where(tot > 0, tot, 1.0), 0.5)
    return u, squash.inverse(u)
