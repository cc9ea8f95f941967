"""Recording formats: one table, each format a module imported only when used.

A format module defines ``write(recording, path)`` (write the file
atomically, e.g. through :func:`write_atomically`) and ``read(path) ->
Recording``. Adding a format is that module plus one line in
:data:`FORMATS` (or one :func:`register_format` call); ``neuromem export``
and :func:`write_recording` / :func:`read_recording` then know it.
"""

from __future__ import annotations

import importlib
import importlib.util
import tempfile
from pathlib import Path
from typing import Callable, NamedTuple

from neuromem._io import atomic_write_bytes

__all__ = ["FORMATS", "FormatEntry", "FormatUnavailable", "format_for_path", "format_module", "format_names",
           "format_status", "read_recording", "register_format", "write_atomically", "write_recording"]


class FormatUnavailable(ImportError):
    """A format whose library is not installed (the message names the ``pip install`` that adds it)."""


class FormatEntry(NamedTuple):
    """One registered format.

    Parameters
    ----------
    module : str
        Module defining ``write(recording, path)`` and ``read(path)``; imported when used.
    suffix : str
        File suffix of the format (``".nwb"``).
    requires : tuple of str
        Top-level packages the module needs (checked without importing them).
    extra : str or None
        The ``neuromem[...]`` extra that installs them (None: part of the base install).
    description : str
        One line for ``neuromem export --help``.
    """

    module: str
    suffix: str
    requires: tuple = ()
    extra: str | None = None
    description: str = ""


#: name -> entry; the one place formats are registered.
FORMATS: dict[str, FormatEntry] = {
    "npz": FormatEntry("neuromem.io.formats.npz", ".npz", (), None, "neuromem's own numpy file (the default)"),
    "neo": FormatEntry("neuromem.io.formats.neo_nix", ".nix", ("neo", "quantities", "nixio"), "neo",
                       "a Neo Block in a NIX file (Neo's native format; Elephant runs on it)"),
    "nwb": FormatEntry("neuromem.io.formats.nwb", ".nwb", ("pynwb", "hdmf"), "nwb",
                       "Neurodata Without Borders 2 (pynwb): Units, TimeSeries, trials"),
}


def register_format(name: str, module: str, *, suffix: str, requires: tuple[str, ...] = (),
                    extra: str | None = None, description: str = "") -> None:
    """Register (or replace) a format at run time (see :class:`FormatEntry`)."""
    if not (isinstance(suffix, str) and suffix.startswith(".") and len(suffix) > 1):
        raise ValueError(f"suffix={suffix!r} must start with '.' (e.g. '.nwb')")
    FORMATS[str(name)] = FormatEntry(str(module), suffix, tuple(requires), extra, description)


def format_names() -> list[str]:
    """Names of every registered format (installed or not)."""
    return sorted(FORMATS)


def _missing(requires) -> list[str]:
    return [r for r in requires if importlib.util.find_spec(r) is None]


def format_status() -> dict[str, str]:
    """``{name: "ok" | "missing <packages>"}`` for every registered format."""
    return {n: "ok" if not (m := _missing(e.requires)) else "missing " + ", ".join(m)
            for n, e in sorted(FORMATS.items())}


def format_module(name: str):
    """The module of format ``name`` (imports its library).

    Raises
    ------
    ValueError
        For an unregistered name (the message lists the known ones).
    FormatUnavailable
        When a package the format needs is not installed (the message names the extra that installs it).
    """
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}; known formats: {', '.join(format_names())}")
    e = FORMATS[name]
    miss = _missing(e.requires)
    if miss:
        hint = f"pip install 'neuromem[{e.extra}]'" if e.extra else f"pip install {' '.join(miss)}"
        raise FormatUnavailable(f"format {name!r} needs {', '.join(miss)}, which is not installed; "
                                f"install it with: {hint}")
    return importlib.import_module(e.module)


def format_for_path(path) -> str:
    """The format whose suffix ``path`` has.

    Raises
    ------
    ValueError
        If no registered format has that suffix.
    """
    suffix = Path(path).suffix
    for name, e in sorted(FORMATS.items()):
        if e.suffix == suffix:
            return name
    raise ValueError(f"no format writes {suffix or 'files without a suffix'!r} files ({path}); known: "
                     + ", ".join(f"{n} ({e.suffix})" for n, e in sorted(FORMATS.items())))


def write_recording(recording, path, fmt: str | None = None) -> Path:
    """Write ``recording`` to ``path`` in format ``fmt`` (default: from the suffix); returns the path."""
    path = Path(path)
    format_module(fmt or format_for_path(path)).write(recording, path)
    return path


def read_recording(path, fmt: str | None = None):
    """Read a recording written in format ``fmt`` (default: from the suffix) back into a Recording.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no file {path}")
    return format_module(fmt or format_for_path(path)).read(path)


def write_atomically(path, write: Callable[[Path], None], *, suffix: str = "") -> Path:
    """Run ``write(tmp_path)`` (for a library that writes by file name) and put the file at ``path`` atomically.

    ``tmp_path`` is a fresh file name in a temporary folder ending in
    ``suffix`` (for libraries that expect their own suffix).
    """
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="neuromem-write-") as tmp:
        part = Path(tmp) / f"recording{suffix}"
        write(part)
        return atomic_write_bytes(path, part.read_bytes())
