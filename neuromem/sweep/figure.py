"""The figure of a sweep, drawn from its tidy table."""

from __future__ import annotations

from pathlib import Path

__all__ = ["sweep_figure"]


def sweep_figure(rows, keys, out, *, metric=None, preferred="picture_to_name_recall_at_1"):
    """``DIR/sweep_<metric>.png`` from the table's rows (None when the table is empty).

    ``metric`` (``--metric``) must be in the table; without it the figure shows ``preferred`` (the
    experiment's ``SWEEP_METRIC``), or the first metric under it (``binding_index`` ->
    ``binding_index.at_+0ms``), else the table's first metric.
    """
    from neuromem.viz.sweep import plot_sweep

    if not rows:
        return None
    metrics = sorted({r["metric"] for r in rows})
    if metric is None:
        under = [m for m in metrics if m == preferred or m.startswith(f"{preferred}.")]
        metric = under[0] if under else metrics[0]
    if metric not in metrics:
        raise ValueError(f"--metric {metric!r} is not in the table; it has {', '.join(metrics[:20])} ...")
    return plot_sweep(rows, metric, keys, Path(out) / f"sweep_{metric.replace('.', '_')}.png")
