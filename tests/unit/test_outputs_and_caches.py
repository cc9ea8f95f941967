"""File modes of atomic writes, unreadable cache entries, and names handed to espeak-ng as data."""

from __future__ import annotations

import os
import shutil
import stat
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neuromem._io import atomic_write_bytes, atomic_write_json, atomic_write_npz, plain_file_mode

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_atomic_writes_get_the_mode_of_a_plain_write(tmp_path, umask):
    old = os.umask(umask)
    try:
        (tmp_path / "plain.txt").write_text("x")
        want = stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode)
        assert want == 0o666 & ~umask and plain_file_mode() == want
        for write in (lambda p: atomic_write_bytes(p, b"x"), lambda p: atomic_write_json(p, {"a": 1}),
                      lambda p: atomic_write_npz(p, {"a": np.zeros(2)})):
            p = write(tmp_path / f"f{time.perf_counter_ns()}")
            assert stat.S_IMODE(p.stat().st_mode) == want
    finally:
        os.umask(old)


def test_unreadable_npz_cache_entry_is_recomputed_with_a_warning():
    from neuromem.encoders.cache import CacheWarning, cache_path, load_cached, save_cached

    save_cached("unit-test", "k1", {"a": np.arange(3)})
    cache_path("unit-test", "k1").write_bytes(b"PK\x03\x04 damaged")
    with pytest.warns(CacheWarning, match="k1.npz is unreadable"):
        assert load_cached("unit-test", "k1") is None
    assert not cache_path("unit-test", "k1").exists()


@needs_espeak
def test_damaged_cached_wav_is_discarded_and_synthesised_again():
    import soundfile as sf

    from neuromem.config import cache_dir
    from neuromem.data.speech import SpeechWarning, Utterance, _espeak_version, espeak_binary, synthesise
    from neuromem.data.speech import utterance_cache_path

    u = Utterance("damaged wav", "en-us+m7", 150)
    path = utterance_cache_path(cache_dir("speech"), u, _espeak_version(espeak_binary()))
    path.write_bytes(b"RIFF\x10\x00\x00\x00WAVEfmt ")  # "No 'data' chunk marker"
    with pytest.warns(SpeechWarning, match="unreadable"):
        (wave, sr), = synthesise([u], workers=1)
    assert sr > 8000 and len(wave) > sr // 10
    assert sf.info(path).frames == len(wave)


@needs_espeak
@pytest.mark.parametrize("text", ["-1", "--help", "--stdin", "-v", "-w /tmp/x"])
def test_option_like_names_are_spoken_as_text(text):
    from neuromem.data.speech import Utterance, synthesise

    t0 = time.perf_counter()
    (wave, sr), = synthesise([Utterance(text, "en-gb+m1", 190)], workers=1)
    assert time.perf_counter() - t0 < 30  # "--stdin" used to wait for input forever
    # spoken text, not espeak-ng's help page (tens of seconds of speech) or nothing
    assert 0.1 < len(wave) / sr < 6.0


HOSTILE = st.one_of(
    st.sampled_from(["-x", "--", "a/b", "../../etc/passwd", "it's \"quoted\"", "two\nlines", "猫", "кошка",
                     "x" * 300, "$(touch pwned)", "; rm -rf ~", "<speak>ssml</speak>"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)
    .filter(lambda s: s.strip()))


@needs_espeak
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE)
def test_any_name_is_data_for_espeak_and_the_cache(tmp_path, text):
    from neuromem.config import cache_dir
    from neuromem.data.speech import Utterance, synthesise

    before = set(os.listdir(cache_dir("speech")))
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        out = synthesise([Utterance(text, "en-us+f2", 170)], workers=1)
    except RuntimeError as exc:  # espeak-ng may find nothing to say (e.g. only punctuation): a clear error
        assert "espeak-ng" in str(exc)
        out = None
    finally:
        os.chdir(cwd)
    assert os.listdir(tmp_path) == []  # nothing written where a name might point
    new = set(os.listdir(cache_dir("speech"))) - before
    assert all(len(n) == 28 and n.endswith(".wav") and n[:24].isalnum() for n in new)
    if out is not None:
        wave, sr = out[0]
        assert np.all(np.isfinite(wave)) and len(wave) >= sr // 50
