"""The concept-association results: metrics only (strict JSON through the io ``Results`` base)."""

from __future__ import annotations

from dataclasses import dataclass

from neuromem.io import METRICS_FILE, Results
from neuromem.viz.concept_association import FILES as FIGURE_FILES

__all__ = ["AssociationResults", "FIGURE_FILES", "METRICS_FILE"]


@dataclass(frozen=True, kw_only=True)
class AssociationResults(Results):
    """The metrics of a concept-association run (see :mod:`neuromem.experiments.concept_association`)."""

    SCHEMA_NAME = "neuromem.concept-association"
    SCHEMA_VERSION = 1
