"""Running a sweep's cells on ``dask.distributed``: a local cluster by default, or an existing one.

Each cell is one task: the worker builds the cell's latent space from its
seed (for an experiment that encodes a dataset; one that makes its own
synthetic data gets none), runs the experiment's ``run_cell`` on the cell's config and returns
plain data; the client writes each finished cell's file as it arrives
(:mod:`neuromem.sweep.store`), so the output folder only needs to be
reachable from the client. A cell that raises is retried once by the
scheduler; if it fails again its error is written and reported, and the
other cells go on. Ctrl-C cancels what is left; the finished cells stay on
disk and the table is written from them. A cell's result depends on its
config and seed only, never on the worker it ran on or on how many there are.

Threads: each local worker is one process with one thread, and its
``OMP_NUM_THREADS`` / ``NUMBA_NUM_THREADS`` / ``MKL_NUM_THREADS`` are 1 (the
numba engine and PyTorch then run on one thread); every task also sets
PyTorch to one thread, on any cluster.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import NamedTuple

from neuromem.sweep.store import cell_key, read_cell, table_rows, write_cell, write_error, write_table

__all__ = ["SweepReport", "WORKER_ENV", "default_workers", "run_cell", "run_sweep"]

#: environment of every local worker process
WORKER_ENV = {"OMP_NUM_THREADS": "1", "NUMBA_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
              "TQDM_DISABLE": "1"}


class SweepReport(NamedTuple):
    """What a sweep did.

    Parameters
    ----------
    table : Path
        ``DIR/sweep.parquet``.
    n_cells, n_run, n_cached : int
        Cells of the sweep; run now; found finished on disk.
    failed : list of dict
        ``{"params", "seed", "key", "error"}`` of every cell that failed twice.
    records : list of dict
        The finished cells' records, in cell order.
    """

    table: Path
    n_cells: int
    n_run: int
    n_cached: int
    failed: list
    records: list


def default_workers() -> int:
    """One worker per free core: this process's cores minus the runnable threads elsewhere (at least 1)."""
    from neuromem.engines.numba.engine import available_cores, busy_elsewhere

    return max(1, min(available_cores(), (os.cpu_count() or 1) - busy_elsewhere()))


def run_cell(experiment: str, config, space_source, dataset, key: str, params: dict, seed: int) -> dict:
    """Run one cell (on a worker): its space from ``space_source(seed=seed)`` (None without a source), the
    experiment's ``run_cell``."""
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover - torch is a dependency
        pass
    from neuromem.experiments.registry import load_experiment
    from neuromem.sweep.store import flatten_metrics

    t0 = time.perf_counter()
    space = None if space_source is None else space_source(seed=int(seed))
    metrics = load_experiment(experiment).run_cell(config, space, dataset=dataset)
    return {"key": key, "experiment": experiment, "params": params, "seed": int(seed),
            "metrics": flatten_metrics(metrics), "wall_s": time.perf_counter() - t0}


def _client(scheduler, workers):
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR, env=dict(WORKER_ENV))
    return Client(cluster), cluster


def run_sweep(experiment: str, cells, *, out, data_key: str, space_source, dataset=None, scheduler=None,
              workers: int | None = None, log=print) -> SweepReport:
    """Run every cell not already finished in ``out`` and write the tidy table.

    Parameters
    ----------
    experiment : str
        Registered experiment with ``run_cell`` (see :mod:`neuromem.experiments.registry`).
    cells : list of Cell
        From :func:`neuromem.sweep.grid.expand_cells`.
    out : path
        The sweep's folder (cells, ``sweep.parquet`` and ``sweep.csv``).
    data_key : str
        What identifies the data the cells run on (part of every cell's key).
    space_source : callable or None
        ``space_source(seed=S) -> LatentSpace``, called on the workers (pickled with cloudpickle); None for an
        experiment that encodes no dataset (its ``run_cell`` gets ``space=None``).
    dataset : str, optional
        Dataset name recorded in the metrics.
    scheduler : str, optional
        Address of an existing scheduler (``tcp://host:8786``); default: a local cluster.
    workers : int, optional
        Local workers (default :func:`default_workers`); ignored with ``scheduler``.
    log : callable

    Returns
    -------
    SweepReport

    Raises
    ------
    KeyboardInterrupt
        After cancelling the cells left and writing the table of the finished ones.
    """
    out = Path(out)
    (out / "cells").mkdir(parents=True, exist_ok=True)
    keys = [cell_key(experiment, c.config, data_key) for c in cells]
    done = {k: r for k, r in ((k, read_cell(out, k)) for k in keys) if r is not None}
    todo = [(k, c) for k, c in zip(keys, cells) if k not in done]
    n_cached, failed = len(done), []
    log(f"{len(cells)} cells: {n_cached} finished before, {len(todo)} to run")
    interrupted = None
    if todo:
        n_workers = workers or default_workers()
        client, cluster = _client(scheduler, n_workers)
        where = scheduler or f"a local cluster of {n_workers} single-threaded worker(s)"
        log(f"running on {where}")
        futures = {}
        try:
            from dask.distributed import as_completed

            for k, c in todo:
                f = client.submit(run_cell, experiment, c.config, space_source, dataset, k, c.params, c.seed,
                                  key=f"neuromem-cell-{k}", pure=False, retries=1)
                futures[f] = (k, c)
            for n, f in enumerate(as_completed(futures), 1):
                k, c = futures[f]
                if f.status == "finished":
                    rec = f.result()
                    write_cell(out, k, rec)
                    done[k] = rec
                    log(f"  [{n}/{len(todo)}] {c.params} seed {c.seed}: {rec['wall_s']:.1f} s")
                else:
                    err = f.exception()
                    msg = f"{type(err).__name__}: {err}"
                    write_error(out, k, {"params": c.params, "seed": c.seed, "error": msg})
                    failed.append({"params": c.params, "seed": c.seed, "key": k, "error": msg})
                    log(f"  [{n}/{len(todo)}] {c.params} seed {c.seed}: FAILED twice: {msg}")
        except KeyboardInterrupt as exc:
            interrupted = exc
            client.cancel(list(futures))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    records = [done[k] for k in keys if k in done]
    table = write_table(out, table_rows(records, list(cells[0].params) if cells else []),
                        list(cells[0].params) if cells else [])
    if interrupted is not None:
        log(f"interrupted: {len(records)} of {len(cells)} cells finished and kept; run the same command to go on")
        raise interrupted
    return SweepReport(table=table, n_cells=len(cells), n_run=len(todo) - len(failed), n_cached=n_cached,
                       failed=failed, records=records)
