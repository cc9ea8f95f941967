"""`memory add` through the novelty gate: decisions on a tiny held-out folder, the warning, an ungated memory."""

from __future__ import annotations

import shutil

import pytest

from digit_folder import write_digit_folder
from memory_helpers import SMALL_CONCEPTS, neuromem_here

pytestmark = pytest.mark.usefixtures("one_cpu")


@pytest.fixture()
def photo(tmp_path):
    from PIL import Image
    from skimage import data

    path = tmp_path / "astronaut.png"
    Image.fromarray(data.astronaut()[::8, ::8]).save(path)
    return path


def test_memory_add_decides_link_for_known_and_recruit_for_new_concepts(learned, tmp_path, photo):
    from neuromem.experiments.novelty_gate.memory_add import memory_add_decisions
    from neuromem.store.memory import load_memory

    m = load_memory(learned["memory"])
    gate = m.meta["thresholds"]["novelty_gate"]
    assert gate["n_calibration"] >= 2 and 0 < gate["match_weight"] < 1
    new = write_digit_folder(tmp_path / "new", per_concept=2, heldout_per_concept=3, seed=1, concepts=("two", "five"))
    known = {c: files[:3] for c, files in learned["held"].items()}
    res = memory_add_decisions(m, {**known, **new, "astronaut": [photo]}, SMALL_CONCEPTS)
    assert res["n_known_evaluated"] == 12 and res["n_new_evaluated"] == 7
    decided = {(r["concept"], r["file"]): r["decision"] for r in res["items"]}
    assert decided[("astronaut", "astronaut.png")] == "recruit"
    assert res["gate_decision_accuracy"] >= 0.8, res["items"]
    assert res["novelty_auc_combined"] >= 0.9


def test_a_familiar_picture_named_otherwise_is_linked_to_its_match_with_a_warning(learned, tmp_path, capsys):
    mem_dir = tmp_path / "memory"
    shutil.copytree(learned["memory"], mem_dir)
    code, out, err = neuromem_here(capsys, "memory", "add", "--memory", mem_dir, "--picture",
                                   learned["held"]["seven"][0], "--concept", "sept")
    assert code == 0 and "familiar: linked to 'seven'" in out and "novelty score" in out
    assert "warning:" in err and "matches the known concept 'seven'" in err and "not 'sept'" in err
    from neuromem.store.memory import load_memory

    again = load_memory(mem_dir)
    assert "sept" not in again.store and again.store.node("seven").n_items == learned_items(learned, "seven") + 1


def learned_items(learned, concept):
    from neuromem.store.memory import load_memory

    return load_memory(learned["memory"]).store.node(concept).n_items


def test_a_memory_saved_without_a_gate_keeps_the_radius_rule(learned, photo):
    from neuromem.store.memory import load_memory

    m = load_memory(learned["memory"])
    gated = m.recall_picture(photo)
    assert gated["novelty_rule"] == "gate" and gated["novel"] and gated["novelty_score"] > gated["novelty_threshold"]
    del m.meta["thresholds"]["novelty_gate"]
    old = m.recall_picture(photo)
    assert old["novelty_rule"] == "radius" and old["novelty_score"] is None
    assert old["novel"] == ((not old["linked"]) or old["match_error"] > old["match_error_threshold"])
