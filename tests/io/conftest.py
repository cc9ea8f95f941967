"""Fixtures of the io tests."""

from __future__ import annotations

import pytest
from recording_sample import make_recording

from neuromem.io import Recording


@pytest.fixture
def recording() -> Recording:
    return make_recording()
