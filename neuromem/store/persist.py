"""Crash-safe whole-memory commits: immutable generation folders and one pointer file.

A memory folder looks like this::

    DIR/
      CURRENT                 {"generation": "gen-000007", "manifest_sha256": "...", "schema_version": 1}
      gen-000006/             the previous save (kept for readers still using it)
      gen-000007/             the current save
        manifest.json         every file of the generation with its size and SHA-256
        store.sqlite          concept store (see neuromem.store.db)
        ...                   arrays, thumbnails, the ANN index (derived data)

A commit (:func:`commit_generation`) writes a whole new generation into a
temporary folder (``.tmp-gen-000008-<pid>``), fsyncs every file and the folder,
renames it to ``gen-000008``, fsyncs the memory folder, and only then replaces
``CURRENT`` atomically (temporary file, fsync, :func:`os.replace`, fsync of the
folder). ``os.replace`` is atomic on POSIX file systems, so at every instant
``CURRENT`` names either the previous or the new generation, and both are
complete on disk: a process killed at any point (``kill -9``) leaves the
previous save intact and readable, or the new one fully committed. Leftover
temporary folders are ignored by readers and removed by the next commit.

Readers (:func:`current_generation`) read ``CURRENT`` once and then only that
generation folder, which is never modified after its rename: a reader running
while a writer commits sees one consistent snapshot (the old or the new save,
never a mix). The two newest older generations are kept so that a reader
that has just resolved the pointer does not lose its folder; older ones are
deleted after each commit.

Files are checked against the manifest on load: a truncated or bit-flipped
file gives :class:`~neuromem.store.errors.CorruptStoreError` naming the file.
Files listed under ``"derived"`` (the ANN index) are not checksummed; they
carry their own stamp and are rebuilt when it does not match.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path

from neuromem.store.errors import CorruptStoreError, NewerSchemaError, StoreError

__all__ = ["POINTER", "SCHEMA_VERSION", "check_version", "commit_generation", "current_generation", "file_sha256",
           "fsync_dir",
           "list_generations", "read_snapshot", "set_phase_hook"]

#: Version of the on-disk layout; a reader refuses anything newer.
SCHEMA_VERSION = 1
POINTER = "CURRENT"
MANIFEST = "manifest.json"
KEEP_OLD_GENERATIONS = 2
_GEN_RE = re.compile(r"^gen-(\d{6,})$")

#: Called with a phase name at each step of a commit (fault-injection tests set it).
_phase_hook = None


def set_phase_hook(hook) -> None:
    """Install ``hook(phase: str)`` called at every commit step (``None`` removes it).

    Used by the crash tests to slow a commit down and to record which step a
    ``kill -9`` interrupted. Phases, in order: ``write_files``, ``fsync_files``,
    ``rename_generation``, ``commit_pointer_write``, ``commit_pointer_fsync``,
    ``commit_pointer_replace``, ``commit_dir_fsync``, ``committed``,
    ``cleanup``, ``done``.
    """
    global _phase_hook
    _phase_hook = hook


def _phase(name: str) -> None:
    if _phase_hook is not None:
        _phase_hook(name)


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (new / renamed files) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def list_generations(root: Path) -> list[tuple[int, Path]]:
    """Committed-or-not generation folders ``(number, path)``, oldest first."""
    root = Path(root)
    if not root.is_dir():
        return []
    out = []
    for p in root.iterdir():
        m = _GEN_RE.match(p.name)
        if m and p.is_dir():
            out.append((int(m.group(1)), p))
    return sorted(out)


def _read_pointer(root: Path) -> dict | None:
    ptr = root / POINTER
    if not ptr.exists():
        return None
    try:
        data = json.loads(ptr.read_text())
        if not isinstance(data, dict) or "generation" not in data:
            raise ValueError("no 'generation' key")
    except (ValueError, UnicodeDecodeError) as exc:
        raise CorruptStoreError(f"the pointer file {ptr} is corrupt ({exc}); the generation folders in {root} are "
                                "intact: restore CURRENT from a backup or re-run `neuromem learn`") from exc
    return data


def check_version(version, *, newest: int, where: str, what: str = "schema version") -> int:
    """Refuse saved data without a valid version number, or written by a newer neuromem.

    One rule for every versioned part of a memory: the pointer file and the
    manifests (:data:`SCHEMA_VERSION`), the concept store's database
    (``STORE_SCHEMA_VERSION``) and ``memory.json`` (``MEMORY_FORMAT_VERSION``).

    Parameters
    ----------
    version : object
        The version number as read (``None`` when the key is absent).
    newest : int
        The newest version this neuromem reads.
    where : str
        What was read, as the message names it (``"memory DIR"``, a file path).
    what : str
        Which version number it is (``"schema version"``, ``"store schema
        version"``, ``"format version"``).

    Returns
    -------
    int
        ``version``, checked.

    Raises
    ------
    CorruptStoreError
        ``version`` is missing or not an integer.
    NewerSchemaError
        ``version`` is newer than ``newest``; nothing is read or changed.
    """
    if not isinstance(version, int):
        raise CorruptStoreError(f"{where} has no valid {what} ({version!r}); it was altered after saving. Restore it "
                                "from a backup or re-run `neuromem learn`")
    if version > newest:
        raise NewerSchemaError(f"{where} was written with {what} {version}; this neuromem reads up to version "
                               f"{newest}. Upgrade neuromem to read it (nothing was changed)")
    return version


def current_generation(root: str | Path, *, verify: bool = True) -> tuple[Path, dict]:
    """Resolve the committed generation of a memory folder.

    Parameters
    ----------
    root : path
        The memory folder.
    verify : bool
        Check every non-derived file against the manifest (size and SHA-256).

    Returns
    -------
    (path, manifest) : the generation folder and its parsed manifest.

    Raises
    ------
    FileNotFoundError
        ``root`` is not a memory folder.
    CorruptStoreError
        Pointer, manifest or a file does not match what was committed.
    NewerSchemaError
        Written by a newer neuromem.
    """
    root = Path(root)
    ptr = _read_pointer(root) if root.is_dir() else None
    if ptr is None:
        raise FileNotFoundError(f"{root} is not a saved memory (no {POINTER} file); create one with "
                                f"`neuromem learn --memory {root}`")
    check_version(ptr.get("schema_version"), newest=SCHEMA_VERSION, where=f"memory {root}")
    gen = root / str(ptr["generation"])
    man_path = gen / MANIFEST
    if not man_path.is_file():
        raise CorruptStoreError(f"memory {root}: the committed generation {gen.name} has no manifest; the folder was "
                                "altered after saving. Restore it from a backup or re-run `neuromem learn`")
    raw = man_path.read_bytes()
    if hashlib.sha256(raw).hexdigest() != ptr.get("manifest_sha256"):
        raise CorruptStoreError(f"memory {root}: {man_path} does not match its checksum in {POINTER} (truncated or "
                                "modified). Restore it from a backup or re-run `neuromem learn`")
    manifest = json.loads(raw)
    check_version(manifest.get("schema_version"), newest=SCHEMA_VERSION, where=f"memory {root}")
    if verify:
        for name, info in manifest["files"].items():
            p = gen / name
            if not p.is_file():
                raise CorruptStoreError(f"memory {root}: file {p} is missing; restore the folder from a backup or "
                                        "re-run `neuromem learn`")
            if p.stat().st_size != info["size"] or file_sha256(p) != info["sha256"]:
                raise CorruptStoreError(f"memory {root}: file {p} is corrupt (size or checksum differs from the "
                                        "saved one: truncated or bit-flipped). Restore it from a backup or re-run "
                                        f"`neuromem learn`{_older_hint(root, gen)}")
    return gen, manifest


def read_snapshot(root: str | Path, reader, *, verify: bool = True, attempts: int = 3):
    """``reader(generation_folder, manifest)`` on the committed generation, retried if a commit removed it meanwhile.

    A generation is deleted only after :data:`KEEP_OLD_GENERATIONS` newer
    commits; a reader that is overtaken by that many commits while reading
    resolves the pointer again (at most ``attempts`` times).
    """
    for attempt in range(attempts):
        gen, manifest = current_generation(root, verify=verify)
        try:
            return reader(gen, manifest)
        except (FileNotFoundError, CorruptStoreError):
            if gen.is_dir() or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _older_hint(root: Path, gen: Path) -> str:
    older = [p.name for _, p in list_generations(root) if p.name < gen.name]
    if not older:
        return ""
    return (f"; the previous save {older[-1]} is still in {root}: to go back to it, replace {POINTER} with "
            f"{{\"schema_version\": {SCHEMA_VERSION}, \"generation\": \"{older[-1]}\", \"manifest_sha256\": "
            f"<sha256 of {older[-1]}/{MANIFEST}>}}")


def commit_generation(root: str | Path, write_files, *, derived: tuple[str, ...] = (), info: dict | None = None,
                      expect_generation: str | None = None) -> Path:
    """Write a new generation with ``write_files(folder)`` and commit it atomically.

    Parameters
    ----------
    root : path
        Memory folder (created if absent).
    write_files : callable
        ``write_files(tmp_folder: Path)`` writes every file of the generation.
    derived : tuple of str
        File names that are derived data (not checksummed; rebuilt by readers).
    info : dict, optional
        Extra JSON data stored in the manifest.
    expect_generation : str, optional
        The generation the new one was derived from (e.g. a loaded memory with
        one item added). If another writer committed meanwhile, the commit is
        refused instead of silently dropping that writer's change.

    Returns
    -------
    Path of the committed generation folder.
    """
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise StoreError(f"{root} exists and is not a folder; choose another --memory path")
    root.mkdir(parents=True, exist_ok=True)
    if any(not p.name.startswith(".") for p in root.iterdir()) and not (root / POINTER).exists() \
            and not list_generations(root):
        raise StoreError(f"{root} is a non-empty folder that is not a memory; choose an empty or new folder")
    with _writer_lock(root):
        if expect_generation is not None:
            ptr = _read_pointer(root)
            now = ptr.get("generation") if ptr else None
            if now != expect_generation:
                raise StoreError(f"memory {root} was changed by another process since it was loaded (it was "
                                 f"{expect_generation}, now {now}); nothing was saved. Load it again and repeat")
        return _commit_locked(root, write_files, derived=derived, info=info)


class _writer_lock:
    """Exclusive ``flock`` on ``DIR/.writer.lock``: one writer at a time (released by the kernel on ``kill -9``)."""

    def __init__(self, root: Path):
        self.path = root / ".writer.lock"

    def __enter__(self):
        import fcntl

        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        import fcntl

        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)


def _commit_locked(root: Path, write_files, *, derived, info) -> Path:
    gens = list_generations(root)
    number = (gens[-1][0] + 1) if gens else 1
    name = f"gen-{number:06d}"
    tmp = root / f".tmp-{name}-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        _phase("write_files")
        write_files(tmp)
        _phase("fsync_files")
        files = {}
        for p in sorted(tmp.iterdir()):
            if p.name == MANIFEST or not p.is_file():
                continue
            with open(p, "rb") as fh:
                os.fsync(fh.fileno())
            if p.name not in derived:
                files[p.name] = {"size": p.stat().st_size, "sha256": file_sha256(p)}
        manifest = {"schema_version": SCHEMA_VERSION, "generation": name, "files": files,
                    "derived": sorted(d for d in derived if (tmp / d).exists()), "info": info or {}}
        raw = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
        with open(tmp / MANIFEST, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o777 & ~_umask())
        fsync_dir(tmp)
        _phase("rename_generation")
        os.rename(tmp, root / name)
        fsync_dir(root)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    # ---- the commit itself: atomically replace the pointer -------------------------------
    pointer = {"schema_version": SCHEMA_VERSION, "generation": name,
               "manifest_sha256": hashlib.sha256(raw).hexdigest()}
    ptr_tmp = root / f".{POINTER}.{os.getpid()}.part"
    _phase("commit_pointer_write")
    with open(ptr_tmp, "wb") as fh:
        fh.write((json.dumps(pointer) + "\n").encode())
        fh.flush()
        _phase("commit_pointer_fsync")
        os.fsync(fh.fileno())
    os.chmod(ptr_tmp, 0o666 & ~_umask())
    _phase("commit_pointer_replace")
    os.replace(ptr_tmp, root / POINTER)
    _phase("commit_dir_fsync")
    fsync_dir(root)
    _phase("committed")
    # ---- clean-up: never touches the current generation or the ones kept for readers ------
    _phase("cleanup")
    _cleanup(root, keep=name)
    _phase("done")
    return root / name


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _cleanup(root: Path, *, keep: str) -> None:
    gens = [p for _, p in list_generations(root)]
    current = root / keep
    older = [p for p in gens if p.name < keep]
    for p in older[:-KEEP_OLD_GENERATIONS] if KEEP_OLD_GENERATIONS else older:
        shutil.rmtree(p, ignore_errors=True)
    for p in gens:  # generations renamed but never committed (a writer died before the pointer)
        if p.name > current.name:
            shutil.rmtree(p, ignore_errors=True)
    for p in root.iterdir():
        if p.name.startswith(".tmp-gen-") or (p.name.startswith(f".{POINTER}.") and p.name.endswith(".part")):
            try:
                pid = int(p.name.split("-")[-1] if p.name.startswith(".tmp-gen-") else p.name.split(".")[2])
            except (ValueError, IndexError):
                pid = -1
            if pid != os.getpid() and not _pid_alive(pid):
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)
