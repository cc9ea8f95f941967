"""Locality: which stored concept a new latent belongs to, and how far is too far.

Locality
--------
A new latent ``z`` finds its nearest stored items through an approximate
nearest-neighbour index (:class:`~neuromem.store.index.LatentIndex`). Each of
the ``k`` nearest items (``k`` = 10, or all items when fewer) votes for its
concept with weight ``1 / (d + eps)`` (``d``: its Euclidean distance to ``z``;
``eps`` = 0.001 x the link radius), so an item the query nearly coincides with
outweighs a crowd of farther ones (a concept learned from one picture is
found again). The answer is the concept with the largest vote, and

* ``confidence`` = the answer's share of the total vote, in [0, 1] (1 when
  all ``k`` neighbours belong to it);
* ``distance`` = Euclidean distance from ``z`` to the answer's centroid in the
  cue's modality (all modalities when it has no item of that modality);
* ``linked`` = ``distance <= link_radius``. The **link radius** is the 95th
  percentile of the distances of the stored items to their own concept's
  centroid (:meth:`ConceptStore.fit_locality`), so 95 % of the items a
  concept was built from would be linked to it. Outside the radius the item
  is proposed as a new concept; a picture is also proposed as new when the
  decoder's match error exceeds ``match_error_threshold`` (see
  :mod:`neuromem.store.memory`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from neuromem.store.errors import MemoryMismatchError

__all__ = ["DEFAULT_K", "LINK_QUANTILE", "Locality", "Lookup", "MODALITY_CODES"]

MODALITY_CODES = {"picture": 0, "name": 1, "spoken": 2}
LINK_QUANTILE = 0.95
DEFAULT_K = 10


@dataclass(frozen=True)
class Lookup:
    """Result of :meth:`ConceptStore.lookup` for one query (see the module docstring)."""

    concept: str
    confidence: float
    distance: float
    linked: bool
    neighbour_ids: tuple = field(default=())
    neighbour_distances: tuple = field(default=())


class Locality:
    """The lookup and the link radius of :class:`~neuromem.store.concepts.ConceptStore` (its base class).

    Reads the store's item arrays (``_z`` latents, ``_concept`` concept ids,
    ``_modality`` codes), ``_names``, ``_ids``, ``descendants``, ``latent_dim``, ``n_items``, ``index``,
    ``link_radius`` and its ``_centroid_cache``.
    """

    def summary(self, name: str, modality: str | None = "picture") -> np.ndarray:
        """A concept's point in latent space: mean over its own and all descendants' items.

        For a superordinate concept (``footwear``) this is the centroid of all its
        subordinate concepts' items, shape (latent_dim,).
        """
        members = [self._ids[n] for n in {name} | self.descendants(name)]
        mask = np.isin(self._concept, members)
        if modality is not None:
            mm = mask & (self._modality == MODALITY_CODES[modality])
            mask = mm if mm.any() else mask
        if not mask.any():
            raise ValueError(f"concept {name!r} and its descendants hold no items yet")
        return self._z[mask].astype(np.float64).mean(axis=0)

    def _centroid_table(self, modality: str | None) -> tuple[np.ndarray, np.ndarray]:
        """``(centroids (n_concepts, d), has_items (n_concepts,))`` over ``modality``'s items (all when None)."""
        if modality not in self._centroid_cache:
            n_c = len(self._names)
            mask = np.ones(self.n_items, bool) if modality is None else self._modality == MODALITY_CODES[modality]
            sums = np.zeros((n_c, self.latent_dim))
            np.add.at(sums, self._concept[mask], self._z[mask].astype(np.float64))
            counts = np.bincount(self._concept[mask], minlength=n_c)
            self._centroid_cache[modality] = (sums / np.maximum(counts, 1)[:, None], counts > 0)
        return self._centroid_cache[modality]

    def centroid(self, concept_id: int, modality: str | None = None) -> np.ndarray | None:
        """Mean of a concept's items of ``modality`` (all its items when it has none of that modality)."""
        if modality is not None:
            c, has = self._centroid_table(modality)
            if has[concept_id]:
                return c[concept_id]
        c, has = self._centroid_table(None)
        return c[concept_id] if has[concept_id] else None

    def fit_locality(self, quantile: float = LINK_QUANTILE) -> float:
        """Set :attr:`link_radius` from the stored items (module docstring); returns it."""
        if not 0.5 <= quantile <= 1.0:
            raise ValueError(f"quantile={quantile} is out of range; allowed 0.5..1.0")
        if not self.n_items:
            raise ValueError("the store holds no items; add items before fitting the locality radius")
        d = np.empty(self.n_items)
        for m, code in MODALITY_CODES.items():
            sel = self._modality == code
            if sel.any():
                c, _ = self._centroid_table(m)
                d[sel] = np.linalg.norm(self._z[sel] - c[self._concept[sel]], axis=1)
        self.link_radius = float(np.quantile(d, quantile))
        return self.link_radius

    def lookup(self, latents: np.ndarray, *, modality: str | None = None, k: int = DEFAULT_K,
               exclude=None) -> list[Lookup]:
        """Nearest concept of each query latent (see the module docstring).

        Parameters
        ----------
        latents : ndarray (n_queries, latent_dim) or (latent_dim,)
        modality : str, optional
            The cue's modality (for the centroid distance).
        k : int
            Neighbours that vote (1..1000).
        exclude : sequence of int, optional
            One item id per query left out of its neighbours (a stored item
            recalled as if it were new; its concept's centroid still holds it).
        """
        if not 1 <= k <= 1000:
            raise ValueError(f"k={k} is out of range; allowed 1..1000")
        if self.n_items == 0:
            raise ValueError("the store holds no items; learn or add items first")
        q = np.atleast_2d(np.asarray(latents, dtype=np.float32))
        if q.ndim != 2 or q.shape[1] != self.latent_dim:
            raise MemoryMismatchError(f"query latents have shape {np.shape(latents)}; the store holds "
                                      f"{self.latent_dim}-d latents. Was the query encoded with another encoder "
                                      "configuration? Use the memory's own encoder")
        if not np.all(np.isfinite(q)):
            raise MemoryMismatchError("query latents contain NaN or inf; re-encode the cue")
        k = min(k, self.n_items)
        skip = np.full(len(q), -1) if exclude is None else np.asarray(exclude, dtype=np.int64).reshape(len(q))
        d2, ids = self.index.search(q, min(k + (exclude is not None), self.n_items))
        out = []
        for row_d, row_i, drop in zip(d2, ids, skip):
            ok = (row_i >= 0) & (row_i != drop)
            row_d, row_i = row_d[ok][:k], row_i[ok][:k]
            cids = self._concept[row_i]
            dist = np.sqrt(np.maximum(row_d, 0.0)).astype(np.float64)
            eps = 1e-3 * (self.link_radius or 1.0)
            votes = np.bincount(cids, weights=1.0 / (dist + eps), minlength=len(self._names))
            cid = int(np.argmax(votes))
            c = self.centroid(cid, modality)
            d_c = float(np.linalg.norm(q[len(out)] - c))
            linked = self.link_radius is None or d_c <= self.link_radius
            out.append(Lookup(concept=self._names[cid], confidence=float(votes[cid] / votes.sum()), distance=d_c,
                              linked=bool(linked), neighbour_ids=tuple(int(i) for i in row_i),
                              neighbour_distances=tuple(float(x) for x in dist)))
        return out
