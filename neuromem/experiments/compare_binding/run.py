"""The whole comparison: every experiment for every binder on the latent space of every seed."""

from __future__ import annotations

import hashlib
import json
from contextlib import nullcontext
from pathlib import Path

from neuromem.binding import ALIASES, binder_names, binder_traits, default_binder_names, resolve_binder_name
from neuromem.experiments.compare_binding.cache import CellCache, cell_key
from neuromem.experiments.compare_binding.capacity import BITS_REFERENCES, run_capacity_cell
from neuromem.experiments.compare_binding.cells import reference_rows, run_shots_cell
from neuromem.experiments.compare_binding.interference import run_interference_cell
from neuromem.experiments.compare_binding.units import run_units_cell
from neuromem.experiments.compare_binding.config import EXPERIMENTS, GridConfig
from neuromem.experiments.compare_binding.measures import ENERGY_LABEL
from neuromem.experiments.compare_binding.protocol import fewest_train_pictures, within_between
from neuromem.experiments.compare_binding.reference_learners import REFERENCE_LEARNERS
from neuromem.experiments.compare_binding.results import write_metrics, write_rows
from neuromem._io import atomic_write_bytes
from neuromem.experiments.compare_binding.summary import summary_markdown
from neuromem.experiments.compare_binding.statistics import PER_SEED, added_over_lookup_rows, per_seed, summarise

__all__ = ["add_reference_learners", "check_inputs", "default_binders", "resolve_binders", "run_compare_binding"]


def default_binders() -> tuple[str, ...]:
    """Every registered binder that runs by default, in registration order (a newly registered binder joins the
    comparison unless it is registered with ``default=False``, as ``surrogate-matched``)."""
    return tuple(default_binder_names())


def resolve_binders(binders) -> tuple[str, ...]:
    """Registered names of ``binders`` (a deprecated name becomes its current one, with a warning).

    Raises
    ------
    KeyError
        For an unknown binder.
    ValueError
        For none, or one binder named twice (also under its old and new names).
    """
    binders = tuple(binders)
    unknown = [b for b in binders if b not in binder_names() and b not in ALIASES]
    if unknown:
        raise KeyError(f"unknown binder(s) {unknown}; known binders: {binder_names()}")
    if not binders:
        raise ValueError("no binders given")
    names = tuple(resolve_binder_name(b) for b in binders)
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"binders {list(binders)} name {twice} twice; give each binder once")
    return names


def check_inputs(binders, grid: GridConfig, spaces: dict, experiments=EXPERIMENTS) -> None:
    """Refuse unknown binders or experiments, spaces without a concept split and K above the train items.

    Raises
    ------
    KeyError
        For an unknown binder.
    ValueError
        For the rest, naming the problem and the fix.
    """
    resolve_binders(binders)
    bad = set(experiments) - set(EXPERIMENTS)
    if bad:
        raise ValueError(f"unknown experiments {sorted(bad)}; allowed {EXPERIMENTS}")
    for seed, space in spaces.items():
        if space.fit_concepts is None or not space.novel_concepts:
            raise ValueError(f"the latent space of seed {seed} has no concept split with novel concepts; encode "
                             f"with --fit-concepts (e.g. 0.5)")
        for cond, concepts in (("fitted", space.fit_concepts), ("novel", space.novel_concepts)):
            n_train = fewest_train_pictures(space.subset(concepts))
            if max(grid.shots) > n_train:
                raise ValueError(f"K={max(grid.shots)} is larger than the train items: the {cond} concepts of "
                                 f"seed {seed} have at least {n_train} train pictures each; use --shots with "
                                 f"K <= {n_train}")


def _jobs(spaces, binders, grid, experiments) -> list[tuple]:
    jobs = []
    for seed, space in spaces.items():
        for cond, concepts in (("fitted", space.fit_concepts), ("novel", space.novel_concepts)):
            sub = space.subset(concepts)
            if {"shots", "cost"} & set(experiments):
                for K in grid.shots:
                    jobs.append(("reference", None, sub, cond, K, seed))
                    for b in binders:
                        jobs.append(("shots", b, sub, cond, K, seed))
        # the capacity and interference sets use the fitted concepts' ratio (~0.4 on digits): the novel
        # concepts' (~0.8 on digits) leaves even 25 concepts below recall 0.9 for every binder, which measures
        # nothing about capacity or forgetting
        ratio = within_between(space.subset(space.fit_concepts))
        many = [b for b in binders if (binder_traits(b).in_capacity_sweep if grid.capacity_binders is None
                                       else b in grid.capacity_binders)]
        if "units" in experiments:
            for b in many:
                if binder_traits(b).has_units:
                    jobs.append(("units", b, grid.n_units, "synthetic-94", grid.units_k, seed))
        many = many + list(REFERENCE_LEARNERS)  # the references run the synthetic experiments beside the binders
        if "interference" in experiments:
            for b in many:
                jobs.append(("interference", b, (grid.n_units, ratio, space.latent_dim), "synthetic",
                             grid.interference_k, seed))
        if "capacity" in experiments:
            for b in many:
                for N in grid.capacity_sizes:
                    jobs.append(("capacity", b, (N, ratio, space.latent_dim), "synthetic", 1, seed))
    return jobs


def _key(kind, b, sub, cond, K, seed, *, opts, dataset, grid) -> str:
    if kind == "units":
        return cell_key(kind=kind, b=b, N=sub, K=K, seed=seed, opts=opts, dataset=dataset)
    if kind == "interference":
        N, ratio, D = sub
        return cell_key(kind=kind, b=b, N=N, K=K, ratio=round(ratio, 6), D=D, seed=seed, opts=opts, dataset=dataset)
    if kind == "capacity":
        N, ratio, D = sub
        from neuromem.experiments.compare_binding.capacity import CAPACITY_VERSION

        return cell_key(kind=kind, b=b, N=N, top=grid.capacity_max_per_unit, ratio=round(ratio, 6), D=D, seed=seed,
                        opts=opts, dataset=dataset, capacity_version=CAPACITY_VERSION)
    # the grid without its seed list: a seed's cell is the same in a run of more seeds (runs can add seeds)
    grid_parts = {k: v for k, v in grid.to_dict().items() if k != "seeds"}
    return cell_key(kind=kind, b=b, cond=cond, K=K, seed=seed, opts=opts, dataset=dataset, grid=grid_parts,
                    concepts=sub.concepts, split=sub.encoder, fit=sub.fit_concepts,
                    data=hashlib.sha256(sub["picture"].latents.tobytes()).hexdigest()[:16])


def _run_cell(kind, b, sub, cond, K, seed, *, dataset, grid, binder_options, received):
    kw = dict(dataset=dataset, grid=grid)
    if kind == "reference":
        return reference_rows(sub, K, seed, condition=cond, **kw)
    if kind == "shots":
        return run_shots_cell(b, sub, K, seed, condition=cond, binder_options=binder_options, received=received,
                              **kw)
    if kind == "units":
        return run_units_cell(b, sub, seed, binder_options=binder_options, **kw)
    if kind == "interference":
        return run_interference_cell(b, *sub, seed, binder_options=binder_options, **kw)
    return run_capacity_cell(b, *sub, seed, binder_options=binder_options, **kw)


def run_compare_binding(spaces: dict, *, dataset: str, out_dir, binders=None, grid: GridConfig | None = None,
                        binder_options: dict | None = None, experiments=EXPERIMENTS, progress: bool = True,
                        received: dict | None = None, clock=None) -> dict:
    """Run every experiment for every binder on the latent space of every seed.

    Parameters
    ----------
    spaces : dict seed -> LatentSpace
        One concept-split latent space per seed (``space.fit_concepts`` set).
    dataset : str
    out_dir : path
    binders : sequence of str, optional
        Registered names (default: :func:`default_binders`).
    grid : GridConfig
    binder_options : dict binder -> dict, optional
        Extra constructor arguments (e.g. ``{"stdp": {"engine": "numba"}}``).
    experiments : sequence of str
    progress : bool
    clock : StageClock, optional
        Counts the figures under the stage ``figures``.
    received : dict, optional
        Filled with ``(binder, condition, K, seed) -> (presentations hash, cues hash)`` for cells computed now.

    Returns
    -------
    dict : the metrics written to ``metrics.json`` (the verdict also goes to ``summary.md``,
    :mod:`~neuromem.experiments.compare_binding.summary`).

    Raises
    ------
    KeyError, ValueError
        See :func:`check_inputs`; before any work.
    """
    grid = grid or GridConfig()
    binders = resolve_binders(default_binders() if binders is None else binders)
    binder_options = binder_options or {}
    check_inputs(binders, grid, spaces, experiments)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = _run_jobs(_jobs(spaces, binders, grid, experiments), out, dataset=dataset, grid=grid,
                     binder_options=binder_options, progress=progress, received=received)
    rows = [r for r in rows if r["experiment"] in experiments]
    rows += added_over_lookup_rows(rows)
    meta = {"dataset": dataset, "binders": list(binders), "grid": grid.to_dict(),
            "binder_traits": {b: binder_traits(b).to_dict() for b in binders},
            "seeds": [int(s) for s in spaces], "energy": ENERGY_LABEL,
            "bits_per_synapse_references": BITS_REFERENCES,
            "fit_concepts": {str(s): list(sp.fit_concepts) for s, sp in spaces.items()},
            "novel_concepts": {str(s): list(sp.novel_concepts) for s, sp in spaces.items()},
            "binder_options": json.loads(json.dumps(binder_options, default=str))}
    return _write_outputs(out, rows, meta, clock)


def _run_jobs(jobs, out: Path, *, dataset, grid, binder_options, progress, received=None) -> list[dict]:
    """The rows of every job, each cell read from ``out``'s cell cache or run and stored there."""
    from neuromem._progress import progress as reported

    cells = CellCache(out)
    rows = []
    bar = reported(jobs, desc="compare-binding", unit="cell", enabled=progress)
    for kind, b, sub, cond, K, seed in bar:
        opts = binder_options.get(b, {}) if b else {}
        key = _key(kind, b, sub, cond, K, seed, opts=opts, dataset=dataset, grid=grid)
        bar.set_postfix_str(f"{kind} {b or ''} {cond} K={K} seed={seed}")
        hit = cells.get(key)
        if hit is None:
            hit = _run_cell(kind, b, sub, cond, K, seed, dataset=dataset, grid=grid, binder_options=binder_options,
                            received=received)
            cells.put(key, hit)
        rows += hit
    return rows


def _write_outputs(out: Path, rows, meta: dict, clock=None) -> dict:
    """``results.csv``, ``metrics.json`` (summary, per-seed values, ``meta``), the figures and ``summary.md``."""
    from neuromem.viz.compare_binding import write_figures

    write_rows(out / "results.csv", rows)
    metrics = summarise(rows)
    metrics[PER_SEED] = per_seed(rows)  # for the paired verdicts of summary.md
    metrics["_meta"] = meta
    write_metrics(out / "metrics.json", metrics)
    with nullcontext() if clock is None else clock.stage("figures"):
        metrics["_meta"]["figures"] = write_figures(out, rows, metrics)
    metrics["_meta"]["summary"] = "summary.md"
    write_metrics(out / "metrics.json", metrics)
    atomic_write_bytes(out / "summary.md", summary_markdown(metrics).encode())
    return metrics


def add_reference_learners(folder, spaces: dict, *, progress: bool = True) -> dict:
    """Add the references' capacity and interference rows to a stored comparison; the binders' rows untouched.

    For a comparison stored before the two references ran the synthetic
    experiments (:mod:`~neuromem.experiments.compare_binding.reference_learners`).
    Only the references' cells run (with the grid and seeds of the stored
    ``metrics.json``); every stored row is kept as it is, so the binders'
    numbers do not move (latents encoded again, e.g. in a fresh clone with an
    empty cache, can differ in their last bits, and a spiking binder's recall
    then by a few hundredths on a seed; cause not established). Rewrites
    ``results.csv``, ``metrics.json``, the figures and ``summary.md`` in ``folder``.

    Parameters
    ----------
    folder : path
        A comparison's output folder (``results.csv`` + ``metrics.json``).
    spaces : dict seed -> LatentSpace
        The latent spaces of the stored seeds (for each seed's within / between ratio and latent size).

    Returns
    -------
    dict : the rewritten metrics.

    Raises
    ------
    ValueError
        If ``spaces`` does not hold exactly the stored seeds, or the folder already has the references' rows.
    """
    from neuromem.experiments.compare_binding.results import read_metrics, read_rows

    folder = Path(folder)
    metrics, rows = read_metrics(folder / "metrics.json"), read_rows(folder / "results.csv")
    meta = metrics["_meta"]
    if sorted(int(s) for s in spaces) != sorted(int(s) for s in meta["seeds"]):
        raise ValueError(f"{folder} holds seeds {meta['seeds']}; give the latent spaces of exactly those seeds "
                         f"(got {sorted(spaces)})")
    synthetic = [e for e in ("interference", "capacity") if any(r["experiment"] == e for r in rows)]
    if any(r["binder"] in REFERENCE_LEARNERS and r["experiment"] in synthetic for r in rows):
        raise ValueError(f"{folder} already holds the references' capacity / interference rows")
    grid = GridConfig(**meta["grid"])
    jobs = [j for j in _jobs(spaces, (), grid, synthetic) if j[1] in REFERENCE_LEARNERS]
    rows += _run_jobs(jobs, folder, dataset=meta["dataset"], grid=grid, binder_options={}, progress=progress)
    meta = {k: v for k, v in meta.items() if k not in ("figures", "summary", "schema")}
    return _write_outputs(folder, rows, meta)
