"""The figure set's ``metrics.json``: one section per job, per-seed runs summarised over seeds.

A job that ran one unit per seed gets a section in the experiments' own
multi-seed convention: every number the seeds share is the mean over seeds
with its 95 % t-interval half-width under ``<key>_ci95``
(:func:`neuromem.analysis.statistics.t_ci95`), lists of equal length are
averaged element by element, anything else is the first seed's, and each
seed's own metrics stay under ``seed_<S>``. A job that pooled its seeds
itself keeps its metrics as written.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from neuromem._io import atomic_write_bytes
from neuromem.analysis.statistics import t_ci95
from neuromem.io.strict_json import Missing, from_strict_json, strict_json_text, to_strict_json

__all__ = ["read_folder_metrics", "mean_over_seeds", "write_metrics", "read_set_metrics"]

_SKIP = ("timings_s", "figures", "_schema", "_missing")


def read_folder_metrics(folder) -> dict:
    """``folder/metrics.json`` with its missing values restored (schema stamp and missing map dropped).

    Raises
    ------
    FileNotFoundError
        When the folder holds no ``metrics.json``.
    """
    path = Path(folder) / "metrics.json"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: the run that should have written it did not finish")
    data = json.loads(path.read_text())
    missing = data.pop("_missing", {}) or {}
    data.pop("_schema", None)
    return from_strict_json(data, missing)


def _number(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_))


def mean_over_seeds(per_seed: dict) -> dict:
    """Seed means of ``{seed: metrics}`` (see the module docstring); ``seed_<S>`` and ``seeds`` added.

    Numbers missing on some seeds are averaged over the others; a number missing on every seed stays missing.
    """
    seeds = sorted(per_seed)

    def merge(values: list):
        first = values[0]
        if all(v is None or _number(v) for v in values) and any(_number(v) for v in values):
            x = np.array([float(v) if v is not None else math.nan for v in values])
            finite = x[np.isfinite(x)]
            mean = float(finite.mean()) if finite.size else Missing("missing on every seed")
            ci = t_ci95(x) if len(values) > 1 else Missing("one seed: no confidence interval")
            return mean, (ci if math.isfinite(ci) else Missing("fewer than two finite seeds"))
        if all(isinstance(v, dict) for v in values):
            return merge_dicts(values), None
        if (all(isinstance(v, list) for v in values) and len({len(v) for v in values}) == 1
                and all(_number(x) for v in values for x in v)):
            return [float(np.mean(col)) for col in zip(*values)], None
        return first, None

    def merge_dicts(dicts: list) -> dict:
        out = {}
        for k in dicts[0]:
            if k in _SKIP or k.endswith("_ci95") or any(k not in d for d in dicts):
                continue
            value, ci = merge([d[k] for d in dicts])
            out[k] = value
            if ci is not None and len(dicts) > 1:
                out[f"{k}_ci95"] = ci
        return out

    out = merge_dicts([per_seed[s] for s in seeds])
    out["seeds"] = list(seeds)
    for s in seeds:
        out[f"seed_{s}"] = {k: v for k, v in per_seed[s].items() if k not in _SKIP}
    return out


def write_metrics(path, metrics: dict) -> Path:
    """``metrics`` as strict JSON (a null's reason under ``_missing``), atomically."""
    data, missing = to_strict_json(metrics)
    return atomic_write_bytes(Path(path), strict_json_text({**data, "_missing": missing}).encode())


def read_set_metrics(out) -> dict:
    """The figure set's ``DIR/metrics.json`` with its missing values restored."""
    return read_folder_metrics(out)
