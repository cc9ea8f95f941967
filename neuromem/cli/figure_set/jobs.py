"""The figure set's jobs: which ``neuromem`` command lines make which results, full and ``--quick``.

A job is a command line of ``neuromem encode`` or ``neuromem run EXPERIMENT``
(without ``--out``, ``--seed(s)`` and ``--quiet``, which the runner adds) and
the seeds it runs on. A job that pools its seeds inside the experiment (a
curve with confidence intervals, a histogram pooled over seeds) runs as ONE
unit with every seed; a job whose figures come from one seed's run runs as one
unit per seed (each finished unit is kept, so an interrupted set resumes).
Seeds: report seeds 3-7 for the full set; report seed 3 alone with
``--quick``. Every option is the experiment's default or a smaller grid of
it; the one choice a job makes from data, the compression study's knees and
loss, is made in the full set on a run of the tuning seeds 0-2
(``compression_tuning``, no figures) and passed with ``--choose-on``; the
quick set has no tuning run, so its single seed chooses for itself (labelled).
An argument may name another job's folder as ``{runs}/<job>/<unit>``; the
runner puts the set's ``DIR/runs`` there (the cell key keeps the placeholder,
so it does not depend on where the set lives).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from neuromem._hashing import sha256_hex
from neuromem.analysis import REPORT_SEEDS

__all__ = ["Job", "jobs", "code_version", "CODE_DIRS_SKIPPED", "FIGURE_SEED", "RUNS", "TUNING_SEEDS"]

#: the seed whose run the per-seed jobs' figures are drawn from (the first report seed)
FIGURE_SEED = REPORT_SEEDS[0]
#: the seeds that choices are made on (the compression study's knees and loss)
TUNING_SEEDS = (0, 1, 2)
#: placeholder for ``DIR/runs`` in a job's arguments
RUNS = "{runs}"
#: folders of ``neuromem/`` that cannot change a result (figures, commands, checks, benchmarks, sweeps)
CODE_DIRS_SKIPPED = ("viz", "cli", "validation", "benchmarks", "sweep")


@dataclass(frozen=True, kw_only=True)
class Job:
    """One results folder of the figure set.

    Parameters
    ----------
    name : str
        Section of ``metrics.json`` (``engram_formation``) and folder under ``DIR/runs/``.
    argv : tuple of str
        The command after ``neuromem`` (``("run", "engram-formation", "--dataset", "digits", ...)``).
    seeds : tuple of int
    per_seed : bool
        One unit per seed (True) or one unit with every seed (False).
    seed_option : str
        ``--seed`` (one seed only) or ``--seeds`` (a list) for the pooled units.
    draws : bool
        Whether the job's figures are drawn (False for a tuning run that only feeds a choice).
    """

    name: str
    argv: tuple
    seeds: tuple
    per_seed: bool
    seed_option: str = "--seeds"
    draws: bool = True

    def __post_init__(self):
        if not self.seeds:
            raise ValueError(f"Job.seeds of {self.name!r} is empty; give at least one seed")

    def units(self) -> list[tuple[str, tuple, tuple]]:
        """``(unit name, seeds, full argv without --out)`` of every unit, in run order."""
        if self.per_seed:
            return [(f"seed_{s}", (s,), (*self.argv, "--seed", str(s))) for s in self.seeds]
        seeds = ",".join(map(str, self.seeds))
        opt = (self.seed_option, seeds) if len(self.seeds) > 1 or self.seed_option == "--seeds" else ("--seed", seeds)
        return [("all_seeds", tuple(self.seeds), (*self.argv, *opt))]


def jobs(quick: bool = False) -> list[Job]:
    """The figure set's jobs, in run order (``quick``: report seed 3 and smaller grids)."""
    seeds = (REPORT_SEEDS[0],) if quick else tuple(REPORT_SEEDS)
    data = ("--dataset", "digits")
    return [
        Job(name="encoding", argv=("encode", *data), seeds=seeds, per_seed=True),
        Job(name="engram_formation", argv=("run", "engram-formation", *data, "--engine", "numba"), seeds=seeds,
            per_seed=True),
        Job(name="binding_window",
            argv=("run", "binding-window", *data, "--engine", "numba",
                  *(("--offsets-ms=-150,-50,0,50,150",) if quick else ())), seeds=seeds, per_seed=False),
        Job(name="compare_binding",
            argv=("run", "compare-binding", *data, *(("--quick", "--binders", "stdp,softmax,hopfield") if quick else ())),
            seeds=seeds, per_seed=False),
        Job(name="concept_cells",
            argv=("run", "concept-cells", "--threads", "1",
                  *(("--n-concepts", "30", "--concept-neurons", "300", "--no-2n") if quick else
                    ("--n-concepts", "94", "--concept-neurons", "1000"))), seeds=seeds, per_seed=False),
        *(() if quick else (Job(name="compression_tuning", argv=("run", "compression", *data), seeds=TUNING_SEEDS,
                                per_seed=False, draws=False),)),
        Job(name="compression",
            argv=("run", "compression", *data,
                  *(("--quick",) if quick else ("--choose-on", f"{RUNS}/compression_tuning/all_seeds"))),
            seeds=seeds, per_seed=False),
    ]


def code_version(root: Path | None = None) -> str:
    """Digest (16 hex digits) of every source and preset file that can change a result.

    The package's ``*.py`` and ``*.toml`` files, except under :data:`CODE_DIRS_SKIPPED`
    (figure code, commands, checks): editing a figure redraws it but reruns nothing.
    """
    root = Path(root) if root is not None else Path(__file__).resolve().parents[2]
    files = sorted(p for ext in ("*.py", "*.toml") for p in root.rglob(ext)
                   if p.relative_to(root).parts[0] not in CODE_DIRS_SKIPPED and "__pycache__" not in p.parts)
    return sha256_hex(*(c for p in files for c in (str(p.relative_to(root)), p.read_bytes())), length=16)


def viz_version(root: Path | None = None) -> str:
    """Digest (16 hex digits) of the figure code (``neuromem/viz``): a change redraws every figure."""
    root = Path(root) if root is not None else Path(__file__).resolve().parents[2]
    files = sorted((root / "viz").rglob("*.py"))
    return sha256_hex(*(c for p in files for c in (p.name, p.read_bytes())), length=16)
