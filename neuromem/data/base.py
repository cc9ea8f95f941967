"""Concept datasets: named concepts with pictures, written names and spoken names.

A concept (``"sneaker"``, ``"seven"``, a person) has items in several
modalities. Pictures are arrays; written names are strings split into forms
used for fitting (``train``) and variants kept for testing generalisation
(``heldout``: plural, with an article, a synonym); spoken names are
synthesised from the written forms in several voices (see
:mod:`neuromem.data.speech`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from neuromem._hashing import sha256_hex
from neuromem.seeds import SeedTree


@dataclass(frozen=True)
class NameForms:
    """Written forms of one concept's name.

    Parameters
    ----------
    train : tuple of str
        Forms used to fit the text and audio projections; the first is the
        canonical name.
    heldout : tuple of str
        Variants never used for fitting (plural, with an article, a synonym).
    """

    train: tuple[str, ...]
    heldout: tuple[str, ...] = ()

    def __post_init__(self):
        if not self.train:
            raise ValueError("a concept needs at least one training name form (its canonical name)")
        for form in self.train + self.heldout:
            if not isinstance(form, str) or not form.strip():
                raise ValueError(f"name forms must be non-empty strings; got {form!r}")
        overlap = set(self.train) & set(self.heldout)
        if overlap:
            raise ValueError(f"name forms {sorted(overlap)} are both train and held-out; a held-out form must be new")

    @property
    def canonical(self) -> str:
        return self.train[0]


@dataclass(frozen=True)
class ConceptDataset:
    """Pictures and names of a set of concepts.

    Parameters
    ----------
    name : str
        Dataset identifier (``"digits"``, ``"fashion-mnist"``, ``"folder:/path"``).
    concepts : tuple of str
        Concept names; ``picture_labels`` index into this tuple.
    pictures : ndarray, float32, shape (n, H, W) grey or (n, H, W, 3) colour
        Intensities in [0, 1].
    picture_labels : ndarray, int, shape (n,)
    names : dict of str -> NameForms
        Written name forms of every concept.
    hierarchy : networkx.DiGraph, optional
        Edges parent -> child; every concept is a node, the root is ``name``.
    picture_sources : tuple of str, optional
        Where each picture came from (a file path relative to the dataset's
        folder), one per picture.
    concept_sources : dict of str -> str, optional
        Where each concept came from (its folder); error messages name it.
    """

    name: str
    concepts: tuple[str, ...]
    pictures: np.ndarray
    picture_labels: np.ndarray
    names: dict[str, NameForms]
    hierarchy: nx.DiGraph | None = field(default=None, compare=False)
    picture_sources: tuple[str, ...] | None = field(default=None, compare=False)
    concept_sources: dict[str, str] | None = field(default=None, compare=False)

    def __post_init__(self):
        validate_pictures(self.pictures, what=f"dataset {self.name!r}")
        if len(self.concepts) < 2:
            raise ValueError(f"dataset {self.name!r} needs at least 2 concepts; got {len(self.concepts)}")
        if len(set(self.concepts)) != len(self.concepts):
            raise ValueError(f"dataset {self.name!r} has duplicate concept names")
        labels = np.asarray(self.picture_labels)
        if labels.shape != (len(self.pictures),):
            raise ValueError(
                f"picture_labels has shape {labels.shape}; expected ({len(self.pictures)},), one label per picture"
            )
        if labels.size and (labels.min() < 0 or labels.max() >= len(self.concepts)):
            raise ValueError(f"picture_labels must lie in 0..{len(self.concepts) - 1}")
        counts = np.bincount(labels, minlength=len(self.concepts))
        empty = [c for c, n in zip(self.concepts, counts) if n == 0]
        if empty:
            raise ValueError(
                f"concepts {empty} of dataset {self.name!r} have no pictures; add pictures or remove the concept"
            )
        missing = [c for c in self.concepts if c not in self.names]
        if missing:
            raise ValueError(f"concepts {missing} have no written name forms; give each concept a NameForms entry")
        if self.hierarchy is not None:
            absent = [c for c in self.concepts if c not in self.hierarchy]
            if absent:
                raise ValueError(f"hierarchy lacks the concepts {absent}")
        if self.picture_sources is not None and len(self.picture_sources) != len(self.pictures):
            raise ValueError(f"picture_sources has {len(self.picture_sources)} entries for {len(self.pictures)} "
                             "pictures; give one per picture")

    @property
    def n_concepts(self) -> int:
        return len(self.concepts)

    @property
    def picture_shape(self) -> tuple[int, ...]:
        return tuple(self.pictures.shape[1:])

    def source_of(self, concept: str) -> str:
        """Where ``concept`` came from (its folder), else ``concept 'NAME'`` (for error messages)."""
        where = (self.concept_sources or {}).get(concept)
        return f"folder {where}" if where else f"concept {concept!r}"

    def counts(self) -> np.ndarray:
        """Number of pictures per concept."""
        return np.bincount(self.picture_labels, minlength=self.n_concepts)

    def content_hash(self) -> str:
        """Hash of pictures, labels, concept names and name forms (cache key part)."""
        forms = [repr((c, self.names[c].train, self.names[c].heldout)) for c in self.concepts]
        return sha256_hex(self.name, self.pictures, self.picture_labels.astype(np.int64), *forms, length=20)


def validate_pictures(pictures: np.ndarray, *, what: str = "pictures") -> None:
    """Raise a clear error unless ``pictures`` is float (n, H, W[, 3]) in [0, 1], finite."""
    if not isinstance(pictures, np.ndarray):
        raise TypeError(f"{what}: pictures must be a numpy array; got {type(pictures).__name__}")
    if pictures.ndim not in (3, 4) or (pictures.ndim == 4 and pictures.shape[-1] != 3):
        raise ValueError(
            f"{what}: pictures must have shape (n, H, W) for grey or (n, H, W, 3) for colour; "
            f"got {pictures.shape}"
        )
    if len(pictures) == 0:
        raise ValueError(f"{what}: no pictures")
    if pictures.shape[1] < 4 or pictures.shape[2] < 4:
        raise ValueError(f"{what}: pictures of {pictures.shape[1]}x{pictures.shape[2]} pixels are too small (min 4x4)")
    if not np.issubdtype(pictures.dtype, np.floating):
        raise TypeError(
            f"{what}: pictures must be floating point in [0, 1]; got dtype {pictures.dtype} "
            "(divide uint8 images by 255)"
        )
    if not np.all(np.isfinite(pictures)):
        raise ValueError(f"{what}: pictures contain NaN or inf values")
    lo, hi = float(pictures.min()), float(pictures.max())
    if lo < 0.0 or hi > 1.0:
        raise ValueError(f"{what}: picture intensities must lie in [0, 1]; found [{lo:.3g}, {hi:.3g}]")


def split_pictures(labels: np.ndarray, *, seed: int, heldout_fraction: float) -> np.ndarray:
    """Deterministic per-concept train / held-out split.

    Parameters
    ----------
    labels : ndarray of int
        Concept index of each picture.
    seed : int
        Split seed; the same seed gives the same split.
    heldout_fraction : float
        Fraction of each concept's pictures held out, in (0, 1). At least one
        picture per concept is held out and at least one kept for training.

    Returns
    -------
    ndarray of bool
        True where the picture is held out.
    """
    if not 0.0 < heldout_fraction < 1.0:
        raise ValueError(f"heldout_fraction must lie in (0, 1); got {heldout_fraction}")
    labels = np.asarray(labels)
    heldout = np.zeros(len(labels), dtype=bool)
    rng = SeedTree(int(seed)).rng("split")
    for k in np.unique(labels):
        idx = np.flatnonzero(labels == k)
        if len(idx) < 2:
            raise ValueError(
                f"concept index {k} has {len(idx)} picture; a train / held-out split needs at least 2 per concept"
            )
        n_out = int(np.clip(round(heldout_fraction * len(idx)), 1, len(idx) - 1))
        heldout[rng.permutation(idx)[:n_out]] = True
    return heldout


def _n_heldout(n: int, heldout_fraction: float) -> int:
    """Held-out pictures of a concept with ``n`` pictures (the rule of :func:`~neuromem.data.split_pictures`)."""
    return int(np.clip(round(heldout_fraction * n), 1, max(n - 1, 1)))


def check_split_sizes(counts: dict, *, heldout_fraction: float, min_train: int = 1, min_heldout: int = 2) -> None:
    """Raise before any work when a concept has too few pictures for the split and the experiment.

    Parameters
    ----------
    counts : dict of str -> int
        Pictures per concept, keyed by a label that names it (a folder path).
    heldout_fraction : float
        Fraction of each concept's pictures held out (``--heldout-fraction``).
    min_train : int
        Training pictures each concept needs (the experiment's presentations K).
    min_heldout : int
        Held-out pictures each concept needs (2: a within-concept distance
        needs two pictures).

    Raises
    ------
    ValueError
        Naming every concept that falls short, and the two fixes (add
        pictures, or change ``--heldout-fraction``).
    """
    need_n = next(n for n in range(2, 100_000)
                  if _n_heldout(n, heldout_fraction) >= min_heldout and n - _n_heldout(n, heldout_fraction) >= min_train)
    short = {k: n for k, n in counts.items()
             if _n_heldout(n, heldout_fraction) < min_heldout or n - _n_heldout(n, heldout_fraction) < min_train}
    if not short:
        return
    n_min = min(short.values())
    fractions = [f / 100 for f in range(5, 91) if all(
        _n_heldout(n, f / 100) >= min_heldout and n - _n_heldout(n, f / 100) >= min_train for n in counts.values())]
    listed = "; ".join(f"{k}: {n} picture(s) -> {_n_heldout(n, heldout_fraction)} held out, "
                       f"{n - _n_heldout(n, heldout_fraction)} for training" for k, n in list(short.items())[:5])
    more = f" (and {len(short) - 5} more)" if len(short) > 5 else ""
    fix = f"add pictures (at least {need_n} per concept at --heldout-fraction {heldout_fraction:g})"
    if fractions:
        fix += f", or use --heldout-fraction {fractions[0]:g}" + (
            f" .. {fractions[-1]:g}" if len(fractions) > 1 else "")
    raise ValueError(f"too few pictures: each concept needs at least {min_heldout} held-out pictures and "
                     f"{min_train} training picture(s) (the experiment's presentations); {listed}{more}. "
                     f"Fix: {fix}. (smallest concept: {n_min} pictures)")


def subsample_per_concept(labels: np.ndarray, per_concept: int | None, *, seed: int) -> np.ndarray:
    """Indices of at most ``per_concept`` items of each concept, chosen by ``seed``, sorted."""
    labels = np.asarray(labels)
    if per_concept is None:
        return np.arange(len(labels))
    if per_concept < 2:
        raise ValueError(f"per_concept must be at least 2 (one train, one held-out); got {per_concept}")
    rng = SeedTree(int(seed)).rng("subsample")
    keep = []
    for k in np.unique(labels):
        idx = np.flatnonzero(labels == k)
        keep.append(rng.permutation(idx)[:per_concept])
    return np.sort(np.concatenate(keep))


def flat_hierarchy(root: str, concepts) -> nx.DiGraph:
    """A one-level hierarchy: ``root`` -> each concept."""
    g = nx.DiGraph()
    g.add_node(root, level=0)
    for c in concepts:
        g.add_edge(root, c)
        g.nodes[c]["level"] = 1
    return g


def grouped_hierarchy(root: str, groups: dict[str, list[str]]) -> nx.DiGraph:
    """A two-level hierarchy: ``root`` -> group -> concept."""
    g = nx.DiGraph()
    g.add_node(root, level=0)
    for group, members in groups.items():
        g.add_edge(root, group)
        g.nodes[group]["level"] = 1
        for c in members:
            g.add_edge(group, c)
            g.nodes[c]["level"] = 2
    return g
