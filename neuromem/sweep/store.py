"""A sweep's files: one atomic JSON per finished cell (the cell cache) and the tidy table built from them.

``DIR/cells/<key>.json`` is written once a cell has finished (atomically:
an interrupted sweep leaves finished cells whole and nothing half written);
its key is a digest of the experiment, the cell's complete config (seed
included) and the data it ran on, so a cell already on disk is never
recomputed, whichever sweep asked for it. A failed cell leaves
``DIR/cells/<key>.error.json`` (its error), which a later sweep retries.

``DIR/sweep.parquet`` is the tidy table (Apache Parquet through pyarrow,
the format pandas, Dask and R read directly): one row per cell and metric,
columns ``experiment, cell, <grid keys...>, seed, metric, value, wall_s``;
grid values are JSON text (a grid may mix types), metrics are the numeric
scalars of the experiment's metrics, nested names joined with ``.``
(wall-clock timings only in ``wall_s``, the cell's run time).
``DIR/sweep.csv`` holds the same rows for a spreadsheet.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from pathlib import Path

from neuromem._hashing import json_digest
from neuromem._io import atomic_write_bytes, atomic_write_json
from neuromem.io.strict_json import strict_json_text

__all__ = ["cell_key", "cell_path", "read_cell", "write_cell", "write_error", "flatten_metrics", "table_rows",
           "write_table", "read_table", "TABLE_FILE", "CSV_FILE", "TIMING_COLUMNS"]

TABLE_FILE = "sweep.parquet"
#: the same rows as CSV (floats written with ``repr``, so they read back exactly)
CSV_FILE = "sweep.csv"
#: columns that hold wall-clock times (they differ between runs of the same cell)
TIMING_COLUMNS = ("wall_s",)
_SKIPPED = ("timings_s", "figures")


def _config_dict(config) -> dict:
    return config.to_dict() if hasattr(config, "to_dict") else dataclasses.asdict(config)


def cell_key(experiment: str, config, data_key: str) -> str:
    """Digest (24 hex digits) of the experiment, the cell's config and the data it runs on."""
    return json_digest({"experiment": experiment, "config": _config_dict(config), "data": data_key}, length=24)


def cell_path(out: Path, key: str, *, error: bool = False) -> Path:
    return Path(out) / "cells" / (f"{key}.error.json" if error else f"{key}.json")


def read_cell(out: Path, key: str) -> dict | None:
    """The finished cell's record, or None (not run, or unreadable)."""
    p = cell_path(out, key)
    try:
        return json.loads(p.read_text())
    except (OSError, json.JSONDecodeError):
        return None


def write_cell(out: Path, key: str, record: dict) -> Path:
    """Write a finished cell atomically and drop an earlier error of it."""
    path = atomic_write_bytes(cell_path(out, key), strict_json_text(record).encode())
    cell_path(out, key, error=True).unlink(missing_ok=True)
    return path


def write_error(out: Path, key: str, record: dict) -> Path:
    return atomic_write_json(cell_path(out, key, error=True), record)


def flatten_metrics(metrics: dict, prefix: str = "") -> dict:
    """The finite numeric scalars of ``metrics`` (bools as 0 / 1), nested keys joined with ``.``; timings left out.

    A non-finite value (NaN: undefined on that cell) is missing, not a row: the
    cell files and the table stay strict JSON / free of NaN.
    """
    out = {}
    for k, v in metrics.items():
        name = f"{prefix}{k}"
        if not prefix and k in _SKIPPED:
            continue
        if isinstance(v, dict):
            out.update(flatten_metrics(v, name + "."))
        elif isinstance(v, bool):
            out[name] = float(v)
        elif isinstance(v, (int, float)) and math.isfinite(v):
            out[name] = float(v)
    return out


def table_rows(records, grid_keys) -> list[dict]:
    """Tidy rows (one per cell and metric) of finished cell records, in the records' order."""
    rows = []
    for rec in records:
        for metric, value in sorted(rec["metrics"].items()):
            rows.append({"experiment": rec["experiment"], "cell": rec["key"],
                         **{k: json.dumps(rec["params"][k]) for k in grid_keys}, "seed": rec["seed"],
                         "metric": metric, "value": value, "wall_s": rec["wall_s"]})
    return rows


def write_table(out: Path, rows, grid_keys) -> Path:
    """``DIR/sweep.parquet`` and ``DIR/sweep.csv`` (each atomically); returns the Parquet path."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = ["experiment", "cell", *grid_keys, "seed", "metric", "value", "wall_s"]
    types = {"seed": pa.int64(), "value": pa.float64(), "wall_s": pa.float64()}
    table = pa.table({c: pa.array([r[c] for r in rows], type=types.get(c, pa.string())) for c in cols})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: (repr(v) if isinstance(v, float) and math.isfinite(v) else v) for k, v in r.items()})
    atomic_write_bytes(Path(out) / CSV_FILE, buf.getvalue().encode())
    return atomic_write_bytes(Path(out) / TABLE_FILE, sink.getvalue().to_pybytes())


def read_table(path) -> list[dict]:
    """Rows of a ``sweep.parquet`` (or ``sweep.csv``): ``seed`` int, ``value`` and ``wall_s`` float, grid values decoded.

    Raises
    ------
    FileNotFoundError
        When the file does not exist.
    """
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(path).to_pylist()
    else:
        with open(path, newline="") as fh:
            rows = list(csv.DictReader(fh))
    fixed = {"experiment", "cell", "seed", "metric", "value", "wall_s"}
    for r in rows:
        r["seed"], r["value"], r["wall_s"] = int(r["seed"]), float(r["value"]), float(r["wall_s"])
        for k in set(r) - fixed:
            r[k] = json.loads(r[k])
    return rows
