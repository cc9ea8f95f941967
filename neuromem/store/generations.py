"""Reading saved memories: the committed generation of a memory folder, checked against its manifest.

The on-disk layout and the commit protocol are described in
:mod:`neuromem.store.persist`; this module holds what readers need: resolve
the pointer file, check the manifest and every checksummed file
(:func:`current_generation`), read one consistent snapshot even while a
writer commits (:func:`read_snapshot`), and the one version rule for every
versioned part of a memory (:func:`check_version`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from neuromem.store.errors import CorruptStoreError, NewerSchemaError

__all__ = ["MANIFEST", "POINTER", "SCHEMA_VERSION", "check_version", "current_generation", "file_sha256", "fsync_dir",
           "list_generations", "read_pointer", "read_snapshot"]

#: Version of the on-disk layout; a reader refuses anything newer.
SCHEMA_VERSION = 1
POINTER = "CURRENT"
MANIFEST = "manifest.json"
KEEP_OLD_GENERATIONS = 2
_GEN_RE = re.compile(r"^gen-(\d{6,})$")


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


def read_pointer(root: Path) -> dict | None:
    """The parsed pointer file of ``root`` (None when there is none).

    Raises
    ------
    CorruptStoreError
        The pointer file is not the JSON object a commit writes.
    """
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
    ptr = read_pointer(root) if root.is_dir() else None
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
