"""Crash-safe whole-memory commits: immutable generation folders and one pointer file.

A memory folder looks like this::

    DIR/
      CURRENT                 {"generation": "gen-000007", "manifest_sha256": "...", "schema_version": 1}
      gen-000006/             the previous save (kept for readers still using it)
      gen-000007/             the current save
        manifest.json         every file of the generation with its size and SHA-256
        store.sqlite          concept store (see neuromem.store.concepts)
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

A commit that fails (an ``OSError``: a full disk, a read-only mount) or is
interrupted (Ctrl-C) before the pointer is replaced removes what it wrote
and leaves ``CURRENT`` as it was; a failure is raised as
:class:`~neuromem.store.errors.StoreError` naming the folder, the error and
the fix, and a first commit removes the memory folder it created.
:func:`check_writable` finds a read-only or unusable target before any work.

Reading (:mod:`neuromem.store.generations`, re-exported here): files are
checked against the manifest on load: a truncated or bit-flipped
file gives :class:`~neuromem.store.errors.CorruptStoreError` naming the file.
Files listed under ``"derived"`` (the ANN index) are not checksummed; they
are checked against the data they derive from before use, and rebuilt when
they do not match it (:mod:`neuromem.store.index`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from neuromem.store.errors import StoreError
from neuromem.store.generations import (
    KEEP_OLD_GENERATIONS,
    MANIFEST,
    POINTER,
    SCHEMA_VERSION,
    check_version,
    current_generation,
    file_sha256,
    fsync_dir,
    list_generations,
    read_pointer,
    read_snapshot,
)

__all__ = ["POINTER", "SCHEMA_VERSION", "check_version", "check_writable", "commit_generation", "current_generation",
           "file_sha256", "fsync_dir", "list_generations", "read_snapshot", "set_phase_hook"]

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
    created = _missing_parents(root)
    try:
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"memory folder {root} cannot be created ({_reason(exc)}); choose a writable "
                             "--memory path") from exc
        if any(not p.name.startswith(".") for p in root.iterdir()) and not (root / POINTER).exists() \
                and not list_generations(root):
            raise StoreError(f"{root} is a non-empty folder that is not a memory; choose an empty or new folder")
        with _writer_lock(root):
            if expect_generation is not None:
                ptr = read_pointer(root)
                now = ptr.get("generation") if ptr else None
                if now != expect_generation:
                    raise StoreError(f"memory {root} was changed by another process since it was loaded (it was "
                                     f"{expect_generation}, now {now}); nothing was saved. Load it again and repeat")
            before = (read_pointer(root) or {}).get("generation")
            try:
                return _commit_locked(root, write_files, derived=derived, info=info)
            except OSError as exc:
                now = (read_pointer(root) or {}).get("generation")
                if now != before:
                    raise StoreError(f"memory {root} was saved as {now}, but a later step failed ({_reason(exc)}); "
                                     f"{_fix(exc)}") from exc
                raise StoreError(f"saving memory {root} failed ({_reason(exc)}); nothing was changed"
                                 + (f": the previous save {before} is intact" if before else "")
                                 + f". {_fix(exc)}") from exc
    except BaseException:  # a failed first save (or Ctrl-C) leaves no folder behind that it created
        for folder in created:
            _remove_if_only_lock(folder)
        raise


def _reason(exc: OSError) -> str:
    return f"{exc.strerror or exc}" + (f", errno {exc.errno}" if exc.errno else "")


def _fix(exc: OSError) -> str:
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "Free some disk space and run the command again"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "The folder is read-only: copy the memory to a writable folder and use that"
    return "Check the disk and run the command again"


def _missing_parents(root: Path) -> list[Path]:
    """``root`` and its ancestors that do not exist yet, deepest first (created by a commit)."""
    out, p = [], root.absolute()
    while not p.exists() and p != p.parent:
        out.append(p)
        p = p.parent
    return out


def _remove_if_only_lock(folder: Path) -> None:
    try:
        left = [p for p in folder.iterdir() if p.name != ".writer.lock"]
        if not left:
            (folder / ".writer.lock").unlink(missing_ok=True)
            folder.rmdir()
    except OSError:
        pass


def check_writable(root: str | Path) -> None:
    """Raise :class:`StoreError` now, before any work, if a commit into ``root`` could not be written.

    ``root`` is an existing memory folder (its lock file and a new generation
    must be creatable there) or a new path (its nearest existing parent must
    be writable). Nothing is created.
    """
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise StoreError(f"{root} exists and is not a folder; choose another --memory path")
    p = root.absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    if not p.is_dir():
        raise StoreError(f"memory folder {root} cannot be created: {p} is not a folder; choose another --memory path")
    lock = root / ".writer.lock"
    if not os.access(p, os.W_OK | os.X_OK) or (lock.exists() and not os.access(lock, os.W_OK)):
        raise StoreError(f"memory folder {root} is not writable (read-only file system or no permission on {p}); "
                         "copy the memory to a writable folder and use that, or choose another --memory path")
    if root.is_dir():  # read-only mounts are writable by permission bits: try the lock file itself
        try:
            os.close(os.open(lock, os.O_RDWR | os.O_CREAT, 0o666))
        except OSError as exc:
            raise StoreError(f"memory folder {root} is not writable ({_reason(exc)}); copy the memory to a "
                             "writable folder and use that") from exc


class _writer_lock:
    """Exclusive ``flock`` on ``DIR/.writer.lock``: one writer at a time (released by the kernel on ``kill -9``)."""

    def __init__(self, root: Path):
        self.path = root / ".writer.lock"

    def __enter__(self):
        import fcntl

        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise StoreError(f"memory folder {self.path.parent} is not writable ({_reason(exc)}: cannot open "
                             f"{self.path.name}); {_fix(exc).lower()[0] + _fix(exc)[1:]}") from exc
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
    try:
        _phase("commit_pointer_write")
        with open(ptr_tmp, "wb") as fh:
            fh.write((json.dumps(pointer) + "\n").encode())
            fh.flush()
            _phase("commit_pointer_fsync")
            os.fsync(fh.fileno())
        os.chmod(ptr_tmp, 0o666 & ~_umask())
        _phase("commit_pointer_replace")
        os.replace(ptr_tmp, root / POINTER)
    except BaseException:  # not committed: the new generation is removed (readers never saw it)
        ptr_tmp.unlink(missing_ok=True)
        try:
            committed = (read_pointer(root) or {}).get("generation") == name
        except Exception:  # unsure what CURRENT names: keep the generation
            committed = True
        if not committed:
            shutil.rmtree(root / name, ignore_errors=True)
        raise
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
