"""A sweep's figure: one metric against the first grid key, one line per value of the others (plain rows in)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

__all__ = ["plot_sweep"]


def plot_sweep(rows, metric: str, keys, path) -> Path:
    """Mean over seeds +- standard deviation of ``metric`` against ``keys[0]``; writes ``path`` (PNG).

    Parameters
    ----------
    rows : list of dict
        Tidy rows (``metric``, ``value``, ``seed`` and one column per grid key), as
        :func:`neuromem.sweep.store.read_table` returns them.
    metric : str
    keys : sequence of str
        The grid keys; the first is the x axis, the others label the lines.
    path : path

    Raises
    ------
    ValueError
        If no row holds ``metric``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sel = [r for r in rows if r["metric"] == metric]
    if not sel:
        raise ValueError(f"no rows of metric {metric!r}")
    x_key, others = keys[0], list(keys[1:])
    xs = list(dict.fromkeys(r[x_key] for r in sel))
    numeric = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in xs)
    pos = {x: (float(x) if numeric else k) for k, x in enumerate(xs)}
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for line in dict.fromkeys(tuple(r[k] for k in others) for r in sel):
        pts = [(x, [r["value"] for r in sel if r[x_key] == x and tuple(r[k] for k in others) == line]) for x in xs]
        pts = [(x, v) for x, v in pts if v]
        label = ", ".join(f"{k}={json.dumps(v)}" for k, v in zip(others, line)) or None
        ax.errorbar([pos[x] for x, _ in pts], [np.mean(v) for _, v in pts], yerr=[np.std(v) for _, v in pts],
                    marker="o", capsize=3, label=label)
    if not numeric:
        ax.set_xticks(range(len(xs)), [json.dumps(x) for x in xs])
    n_seeds = len({r["seed"] for r in sel})
    ax.set_xlabel(x_key)
    ax.set_ylabel(metric)
    ax.set_title(f"mean +- sd over {n_seeds} seed(s)", fontsize=9)
    if others:
        ax.legend(fontsize=8)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
