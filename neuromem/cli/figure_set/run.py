"""Running the figure set: every job's units (cached), every figure, ``metrics.json``, the check, the summary.

Layout of ``DIR``::

    runs/<job>/<unit>/      each unit's results folder, written by its neuromem command
    runs/<job>/<unit>.log   what the command printed
    cells/<key>.json        a finished unit (the sweep cell cache, :mod:`neuromem.sweep.store`)
    figures/<job>/*.png     figures redrawn from the results (never simulated)
    figure1.png             the seed's Figure 1, from the engram-formation run (figure seed)
    summary.png             one page: the numbers a reader of the seed wants first
    metrics.json            one section per job + ``figure_set`` + ``literature_check``
    literature_check.md     the check table (``neuromem check``)

A unit's key digests its command line, its seeds and :func:`~neuromem.cli.figure_set.jobs.code_version`
(the code that can change a result): a unit whose key is in ``cells/`` is not run again, so a second run,
or a run after an interruption, does only what is missing or changed. Figures carry a stamp (their unit's
key and the figure code's digest) and are redrawn only when it changes.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from neuromem._io import atomic_write_json
from neuromem.cli.figure_set.collect import mean_over_seeds, read_folder_metrics, write_metrics
from neuromem.cli.figure_set.jobs import FIGURE_SEED, RUNS, code_version, jobs, viz_version
from neuromem.sweep.store import cell_key, flatten_metrics, read_cell, write_cell

__all__ = ["UnitConfig", "run_figure_set"]

_STAMP = "_drawn.json"


@dataclass(frozen=True, kw_only=True)
class UnitConfig:
    """What a unit's result depends on (digested by :func:`neuromem.sweep.store.cell_key`)."""

    argv: tuple
    seeds: tuple
    code_version: str


def _run_unit(argv: list, log_path: Path) -> int:
    """Run ``neuromem ARGV`` in this process, its printed lines into ``log_path``; its exit status."""
    from neuromem.cli.main import build_parser

    args = build_parser().parse_args(argv)
    with open(log_path, "w") as fh, contextlib.redirect_stdout(fh):
        return int(args.func(args) or 0)


def _figure_maker(job_name: str):
    if job_name == "encoding":
        from neuromem.viz.encoding import make_encoding_figures

        return make_encoding_figures
    from neuromem.experiments.registry import load_experiment

    return load_experiment(job_name.replace("_", "-")).make_figures


def _draw(job, folder: Path, key: str, fig_dir: Path, viz: str, log) -> tuple[list, bool]:
    """Redraw ``job``'s figures from ``folder`` into ``fig_dir`` unless its stamp says they are current."""
    stamp = {"unit_key": key, "viz_version": viz}
    p = fig_dir / _STAMP
    if p.is_file() and json.loads(p.read_text()).get("stamp") == stamp:
        return json.loads(p.read_text())["figures"], False
    if fig_dir.exists():
        shutil.rmtree(fig_dir)
    fig_dir.mkdir(parents=True)
    made = [str(Path(f)) for f in _figure_maker(job.name)(folder, fig_dir)]
    atomic_write_json(p, {"stamp": stamp, "figures": made})
    log(f"  figures of {job.name}: {len(made)} redrawn")
    return made, True


def run_figure_set(out, *, quick: bool = False, log=print, only=None) -> dict:
    """Run (or reuse) every unit, redraw what changed, write ``metrics.json``, the check and ``summary.png``.

    Parameters
    ----------
    out : path
        The set's folder (created).
    quick : bool
        Report seed 3 and smaller grids (:func:`~neuromem.cli.figure_set.jobs.jobs`).
    log : callable
        Progress lines.
    only : sequence of str, optional
        Job names to run (tests); default every job.

    Returns
    -------
    dict
        The ``figure_set`` section of ``metrics.json`` (units with ``"run"`` / ``"cached"``, timings, figures).

    Raises
    ------
    RuntimeError
        When a unit's command fails (its log named); finished units stay cached.
    """
    t_start = time.perf_counter()
    out = Path(out)
    (out / "cells").mkdir(parents=True, exist_ok=True)
    code, viz = code_version(), viz_version()
    selected = [j for j in jobs(quick) if only is None or j.name in only]
    n_units = sum(len(j.units()) for j in selected)
    log(f"figure set ({'quick' if quick else 'full'}): {len(selected)} jobs, {n_units} runs; code {code}, "
        f"figure code {viz}; folder {out}")
    sections, units, figures, n = {}, [], {}, 0
    for job in selected:
        per_seed, fig_source = {}, None
        for unit, seeds, argv in job.units():
            n += 1
            folder = out / "runs" / job.name / unit
            config = UnitConfig(argv=tuple(argv), seeds=tuple(seeds), code_version=code)
            key = cell_key(job.name, config, "neuromem figures --all")
            cached = read_cell(out, key) is not None and (folder / "metrics.json").is_file()
            command = "neuromem " + " ".join(argv)
            t0 = time.perf_counter()
            if cached:
                log(f"[{n}/{n_units}] {job.name} {unit}: cached ({command})")
            else:
                log(f"[{n}/{n_units}] {job.name} {unit}: running `{command}` ...")
                folder.mkdir(parents=True, exist_ok=True)
                full = [a.replace(RUNS, str(out / "runs")) for a in argv]
                full += ["--out", str(folder), "--quiet"] + (["--no-figures"] if job.argv[0] == "encode"
                                                             or job.name != "compare_binding" else [])
                status = _run_unit(full, folder.with_suffix(".log"))
                if status != 0:
                    raise RuntimeError(f"{command} ended with status {status}; see {folder.with_suffix('.log')}")
                metrics = read_folder_metrics(folder)
                write_cell(out, key, {"key": key, "experiment": job.name, "params": {"argv": list(argv)},
                                      "seed": int(seeds[0]), "metrics": flatten_metrics(metrics),
                                      "wall_s": time.perf_counter() - t0})
                log(f"[{n}/{n_units}] {job.name} {unit}: done in {time.perf_counter() - t0:.0f} s")
            units.append({"job": job.name, "unit": unit, "command": command, "seeds": list(seeds), "key": key,
                          "status": "cached" if cached else "run", "wall_s": time.perf_counter() - t0})
            metrics = read_folder_metrics(folder)
            if job.per_seed:
                per_seed[int(seeds[0])] = metrics
                if seeds[0] == FIGURE_SEED or fig_source is None:
                    fig_source = (folder, key)
            else:
                sections[job.name] = {**metrics, "command": command}
                fig_source = (folder, key)
        if job.per_seed:
            sections[job.name] = {**mean_over_seeds(per_seed),
                                  "command": "neuromem " + " ".join(job.argv) + " --seed S",
                                  "figure_seed": FIGURE_SEED}
        if job.draws:
            figures[job.name], _ = _draw(job, fig_source[0], fig_source[1], out / "figures" / job.name, viz, log)
    figures.update(_set_figures(out, sections, log))
    summary = {"quick": quick, "code_version": code, "viz_version": viz, "units": units, "figures": figures,
               "n_run": sum(u["status"] == "run" for u in units),
               "n_cached": sum(u["status"] == "cached" for u in units),
               "wall_s": time.perf_counter() - t_start}
    write_metrics(out / "metrics.json", {**sections, "figure_set": summary})
    _literature_check(out, log)
    figures["summary"] = [str(_summary(out))]
    summary["figures"] = figures
    summary["wall_s"] = time.perf_counter() - t_start
    metrics = read_folder_metrics(out)
    metrics["figure_set"] = summary
    write_metrics(out / "metrics.json", metrics)
    log(f"figure set done in {summary['wall_s']:.0f} s: {summary['n_run']} runs, {summary['n_cached']} cached; "
        f"{sum(len(v) for v in figures.values())} figures; {out / 'summary.png'}, {out / 'metrics.json'}")
    return summary


def _set_figures(out: Path, sections: dict, log) -> dict:
    """Figure 1 (from the engram-formation run of the figure seed), when that run is in the set."""
    made = {}
    engram = out / "runs" / "engram_formation" / f"seed_{FIGURE_SEED}"
    encoding = out / "runs" / "encoding" / f"seed_{FIGURE_SEED}"
    if (engram / "metrics.json").is_file() and (encoding / "metrics.json").is_file():
        from neuromem.cli.figure_set.scheme import model_scheme
        from neuromem.viz.scheme import plot_model_scheme

        made["figure1"] = [str(plot_model_scheme(model_scheme(engram, encoding), out / "figure1.png"))]
        log(f"  figure 1 drawn from {engram}")
    return made


def _literature_check(out: Path, log) -> None:
    """``neuromem check`` on the set's ``metrics.json`` (its table into the file and ``literature_check.md``)."""
    import argparse
    import io

    from neuromem.validation.literature_cli import cmd_check

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        cmd_check(argparse.Namespace(results=str(out), docs=str(out / "literature_check.md"), closed_form=None,
                                     strict=False))
    log("  " + buf.getvalue().strip().splitlines()[-2])


def _summary(out: Path) -> Path:
    from neuromem.viz.summary import plot_summary

    return plot_summary(read_folder_metrics(out), out / "summary.png")
