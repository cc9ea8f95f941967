import pytest

from neuromem.engines import EngineUnavailable, available_engines, engine_names, make_engine, register_engine
from neuromem.network import load_preset


def test_brian2_modes_registered():
    assert {"brian2", "brian2-runtime", "brian2-standalone"} <= set(engine_names())


def test_unknown_engine():
    with pytest.raises(KeyError, match="unknown engine 'nest'"):
        make_engine("nest", load_preset("default", latent_dim=2))


def test_missing_library_gives_clear_message():
    register_engine("fake-missing", "neuromem_fake_module:Engine", requires=("neuromem_no_such_package",))
    assert available_engines()["fake-missing"].startswith("missing")
    with pytest.raises(EngineUnavailable, match="needs neuromem_no_such_package, which is not installed"):
        make_engine("fake-missing", load_preset("default", latent_dim=2))
