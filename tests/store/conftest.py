"""Fixtures of the store tests: one CPU per module, and the small memory learned once per session."""

from __future__ import annotations

import os
import sys

import pytest

from memory_helpers import HELDOUT, PER_CONCEPT, SMALL_CONCEPTS, SMALL_GROUPS, _learn


@pytest.fixture(scope="module")
def one_cpu():
    """Pin this process, and so every process it starts, to one CPU until the module ends.

    The encoders use one torch thread per CPU of the process
    (:func:`neuromem.encoders.backbones.set_threads`). Fitting their small heads
    with two threads on a busy two-core machine is spent mostly waiting for the
    other thread: with two other jobs running, this module's `neuromem learn`
    took 62 s on two threads and 20 s on one, `learn --fit-concepts` in-process
    8.9 s and 3.4 s; these fits are too small to gain from a second thread.
    Every process here has the same single CPU, so answers compared across
    processes come from the same thread count.
    """
    if not hasattr(os, "sched_setaffinity"):  # not Linux: leave the threads as they are
        yield
        return
    cpus = os.sched_getaffinity(0)
    torch_threads = sys.modules["torch"].get_num_threads() if "torch" in sys.modules else None
    os.sched_setaffinity(0, {min(cpus)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, cpus)
        if "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(torch_threads or len(cpus))


@pytest.fixture(scope="session")
def learned(tmp_path_factory):
    """The small memory (4 digits x 20 pictures, nested in two groups), learned once by `neuromem learn` on one CPU.

    Shared by every module that reads it; a test that changes it works on a copy.
    """
    return _learn(tmp_path_factory.mktemp("user"), concepts=SMALL_CONCEPTS, per_concept=PER_CONCEPT,
                  heldout=HELDOUT, extra=("--input-size", 32), groups=SMALL_GROUPS)
