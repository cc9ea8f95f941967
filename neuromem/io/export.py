"""``neuromem export``: turn the recording of a results folder into a field format (Neo, NWB)."""

from __future__ import annotations

from pathlib import Path

from neuromem.io.formats import FORMATS, format_module, format_names, read_recording
from neuromem.io.results import RECORDING_FILE

__all__ = ["export_results", "find_recording"]


def find_recording(results_dir) -> Path:
    """The recording file of a results folder (``<results_dir>/recording.npz``).

    Raises
    ------
    FileNotFoundError
        If the folder does not exist or holds no recording (the message
        names the per-seed sub-folders that do, when there are some).
    """
    folder = Path(results_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"no results folder {folder}")
    path = folder / RECORDING_FILE
    if path.is_file():
        return path
    nested = sorted(p.parent for p in folder.glob(f"*/{RECORDING_FILE}"))
    if nested:
        raise FileNotFoundError(f"no {RECORDING_FILE} in {folder} itself; its sub-folders have one: export one of "
                                + ", ".join(str(p) for p in nested[:5]) + (" ..." if len(nested) > 5 else ""))
    raise FileNotFoundError(f"no recording in {folder} (no {RECORDING_FILE}): run the experiment with recording "
                            "switched on, then export")


def export_results(results_dir, fmt: str, out=None) -> Path:
    """Convert the recording of ``results_dir`` to format ``fmt`` and write it atomically.

    Parameters
    ----------
    results_dir : path
        A results folder holding ``recording.npz``.
    fmt : str
        A registered format (``"neo"``, ``"nwb"``, ...; see :data:`neuromem.io.formats.FORMATS`).
    out : path, optional
        The file to write (default: ``<results_dir>/recording<suffix>``, e.g. ``recording.nwb``).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ValueError
        For an unknown format (the message lists the known ones), or ``out``
        equal to the recording itself.
    FormatUnavailable
        If the format's library is not installed (the message names ``pip install 'neuromem[<extra>]'``).
    FileNotFoundError
        If ``results_dir`` holds no recording.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; known formats: {', '.join(format_names())}")
    module = format_module(fmt)  # a missing extra is reported before any reading
    source = find_recording(results_dir)
    target = Path(out) if out is not None else source.with_suffix(FORMATS[fmt].suffix)
    if target.resolve() == source.resolve():
        raise ValueError(f"--out {target} is the recording itself; give another file name")
    module.write(read_recording(source, "npz"), target)
    return target
