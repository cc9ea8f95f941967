"""Options of the compression study (one frozen dataclass, checked on construction)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from neuromem.analysis import REPORT_SEEDS

__all__ = ["CompressionConfig", "LOSSES", "DEFAULT_SIZES", "QUICK_SIZES", "QUICK_LOSSES"]

#: reconstruction losses of the autoencoders (``feature`` is uncalibrated: see ``models``)
LOSSES = ("pixel_mse", "pixel_l1", "ssim", "feature")
DEFAULT_SIZES = (8, 16, 32, 64, 128, 256)
QUICK_SIZES = (8, 32, 128)
QUICK_LOSSES = ("pixel_mse", "ssim")


@dataclass(frozen=True, kw_only=True)
class CompressionConfig:
    """The compression study's options.

    Parameters
    ----------
    sizes : tuple of int
        Latent sizes (dimensions), each >= 2, increasing.
    losses : tuple of str
        Autoencoder reconstruction losses, from :data:`LOSSES`.
    seeds : tuple of int
        One run each on its own split (report seeds 3-7 by default).
    shots : int
        Pictures per concept whose latent mean is the concept's prototype (K, 1-10).
    fit_fraction : float
        Share of concepts whose pictures train the head and the autoencoders (the rest are novel), in (0, 1).
    head_epochs, ae_epochs : int
        Training epochs of the supervised head (the encoder's own setting) and of each autoencoder (>= 1).
    feature_components : int
        Principal components of the backbone features that the head and the autoencoders read (>= 8).
    """

    sizes: tuple = DEFAULT_SIZES
    losses: tuple = LOSSES
    seeds: tuple = tuple(REPORT_SEEDS)
    shots: int = 3
    fit_fraction: float = 0.7
    head_epochs: int = 40
    ae_epochs: int = 60
    feature_components: int = 256

    def __post_init__(self):
        sizes = tuple(int(s) for s in self.sizes)
        object.__setattr__(self, "sizes", sizes)
        object.__setattr__(self, "losses", tuple(self.losses))
        object.__setattr__(self, "seeds", tuple(int(s) for s in self.seeds))
        if not sizes or min(sizes) < 2 or list(sizes) != sorted(set(sizes)):
            raise ValueError(f"CompressionConfig.sizes={sizes}: give increasing sizes >= 2, e.g. 8,16,32")
        bad = [x for x in self.losses if x not in LOSSES]
        if bad or not self.losses or len(set(self.losses)) != len(self.losses):
            raise ValueError(f"CompressionConfig.losses={self.losses}: give distinct losses from {LOSSES}")
        if not self.seeds:
            raise ValueError("CompressionConfig.seeds is empty; give at least one seed")
        if not 1 <= int(self.shots) <= 10:
            raise ValueError(f"CompressionConfig.shots={self.shots} must be in [1, 10]")
        if not 0.0 < float(self.fit_fraction) < 1.0:
            raise ValueError(f"CompressionConfig.fit_fraction={self.fit_fraction} must be in (0, 1)")
        if int(self.feature_components) < 8:
            raise ValueError(f"CompressionConfig.feature_components={self.feature_components} must be >= 8")
        for name in ("head_epochs", "ae_epochs"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"CompressionConfig.{name}={getattr(self, name)} must be >= 1")

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}
