"""The seed tree and the shared checks."""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import numpy as np
import pytest

from neuromem._checks import is_int, list_option, parse_list
from neuromem.seeds import SEED_NAMES, SeedTree, as_seed_tree


def test_children_depend_on_root_and_path_only():
    a, b = SeedTree(3), SeedTree(3)
    a.child("weights")  # asking for another child first changes nothing
    x = a.rng("input_spikes", "train").random(4)
    y = b.child("input_spikes").rng("train").random(4)
    np.testing.assert_array_equal(x, y)
    assert not np.array_equal(x, SeedTree(4).rng("input_spikes", "train").random(4))
    assert not np.array_equal(x, SeedTree(3).rng("input_spikes", "test").random(4))
    assert not np.array_equal(x, SeedTree(3).rng("input_spikes").random(4))


def test_int_and_str_names_differ():
    assert SeedTree(0).int_seed("3") != SeedTree(0).int_seed(3)
    assert SeedTree(0).child(np.int64(3)) == SeedTree(0).child(3)


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3", None])
def test_bad_roots_refused(bad):
    with pytest.raises((TypeError, ValueError)):
        SeedTree(bad)


@pytest.mark.parametrize("bad", ["", 1.0, None, ("a",)])
def test_bad_names_refused(bad):
    with pytest.raises(TypeError, match="seed-tree name"):
        SeedTree(0).child(bad)


def test_as_seed_tree_and_names():
    t = SeedTree(5, ("binder",))
    assert as_seed_tree(t) is t and as_seed_tree(5) == SeedTree(5)
    with pytest.raises(TypeError):
        as_seed_tree("5")
    assert {"split", "weights", "input_spikes", "binder"} <= set(SEED_NAMES)


@pytest.mark.parametrize("value, expected", [(3, True), (np.int32(3), True), (True, False), (3.0, False),
                                             ("3", False), (None, False)])
def test_is_int(value, expected):
    assert is_int(value) is expected


def test_parse_list_accepts_and_refuses():
    assert parse_list("3, 4,5") == (3, 4, 5)
    assert parse_list("-50,0,50", float) == (-50.0, 0.0, 50.0)
    assert parse_list("hopfield,stdp", str) == ("hopfield", "stdp")
    for text, message in [("", "empty"), ("1,,5", "empty entry"), ("3,3", "repeats"), ("1,1.0", "repeats"),
                          ("a,b", "right kind"), ("-1,2", ">= 0")]:
        cast = float if text == "1,1.0" else int
        with pytest.raises(ValueError, match=message):
            parse_list(text, cast, what="--seeds", minimum=0)
    with pytest.raises(ValueError, match="repeats"):
        parse_list("hopfield,hopfield", str, what="--binders")


def test_list_option_gives_argparse_errors():
    p = argparse.ArgumentParser()
    p.add_argument("--seeds", type=list_option(int, what="--seeds", example="3,4,5", minimum=0))
    assert p.parse_args(["--seeds", "3,4"]).seeds == (3, 4)
    with pytest.raises(SystemExit):
        p.parse_args(["--seeds", "3,3"])


# ---- the tree in use ----------------------------------------------------------------------
_ROOT = Path(__file__).resolve().parents[2]
#: Modules whose every seed comes from a named child of a seed tree.
ON_THE_TREE = ["neuromem/data/base.py", "neuromem/data/concept_split.py", "neuromem/encoders/novel.py",
               "neuromem/engram.py", "neuromem/store/memory.py", "neuromem/benchmarks/loaded.py",
               "neuromem/experiments/engram_formation", "neuromem/experiments/binding_window", "neuromem/session"]
#: Ways of deriving a seed by hand (a salt written inline, a spawn, a hash of state).
_BY_HAND = re.compile(r"\.spawn\(|generate_state|spawn_key|SeedSequence\(\[|default_rng\(\[|SeedSequence\(seed")


def _files(paths):
    for p in paths:
        p = _ROOT / p
        yield from (sorted(p.rglob("*.py")) if p.is_dir() else [p])


def _names_asked_for(source: str) -> set:
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in ("rng", "child", "int_seed") and node.args \
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            out.add(node.args[0].value)
    return out


def test_modules_on_the_tree_derive_no_seed_by_hand():
    found = [f"{p.relative_to(_ROOT)}: {m.group(0)}" for p in _files(ON_THE_TREE)
             for m in _BY_HAND.finditer(p.read_text())]
    assert found == []
    assert _BY_HAND.search("ss = np.random.SeedSequence([int(seed), 0x5B117])")  # the check sees a salt


def test_every_name_asked_for_is_documented():
    asked = set().union(*(_names_asked_for(p.read_text()) for p in _files(["neuromem"])))
    assert asked - set(SEED_NAMES) == set()
    assert {"split", "subsample", "concept_split", "encoder", "weights", "stream", "training", "test_items",
            "input_spikes", "shuffle", "recall_guess"} <= asked
    assert _names_asked_for("t.rng('nope', 'x'); t.child(name)") == {"nope"}


def test_the_run_and_its_split_share_one_root():
    from neuromem.data.base import split_pictures

    labels = np.repeat(np.arange(3), 10)
    held = split_pictures(labels, seed=4, heldout_fraction=0.2)
    rng = SeedTree(4).rng("split")
    expected = np.zeros(30, bool)
    for k in range(3):
        expected[rng.permutation(np.flatnonzero(labels == k))[:2]] = True
    np.testing.assert_array_equal(held, expected)
