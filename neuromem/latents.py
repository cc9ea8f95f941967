"""Latent spaces: the plain-data hand-off from the encoders to everything downstream.

A :class:`LatentSpace` holds, for one dataset and one seed, the latent vectors of
every item in every modality (``"picture"``, ``"name"``, ``"spoken"``), the
concept each item belongs to, and whether the item was used to fit anything
(``split == "train"``) or was held out (``split == "heldout"``). Held-out items
were never seen by any fitted part of the encoders.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from neuromem._io import atomic_write_npz

MODALITIES = ("picture", "name", "spoken")
SPLITS = ("train", "heldout")


def nearest_centroid(points: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Index of the nearest centroid (Euclidean) for each point.

    Parameters
    ----------
    points : ndarray (n_points, dim)
    centroids : ndarray (n_centroids, dim)

    Returns
    -------
    ndarray of int (n_points,)

    Notes
    -----
    The squared distances are summed exactly as ``((p - c) ** 2).sum()``, in
    blocks of points holding at most ~16 M differences at once, so memory
    stays bounded for many points and centroids (12,800 cues x 3,200
    centroids x 64 dims would otherwise need 21 GB).
    """
    points = np.asarray(points)
    centroids = np.asarray(centroids)
    n_c, dim = centroids.shape[0], max(1, centroids.shape[-1])
    block = max(1, (1 << 24) // max(1, n_c * dim))
    out = np.empty(len(points), dtype=np.int64)
    for i in range(0, len(points), block):
        d2 = ((points[i:i + block, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
        out[i:i + block] = d2.argmin(axis=1)
    return out


@dataclass(frozen=True)
class ModalityLatents:
    """Latent vectors of one modality.

    Parameters
    ----------
    latents : ndarray, shape (n_items, latent_dim), float32
        One latent vector per item.
    labels : ndarray, shape (n_items,), int
        Index of the item's concept in :attr:`LatentSpace.concepts`.
    split : ndarray, shape (n_items,), str
        ``"train"`` (used to fit the encoders) or ``"heldout"`` (never used).
    descriptions : tuple of str
        A human-readable description of each item: the written form of a name,
        ``"<form> / <voice>"`` for a spoken name, ``"#<index>"`` for a picture.
    """

    latents: np.ndarray
    labels: np.ndarray
    split: np.ndarray
    descriptions: tuple[str, ...]

    def __post_init__(self):
        n = len(self.latents)
        if self.latents.ndim != 2:
            raise ValueError(f"latents must be 2-D (n_items, latent_dim); got shape {self.latents.shape}")
        if not np.all(np.isfinite(self.latents)):
            raise ValueError("latents contain NaN or inf; re-encode the dataset (the cache entry is corrupt)")
        for name, arr in (("labels", self.labels), ("split", self.split)):
            if len(arr) != n:
                raise ValueError(f"{name} has {len(arr)} entries but latents has {n} rows")
        if len(self.descriptions) != n:
            raise ValueError(f"descriptions has {len(self.descriptions)} entries but latents has {n} rows")
        bad = set(np.unique(self.split)) - set(SPLITS)
        if bad:
            raise ValueError(f"split values must be in {SPLITS}; got {sorted(bad)}")

    def select(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(latents, labels)`` of the items in ``split``."""
        if split not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}; got {split!r}")
        m = self.split == split
        return self.latents[m], self.labels[m]


@dataclass(frozen=True)
class LatentSpace:
    """All modalities of one encoded dataset in one shared latent space.

    Parameters
    ----------
    concepts : tuple of str
        Concept names; labels index into this tuple.
    modalities : dict of str -> ModalityLatents
        Keys among ``"picture"``, ``"name"``, ``"spoken"``.
    seed : int
        Seed of the train / held-out split.
    encoder : dict
        The encoder configuration that produced the latents (JSON-serialisable).
    fit_concepts : tuple of str or None
        Concepts whose training items fitted the encoder parts; the others are
        novel (no fitted part has seen them). None: every concept fitted them.
    """

    concepts: tuple[str, ...]
    modalities: dict[str, ModalityLatents]
    seed: int
    encoder: dict = field(default_factory=dict)
    fit_concepts: tuple[str, ...] | None = None

    def __post_init__(self):
        if not self.modalities:
            raise ValueError("a LatentSpace needs at least one modality")
        unknown = set(self.modalities) - set(MODALITIES)
        if unknown:
            raise ValueError(f"unknown modalities {sorted(unknown)}; allowed: {MODALITIES}")
        dims = {m: v.latents.shape[1] for m, v in self.modalities.items()}
        if len(set(dims.values())) != 1:
            raise ValueError(f"all modalities must share one latent size; got {dims}")
        for m, v in self.modalities.items():
            if len(v.labels) and (v.labels.min() < 0 or v.labels.max() >= len(self.concepts)):
                raise ValueError(f"{m} labels must index the {len(self.concepts)} concepts")
        if self.fit_concepts is not None:
            object.__setattr__(self, "fit_concepts", tuple(self.fit_concepts))
            unknown = [c for c in self.fit_concepts if c not in self.concepts]
            if unknown:
                raise ValueError(f"fit_concepts {unknown} are not concepts of this space ({list(self.concepts)})")

    @property
    def novel_concepts(self) -> tuple[str, ...]:
        """Concepts no fitted encoder part has seen (empty without a concept split)."""
        if self.fit_concepts is None:
            return ()
        fit = set(self.fit_concepts)
        return tuple(c for c in self.concepts if c not in fit)

    def subset(self, concepts) -> "LatentSpace":
        """The items of ``concepts`` only, relabelled ``0..len(concepts)-1`` in the given order.

        ``fit_concepts`` keeps those of ``concepts`` that fitted the encoders
        (so a subset of novel concepts has ``fit_concepts == ()``).
        """
        concepts = tuple(concepts)
        unknown = [c for c in concepts if c not in self.concepts]
        if unknown or not concepts:
            raise ValueError(f"subset needs concepts of this space; unknown {unknown} (known {list(self.concepts)})")
        old = np.array([self.concepts.index(c) for c in concepts])
        remap = np.full(len(self.concepts), -1)
        remap[old] = np.arange(len(concepts))
        mods = {}
        for m, v in self.modalities.items():
            keep = remap[v.labels] >= 0
            mods[m] = ModalityLatents(v.latents[keep], remap[v.labels[keep]], v.split[keep],
                                      tuple(d for d, k in zip(v.descriptions, keep) if k))
        fit = None if self.fit_concepts is None else tuple(c for c in concepts if c in set(self.fit_concepts))
        return LatentSpace(concepts=concepts, modalities=mods, seed=self.seed, encoder=self.encoder,
                           fit_concepts=fit)

    @property
    def latent_dim(self) -> int:
        return next(iter(self.modalities.values())).latents.shape[1]

    def __getitem__(self, modality: str) -> ModalityLatents:
        if modality not in self.modalities:
            raise KeyError(
                f"this latent space has no {modality!r} modality (it has {sorted(self.modalities)}); "
                "re-encode with that modality enabled"
            )
        return self.modalities[modality]

    def centroids(self, modality: str = "picture", split: str = "train") -> np.ndarray:
        """Mean latent per concept, shape (n_concepts, latent_dim)."""
        z, y = self[modality].select(split)
        out = np.zeros((len(self.concepts), self.latent_dim), dtype=np.float64)
        for k in range(len(self.concepts)):
            if not np.any(y == k):
                raise ValueError(f"concept {self.concepts[k]!r} has no {split} items in modality {modality!r}")
            out[k] = z[y == k].mean(axis=0)
        return out

    def to_arrays(self, prefix: str = "") -> dict:
        """Plain arrays (plus one JSON string under ``prefix + "__meta__"``) that :meth:`from_arrays` reads back."""
        arrays = {}
        for m, v in self.modalities.items():
            arrays[f"{prefix}{m}__latents"] = v.latents
            arrays[f"{prefix}{m}__labels"] = v.labels
            arrays[f"{prefix}{m}__split"] = v.split.astype("U7")
            arrays[f"{prefix}{m}__descriptions"] = np.array(v.descriptions, dtype=str)
        meta = {"concepts": list(self.concepts), "seed": self.seed, "encoder": self.encoder,
                "modalities": list(self.modalities),
                "fit_concepts": None if self.fit_concepts is None else list(self.fit_concepts)}
        arrays[f"{prefix}__meta__"] = np.array(json.dumps(meta))
        return arrays

    @classmethod
    def from_arrays(cls, arrays, prefix: str = "") -> "LatentSpace":
        """Inverse of :meth:`to_arrays` (``arrays`` may be an open ``np.load`` file)."""
        meta = json.loads(str(arrays[f"{prefix}__meta__"]))
        mods = {
            m: ModalityLatents(
                latents=arrays[f"{prefix}{m}__latents"].astype(np.float32),
                labels=arrays[f"{prefix}{m}__labels"].astype(np.int64),
                split=arrays[f"{prefix}{m}__split"].astype(str),
                descriptions=tuple(str(d) for d in arrays[f"{prefix}{m}__descriptions"]),
            )
            for m in meta["modalities"]
        }
        fit = meta.get("fit_concepts")
        return cls(concepts=tuple(meta["concepts"]), modalities=mods, seed=int(meta["seed"]),
                   encoder=meta["encoder"], fit_concepts=None if fit is None else tuple(fit))

    def save(self, path: str | Path) -> Path:
        """Write everything to one ``.npz`` file (atomically)."""
        return atomic_write_npz(path, self.to_arrays())

    @classmethod
    def load(cls, path: str | Path) -> "LatentSpace":
        path = Path(path)
        if not path.exists():
            raise FileNotFoundError(f"no latent file at {path}; create it with `neuromem encode --out DIR`")
        with np.load(path, allow_pickle=False) as f:
            return cls.from_arrays(f)
