"""The novelty-gate results: seed means with 95 % t-intervals, per-seed metrics, per-picture scores."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from neuromem.io import Results
from neuromem.io.results import METRICS_FILE

__all__ = ["FIGURE_FILE", "METRICS_FILE", "NoveltyResults"]

FIGURE_FILE = "novelty_match_error.png"


@dataclass(frozen=True, kw_only=True)
class NoveltyResults(Results):
    """Metrics (``metrics.json``) and per-picture arrays of ``neuromem run novelty-gate``.

    Parameters
    ----------
    metrics : dict
        :data:`~neuromem.experiments.novelty_gate.run.PER_SEED_KEYS` as seed means with ``_ci95``,
        ``per_seed``, ``seeds`` and the options.
    arrays : dict
        ``{"<seed>/match_error": ..., "<seed>/response": ..., "<seed>/known": ..., "<seed>/calibration": ...}``.
    """

    SCHEMA_NAME = "neuromem.novelty-gate"
    SCHEMA_VERSION = 1
    arrays: dict = field(default_factory=dict)

    def arrays_to_save(self) -> dict:
        return dict(self.arrays)

    @classmethod
    def from_saved(cls, *, metrics, arrays, recording):
        return cls(metrics=metrics, arrays=dict(arrays or {}), recording=recording)

    @staticmethod
    def exist(folder) -> bool:
        """Whether ``folder`` holds novelty-gate results."""
        p = Path(folder) / METRICS_FILE
        if not p.is_file():
            return False
        try:
            return "novelty_auc_combined" in json.loads(p.read_text())
        except (OSError, ValueError):
            return False

    @classmethod
    def load(cls, folder) -> "NoveltyResults":
        """Read a folder written by :meth:`save`.

        Raises
        ------
        FileNotFoundError
            If ``folder`` holds no novelty-gate ``metrics.json``.
        """
        if not cls.exist(folder):
            raise FileNotFoundError(f"no novelty-gate {METRICS_FILE} in {folder}; run `neuromem run novelty-gate "
                                    f"--out {folder}`")
        return super().load(folder)
