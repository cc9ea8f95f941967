"""The compression study's results: ``metrics.json`` through the results base (strict JSON, schema stamped)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from neuromem.io import Results
from neuromem.io.results import METRICS_FILE

__all__ = ["CompressionResults", "FIGURE_FILE", "METRICS_FILE"]

FIGURE_FILE = "compression.png"


@dataclass(frozen=True, kw_only=True)
class CompressionResults(Results):
    """The metrics of a compression run (see :mod:`neuromem.experiments.compression`)."""

    SCHEMA_NAME = "neuromem.compression"
    SCHEMA_VERSION = 1
    CONVERTERS = {}

    def save(self, out_dir) -> Path:
        """Write ``metrics.json`` into ``out_dir`` (atomically, strict JSON); returns its path."""
        return super().save(out_dir)["metrics"]

