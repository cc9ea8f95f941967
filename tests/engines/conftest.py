import importlib.util

import pytest

from neuromem.engines import available_engines

#: Engines (and modes) whose library is installed here; others are skipped, not failed.
INSTALLED = [name for name, status in available_engines().items() if status == "ok" and name != "brian2"]


def pytest_generate_tests(metafunc):
    if "engine_name" in metafunc.fixturenames:
        metafunc.parametrize("engine_name", INSTALLED or [pytest.param("none", marks=pytest.mark.skip(
            reason="no simulation engine installed"))])


@pytest.fixture(autouse=True, scope="session")
def _one_torch_thread():
    """The norse engine's per-step tensor ops on one thread: on a shared machine a second thread waits for its
    partner at every op (observed here: 10-30x slower under load); results do not depend on it."""
    if importlib.util.find_spec("torch") is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
