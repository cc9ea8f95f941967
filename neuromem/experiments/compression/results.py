"""The compression study's results: ``metrics.json`` through the results base (strict JSON, schema stamped)."""

from __future__ import annotations

import json
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

    @staticmethod
    def exist(folder) -> bool:
        """Whether ``folder`` holds compression results (its schema stamped in ``metrics.json``)."""
        p = Path(folder) / METRICS_FILE
        try:
            return p.is_file() and json.loads(p.read_text()).get("_schema", {}).get("name") == "neuromem.compression"
        except (OSError, ValueError, AttributeError):
            return False
