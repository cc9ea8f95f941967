"""Approximate nearest-neighbour index over the store's latent points (FAISS).

The index is **derived data**, never the only copy of anything. It is used
only after it has been checked against the data it was built from:

1. its stamp (``index.faiss.stamp.json``) names the SHA-256 of the item
   latents, the number of items, the index kind and parameters, the FAISS
   version and the SHA-256 of the index file itself; each must match the
   store and the file beside it;
2. the vectors the index holds (``reconstruct_n``) must equal the store's item
   latents, row for row, bit for bit (:meth:`LatentIndex.mismatch`).

An index that fails a check is rebuilt from the latents with a
:class:`~neuromem.store.errors.DerivedDataWarning` naming the reason (a missing
index is built silently: it is optional). :meth:`ConceptStore.save
<neuromem.store.concepts.ConceptStore.save>` checks the index the same way
before writing it, so a save never certifies an index that does not match.

Kinds
-----
``flat``
    Exact search (``IndexFlatL2``); used below :data:`HNSW_MIN_ITEMS` items,
    where it is as fast as any approximate index.
``hnsw``
    Hierarchical navigable small-world graph (Malkov & Yashunin 2018, IEEE
    TPAMI 42:824), ``IndexHNSWFlat`` with ``M`` = 32 links per node,
    ``efConstruction`` = 64 and ``efSearch`` = 64; supports adding items one
    at a time (``neuromem memory add``) without retraining.

Distances are squared Euclidean (``l2``), as in the encoders' latent space.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from neuromem.store.errors import MemoryMismatchError

__all__ = ["HNSW_MIN_ITEMS", "IndexParams", "LatentIndex", "latents_digest"]

HNSW_MIN_ITEMS = 2000


def _faiss():
    try:
        import faiss
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise ImportError("the concept store needs faiss-cpu; install it with `pip install faiss-cpu`") from exc
    return faiss


def latents_digest(latents: np.ndarray) -> str:
    """SHA-256 of the float32 latent matrix (shape included)."""
    z = np.ascontiguousarray(latents, dtype=np.float32)
    h = hashlib.sha256(repr(z.shape).encode())
    h.update(memoryview(z).cast("B"))
    return h.hexdigest()


@dataclass(frozen=True, kw_only=True)
class IndexParams:
    """Parameters of the ANN index.

    Parameters
    ----------
    hnsw_m : int
        Links per node of the HNSW graph (4..128).
    ef_construction : int
        Candidate list while building (8..1024).
    ef_search : int
        Candidate list while searching (8..1024); higher is slower and closer to exact.
    hnsw_min_items : int
        Below this many items the index is exact (``flat``).
    """

    hnsw_m: int = 32
    ef_construction: int = 64
    ef_search: int = 64
    hnsw_min_items: int = HNSW_MIN_ITEMS

    def __post_init__(self):
        for name, lo, hi in (("hnsw_m", 4, 128), ("ef_construction", 8, 1024), ("ef_search", 8, 1024),
                             ("hnsw_min_items", 0, 10**9)):
            v = getattr(self, name)
            if not isinstance(v, int) or not lo <= v <= hi:
                raise ValueError(f"{name}={v!r} is out of range; allowed integers {lo}..{hi}")

    def kind(self, n_items: int) -> str:
        return "hnsw" if n_items >= self.hnsw_min_items else "flat"


class LatentIndex:
    """FAISS index whose row ``i`` is store item ``i``.

    Parameters
    ----------
    latent_dim : int
    params : IndexParams
    """

    def __init__(self, latent_dim: int, params: IndexParams | None = None):
        self.latent_dim = int(latent_dim)
        self.params = params or IndexParams()
        self._index = None
        self.kind_ = None

    @property
    def n_items(self) -> int:
        return 0 if self._index is None else int(self._index.ntotal)

    def _new(self, kind: str):
        faiss = _faiss()
        if kind == "hnsw":
            idx = faiss.IndexHNSWFlat(self.latent_dim, self.params.hnsw_m)
            idx.hnsw.efConstruction = self.params.ef_construction
            idx.hnsw.efSearch = self.params.ef_search
        else:
            idx = faiss.IndexFlatL2(self.latent_dim)
        return idx

    def build(self, latents: np.ndarray, *, threads: int | None = None) -> "LatentIndex":
        """(Re)build from all item latents, shape (n_items, latent_dim)."""
        faiss = _faiss()
        z = self._check(latents)
        self.kind_ = self.params.kind(len(z))
        self._index = self._new(self.kind_)
        if threads:
            faiss.omp_set_num_threads(int(threads))
        if len(z):
            self._index.add(z)
        return self

    def add(self, latents: np.ndarray) -> None:
        """Append items (their ids continue from :attr:`n_items`)."""
        z = self._check(latents)
        if self._index is None:
            self.build(z)
            return
        if self.kind_ == "flat" and self.params.kind(self.n_items + len(z)) == "hnsw":
            # crossing the size threshold: rebuild as a graph (needs the old vectors)
            old = self._index.reconstruct_n(0, self.n_items)
            self.build(np.concatenate([old, z]))
            return
        self._index.add(z)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """``(squared_distances, ids)``, each (n_queries, k); ids are -1 where fewer than k items exist."""
        q = self._check(queries)
        if self._index is None or self.n_items == 0:
            return np.full((len(q), k), np.inf, np.float32), np.full((len(q), k), -1, np.int64)
        return self._index.search(q, int(k))

    def _check(self, latents) -> np.ndarray:
        z = np.ascontiguousarray(np.atleast_2d(np.asarray(latents, dtype=np.float32)))
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise MemoryMismatchError(f"latents have shape {z.shape}; this store holds {self.latent_dim}-d latents. "
                                      "Encode with the memory's encoder configuration")
        if not np.all(np.isfinite(z)):
            raise MemoryMismatchError("latents contain NaN or inf; check the item (re-encode it)")
        return z

    # ---- files -----------------------------------------------------------------------
    def stamp(self, digest: str) -> dict:
        faiss = _faiss()
        return {"digest": digest, "kind": self.kind_, "n_items": self.n_items, "latent_dim": self.latent_dim,
                "params": {"hnsw_m": self.params.hnsw_m, "ef_construction": self.params.ef_construction,
                           "ef_search": self.params.ef_search, "hnsw_min_items": self.params.hnsw_min_items},
                "faiss": faiss.__version__}

    def mismatch(self, latents: np.ndarray) -> str | None:
        """Why this index does not hold exactly ``latents`` (n_items, latent_dim), row for row; None when it does."""
        z = np.ascontiguousarray(latents, dtype=np.float32)
        if self._index is None:
            return "no index is built"
        if self.n_items != len(z) or self._index.d != self.latent_dim:
            return f"it holds {self.n_items} vectors of size {self._index.d}, the store {len(z)} of {z.shape[1]}"
        held = self._index.reconstruct_n(0, self.n_items) if self.n_items else np.zeros_like(z)
        rows = np.flatnonzero(np.any(held != z, axis=1))
        if len(rows):
            return f"{len(rows)} of its {self.n_items} vectors differ from the store's item latents (first: row {rows[0]})"
        return None

    def save(self, path: str | Path, digest: str) -> None:
        """Write ``path`` (the index) and ``path + '.stamp.json'`` (with the index file's SHA-256)."""
        from neuromem.store.persist import file_sha256

        faiss = _faiss()
        path = Path(path)
        faiss.write_index(self._index if self._index is not None else self._new("flat"), str(path))
        stamp = dict(self.stamp(digest), index_sha256=file_sha256(path))
        Path(str(path) + ".stamp.json").write_text(json.dumps(stamp))

    def load_checked(self, path: str | Path, digest: str, latents: np.ndarray) -> str | None:
        """Load the saved index if it matches ``latents`` (module docstring); returns why not, None when loaded.

        ``"missing"`` when there is no index file.
        """
        from neuromem.store.persist import file_sha256

        faiss = _faiss()
        path = Path(path)
        stamp_path = Path(str(path) + ".stamp.json")
        if not path.exists() and not stamp_path.exists():
            return "missing"
        try:
            stamp = json.loads(stamp_path.read_text())
            expected = {"hnsw_m": self.params.hnsw_m, "ef_construction": self.params.ef_construction,
                        "ef_search": self.params.ef_search, "hnsw_min_items": self.params.hnsw_min_items}
            checks = {"digest": digest, "n_items": len(latents), "latent_dim": self.latent_dim, "params": expected,
                      "faiss": faiss.__version__}
            bad = [k for k, v in checks.items() if stamp.get(k) != v]
            if bad:
                return f"its stamp was made for other data ({', '.join(bad)} differ)"
            if stamp.get("index_sha256") != file_sha256(path):
                return "the index file is not the one its stamp describes (SHA-256 differs)"
            idx = faiss.read_index(str(path))
        except (OSError, ValueError, RuntimeError, AttributeError) as exc:
            return f"it is unreadable ({type(exc).__name__}: {str(exc)[:80]})"
        if stamp.get("kind") == "hnsw":
            idx.hnsw.efSearch = self.params.ef_search
        self._index, self.kind_ = idx, stamp.get("kind")
        why = self.mismatch(latents)
        if why is not None:
            self._index, self.kind_ = None, None
        return why
