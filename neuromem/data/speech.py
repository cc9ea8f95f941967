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
from neuromem._io import atomic_write_bytes
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


def _espeak_version(exe: str) -> str:
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    return out.stdout.strip()


def synthesise(utterances, *, workers: int = 4, progress: bool = False) -> list[tuple[np.ndarray, int]]:
    """Speak each utterance; return ``(waveform float32 in [-1, 1], sample_rate_hz)`` per item.

    WAV files are cached under ``cache_dir("speech")`` keyed by text, voice,
    rate and the espeak-ng version; a cached file is reused.
    """
    import soundfile as sf
    from tqdm.auto import tqdm

    exe = espeak_binary()
    version = _espeak_version(exe)
    folder = cache_dir("speech")

    def one(u: Utterance):
        key = sha256_hex(repr((u.text, u.voice, u.rate_wpm, version)), length=24)
        path = folder / f"{key}.wav"
        if not path.exists():
            res = subprocess.run(
                [exe, "-v", u.voice, "-s", str(u.rate_wpm), "--stdout", u.text],
                capture_output=True, check=False,
            )
            if res.returncode != 0 or len(res.stdout) < 100:
                raise RuntimeError(
                    f"espeak-ng failed for {u.describe()!r}: {res.stderr.decode(errors='replace').strip()}"
                )
            atomic_write_bytes(path, res.stdout)
        wave, sr = sf.read(path, dtype="float32")
        if wave.ndim > 1:
            wave = wave.mean(axis=1)
        return wave, int(sr)

    utterances = list(utterances)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        it = pool.map(one, utterances)
        if progress:
            it = tqdm(it, total=len(utterances), desc="speaking names", unit="utt")
        return list(it)


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
