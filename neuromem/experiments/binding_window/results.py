"""The binding-window results: the metrics of every offset and seed; ``save`` / ``load`` own the file schema."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from neuromem._io import atomic_write_json

__all__ = ["BindingWindowResults", "FIGURE_FILE", "METRICS_FILE"]

METRICS_FILE = "metrics.json"
FIGURE_FILE = "binding_window.png"


@dataclass(frozen=True)
class BindingWindowResults:
    """The metrics of a binding-window run (see :mod:`neuromem.experiments.binding_window`).

    Parameters
    ----------
    metrics : dict
        ``onset_asynchrony_ms`` and, per offset, the seed means with their
        ``_ci95`` half-widths; ``per_seed``; ``binding_half_width_ms``; ``config``.
    """

    metrics: dict

    def save(self, out_dir) -> Path:
        """Write ``metrics.json`` into ``out_dir`` (atomically); returns its path."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        return atomic_write_json(out / METRICS_FILE, self.metrics)

    @staticmethod
    def exist(folder) -> bool:
        """Whether ``folder`` holds binding-window results."""
        p = Path(folder) / METRICS_FILE
        if not p.is_file():
            return False
        try:
            return "onset_asynchrony_ms" in json.loads(p.read_text())
        except (OSError, ValueError):
            return False

    @classmethod
    def load(cls, folder) -> "BindingWindowResults":
        """Read a folder written by :meth:`save`.

        Raises
        ------
        FileNotFoundError
            If ``folder`` holds no binding-window ``metrics.json``.
        """
        if not cls.exist(folder):
            raise FileNotFoundError(f"no binding-window {METRICS_FILE} in {folder}; run `neuromem run binding-window "
                                    f"--out {folder}`")
        return cls(metrics=json.loads((Path(folder) / METRICS_FILE).read_text()))
