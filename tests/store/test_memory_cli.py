"""Whole memories end to end: learn on a user picture folder, recall from fresh processes, imagine, add.

Memories are learned with ``neuromem learn`` (a subprocess) on folders of
sklearn digits pictures written as PNG files; held-out PNG files of other
digits pictures are written outside the folder, so they are really different
items. The default suite uses a small memory (4 concepts x 20 pictures, 32 px
backbone input); the done-when check (10 concepts x 60 pictures) is ``slow``.
Recall "from a fresh process" runs in a subprocess; the other commands run
in-process through ``neuromem.cli.main`` (same exit codes and messages, without
a new process loading torch and the text model each time). Tests of the small
memory run on one CPU (see :func:`one_cpu`).
"""

from __future__ import annotations

import json
import shutil
import sys

import numpy as np
import pytest

from digit_folder import DIGIT_NAMES
from memory_helpers import PER_CONCEPT, SEED, SMALL_CONCEPTS, _learn, neuromem, neuromem_here, run

pytestmark = pytest.mark.usefixtures("one_cpu")


def _recall_in_fresh_process(memory, held, single=None):
    """Recall every held-out file (one batch) in a process that only loads the memory.

    Returns the answers and their accuracy; with ``single`` (a file), also that
    file's answer from ``recall_picture`` alone, as ``recall --picture`` gives it.
    """
    files = [str(f) for c, fs in held.items() for f in fs]
    truth = [c for c, fs in held.items() for _ in fs]
    script = ("import json, sys\nfrom neuromem.store.memory import load_memory\n"
              "m = load_memory(sys.argv[1])\nanswers = m.recall_pictures(sys.argv[3:])\n"
              "print(json.dumps([answers, m.recall_picture(sys.argv[2]) if sys.argv[2] else None]))\n")
    answers, one = json.loads(run([sys.executable, "-c", script, str(memory), str(single or ""), *files]).stdout)
    acc = float(np.mean([a["concept"] == t for a, t in zip(answers, truth)]))
    return (answers, acc, one) if single is not None else (answers, acc)


@pytest.fixture(scope="module")
def fresh_recall(learned):
    """The small memory's held-out files recalled in a fresh process (and seven #0 alone, for the CLI check)."""
    answers, acc, seven = _recall_in_fresh_process(learned["memory"], learned["held"],
                                                   single=learned["held"]["seven"][0])
    return {"answers": answers, "accuracy": acc, "seven": seven}


@pytest.mark.slow
def test_done_when_learn_then_recall_heldout_digits_from_a_fresh_process(tmp_path):
    """Done-when: `neuromem learn` on a folder of 10 digits x 60 PNG files, then recall of 100 held-out PNG files
    (other digits pictures) from a process that only loads the memory: >= 0.9 answer their own concept; the
    `neuromem recall --picture` command gives the same answers."""
    big = _learn(tmp_path, concepts=DIGIT_NAMES, per_concept=60, heldout=10)
    answers, acc = _recall_in_fresh_process(big["memory"], big["held"])
    print(f"held-out picture recall from a fresh process: {acc:.3f} over {len(answers)} files")
    assert acc >= 0.9
    f = big["held"]["seven"][3]
    cli = json.loads(neuromem("recall", "--memory", big["memory"], "--picture", f, "--json").stdout)
    assert cli["concept"] == next(a for a in answers if a["cue"]["file"] == str(f))["concept"]


def test_learn_then_recall_heldout_pictures_from_a_fresh_process(fresh_recall):
    """The small memory: held-out picture files answer their own concept, in a process that only loads."""
    answers, acc = fresh_recall["answers"], fresh_recall["accuracy"]
    print(f"held-out picture recall from a fresh process (4 digits): {acc:.3f} over {len(answers)} files")
    assert acc >= 0.9
    assert all(0.0 <= a["confidence"] <= 1.0 for a in answers)
    assert np.mean([a["novel"] for a in answers]) <= 0.2  # held-out digits are familiar
    assert sum(bool(a["engram_neurons"]) for a in answers) >= 0.8 * len(answers)


def test_recall_json_contract_and_identical_answers_across_processes(learned, fresh_recall):
    f = learned["held"]["seven"][0]
    out = neuromem("recall", "--memory", learned["memory"], "--picture", f, "--json").stdout
    assert len(out.strip().splitlines()) == 1
    ans = json.loads(out)
    # two fresh processes (this command, and one that only loads the memory and recalls a batch before this
    # cue), same memory, same cue: identical recall, to the last bit of every number
    assert ans == fresh_recall["seven"]
    for key in ("concept", "confidence", "engram_neurons", "match_error", "novel"):
        assert key in ans
    assert ans["concept"] == "seven" and isinstance(ans["match_error"], float)


def test_save_load_recall_is_identical(learned, tmp_path):
    """A freshly learned memory (never saved), the CLI-saved one and a re-saved copy answer identically."""
    from neuromem.data import load_image_folder
    from neuromem.encoders import EncoderConfig
    from neuromem.store.learning import LearnConfig, learn
    from neuromem.store.memory import load_memory

    files = [learned["held"][c][1] for c in ("zero", "one", "seven")]
    ds = load_image_folder(learned["base"] / "digits")
    fresh = learn(ds, config=LearnConfig(seed=SEED), encoder_config=EncoderConfig(spoken=False, input_size_px=32),
                  log=lambda m: None)
    before = fresh.recall_pictures(files) + [fresh.recall_name("seven")]
    loaded = load_memory(learned["memory"])
    assert loaded.recall_pictures(files) + [loaded.recall_name("seven")] == before
    fresh.save(tmp_path / "copy")
    again = load_memory(tmp_path / "copy")
    assert again.recall_pictures(files) + [again.recall_name("seven")] == before
    np.testing.assert_array_equal(again.network_state().w_in_mv["picture"], fresh.network.get_state().w_in_mv["picture"])


def test_imagine_writes_the_decoders_picture_and_nearest_real_ones(learned, tmp_path, capsys):
    out = tmp_path / "imagined-three.png"
    code, stdout, _ = neuromem_here(capsys, "recall", "--memory", learned["memory"], "--name", "three", "--json",
                                    "--imagine", out)
    assert code == 0
    ans = json.loads(stdout)
    assert out.is_file() and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert ans["concept"] == "three" and ans["match_error"] is None  # a name cue has no match error
    assert ans["imagined"]["source"] == "engram feedback"
    assert [n["concept"] for n in ans["imagined"]["nearest"]].count("three") >= 3
    code, _, err = neuromem_here(capsys, "recall", "--memory", learned["memory"], "--picture",
                                 learned["held"]["one"][0], "--imagine", tmp_path / "x.png")
    assert code == 2 and "--imagine needs a name or sound cue" in err


def test_memory_show_lists_concepts_items_and_engrams(learned, capsys):
    code, out, _ = neuromem_here(capsys, "memory", "show", "--memory", learned["memory"])
    assert code == 0
    assert neuromem_here(capsys, "memory", "show", learned["memory"])[1] == out  # the bare folder: an alias
    code, _, err = neuromem_here(capsys, "memory", "show")
    assert code == 2 and "memory show --memory DIR" in err
    for c in learned["held"]:
        assert f"\n{c:20s} {int(PER_CONCEPT):8d}" in out
    assert "link radius" in out
    assert "hierarchy: curved -> three, zero" in out and "hierarchy: straight -> one, seven" in out


def test_nested_folders_become_the_stores_hierarchy(learned):
    from neuromem.store.memory import load_memory

    store = load_memory(learned["memory"]).store
    assert store.ancestors("seven") == {"straight"} and store.descendants("curved") == {"zero", "three"}
    # the superordinate's summary is the centroid of its subordinates' pictures
    members = [store.node(c).points["picture"] for c in ("one", "seven")]
    np.testing.assert_allclose(store.summary("straight"), np.concatenate(members).astype(np.float64).mean(0),
                               rtol=1e-5, atol=1e-6)
    assert store.node("straight").n_items == 0 and not store.node("straight").engram_neurons


def test_memory_add_links_a_familiar_picture_and_learns_a_named_novel_one(learned, tmp_path, capsys):
    from PIL import Image
    from skimage import data

    from neuromem.store import StoreError, persist
    from neuromem.store.memory import load_memory

    mem_dir = tmp_path / "memory"
    shutil.copytree(learned["memory"], mem_dir)
    photo = tmp_path / "astronaut.png"
    Image.fromarray(data.astronaut()[::8, ::8]).save(photo)
    # a novel picture without a name is refused by the command, and nothing is saved
    gen_before = persist.current_generation(mem_dir)[0].name
    code, _, err = neuromem_here(capsys, "memory", "add", "--memory", mem_dir, "--picture", photo)
    assert code == 2 and "is novel" in err and "--concept NAME" in err
    assert persist.current_generation(mem_dir)[0].name == gen_before
    m = load_memory(mem_dir)
    n_three = m.store.node("three").n_items
    ans = m.add_picture(learned["held"]["three"][2])
    assert ans["added_to"] == "three" and not ans["new_concept"]
    with pytest.raises(StoreError, match="is novel"):
        m.add_picture(photo)
    # with a name it becomes a new concept, learned one-shot (engram neurons of its own), found again
    ans = m.add_picture(photo, concept="astronaut")
    assert ans["new_concept"]
    m.save(mem_dir)
    again = load_memory(mem_dir)
    assert again.store.node("three").n_items == n_three + 1
    node = again.store.node("astronaut")
    assert node.n_items == 2 and node.engram_neurons  # the picture and its written name
    assert again.recall_picture(photo)["concept"] == "astronaut"
    others = {n for c in again.store.concepts if c != "astronaut" for n in again.store.node(c).engram_neurons}
    assert set(node.engram_neurons) - others  # at least one neuron of its own


def test_bad_cues_are_clear_errors(learned, tmp_path, capsys):
    from neuromem.store import MemoryMismatchError
    from neuromem.store.memory import load_memory

    fake = tmp_path / "not-a-picture.png"
    fake.write_text("hello, I am text")
    code, _, err = neuromem_here(capsys, "recall", "--memory", learned["memory"], "--picture", fake)
    assert code == 2 and "not-a-picture.png" in err and len(err.strip().splitlines()) == 1
    m = load_memory(learned["memory"])
    with pytest.raises(FileNotFoundError, match="does not exist"):
        m.recall_picture(tmp_path / "missing.png")
    with pytest.raises(FileNotFoundError, match="not a saved memory"):
        load_memory(tmp_path / "nowhere")
    with pytest.raises(MemoryMismatchError, match="without spoken names"):
        m.recall_sound(learned["held"]["one"][0])


def test_a_query_from_another_encoder_configuration_is_refused(learned):
    from neuromem.store import MemoryMismatchError
    from neuromem.store.memory import load_memory

    m = load_memory(learned["memory"])
    other = dict(m.meta["encoder"]["fingerprint"], input_size_px=128)
    with pytest.raises(MemoryMismatchError, match="input_size_px: memory 32 vs query 128"):
        m.recall_latent(np.zeros(64), "picture", fingerprint=other)
    with pytest.raises(MemoryMismatchError, match="this memory holds 64-d latents"):
        m.recall_latent(np.zeros(32), "picture")
    with pytest.raises(MemoryMismatchError, match="NaN"):
        m.recall_latent(np.full(64, np.nan), "picture")
    # a memory whose backbone weights differ from the installed ones cannot encode pictures
    m.encoders.fingerprint = dict(m.encoders.fingerprint, weights_id="0123456789abcdef")
    with pytest.raises(MemoryMismatchError, match="weights 0123456789abcdef"):
        m.recall_picture(learned["held"]["one"][0])


def test_memory_written_by_a_newer_format_is_refused(learned, tmp_path):
    from neuromem.store import NewerSchemaError, persist
    from neuromem.store.memory import load_memory

    m = load_memory(learned["memory"])
    m.meta["format_version"] = 99
    m.save(tmp_path / "newer")
    with pytest.raises(NewerSchemaError, match="format version 99"):
        load_memory(tmp_path / "newer")
    assert persist.current_generation(tmp_path / "newer")[0].is_dir()


def test_learn_with_fit_concepts_records_the_split_and_refuses_bad_values_first(learned, tmp_path, capsys,
                                                                                 monkeypatch):
    """`learn --fit-concepts 0.5` saves which concepts fitted the encoder parts (the others are novel) and still
    learns every concept; bad values are one-line errors (exit 2) naming the option, raised before learning."""
    import neuromem.store.learning as learning_module
    import neuromem.store.memory as memory_module
    from neuromem.data.concept_split import novel_concepts, resolve_fit_concepts

    args = ("learn", "--dataset", f"folder:{learned['base'] / 'digits'}", "--no-spoken", "--quiet", "--seed", SEED,
            "--input-size", 32, "--thesaurus", "off")
    code, _, err = neuromem_here(capsys, *args, "--memory", tmp_path / "split", "--fit-concepts", "0.5")
    assert code == 0, err
    m = memory_module.load_memory(tmp_path / "split")
    concepts = m.meta["dataset"]["concepts"]
    fit = m.meta["encoder"]["config"]["fit_concepts"]
    assert fit == list(resolve_fit_concepts("0.5", concepts, seed=SEED)) and len(fit) == 2  # chosen by --seed
    novel = novel_concepts(concepts, fit)
    assert len(novel) == 2 and not set(novel) & set(fit)
    assert all(len(m.store.node(c).item_ids["picture"]) == PER_CONCEPT for c in concepts)  # every concept learned
    # bad values: refused before any learning (learn itself is never reached) and nothing is saved
    monkeypatch.setattr(learning_module, "learn", lambda *a, **k: pytest.fail("learn ran despite a bad --fit-concepts"))
    for value, why in [("1.5", "out of range"), ("0.1", "at least one concept on each side"),
                       ("zero,dog", "unknown concepts ['dog']"), (",".join(SMALL_CONCEPTS), "names every concept")]:
        code, out, err = neuromem_here(capsys, *args, "--memory", tmp_path / "bad", "--fit-concepts", value)
        assert code == 2 and why in err, (value, err)
        assert err.startswith("neuromem learn: error: --fit-concepts") and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "bad").exists()
