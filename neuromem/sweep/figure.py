"""The figure of a sweep, drawn from its tidy table."""

from __future__ import annotations

from pathlib import Path

__all__ = ["sweep_figure"]


def sweep_figure(rows, keys, out, *, metric=None):
    """``DIR/sweep_<metric>.png`` from the table's rows (None when the table is empty)."""
    from neuromem.viz.sweep import plot_sweep

    if not rows:
        return None
    metrics = sorted({r["metric"] for r in rows})
    metric = metric or next((m for m in ("picture_to_name_recall_at_1",) if m in metrics), metrics[0])
    if metric not in metrics:
        raise ValueError(f"--metric {metric!r} is not in the table; it has {', '.join(metrics[:20])} ...")
    return plot_sweep(rows, metric, keys, Path(out) / f"sweep_{metric.replace('.', '_')}.png")
