"""Synthetic many-concept sets with the geometry of the real latent spaces, three modalities as noisy views.

Why synthetic: the human comparison needs about 94 concepts shown at once
(:data:`neuromem.analysis.human.DEFALCO2016_STIMULI_PER_SESSION`), more than
any offline picture set of neuromem has (digits and Fashion-MNIST: 10), and
it needs concepts whose pictures, written names and spoken names are distinct
inputs. A synthetic set keeps what the spiking layer sees of the real latents
and lets the number of concepts grow:

* **Concept centres** in a 64-d space, two levels: ``n_categories`` category
  means plus a concept offset (both unit variance), so concepts of one
  category are related (nearer than the median pair) as in the human
  screening sets (persons, places, animals ...; Gastaldi et al. 2021 argue that
  shared concept cells link associated concepts).
* **Three modalities as distinct views**: a modality shows ``R_m c_k + noise``
  with ``R_m`` a random rotation (the picture view: the identity), so a
  cross-modal nearest-prototype lookup without learning is at chance, as for
  concepts the encoder never saw.
* **Item noise with the real within-concept spectrum**: the eigenvalues
  :data:`WITHIN_SPECTRUM` of the within-concept covariance of the held-out
  pictures of the digits encoder's fitted concepts (mean over tuning seeds
  0-2; participation ratio 13-18), in a random basis per modality, scaled so
  that the held-out items' mean within / between concept distance ratio is
  the real one: :data:`PICTURE_RATIO` for pictures, :data:`NAME_RATIO` for
  written and spoken name forms (same source). The fitted concepts' geometry
  is used (not the novel concepts' 0.67-0.79) because it is the geometry a
  trained encoder gives the concepts it knows; the novel geometry is the
  binding question of engram formation.
"""

from __future__ import annotations

import numpy as np

from neuromem._checks import is_int

__all__ = ["LATENT_DIM", "NAME_RATIO", "PICTURE_RATIO", "WITHIN_SPECTRUM", "concept_set", "distance_ratio"]

#: Within / between concept distance ratio of held-out picture latents, digits encoder, fitted concepts,
#: mean of tuning seeds 0-2 (0.390, 0.398, 0.367).
PICTURE_RATIO = 0.385
#: The same for the written name forms (train and held-out: 0.580, 0.556, 0.585).
NAME_RATIO = 0.574
#: Eigenvalues (descending, mean 1) of the within-concept covariance of held-out picture latents, digits encoder,
#: fitted concepts, mean of tuning seeds 0-2.
WITHIN_SPECTRUM = (
    9.308, 7.249, 5.902, 4.611, 3.981, 3.348, 2.94, 2.353, 2.121, 2.007, 1.771, 1.665,
    1.487, 1.317, 1.104, 1.007, 0.906, 0.848, 0.75, 0.677, 0.626, 0.551, 0.54, 0.483,
    0.463, 0.418, 0.399, 0.372, 0.347, 0.313, 0.304, 0.286, 0.255, 0.241, 0.228, 0.219,
    0.203, 0.186, 0.175, 0.161, 0.154, 0.144, 0.134, 0.127, 0.115, 0.112, 0.105, 0.096,
    0.09, 0.084, 0.079, 0.073, 0.07, 0.065, 0.06, 0.056, 0.054, 0.05, 0.045, 0.044,
    0.038, 0.032, 0.029, 0.024,
)
LATENT_DIM = 64
#: (train items, held-out items) per concept and modality.
ITEMS = {"picture": (5, 10), "name": (2, 3), "spoken": (4, 3)}


def distance_ratio(z, labels) -> float:
    """Mean Euclidean distance between items of one concept / mean distance between items of different concepts."""
    z = np.asarray(z, dtype=np.float64)
    y = np.asarray(labels)
    sq = (z ** 2).sum(axis=1)
    d = np.sqrt(np.maximum(sq[:, None] + sq[None] - 2.0 * z @ z.T, 0.0))
    same = y[:, None] == y[None]
    off = ~np.eye(len(y), dtype=bool)
    return float(d[same & off].mean() / d[~same].mean())


def _noise_scale(base, eps, labels, target: float, rng_pick) -> float:
    """Noise scale s that gives ``base + s * eps`` the distance ratio ``target`` (geometric bisection)."""
    pick = rng_pick.choice(len(labels), min(len(labels), 600), replace=False)
    lo, hi = 1e-3, 100.0
    for _ in range(30):
        s = np.sqrt(lo * hi)
        if distance_ratio(base[pick] + s * eps[pick], labels[pick]) < target:
            lo = s
        else:
            hi = s
    return float(np.sqrt(lo * hi))


def concept_set(n_concepts: int, rng: np.random.Generator, *, n_categories: int | None = None,
                picture_ratio: float = PICTURE_RATIO, name_ratio: float = NAME_RATIO,
                modalities=("picture", "name", "spoken")):
    """A synthetic concept set (see the module docstring).

    Parameters
    ----------
    n_concepts : int
        Number of concepts, >= 2.
    rng : numpy.random.Generator
        Draws everything (give a seed-tree child, e.g. ``SeedTree(s).rng("synthetic", "concept_cells")``).
    n_categories : int, optional
        Categories of related concepts (default ``round(n_concepts / 6)``, at least 2: ~6 concepts each,
        16 for 94 concepts).
    picture_ratio, name_ratio : float
        Held-out within / between distance ratios, in (0, 1).
    modalities : tuple of str
        Views to build, among picture, name, spoken (picture required).

    Returns
    -------
    space : LatentSpace
        ``ITEMS[m]`` train and held-out items per concept and modality.
    category : ndarray of int (n_concepts,)
        Each concept's category; concepts of one category are related.

    Raises
    ------
    ValueError
        For fewer than 2 concepts, ratios outside (0, 1) or an unknown modality.
    """
    from neuromem.latents import LatentSpace, ModalityLatents

    if not is_int(n_concepts) or n_concepts < 2:
        raise ValueError(f"n_concepts={n_concepts!r} must be an int >= 2")
    for name, r in (("picture_ratio", picture_ratio), ("name_ratio", name_ratio)):
        if not 0 < r < 1:
            raise ValueError(f"{name}={r!r} must lie in (0, 1)")
    bad = [m for m in modalities if m not in ITEMS]
    if bad or "picture" not in modalities:
        raise ValueError(f"modalities {tuple(modalities)} must include 'picture' and lie in {tuple(ITEMS)}")
    n_cat = max(2, round(n_concepts / 6)) if n_categories is None else int(n_categories)
    category = rng.integers(0, n_cat, n_concepts)
    category[: min(n_cat, n_concepts)] = np.arange(min(n_cat, n_concepts))  # every category used
    centres = rng.standard_normal((n_cat, LATENT_DIM))[category] + rng.standard_normal((n_concepts, LATENT_DIM))
    spectrum = np.asarray(WITHIN_SPECTRUM, dtype=np.float64) / np.mean(WITHIN_SPECTRUM)
    mods = {}
    for m in modalities:
        n_train, n_held = ITEMS[m]
        rot = np.eye(LATENT_DIM) if m == "picture" else np.linalg.qr(rng.standard_normal((LATENT_DIM,) * 2))[0]
        basis = np.linalg.qr(rng.standard_normal((LATENT_DIM,) * 2))[0] * np.sqrt(spectrum)[None, :]
        labels = np.repeat(np.arange(n_concepts), n_train + n_held)
        split = np.tile(np.array(["train"] * n_train + ["heldout"] * n_held), n_concepts)
        eps = rng.standard_normal((len(labels), LATENT_DIM)) @ basis.T
        base = centres[labels] @ rot.T
        held = split == "heldout"
        s = _noise_scale(base[held], eps[held], labels[held], picture_ratio if m == "picture" else name_ratio, rng)
        z = (base + s * eps).astype(np.float32)
        mods[m] = ModalityLatents(latents=z, labels=labels, split=split,
                                  descriptions=tuple(f"{m} #{i}" for i in range(len(z))))
    concepts = tuple(f"c{k:03d}_cat{category[k]:02d}" for k in range(n_concepts))
    return LatentSpace(concepts=concepts, modalities=mods, seed=0), category
