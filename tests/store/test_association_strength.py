"""Association links with strength: kept apart from the hierarchy, saved (schema 2), old stores still read, formed
by a pairing run and listed by `memory show`."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from neuromem.store import ConceptStore
from neuromem.experiments.concept_association.links import add_pairing_associations
from neuromem.store.associations import MIN_PAIRING_STRENGTH, association_links
from neuromem.store.database import STORE_SCHEMA_VERSION

from memory_helpers import neuromem_here
from test_concepts import clustered_store


def test_strength_round_trips_and_stays_out_of_the_hierarchy(tmp_path):
    s, _ = clustered_store()
    s.associate("c0", "c1", strength=0.8)
    s.associate("c2", "c3")
    s.save(tmp_path)
    t = ConceptStore.load(tmp_path)
    assert association_links(t) == [{"a": "c0", "b": "c1", "strength": 0.8},
                                     {"a": "c2", "b": "c3", "strength": None}]
    assert list(t.hierarchy.edges) == []
    t.associate("c1", "c0", strength=0.3)  # the other order updates the same link
    assert association_links(t)[0]["strength"] == 0.3


def test_a_version_1_store_without_strengths_is_still_read(tmp_path):
    s, _ = clustered_store()
    s.associate("c0", "c1", strength=0.8)
    s.save(tmp_path)
    with sqlite3.connect(tmp_path / "store.sqlite") as con:  # what the schema-1 writer left: no strength table
        con.execute("DROP TABLE association_strength")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    assert STORE_SCHEMA_VERSION == 2
    t = ConceptStore.load(tmp_path)
    assert association_links(t) == [{"a": "c0", "b": "c1", "strength": None}]


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), "0.5", True])
def test_a_strength_outside_zero_to_one_is_refused(bad):
    s, _ = clustered_store()
    with pytest.raises(ValueError, match="strength"):
        s.associate("c0", "c1", strength=bad)


def _metrics(pairs: dict) -> dict:
    return {"seeds": [3, 4], "seed_3": {"pair_strengths": pairs}, "seed_4": {"pair_strengths": pairs}}


def test_pairs_formed_by_a_run_become_links_that_memory_show_lists(learned, tmp_path, capsys):
    mem = tmp_path / "memory"
    shutil.copytree(learned["memory"], mem)
    added, _ = add_pairing_associations(mem, _metrics({"zero|one": 0.8, "three|seven": MIN_PAIRING_STRENGTH / 2}))
    assert added == ["one -- zero (0.80)"]  # below the least strength: not a link
    code, out, _ = neuromem_here(capsys, "memory", "show", "--memory", mem)
    assert code == 0 and "association: one -- zero (strength 0.80)" in out
    assert "three -- seven" not in out and "hierarchy: curved -> three, zero" in out
    with pytest.raises(ValueError, match="none of the paired concepts"):
        add_pairing_associations(mem, _metrics({"cat|dog": 0.9}))
