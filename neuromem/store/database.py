"""The concept store on disk: one SQLite database per generation of a memory (``store.sqlite``).

One SQLite file per generation of a memory (``store.sqlite``). SQLite because
it is in Python's standard library (no server to start, nothing to install),
keeps the whole store in one file written in one transaction, is readable
from any language and checks its own page structure (``PRAGMA
quick_check``). The database is written once, inside a new generation folder
(:mod:`neuromem.store.persist`), and never modified afterwards; readers open
it read-only with ``immutable=1``. Write-ahead logging (WAL) would let
readers share a database with a live writer; here readers never see a
database being written, so the database is closed in ``DELETE`` journal mode
and the generation is exactly one file. Crash safety and snapshot reads come
from the generation folders plus the atomically replaced pointer.

Tables: ``meta`` (schema version, latent size, SHA-256 of the item latents,
link radius, index parameters), ``concepts`` (name, engram as JSON, times),
``items`` (concept, modality, provenance, latent as little-endian float32)
and ``edges`` (hierarchy and association links); from version 2
``association_strength`` (:mod:`neuromem.store.associations`; a version-1
database is read without strengths).
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import numpy as np

from neuromem.store.associations import read_strengths, write_strengths
from neuromem.store.errors import CorruptStoreError
from neuromem.store.generations import check_version

__all__ = ["STORE_SCHEMA_VERSION", "read_database", "write_database"]

#: Version of the SQLite schema; a reader refuses anything newer.
STORE_SCHEMA_VERSION = 2

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE concepts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    engram_json TEXT NOT NULL,
    created_utc TEXT NOT NULL,
    updated_utc TEXT NOT NULL
);
CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    concept_id INTEGER NOT NULL REFERENCES concepts(id),
    modality INTEGER NOT NULL,
    provenance TEXT NOT NULL,
    latent BLOB NOT NULL
);
CREATE TABLE edges (
    source INTEGER NOT NULL REFERENCES concepts(id),
    target INTEGER NOT NULL REFERENCES concepts(id),
    kind TEXT NOT NULL CHECK (kind IN ('hierarchy', 'association')),
    PRIMARY KEY (source, target, kind)
);
"""


def write_database(store, path) -> Path:
    """Write ``store`` (a :class:`~neuromem.store.ConceptStore`) to the SQLite file ``path`` (replaced); returns it."""
    path = Path(path)
    if path.exists():
        path.unlink()
    con = sqlite3.connect(path)
    try:
        con.executescript(_SCHEMA)
        with con:
            meta = {"schema_version": STORE_SCHEMA_VERSION, "latent_dim": store.latent_dim,
                    "items_digest": store.digest(), "link_radius": store.link_radius,
                    "index_params": dataclasses.asdict(store.index_params)}
            con.executemany("INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(v)) for k, v in meta.items()])
            con.executemany("INSERT INTO concepts VALUES (?, ?, ?, ?, ?)",
                            [(i, n, json.dumps(store._engram[i]), store._created[i], store._updated[i])
                             for i, n in enumerate(store._names)])
            z = np.ascontiguousarray(store._z, dtype="<f4")
            con.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)",
                            ((i, int(store._concept[i]), int(store._modality[i]), store._prov[i], z[i].tobytes())
                             for i in range(store.n_items)))
            edges = [(store._ids[a], store._ids[b], "hierarchy") for a, b in store.hierarchy.edges]
            edges += [(store._ids[a], store._ids[b], "association") for a, b in store.associations.edges]
            con.executemany("INSERT INTO edges VALUES (?, ?, ?)", edges)
            write_strengths(con, store)
        con.execute("PRAGMA journal_mode=DELETE")
    finally:
        con.close()
    return path


def read_database(store_class, path, *, index_params=None):
    """Read a store written by :func:`write_database` (no index; the caller checks and loads it).

    Parameters
    ----------
    store_class : type
        :class:`~neuromem.store.ConceptStore` (or a subclass) to build.
    path : path
        The ``store.sqlite`` file.
    index_params : IndexParams, optional

    Raises
    ------
    CorruptStoreError
        The database is missing, not readable, inconsistent, or its latents do not match their digest.
    NewerSchemaError
        Written by a newer schema.
    """
    path = Path(path)
    if not path.is_file():
        raise CorruptStoreError(f"{path} is missing; the memory folder is incomplete. Re-run `neuromem learn`")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise CorruptStoreError(f"cannot open {path}: {exc}") from exc
    try:
        try:
            meta = {k: json.loads(v) for k, v in con.execute("SELECT key, value FROM meta")}
        except (sqlite3.Error, ValueError) as exc:
            raise CorruptStoreError(f"{path} is not a readable concept store ({exc}); restore the memory from a "
                                    "backup or re-run `neuromem learn`") from exc
        version = check_version(meta.get("schema_version"), newest=STORE_SCHEMA_VERSION, where=str(path),
                                what="store schema version")
        try:
            store = store_class(int(meta["latent_dim"]), index_params=index_params)
            for cid, name, engram, created, updated in con.execute(
                    "SELECT id, name, engram_json, created_utc, updated_utc FROM concepts ORDER BY id"):
                if cid != len(store._names):
                    raise ValueError("concept ids are not consecutive")
                store.add_concept(name, when=created)
                store._engram[cid] = json.loads(engram)
                store._updated[cid] = updated
            rows = con.execute("SELECT id, concept_id, modality, provenance, latent FROM items ORDER BY id"
                               ).fetchall()
            n = len(rows)
            if n and rows[-1][0] != n - 1:
                raise ValueError("item ids are not consecutive")
            store._concept = np.fromiter((r[1] for r in rows), np.int64, n)
            store._modality = np.fromiter((r[2] for r in rows), np.int8, n)
            store._prov = [r[3] for r in rows]
            blob = b"".join(r[4] for r in rows)
            store._z = np.frombuffer(blob, dtype="<f4").reshape(n, store.latent_dim).astype(np.float32)
            for s, t, kind in con.execute("SELECT source, target, kind FROM edges"):
                a, b = store._names[s], store._names[t]
                (store.hierarchy.add_edge if kind == "hierarchy" else store.associations.add_edge)(a, b)
            read_strengths(con, store, version)
            store.link_radius = meta.get("link_radius")
        except (sqlite3.Error, ValueError, KeyError, IndexError) as exc:
            raise CorruptStoreError(f"{path} is inconsistent ({exc}); restore the memory from a backup or "
                                    "re-run `neuromem learn`") from exc
        if store.digest() != meta.get("items_digest"):
            raise CorruptStoreError(f"{path}: the item latents do not match their stored digest (corrupt)")
    finally:
        con.close()
    return store
