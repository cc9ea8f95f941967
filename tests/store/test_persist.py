"""Crash safety, corruption, newer schemas and concurrent readers of saved stores."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from neuromem.store import ConceptStore, CorruptStoreError, NewerSchemaError
from neuromem.store.errors import DerivedDataWarning
from neuromem.store import persist

DIM = 8
QUERIES = np.random.default_rng(123).normal(size=(6, DIM)).astype(np.float32) * 2
COMMIT_PHASES = ("commit_pointer_write", "commit_pointer_fsync", "commit_pointer_replace", "commit_dir_fsync")


def make_store(content_seed: int) -> ConceptStore:
    """A small store whose content (and so its recall) depends on ``content_seed``."""
    rng = np.random.default_rng(content_seed)
    s = ConceptStore(DIM)
    n_concepts = 3 + content_seed % 4
    for k in range(n_concepts):
        name = f"c{k}"
        s.add_concept(name, parents=["root"] if k % 2 else (), when="2000-01-01T00:00:00+00:00")
        s.add_items(name, "picture", rng.normal(size=(6, DIM)) + 3 * rng.normal(size=DIM), [f"{name}-{i}.png"
                                                                                            for i in range(6)],
                    when="2000-01-01T00:00:00+00:00")
    s.fit_locality()
    return s


def recall_signature(store: ConceptStore) -> list:
    return [(a.concept, a.confidence, a.linked, a.neighbour_ids) for a in store.lookup(QUERIES)]


def commit(root: Path, content_seed: int) -> Path:
    store = make_store(content_seed)
    return persist.commit_generation(root, store.save, derived=("index.faiss", "index.faiss.stamp.json"),
                                     info={"content_seed": content_seed})


def load_snapshot(root: Path):
    return persist.read_snapshot(root, lambda gen, man: (gen.name, man["info"]["content_seed"],
                                                         ConceptStore.load(gen)))


# ---- kill -9 at random points ---------------------------------------------------------------
def _writer_child(root: Path, trace: Path, first_seed: int, commit_delay_s: float) -> None:
    """Forked child: commit generations forever, tracing every phase; the parent kills it with SIGKILL."""
    fd = os.open(trace, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    state = {"seed": first_seed}

    def hook(phase):
        os.write(fd, f"{state['seed']} {phase}\n".encode())
        time.sleep(commit_delay_s)

    persist.set_phase_hook(hook)
    seed = first_seed
    try:
        while True:
            state["seed"] = seed
            commit(root, seed)
            seed += 1
    finally:  # only reached on an unexpected error: never let the forked child return into pytest
        os._exit(3)


def _last_phase(trace: Path):
    lines = trace.read_text().splitlines() if trace.exists() else []
    committed = [int(ln.split()[0]) for ln in lines if ln.split()[1] == "committed"]
    replaced = [int(ln.split()[0]) for ln in lines if ln.split()[1] == "commit_pointer_replace"]
    last = lines[-1].split() if lines else None
    return last, committed, replaced


ALL_PHASES = ("write_files", "fsync_files", "rename_generation") + COMMIT_PHASES + ("committed", "cleanup", "done")


def _wait_for(trace: Path, seed: int, phase: str, timeout_s: float = 10.0) -> bool:
    line = f"{seed} {phase}\n"
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        if trace.exists() and line in trace.read_text():
            return True
        time.sleep(0.0005)
    return False


@pytest.fixture
def page_cache_dir(tmp_path):
    """A temporary folder on tmpfs (``/dev/shm``) where there is one, else ``tmp_path``.

    A killed process leaves what it wrote in the page cache, so what the kill
    test checks does not depend on an fsync reaching a disk; on tmpfs an fsync
    costs nothing and each kill point takes about a third of the time.
    """
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK | os.X_OK)):
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="neuromem-kill-test-", dir=shm))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("n_kills", [60])
def test_kill_9_at_random_points_leaves_previous_or_new_save(page_cache_dir, n_kills):
    """SIGKILL a committing process 60 times; each time the folder loads the previous or the new save, and its
    recall is identical to that save's recall.

    Kill points: a third at a uniformly random time after the writer starts (anywhere, e.g. inside SQLite's own
    writes); two thirds at a random offset inside a randomly chosen commit step (the phase hook slows every step
    by 6 ms), 60 % of those inside the commit itself (pointer write, fsync, replace, folder fsync). At least 35 %
    of all kills land inside the commit itself. The folder is on tmpfs where available (see ``page_cache_dir``)."""
    tmp_path = page_cache_dir
    root = tmp_path / "memory"
    commit(root, 0)
    current, next_seed = 0, 1
    expected = {}
    rng = np.random.default_rng(2024)
    where = {"before_commit": 0, "inside_commit": 0, "after_commit": 0}
    for kill in range(n_kills):
        trace = tmp_path / f"trace-{kill}.txt"
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            _writer_child(root, trace, next_seed, commit_delay_s=0.006)
        if kill % 3 == 0:
            time.sleep(float(rng.uniform(0.0, 0.15)))
        else:
            inside = rng.random() < 0.6
            target = str(rng.choice(COMMIT_PHASES if inside else
                                    [p for p in ALL_PHASES if p not in COMMIT_PHASES]))
            assert _wait_for(trace, next_seed, target), f"the writer never reached {target}"
            time.sleep(float(rng.uniform(0.0, 0.006)))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, "the writer died on its own"
        last, committed, replaced = _last_phase(trace)
        if last is None or last[1] in ("write_files", "fsync_files", "rename_generation"):
            where["before_commit"] += 1
        elif last[1] in COMMIT_PHASES:
            where["inside_commit"] += 1
        else:
            where["after_commit"] += 1
        gen_name, seed, store = load_snapshot(root)
        # previous or new: the newest fully committed save, or the one whose pointer replace had started
        newest_committed = max(committed, default=current)
        in_flight = max(replaced, default=None)  # the save whose pointer replace had started when killed
        assert seed == newest_committed or (seed == in_flight and seed > newest_committed), \
            (seed, newest_committed, last)
        if seed not in expected:
            expected[seed] = recall_signature(make_store(seed))
        assert recall_signature(store) == expected[seed]
        current = seed
        next_seed = (int(last[0]) if last else next_seed) + 1
    share_inside = where["inside_commit"] / n_kills
    print(f"kill points: {where}; inside the commit: {share_inside:.2f}")
    assert share_inside >= 0.35, where
    assert where["before_commit"] >= 5 and where["after_commit"] >= 1, where
    # leftovers of killed writers are cleaned by the next commit and never read
    commit(root, 10**6)
    assert not [p for p in root.iterdir() if p.name.startswith(".tmp-gen-")]
    assert len(persist.list_generations(root)) <= persist.KEEP_OLD_GENERATIONS + 1 + 1


# ---- corruption --------------------------------------------------------------------------------
def test_truncated_store_file_is_a_clear_error_and_the_previous_save_survives(tmp_path):
    root = tmp_path / "m"
    commit(root, 1)
    gen = commit(root, 2)
    db = gen / "store.sqlite"
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    with pytest.raises(CorruptStoreError, match=r"store\.sqlite is corrupt.*previous save gen-000001"):
        load_snapshot(root)
    prev = root / "gen-000001"  # nothing already saved is lost
    assert recall_signature(ConceptStore.load(prev)) == recall_signature(make_store(1))


def test_bit_flip_in_any_checksummed_file_is_detected(tmp_path):
    root = tmp_path / "m"
    gen = commit(root, 3)
    for name in ("store.sqlite", "manifest.json"):
        p = gen / name
        raw = bytearray(p.read_bytes())
        pos = len(raw) // 3
        raw[pos] ^= 0x10
        p.write_bytes(bytes(raw))
        with pytest.raises(CorruptStoreError, match="corrupt|checksum"):
            load_snapshot(root)
        raw[pos] ^= 0x10
        p.write_bytes(bytes(raw))
    assert load_snapshot(root)[1] == 3


def test_corrupt_pointer_file_is_a_clear_error(tmp_path):
    root = tmp_path / "m"
    commit(root, 1)
    (root / "CURRENT").write_text("{not json")
    with pytest.raises(CorruptStoreError, match="pointer file .*CURRENT is corrupt"):
        load_snapshot(root)


def test_a_damaged_ann_index_is_rebuilt_with_identical_answers(tmp_path):
    root = tmp_path / "m"
    gen = commit(root, 4)
    (gen / "index.faiss").write_bytes(b"garbage")
    with pytest.warns(DerivedDataWarning, match="not the one its stamp describes"):
        _, _, store = load_snapshot(root)
    assert not store.index_loaded_
    assert recall_signature(store) == recall_signature(make_store(4))
    stamp = json.loads((gen / "index.faiss.stamp.json").read_text())
    stamp["digest"] = "0" * 64  # a stamp from other items: rebuilt too
    (gen / "index.faiss.stamp.json").write_text(json.dumps(stamp))
    with pytest.warns(DerivedDataWarning, match="stamp was made for other data"):
        assert not ConceptStore.load(gen).index_loaded_


def test_an_index_holding_other_vectors_is_rebuilt_and_never_certified_by_a_save(tmp_path):
    """An index file with the right number of vectors but not the store's (replaced, with or without a stamp that
    claims the store's digest) is never used to answer, and a later save writes one that holds the items."""
    from neuromem.store import LatentIndex

    root = tmp_path / "m"
    gen = commit(root, 4)
    truth, z = recall_signature(make_store(4)), make_store(4).item_latents()
    LatentIndex(DIM).build(z[::-1].copy()).save(tmp_path / "other.faiss", make_store(4).digest())
    for names in (["index.faiss"], ["index.faiss", "index.faiss.stamp.json"]):
        for name in names:
            shutil.copyfile(tmp_path / name.replace("index", "other"), gen / name)
        with pytest.warns(DerivedDataWarning, match="does not match the store's items"):
            _, _, store = load_snapshot(root)
        assert not store.index_loaded_ and recall_signature(store) == truth
    store._index = LatentIndex(DIM).build(z[::-1].copy())  # an in-memory index that drifted from the items
    with pytest.warns(DerivedDataWarning, match="before saving it"):
        new = persist.commit_generation(root, store.save, derived=("index.faiss", "index.faiss.stamp.json"),
                                        info={"content_seed": 4})
    assert LatentIndex(DIM).load_checked(new / "index.faiss", store.digest(), z) is None
    assert ConceptStore.load(new).index_loaded_ and recall_signature(load_snapshot(root)[2]) == truth


def test_not_a_memory_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a saved memory"):
        persist.current_generation(tmp_path)


# ---- newer schema ------------------------------------------------------------------------------
def test_pointer_from_a_newer_schema_is_refused(tmp_path):
    root = tmp_path / "m"
    commit(root, 1)
    ptr = json.loads((root / "CURRENT").read_text())
    ptr["schema_version"] = persist.SCHEMA_VERSION + 1
    (root / "CURRENT").write_text(json.dumps(ptr))
    with pytest.raises(NewerSchemaError, match="schema version 2; this neuromem reads up to version 1"):
        load_snapshot(root)


def test_store_database_from_a_newer_schema_is_refused(tmp_path):
    s = make_store(1)
    s.save(tmp_path)
    con = sqlite3.connect(tmp_path / "store.sqlite")
    with con:
        con.execute("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(NewerSchemaError, match="store schema version 7"):
        ConceptStore.load(tmp_path)


def test_store_database_without_a_schema_version_is_corrupt(tmp_path):
    make_store(1).save(tmp_path)
    con = sqlite3.connect(tmp_path / "store.sqlite")
    with con:
        con.execute("DELETE FROM meta WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(CorruptStoreError, match=r"store\.sqlite has no valid store schema version \(None\)"):
        ConceptStore.load(tmp_path)


@pytest.mark.parametrize("version, error, message", [
    (1, None, None),
    (2, NewerSchemaError, "thing was written with format version 2; this neuromem reads up to version 1. Upgrade"),
    (None, CorruptStoreError, r"thing has no valid format version \(None\)"),
    ("1", CorruptStoreError, r"thing has no valid format version \('1'\)"),
])
def test_one_version_rule_for_pointer_store_and_memory(version, error, message):
    """``persist.check_version`` is the one check used by the pointer, the manifests, the store and memory.json."""
    if error is None:
        assert persist.check_version(version, newest=1, where="thing", what="format version") == 1
    else:
        with pytest.raises(error, match=message):
            persist.check_version(version, newest=1, where="thing", what="format version")


def test_garbage_database_is_a_clear_error(tmp_path):
    (tmp_path / "store.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(CorruptStoreError, match="not a readable concept store"):
        ConceptStore.load(tmp_path)


# ---- readers during writes ---------------------------------------------------------------------
def test_readers_during_commits_see_one_consistent_snapshot(tmp_path):
    """Four reader threads load the store continuously while another process commits 25 generations: every load
    succeeds and holds exactly one save (its recall equals the recall of the save its manifest names)."""
    root = tmp_path / "m"
    commit(root, 0)
    expected = {s: recall_signature(make_store(s)) for s in range(26)}
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            for s in range(1, 26):
                commit(root, s)
                time.sleep(0.01)
        finally:
            os._exit(0)
    seen, errors, stop = set(), [], threading.Event()

    def reader():
        while not stop.is_set():
            try:
                _, seed, store = load_snapshot(root)
                if recall_signature(store) != expected[seed]:
                    errors.append(f"mixed snapshot for save {seed}")
                seen.add(seed)
            except Exception as exc:  # noqa: BLE001 - every failure is a test failure
                errors.append(repr(exc))

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for t in threads:
        t.start()
    _, status = os.waitpid(pid, 0)
    stop.set()
    for t in threads:
        t.join()
    assert os.WEXITSTATUS(status) == 0
    assert not errors, errors[:3]
    assert len(seen) >= 3, seen  # the readers really overlapped several commits
    assert load_snapshot(root)[1] == 25


def test_a_save_derived_from_an_older_generation_is_refused(tmp_path):
    """Two processes load gen 1 and each add an item: the second commit is refused, the first is kept."""
    from neuromem.store import StoreError

    root = tmp_path / "m"
    base = commit(root, 1).name
    persist.commit_generation(root, make_store(2).save, info={"content_seed": 2}, expect_generation=base)
    with pytest.raises(StoreError, match="changed by another process.*nothing was saved"):
        persist.commit_generation(root, make_store(3).save, info={"content_seed": 3}, expect_generation=base)
    assert load_snapshot(root)[1] == 2
