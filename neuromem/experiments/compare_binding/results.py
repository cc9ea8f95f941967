"""The files of one comparison: ``results.csv`` (tidy rows), ``metrics.json`` (summary + ``_meta``), their schema.

``results.csv`` has one row per measurement with the columns
:data:`COLUMNS`; ``value`` is a number except for the ``presentations_hash``
metric (a hex string). ``metrics.json`` holds the mean and ``_ci95`` per key
(see :mod:`neuromem.experiments.compare_binding.statistics`) and ``_meta``
(dataset, binders and what they declare, grid, seeds, concept splits, binder
options, figures, and ``schema``: :data:`SCHEMA`). ``metrics.json`` is
written through the results base (:class:`CompareBindingMetrics`, see
:mod:`neuromem.io.results`): strict JSON, a missing value (the interval of
one seed, a capacity not representable) ``null`` with its reason under
``_missing``, the schema stamped in. Both files are written atomically.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from neuromem._io import atomic_write_bytes
from neuromem.io import Results
from neuromem.io.results import METRICS_FILE

__all__ = ["COLUMNS", "SCHEMA", "CellLabels", "CompareBindingMetrics", "read_rows", "read_metrics", "results_exist",
           "write_rows", "write_metrics"]

COLUMNS = ("dataset", "binder", "engine", "experiment", "condition", "phase", "k", "n_units", "n_concepts", "seed",
           "metric", "value")
#: Name and version of the file layout (``_meta.schema`` of ``metrics.json``).
SCHEMA = {"name": "compare-binding", "version": 1}
_INT_COLUMNS = ("k", "n_units", "n_concepts", "seed")


@dataclass(frozen=True, kw_only=True)
class CellLabels:
    """What every row of one cell shares (the columns other than experiment, phase, metric and value)."""

    dataset: str
    binder: str
    engine: str = ""
    condition: str
    k: int
    n_units: int
    n_concepts: int
    seed: int

    def row(self, experiment: str, phase: str, metric: str, value) -> dict:
        """One tidy row (keys :data:`COLUMNS`)."""
        return {"dataset": self.dataset, "binder": self.binder, "engine": self.engine, "experiment": experiment,
                "condition": self.condition, "phase": phase, "k": self.k, "n_units": self.n_units,
                "n_concepts": self.n_concepts, "seed": self.seed, "metric": metric, "value": value}

    def rows(self, experiment: str, phase: str, values: dict) -> list[dict]:
        """One row per ``metric: value`` of ``values``."""
        return [self.row(experiment, phase, m, v) for m, v in values.items()]


def write_rows(path, rows) -> Path:
    """Write ``rows`` (dicts with keys :data:`COLUMNS`) as ``results.csv``, atomically."""
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=COLUMNS)
    w.writeheader()
    for r in rows:
        w.writerow(r)
    return atomic_write_bytes(path, buf.getvalue().encode())


def _value(text: str):
    try:
        return float(text)
    except ValueError:
        return text


def read_rows(path) -> list[dict]:
    """The rows of a ``results.csv`` with numbers as numbers (``value`` a float except for hashes).

    Raises
    ------
    ValueError
        If the header is not :data:`COLUMNS`.
    """
    with open(path, newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path} is not a compare-binding results.csv: its columns are {reader.fieldnames}, "
                             f"expected {list(COLUMNS)}")
        rows = list(reader)
    for r in rows:
        for c in _INT_COLUMNS:
            r[c] = int(r[c])
        r["value"] = _value(r["value"])
    return rows


@dataclass(frozen=True, kw_only=True)
class CompareBindingMetrics(Results):
    """A comparison's ``metrics.json`` on the results base (the rows stay in ``results.csv``)."""

    SCHEMA_NAME = "neuromem.compare-binding"
    SCHEMA_VERSION = 1
    CONVERTERS = {0: lambda metrics, arrays: (metrics, arrays)}  # version 0: the same keys, unstamped


def _metrics_folder(path) -> Path:
    path = Path(path)
    if path.name != METRICS_FILE:
        raise ValueError(f"the comparison's metrics file is named {METRICS_FILE}; got {path}")
    return path.parent


def write_metrics(path, metrics: dict) -> Path:
    """Write ``metrics.json`` (the summary and ``_meta``, with :data:`SCHEMA`) as strict JSON, atomically."""
    metrics.setdefault("_meta", {})["schema"] = dict(SCHEMA)
    return CompareBindingMetrics(metrics=metrics).save(_metrics_folder(path))["metrics"]


def read_metrics(path) -> dict:
    """``metrics.json`` of a comparison (a ``null`` with a reason comes back as NaN, as it was written).

    A folder written before binders declared their traits gets them from the
    registry (a renamed binder's from its current name; an unknown binder none).
    """
    metrics = dict(CompareBindingMetrics.load(_metrics_folder(path)).metrics)
    meta = metrics.setdefault("_meta", {})
    if "binder_traits" not in meta:
        meta["binder_traits"] = _registered_traits(meta.get("binders", []))
    return metrics


def _registered_traits(names) -> dict:
    import warnings

    from neuromem.binding import ALIASES, BINDERS, binder_traits

    out = {}
    for b in names:
        if b in BINDERS or b in ALIASES:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                out[b] = binder_traits(b).to_dict()
    return out


def results_exist(folder) -> bool:
    """Whether ``folder`` holds a comparison's ``results.csv`` (by its header) and ``metrics.json``."""
    folder = Path(folder)
    csv_path = folder / "results.csv"
    if not (csv_path.is_file() and (folder / "metrics.json").is_file()):
        return False
    with open(csv_path, newline="") as fh:
        return tuple(next(csv.reader(fh), ())) == COLUMNS
