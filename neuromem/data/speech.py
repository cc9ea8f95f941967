"""Spoken names synthesised offline with espeak-ng, cached as WAV files.

Each concept's written name forms are spoken in several voices (accent +
voice variant), at two speaking rates. Some voices are held out: they are
never used to fit anything and test whether a spoken name in an unheard voice
reaches its concept.
"""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from neuromem._hashing import sha256_hex
from neuromem.config import cache_dir

#: Voices used to fit the audio projection (espeak-ng ``-v`` values).
TRAIN_VOICES = (
    "en-gb+m1", "en-us+f2", "en-gb-scotland+m3", "en-gb-x-rp+f4",
    "en-029+m2", "en-us-nyc+f1", "en-gb-x-gbclan+m4", "en-us+m7",
)
#: Voices never used for fitting.
HELDOUT_VOICES = ("en-gb-x-gbcwmd+f3", "en-us+m5", "en-gb+f5")
#: Speaking rates (words per minute) for training items.
TRAIN_RATES_WPM = (150, 190)
#: Speaking rate for held-out items.
HELDOUT_RATE_WPM = 170


@dataclass(frozen=True)
class Utterance:
    """One spoken name: ``text`` said by ``voice`` at ``rate_wpm``."""

    text: str
    voice: str
    rate_wpm: int

    def describe(self) -> str:
        return f"{self.text} / {self.voice} @{self.rate_wpm}wpm"


def espeak_binary() -> str:
    """Path of espeak-ng, or a clear error saying how to install it."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise FileNotFoundError(
            "espeak-ng is not installed, so spoken names cannot be synthesised. "
            "Install it with `sudo apt-get install espeak-ng` (README set-up does this as root), "
            "or encode without audio (`neuromem encode --no-spoken`)."
        )
    return exe


#: Seconds one espeak-ng call may take before it is stopped.
ESPEAK_TIMEOUT_S = 60.0


class SpeechWarning(UserWarning):
    """A cached spoken name could not be read and was synthesised again."""


def _espeak_version(exe: str) -> str:
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
                         timeout=ESPEAK_TIMEOUT_S)
    return out.stdout.strip()


def _read_wav(path):
    """``(waveform float32 mono, sample_rate_hz)`` of a WAV file; raises on anything that is not real audio."""
    import soundfile as sf

    wave, sr = sf.read(path, dtype="float32")
    if wave.ndim > 1:
        wave = wave.mean(axis=1)
    if sr <= 0 or len(wave) < sr // 50 or not np.all(np.isfinite(wave)):
        raise ValueError(f"not a usable utterance: {len(wave)} samples at {sr} Hz")
    return wave, int(sr)


def speak_to_wav(exe: str, u: Utterance, path, *, timeout_s: float = ESPEAK_TIMEOUT_S) -> None:
    """Synthesise ``u`` into the WAV file ``path`` with espeak-ng, validated before it is kept.

    The text is handed over in a UTF-8 file (``-f``), never on the command
    line, so no text (``-1``, ``--help``, ``--stdin``) is read as an option;
    standard input is closed and the call is stopped after ``timeout_s``.
    The WAV is written to a temporary file, read back as audio and only then
    renamed into place.

    Raises
    ------
    RuntimeError
        espeak-ng failed, timed out or wrote something that is not audio.
    """
    import os
    import tempfile
    from pathlib import Path

    from neuromem._io import plain_file_mode

    path = Path(path)
    fd, txt = tempfile.mkstemp(dir=path.parent, prefix=".speak.", suffix=".txt")
    wav = txt[:-4] + ".wav"
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(u.text)
        try:
            res = subprocess.run([exe, "-b", "1", "-v", u.voice, "-s", str(int(u.rate_wpm)), "-w", wav, "-f", txt],
                                 stdin=subprocess.DEVNULL, capture_output=True, check=False, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"espeak-ng took more than {timeout_s:g} s for {u.describe()!r} and was stopped")
        if res.returncode != 0:
            raise RuntimeError(f"espeak-ng failed for {u.describe()!r} (exit {res.returncode}): "
                               f"{res.stderr.decode(errors='replace').strip()}")
        try:
            _read_wav(wav)
        except Exception as exc:
            raise RuntimeError(f"espeak-ng wrote no usable audio for {u.describe()!r} ({exc})") from exc
        os.chmod(wav, plain_file_mode())
        os.replace(wav, path)
    finally:
        for f in (txt, wav):
            try:
                os.unlink(f)
            except FileNotFoundError:
                pass


def utterance_cache_path(folder, u: Utterance, version: str):
    """Cache file of an utterance: a hash of text, voice, rate and espeak-ng version (never the text itself)."""
    key = sha256_hex(repr((u.text, u.voice, u.rate_wpm, version)), length=24)
    return folder / f"{key}.wav"


def synthesise(utterances, *, workers: int = 4, progress: bool = False, log=None) -> list[tuple[np.ndarray, int]]:
    """Speak each utterance; return ``(waveform float32 in [-1, 1], sample_rate_hz)`` per item.

    WAV files are cached under ``cache_dir("speech")`` keyed by a hash of
    text, voice, rate and the espeak-ng version; a cached file is reused. A
    cached file that cannot be read as audio is discarded and synthesised
    again, with a :class:`SpeechWarning`.

    Parameters
    ----------
    log : callable, optional
        Receives one line saying how many names come from the cache and how
        many are synthesised.
    """
    import warnings

    from neuromem._progress import progress as reported

    exe = espeak_binary()
    version = _espeak_version(exe)
    folder = cache_dir("speech")
    utterances = list(utterances)
    paths = [utterance_cache_path(folder, u, version) for u in utterances]
    if log is not None:
        n_new = sum(not p.exists() for p in paths)
        log(f"spoken names: {len(utterances) - n_new} of {len(utterances)} from cache"
            + (f", synthesising {n_new} with espeak-ng" if n_new else ""))

    def one(item):
        u, path = item
        if path.exists():
            try:
                return _read_wav(path)
            except Exception as exc:
                warnings.warn(f"cached spoken name {path} ({u.describe()}) is unreadable ({exc}); synthesising it "
                              "again", SpeechWarning, stacklevel=2)
                path.unlink(missing_ok=True)
        speak_to_wav(exe, u, path)
        return _read_wav(path)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        it = pool.map(one, zip(utterances, paths))
        return list(reported(it, total=len(utterances), desc="spoken names", unit="name", enabled=progress))


def spoken_name_items(names: dict, concepts) -> tuple[list[Utterance], np.ndarray, np.ndarray]:
    """Utterances of every concept's names, with labels and split.

    Train: each training name form in each training voice at each training rate.
    Held-out: every name form (training forms and held-out variants) in each
    held-out voice. Returns ``(utterances, labels, split)``.
    """
    utts, labels, split = [], [], []
    for k, c in enumerate(concepts):
        forms = names[c]
        for text in forms.train:
            for voice in TRAIN_VOICES:
                for rate in TRAIN_RATES_WPM:
                    utts.append(Utterance(text, voice, rate))
                    labels.append(k)
                    split.append("train")
        for text in forms.train + forms.heldout:
            for voice in HELDOUT_VOICES:
                utts.append(Utterance(text, voice, HELDOUT_RATE_WPM))
                labels.append(k)
                split.append("heldout")
    return utts, np.asarray(labels, dtype=np.int64), np.asarray(split)
