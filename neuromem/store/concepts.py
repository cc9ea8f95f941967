"""Concept nodes and the concept store: a hippocampal index over latent spaces.

A concept node is a key (the concept's name) linked to values: its points in
each latent space (pictures, written names, spoken names), each with an item
id and its provenance (file, form, voice), plus the concept neurons of its
engram with their weights, hierarchy links (``footwear -> sneaker``) and
association links (kept apart from the hierarchy), with creation and update
times. The index points at content; it does not hold it (the decoder and the
encoders do), as the hippocampal indexing theory puts it (Teyler & DiScenna
1986, Behav. Neurosci. 100:147).

Locality (the lookup, the link radius): :mod:`neuromem.store.locality`.

Persistence
-----------
One SQLite file per generation of a memory (``store.sqlite``, see
:mod:`neuromem.store.database`) and the nearest-neighbour index beside it
(``index.faiss``, derived data checked before use, see
:mod:`neuromem.store.index`).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np

from neuromem.store.database import STORE_SCHEMA_VERSION
from neuromem.store.errors import DerivedDataWarning, MemoryMismatchError, UnknownConceptError
from neuromem.store.index import IndexParams, LatentIndex, latents_digest
from neuromem.store.locality import MODALITY_CODES, Locality, Lookup

__all__ = ["ConceptNode", "ConceptStore", "Lookup", "STORE_SCHEMA_VERSION", "MODALITY_CODES"]

_MODALITY_NAMES = {v: k for k, v in MODALITY_CODES.items()}

def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


@dataclass(frozen=True, kw_only=True)
class ConceptNode:
    """One concept of the store (a read-only view).

    Parameters
    ----------
    name : str
        The key.
    points : dict of str -> ndarray (n_items, latent_dim), float32
        Latent points per modality.
    item_ids : dict of str -> tuple of int
        Store item id of every point.
    provenance : dict of str -> tuple of str
        Where every point came from (a picture file, a written form, ``form / voice``).
    engram_neurons : tuple of int
        Concept-layer neurons of the concept's engram (empty for a superordinate concept).
    engram_weights : tuple of float
        Their weights (mean spike count in the assignment trials).
    parents, children : tuple of str
        Hierarchy links (``parent -> child`` = "child is a kind of parent").
    associations : tuple of str
        Association links (symmetric; not part of the hierarchy).
    created_utc, updated_utc : str
        ISO 8601 times.
    """

    name: str
    points: dict
    item_ids: dict
    provenance: dict
    engram_neurons: tuple = ()
    engram_weights: tuple = ()
    parents: tuple = ()
    children: tuple = ()
    associations: tuple = ()
    created_utc: str = ""
    updated_utc: str = ""

    @property
    def n_items(self) -> int:
        return sum(len(v) for v in self.item_ids.values())


class ConceptStore(Locality):
    """Concept nodes, item latents, hierarchy / association graphs and an ANN index.

    Parameters
    ----------
    latent_dim : int
        Size of the shared latent space (1..4096).
    index_params : IndexParams, optional
    """

    def __init__(self, latent_dim: int, *, index_params: IndexParams | None = None):
        if not isinstance(latent_dim, (int, np.integer)) or not 1 <= latent_dim <= 4096:
            raise ValueError(f"latent_dim={latent_dim!r} is out of range; allowed integers 1..4096")
        self.latent_dim = int(latent_dim)
        self.index_params = index_params or IndexParams()
        self._names: list[str] = []
        self._ids: dict[str, int] = {}
        self._engram: list[dict] = []
        self._created: list[str] = []
        self._updated: list[str] = []
        self._z = np.zeros((0, self.latent_dim), np.float32)
        self._concept = np.zeros(0, np.int64)
        self._modality = np.zeros(0, np.int8)
        self._prov: list[str] = []
        self.hierarchy = nx.DiGraph()
        self.associations = nx.Graph()
        self.link_radius: float | None = None
        self._index: LatentIndex | None = None
        self._centroid_cache: dict = {}
        self.index_loaded_ = False

    # ---- building --------------------------------------------------------------------
    @property
    def concepts(self) -> tuple[str, ...]:
        return tuple(self._names)

    @property
    def n_items(self) -> int:
        return len(self._z)

    def __contains__(self, name) -> bool:
        return name in self._ids

    def _id(self, name: str) -> int:
        try:
            return self._ids[name]
        except KeyError:
            close = [c for c in self._names if c.lower() == str(name).lower()]
            hint = f"; did you mean {close[0]!r}?" if close else ""
            shown = ", ".join(self._names[:12]) + (" ..." if len(self._names) > 12 else "")
            raise UnknownConceptError(f"unknown concept {name!r}{hint} The store holds: {shown}") from None

    def add_concept(self, name: str, *, parents=(), when: str | None = None) -> int:
        """Add a concept (no-op if it exists; new parents are linked). Returns its id."""
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"a concept name must be a non-empty string; got {name!r}")
        if name not in self._ids:
            self._ids[name] = len(self._names)
            self._names.append(name)
            self._engram.append({"neurons": [], "weights": []})
            t = when or _now()
            self._created.append(t)
            self._updated.append(t)
            self.hierarchy.add_node(name)
            self.associations.add_node(name)
        for p in parents:
            self.link_hierarchy(p, name)
        return self._ids[name]

    def link_hierarchy(self, parent: str, child: str) -> None:
        """``child`` is a kind of ``parent`` (both created when absent); cycles are refused."""
        for n in (parent, child):
            if n not in self._ids:
                self.add_concept(n)
        if parent == child or nx.has_path(self.hierarchy, child, parent):
            raise ValueError(f"linking {parent!r} -> {child!r} would make the hierarchy cyclic")
        self.hierarchy.add_edge(parent, child)

    def associate(self, a: str, b: str, *, strength: float | None = None) -> None:
        """Association link between two existing concepts (symmetric, outside the hierarchy).

        ``strength``: in [0, 1] or None (see :mod:`neuromem.store.associations`); a new value replaces the old.
        """
        from neuromem.store.associations import check_strength

        self._id(a), self._id(b)
        if a == b:
            raise ValueError(f"a concept cannot be associated with itself ({a!r})")
        self.associations.add_edge(a, b, strength=check_strength(strength))

    def add_items(self, concept: str, modality: str, latents: np.ndarray, provenance, *,
                  when: str | None = None) -> np.ndarray:
        """Add latent points of one concept and modality; returns their item ids.

        Raises
        ------
        MemoryMismatchError
            Wrong latent size, NaN / inf values.
        ValueError
            Unknown modality, provenance count differs from the number of latents.
        UnknownConceptError
            The concept does not exist (create it with :meth:`add_concept`).
        """
        self._id(concept)
        z = np.atleast_2d(np.asarray(latents, dtype=np.float32))
        return self.add_items_many([concept] * len(z), modality, z, provenance, when=when)

    def add_items_many(self, concepts, modality: str, latents: np.ndarray, provenance, *,
                       when: str | None = None) -> np.ndarray:
        """Add items of many concepts at once (``concepts``: one existing name per item); returns item ids.

        Raises as :meth:`add_items`; nothing is added when anything is refused.
        """
        names = list(concepts)
        z = np.atleast_2d(np.asarray(latents, dtype=np.float32))
        if len(names) != len(z):
            raise ValueError(f"{len(names)} concept names for {len(z)} latents; give one per item")
        cids = np.fromiter((self._id(n) for n in names), np.int64, len(names))
        if modality not in MODALITY_CODES:
            raise ValueError(f"modality {modality!r} is unknown; allowed: {sorted(MODALITY_CODES)}")
        whose = f"items of {names[0]!r}" if len(set(names)) == 1 else "items"
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise MemoryMismatchError(f"{whose} have latent shape {z.shape}; the store holds {self.latent_dim}-d "
                                      "latents. Encode them with the memory's encoder")
        if not np.all(np.isfinite(z)):
            raise MemoryMismatchError(f"{whose} contain NaN or inf latents; re-encode them")
        prov = [str(p) for p in provenance]
        if len(prov) != len(z):
            raise ValueError(f"{len(prov)} provenance entries for {len(z)} latents; give one per item")
        ids = np.arange(self.n_items, self.n_items + len(z))
        self._z = np.concatenate([self._z, z])
        self._concept = np.concatenate([self._concept, cids])
        self._modality = np.concatenate([self._modality, np.full(len(z), MODALITY_CODES[modality], np.int8)])
        self._prov += prov
        t = when or _now()
        for cid in np.unique(cids):
            self._updated[cid] = t
        self._centroid_cache.clear()
        if self._index is not None:
            self._index.add(z)
        return ids

    def set_engram(self, concept: str, neurons, weights) -> None:
        """The concept neurons of ``concept``'s engram and their weights."""
        cid = self._id(concept)
        neurons = [int(n) for n in neurons]
        weights = [float(w) for w in weights]
        if len(neurons) != len(weights):
            raise ValueError(f"{len(neurons)} engram neurons but {len(weights)} weights")
        self._engram[cid] = {"neurons": neurons, "weights": weights}
        self._updated[cid] = _now()

    # ---- queries ----------------------------------------------------------------------
    def node(self, name: str) -> ConceptNode:
        cid = self._id(name)
        sel = np.flatnonzero(self._concept == cid)
        points, ids, prov = {}, {}, {}
        for m, code in MODALITY_CODES.items():
            s = sel[self._modality[sel] == code]
            if len(s):
                points[m] = self._z[s].copy()
                ids[m] = tuple(int(i) for i in s)
                prov[m] = tuple(self._prov[i] for i in s)
        e = self._engram[cid]
        return ConceptNode(name=name, points=points, item_ids=ids, provenance=prov,
                           engram_neurons=tuple(e["neurons"]), engram_weights=tuple(e["weights"]),
                           parents=tuple(sorted(self.hierarchy.predecessors(name))),
                           children=tuple(sorted(self.hierarchy.successors(name))),
                           associations=tuple(sorted(self.associations.neighbors(name))),
                           created_utc=self._created[cid], updated_utc=self._updated[cid])

    def item(self, item_id: int) -> tuple[str, str, str]:
        """``(concept, modality, provenance)`` of a stored item."""
        if not 0 <= item_id < self.n_items:
            raise KeyError(f"no item {item_id}; the store holds items 0..{self.n_items - 1}")
        return (self._names[self._concept[item_id]], _MODALITY_NAMES[int(self._modality[item_id])],
                self._prov[item_id])

    def item_latents(self) -> np.ndarray:
        return self._z

    def item_concepts(self) -> np.ndarray:
        """Concept id of every item, shape (n_items,)."""
        return self._concept

    def ancestors(self, name: str) -> set[str]:
        self._id(name)
        return nx.ancestors(self.hierarchy, name)

    def descendants(self, name: str) -> set[str]:
        self._id(name)
        return nx.descendants(self.hierarchy, name)

    @property
    def index(self) -> LatentIndex:
        if self._index is None:
            self._index = LatentIndex(self.latent_dim, self.index_params).build(self._z)
        return self._index

    # ---- persistence ------------------------------------------------------------------
    def digest(self) -> str:
        """Stamp of the item latents (the ANN index must match it)."""
        return latents_digest(self._z)

    def save(self, folder: str | Path, *, index: bool = True) -> dict:
        """Write ``store.sqlite`` (and ``index.faiss`` + stamp, checked first) into ``folder``.

        Returns the names of the files written, ``{"store": ..., "derived": [...]}``.
        """
        from neuromem.store.database import write_database

        folder = Path(folder)
        path = write_database(self, folder / "store.sqlite")
        derived = []
        if index:
            self._check_index("before saving it")
            self.index.save(folder / "index.faiss", self.digest())
            derived = ["index.faiss", "index.faiss.stamp.json"]
        return {"store": path.name, "derived": derived}

    @classmethod
    def load(cls, folder: str | Path, *, index_params: IndexParams | None = None) -> "ConceptStore":
        """Read ``store.sqlite`` from ``folder``; the ANN index is used only if it matches the items, else rebuilt.

        Raises
        ------
        CorruptStoreError
            The database is not readable or inconsistent.
        NewerSchemaError
            Written by a newer schema.
        """
        from neuromem.store.database import read_database

        folder = Path(folder)
        store = read_database(cls, folder / "store.sqlite", index_params=index_params)
        idx = LatentIndex(store.latent_dim, store.index_params)
        why = idx.load_checked(folder / "index.faiss", store.digest(), store._z)
        store.index_loaded_ = why is None
        if why is None:
            store._index = idx
        elif why != "missing":  # rebuilt from the latents on first use (derived data)
            _warn_rebuilt(folder / "index.faiss", why)
        return store

    def _check_index(self, when: str) -> None:
        """Rebuild the in-memory index, with a warning, if it no longer holds exactly the item latents."""
        if self._index is not None:
            why = self._index.mismatch(self._z)
            if why is not None:
                _warn_rebuilt(f"the in-memory index ({when})", why)
                self._index = None


def _warn_rebuilt(what, why: str) -> None:
    import warnings

    warnings.warn(f"nearest-neighbour index {what} does not match the store's items ({why}); it is rebuilt from "
                  "them", DerivedDataWarning, stacklevel=3)
