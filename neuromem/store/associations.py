"""Association links with a strength: kept apart from the hierarchy, formed by pairing, saved with the store.

An association link joins two concepts symmetrically (the store's
``associations`` graph, never its ``hierarchy``). A link made by pairing
(``neuromem run concept-association --memory DIR``,
:mod:`neuromem.experiments.concept_association.links`) carries a ``strength``
in [0, 1]: the measured fraction of one concept's neurons that came to answer
the other after the pairings (``paired_response_fraction`` at the last
pairing count, averaged over the seeds that paired the two); a link made by
hand (``ConceptStore.associate(a, b)``) may have none.

On disk (store schema version 2) strengths live in their own table
``association_strength (source, target, strength)`` beside the ``edges``
table, which is unchanged; a version-1 store (written before strengths
existed) is read as it is, its links without strength.
"""

from __future__ import annotations

import math

__all__ = ["MIN_PAIRING_STRENGTH", "STRENGTH_SCHEMA_VERSION", "STRENGTH_TABLE", "association_links", "check_strength",
           "pairing_strengths", "read_strengths", "write_strengths"]

#: The store schema version that added ``association_strength``.
STRENGTH_SCHEMA_VERSION = 2
#: A pair counts as associated by pairing from this strength on (the issue's least paired-minus-control difference).
MIN_PAIRING_STRENGTH = 0.10

STRENGTH_TABLE = """
CREATE TABLE association_strength (
    source INTEGER NOT NULL REFERENCES concepts(id),
    target INTEGER NOT NULL REFERENCES concepts(id),
    strength REAL NOT NULL CHECK (strength >= 0 AND strength <= 1),
    PRIMARY KEY (source, target)
);
"""


def check_strength(strength) -> float | None:
    """``strength`` as a float in [0, 1] (None stays None); ValueError naming the value otherwise."""
    if strength is None:
        return None
    if isinstance(strength, bool) or not isinstance(strength, (int, float)) or not math.isfinite(strength) \
            or not 0 <= strength <= 1:
        raise ValueError(f"association strength={strength!r} must be a number in [0, 1] (or None)")
    return float(strength)


def association_links(store) -> list[dict]:
    """Every association link: ``{"a", "b", "strength"}`` (names sorted within a link; strength None if unknown)."""
    rows = []
    for a, b, data in store.associations.edges(data=True):
        a, b = sorted((a, b))
        rows.append({"a": a, "b": b, "strength": data.get("strength")})
    return sorted(rows, key=lambda r: (r["a"], r["b"]))


def write_strengths(con, store) -> None:
    """Create the strength table in the open database ``con`` and fill it (links without strength: no row)."""
    con.executescript(STRENGTH_TABLE)
    rows = [(store._ids[r["a"]], store._ids[r["b"]], r["strength"]) for r in association_links(store)
            if r["strength"] is not None]
    con.executemany("INSERT INTO association_strength VALUES (?, ?, ?)", rows)


def read_strengths(con, store, version: int) -> None:
    """Put the strengths of a version >= 2 database on the store's links (version 1 has none)."""
    if version < STRENGTH_SCHEMA_VERSION:
        return
    for s, t, strength in con.execute("SELECT source, target, strength FROM association_strength"):
        a, b = store._names[s], store._names[t]
        if not store.associations.has_edge(a, b):
            raise ValueError(f"a strength is stored for {a!r} -- {b!r}, which are not associated")
        store.associations.edges[a, b]["strength"] = check_strength(strength)


def pairing_strengths(metrics: dict) -> dict:
    """``{(a, b): strength}`` from a concept-association run's metrics (names sorted; mean over the seeds).

    Uses every seed's ``pair_strengths`` (``"A|B" -> paired_response_fraction`` at the last pairing count).
    """
    acc = {}
    for s in metrics.get("seeds", []):
        for key, v in (metrics.get(f"seed_{s}", {}).get("pair_strengths") or {}).items():
            if v is not None and v == v:
                acc.setdefault(tuple(sorted(key.split("|", 1))), []).append(float(v))
    return {k: sum(v) / len(v) for k, v in acc.items()}
