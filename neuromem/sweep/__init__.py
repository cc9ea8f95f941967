"""Parameter sweeps on dask.distributed (``neuromem sweep``): an experiment over a grid of its options x seeds.

The jobs are split: :mod:`~neuromem.sweep.grid` (``"KEY=V1,V2;..."``
against the experiment's config fields, cells with their configs built),
:mod:`~neuromem.sweep.store` (one atomic file per finished cell, the cell
cache; the tidy table ``sweep.parquet``), :mod:`~neuromem.sweep.run` (the cells
on a local or existing dask cluster, retries, Ctrl-C) and
:mod:`~neuromem.sweep.cli` (the command). An experiment can be swept when it
defines ``CONFIG``, ``config_from_args`` and ``run_cell``
(:mod:`neuromem.experiments.registry`). How to point it at a real cluster:
``docs/guides/sweeps.md``.
"""

from neuromem.sweep.grid import Cell, expand_cells, parse_grid
from neuromem.sweep.run import SweepReport, default_workers, run_sweep
from neuromem.sweep.store import TABLE_FILE, TIMING_COLUMNS, read_table

__all__ = ["Cell", "SweepReport", "TABLE_FILE", "TIMING_COLUMNS", "default_workers", "expand_cells", "parse_grid",
           "read_table", "run_sweep"]
