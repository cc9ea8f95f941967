"""Helpers of the whole-memory tests: the `neuromem` command in a fresh process or in this one, learning a memory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from digit_folder import write_digit_folder

ROOT = Path(__file__).resolve().parents[2]
PER_CONCEPT, HELDOUT = 20, 5
SMALL_CONCEPTS = ("zero", "one", "three", "seven")
SMALL_GROUPS = {"curved": ["zero", "three"], "straight": ["one", "seven"]}  # nested folders: a hierarchy
SEED = 3


def _one_cpu_child():  # runs in the child before exec: one CPU, as the tests' own process has (see one_cpu)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def run(args, *, check=True, timeout=900, cwd=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=env, cwd=cwd,
                          preexec_fn=_one_cpu_child)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return proc


def neuromem(*args, **kw):
    return run([sys.executable, "-m", "neuromem.cli", *map(str, args)], **kw)


def neuromem_here(capsys, *args):
    """``neuromem ARGS`` in this process: (exit code, stdout, stderr)."""
    from neuromem.cli import main

    capsys.readouterr()
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def _learn(base, *, concepts, per_concept, heldout, extra=(), groups=None):
    held = write_digit_folder(base / "digits", per_concept=per_concept, heldout_per_concept=heldout, seed=0,
                              concepts=concepts, groups=groups)
    memory = base / "memory"
    out = neuromem("learn", "--dataset", f"folder:{base / 'digits'}", "--memory", memory, "--no-spoken", "--quiet",
                   "--seed", SEED, "--thesaurus", "off", *extra)  # the thesaurus route has its own tests
    return {"base": base, "held": held, "memory": memory, "learn_stdout": out.stdout}
