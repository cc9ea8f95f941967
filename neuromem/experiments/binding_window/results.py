"""The binding-window results: the metrics of every offset and seed, on the results base (:mod:`neuromem.io.results`).

``metrics.json`` is strict JSON with the schema ``neuromem.binding-window``
stamped in; a missing value (a 95 % interval of one seed) is ``null`` with
its reason under ``_missing``. Folders written before the schema was stamped
(version 0, bare ``NaN``) still load.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from neuromem.io import Results
from neuromem.io.results import METRICS_FILE

__all__ = ["BindingWindowResults", "FIGURE_FILE", "METRICS_FILE"]

FIGURE_FILE = "binding_window.png"


@dataclass(frozen=True, kw_only=True)
class BindingWindowResults(Results):
    """The metrics of a binding-window run (see :mod:`neuromem.experiments.binding_window`).

    Parameters
    ----------
    metrics : dict
        ``onset_asynchrony_ms`` and, per offset, the seed means with their
        ``_ci95`` half-widths; ``per_seed``; ``binding_half_width_ms``; ``config``.
    """

    SCHEMA_NAME = "neuromem.binding-window"
    SCHEMA_VERSION = 1
    CONVERTERS = {0: lambda metrics, arrays: (metrics, arrays)}  # version 0: the same keys, unstamped

    def save(self, out_dir) -> Path:
        """Write ``metrics.json`` into ``out_dir`` (atomically, strict JSON); returns its path."""
        return super().save(out_dir)["metrics"]

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
        return super().load(folder)
