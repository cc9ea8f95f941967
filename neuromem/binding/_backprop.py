"""Shared parts of the backprop binders: hyper-parameters, input standardisation, the training loop."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from neuromem._checks import is_int

__all__ = ["BackpropConfig", "Standardise", "torch_generator"]


@dataclass(frozen=True, kw_only=True)
class BackpropConfig:
    """Hyper-parameters of a backprop binder (the same for every seed and condition).

    Parameters
    ----------
    epochs : int
        Full passes over the presentations given to one ``learn`` call, 1..10000.
    learning_rate : float
        Adam step size, (0, 1].
    weight_decay : float
        Adam L2 penalty, [0, 1].
    """

    epochs: int = 100
    learning_rate: float = 0.01
    weight_decay: float = 0.0

    def __post_init__(self):
        if not is_int(self.epochs) or not 1 <= self.epochs <= 10000:
            raise ValueError(f"BackpropConfig.epochs={self.epochs!r} is out of range; allowed integers 1..10000")
        if not 0 < float(self.learning_rate) <= 1:
            raise ValueError(f"BackpropConfig.learning_rate={self.learning_rate!r} is out of range; allowed (0, 1]")
        if not 0 <= float(self.weight_decay) <= 1:
            raise ValueError(f"BackpropConfig.weight_decay={self.weight_decay!r} is out of range; allowed [0, 1]")

    def to_dict(self) -> dict:
        return asdict(self)


class Standardise:
    """Per-dimension standardisation with the reference statistics (identity without a reference)."""

    def __init__(self, reference: np.ndarray | None, latent_dim: int):
        if reference is None:
            self.mean, self.std = np.zeros(latent_dim), np.ones(latent_dim)
        else:
            self.mean, self.std = reference.mean(axis=0), reference.std(axis=0) + 1e-8

    def __call__(self, z: np.ndarray) -> np.ndarray:
        return ((np.atleast_2d(z) - self.mean) / self.std).astype(np.float32)


def torch_generator(node) -> "torch.Generator":
    """A CPU ``torch.Generator`` seeded from a seed-tree node (:meth:`~neuromem.seeds.SeedTree.int_seed`)."""
    import torch

    g = torch.Generator()
    g.manual_seed(node.int_seed())
    return g


class torch_threads:
    """Context manager: run torch with ``n`` intra-op threads, then restore the previous setting.

    The backprop binders multiply small matrices (a few hundred rows); on a
    loaded machine, torch's thread pool then costs far more than it gains
    (measured here: 200 products of 25x1280 by 1280x100 took 0.05 s on one
    thread and 5.8 s on two threads beside other jobs).
    """

    def __init__(self, n: int = 1):
        self.n = int(n)

    def __enter__(self):
        import torch

        self.prev = torch.get_num_threads()
        torch.set_num_threads(self.n)
        return self

    def __exit__(self, *exc):
        import torch

        torch.set_num_threads(self.prev)
        return False
