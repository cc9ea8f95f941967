import pytest

from neuromem.engines import available_engines

#: Engines (and modes) whose library is installed here; others are skipped, not failed.
INSTALLED = [name for name, status in available_engines().items() if status == "ok" and name != "brian2"]


def pytest_generate_tests(metafunc):
    if "engine_name" in metafunc.fixturenames:
        metafunc.parametrize("engine_name", INSTALLED or [pytest.param("none", marks=pytest.mark.skip(
            reason="no simulation engine installed"))])
