"""Shared test set-up: every cache goes to one temporary folder per test session."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

# Set before any neuromem import so no test writes to the user's cache.
_SESSION_CACHE = tempfile.mkdtemp(prefix="neuromem-test-cache-")
os.environ["NEUROMEM_CACHE_DIR"] = _SESSION_CACHE
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_sessionfinish(session, exitstatus):
    """Remove the session's cache folder (tens of MB) when the tests end."""
    shutil.rmtree(_SESSION_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def session_cache_dir():
    return _SESSION_CACHE


@pytest.fixture(scope="session")
def digits_encoding():
    """The digits dataset encoded once per session (seed 0, default configuration)."""
    from neuromem.data import load_digits
    from neuromem.encoders import encode_dataset

    return encode_dataset(load_digits(), seed=0, progress=False, log=lambda *_: None)
