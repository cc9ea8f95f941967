"""Brian2 cpp_standalone project management and the spike table (shared by both modes).

Processes share one compiled project per structure in neuromem's cache; the
locking rules are below. ``configure_prefs`` and ``spike_table`` serve the
runtime mode too.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sys

import numpy as np

import brian2 as b2
from brian2 import ms

from neuromem._hashing import json_digest
from neuromem.coding.spikes import SpikeTrains
from neuromem.config import cache_dir
from neuromem.engines.brian2.model import SENTINEL, ModelParts, build_objects

__all__ = ["ACTIVE", "ProjectLock", "configure_prefs", "spike_table", "standalone_build_count", "standalone_objects"]


def configure_prefs():
    """Brian2 preferences neuromem runs with (numpy target, caches and logs in neuromem's places)."""
    b2.prefs.codegen.target = "numpy"
    b2.prefs.codegen.runtime.cython.cache_dir = str(cache_dir("brian2", "cython"))
    b2.prefs.logging.file_log = False
    b2.prefs.logging.std_redirection = False
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    # quiet, parallel make; on failure the output is in the project's make.log
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = [f"-j{os.cpu_count() or 1}", "-s", ">make.log", "2>&1"]
    b2.BrianLogger.suppress_name("brian2.codegen.generators.base")
    b2.BrianLogger.log_level_error()


def spike_table(drive: SpikeTrains, n_table: int, step_offset: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flat per-neuron table of spike steps (each neuron's steps then a sentinel).

    Returns ``(table, ptr, nextbin)``: ``ptr[k]`` is the table position of
    neuron k's first spike and ``nextbin[k]`` that spike's step.
    """
    n = drive.n_neurons
    order = np.lexsort((drive.steps, drive.indices))
    idx = drive.indices[order]
    steps = drive.steps[order] + step_offset
    counts = np.bincount(idx, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts + 1)[:-1]])  # +1: one sentinel per neuron
    need = int(counts.sum() + n)
    if need > n_table:
        raise ValueError(f"spike table too small: {need} > {n_table}")
    table = np.full(n_table, SENTINEL)
    rank = np.arange(len(idx)) - np.concatenate([[0], np.cumsum(counts)[:-1]])[idx]
    table[starts[idx] + rank] = steps
    return table, starts.astype(np.float64), table[starts]


# ---- standalone build management -------------------------------------------------
# Processes share one compiled project per structure in the cache. Three rules keep any number of overlapping
# processes safe: (1) a build holds the project's lock exclusively and every run of the compiled program holds it
# shared, so the program and its static arrays are never rewritten under a running process; (2) run-argument
# files carry a per-process token in their names (Brian2 names them by content, so two processes with equal
# arguments would share, and delete, one file); (3) each process writes its own results folder.
ACTIVE: dict = {"key": None, "objects": None, "device": None}
_BUILD_COUNT = [0]
_TOKEN: dict = {}


_CLEANUP: set = set()


def _process_token() -> str:
    """A name part unique to this process (recomputed after a fork)."""
    pid = os.getpid()
    if _TOKEN.get("pid") != pid:
        _TOKEN.update(pid=pid, token=f"p{pid}x{os.urandom(3).hex()}")
    return _TOKEN["token"]


class ProjectLock:
    """Shared (run) / exclusive (build) lock on a standalone project folder (``flock``; exclusive-only elsewhere)."""

    def __init__(self, project, exclusive: bool):
        self.path, self.exclusive, self._fh, self._fallback = str(project) + ".rwlock", exclusive, None, None

    def __enter__(self):
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: one process at a time
            from brian2.utils.filelock import FileLock

            self._fallback = FileLock(self.path)
            self._fallback.acquire()
            return self
        self._fh = open(self.path, "a+")
        fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX if self.exclusive else fcntl.LOCK_SH)
        return self

    def __exit__(self, *exc):
        if self._fallback is not None:  # pragma: no cover
            self._fallback.release()
        if self._fh is not None:
            import fcntl

            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
        return False


def _private_run_arg_files(dev, token: str) -> None:
    """Make Brian2 name this process's run-argument files ``<token>_<name>`` (see rule 2 above)."""
    cls = type(dev)

    def wrap(prepare):
        def prepare_private(key, value):
            name, string_value, value_name, value_ar = prepare(dev, key, value)
            if value_name:
                value_name = f"{token}_{value_name}"
                string_value = os.path.join("static_arrays", value_name)
            return name, string_value, value_name, value_ar
        return prepare_private

    dev._prepare_variableview_run_arg = wrap(cls._prepare_variableview_run_arg)
    dev._prepare_timed_array_run_arg = wrap(cls._prepare_timed_array_run_arg)


def _remove_results_dirs():
    """Remove this process's standalone result folders (they only hold the last block's outputs)."""
    for d in _CLEANUP:
        shutil.rmtree(d, ignore_errors=True)


def standalone_build_count() -> int:
    """How many cpp_standalone builds (code generation + make) this process has done."""
    return _BUILD_COUNT[0]


def standalone_objects(parts: ModelParts, block_steps: int, n_table: int, record=None, *, announce: bool = False):
    """The objects and device of the compiled project for ``parts`` (built once per structure, see above)."""
    spec = parts.spec
    key = json_digest([parts.key(None if record is None else len(record)), block_steps, n_table], length=16)
    if ACTIVE["key"] == key:
        return ACTIVE["objects"], ACTIVE["device"]
    from brian2.devices.device import all_devices

    configure_prefs()
    project = cache_dir("brian2", "standalone", key)
    token = _process_token()
    results = f"results_{token}"
    dev = all_devices["cpp_standalone"]
    if ACTIVE["key"] is not None or dev.has_been_run or dev.build_on_run is False:
        dev.reinit()
    b2.set_device("cpp_standalone", build_on_run=False, directory=str(project), with_output=False)
    marker = project / "neuromem_built.json"
    stamp = {"brian2": b2.__version__, "key": key}
    try:
        objs = build_objects(parts, n_table, record)
        objs.net.run(block_steps * spec.sim.dt_ms * ms)
        with ProjectLock(project, exclusive=True):  # never while another process runs the program
            try:
                built = json.loads(marker.read_text()) == stamp and (project / "main").is_file()
            except (OSError, ValueError):
                built = False
            if announce and not built:
                print("building the Brian2 network once (C++ code generation and compilation, about a minute; "
                      "later runs reuse it) ...", file=sys.stderr, flush=True)
            # Brian2's generated main.cpp differs from process to process in the order of its clock set-up
            # lines (set iteration order), so compiling again would relink the program every time: once built,
            # the code is only regenerated (Brian2 needs that to run it), never compiled again
            dev.build(directory=str(project), results_directory=results, compile=not built, run=False,
                      with_output=False)
            if not built:
                from neuromem._io import atomic_write_json

                atomic_write_json(marker, stamp)
    except RuntimeError as exc:
        raise RuntimeError(f"building the Brian2 cpp_standalone project failed ({exc}); the compiler output is in "
                           f"{project / 'make.log'}; a C++ compiler (g++) and make are needed, or use the "
                           f"'brian2-runtime' engine") from exc
    finally:
        b2.set_device("runtime")
    _private_run_arg_files(dev, token)
    if not _CLEANUP:
        atexit.register(_remove_results_dirs)
    _CLEANUP.add(os.path.join(str(project), results))
    _BUILD_COUNT[0] += 1
    ACTIVE.update(key=key, objects=objs, device=dev, project=project, results=results)
    return objs, dev
