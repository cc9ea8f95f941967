"""The concept-cells results: metrics only (strict JSON through the io ``Results`` base)."""

from __future__ import annotations

from dataclasses import dataclass

from neuromem.io import METRICS_FILE, Results
from neuromem.viz.concept_cells import FILES as FIGURE_FILES

__all__ = ["ConceptCellsResults", "FIGURE_FILES", "METRICS_FILE"]


@dataclass(frozen=True, kw_only=True)
class ConceptCellsResults(Results):
    """The metrics of a concept-cells run (see :mod:`neuromem.experiments.concept_cells`)."""

    SCHEMA_NAME = "neuromem.concept-cells"
    SCHEMA_VERSION = 1
