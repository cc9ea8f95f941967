"""Spoken names -> fixed-size log-mel features (librosa).

Nothing here is pretrained: the features are a fixed signal-processing front
end (log-mel spectrogram, the standard auditory-like representation), and the
projection into the shared latent space is fitted by neuromem on training
voices only. Held-out voices test generalisation to unheard speakers.

Feature vector (``N_MELS * (N_FRAMES + 2)`` values): the log-mel spectrogram
of the utterance after trimming what comes before and after the word,
linearly resampled to ``N_FRAMES`` time frames, plus the mean and standard
deviation of each mel band over time.

Trimming (:func:`trim_utterance`, feature version ``v2``) keeps the samples
from the first to the last frame (1,024 samples, hop 256) whose RMS level
exceeds

    threshold_db = max(peak_db - TRIM_BELOW_PEAK_DB, floor_db + TRIM_ABOVE_FLOOR_DB)

with ``peak_db`` the loudest frame and ``floor_db`` the 10th percentile of
the frames louder than digital silence (-90 dBFS). In a recording with room
noise before or after the word the floor is the noise, and the threshold
lies 25 dB below the peak or 6 dB above the noise, whichever is higher; in a
synthesised word, whose frames are nearly all speech, the floor lies in the
word's quieter part and its faint edges are trimmed too (the same for the
training voices and for cues, so the two are prepared alike). ``v1``
(``librosa.effects.trim`` at 35 dB below the peak) kept room noise at -50
dBFS under a word peaking at -15 dBFS (espeak-ng's level): it lies exactly
35 dB down.

Measured on the 48 held-out spoken names of a 4-digit memory (3 unheard
voices x 4 forms; seed 3), each followed by 1 s of white noise at -50 dBFS
RMS: 29 of 48 answered another concept with ``v1``, 0 of 48 with ``v2``.
With ``v2`` and the noise before the word, before and after it, or under it,
0.5 s of digital silence on both sides, the word 20 dB quieter, or sped up
by 40 %: 0 of 48 wrong; slowed by 30 %: 2 of 48 wrong, the word 20 dB quieter
with the noise after it (15 dB above the noise): 4 of 48 wrong, every wrong
answer flagged novel (outside the link radius).

Memories keep the feature version they were learned with
(``encoder_fingerprint["audio_features"]``) and encode sound cues with it, so
a memory learned with ``v1`` answers as it did.
"""

from __future__ import annotations

import numpy as np

N_MELS = 40
N_FRAMES = 24
AUDIO_FEATURE_VERSION = "logmel40x24+stats/v2"
#: Every feature version this module computes (older memories keep theirs).
AUDIO_FEATURE_VERSIONS = ("logmel40x24+stats/v1", AUDIO_FEATURE_VERSION)
#: Frames quieter than this many dB below the loudest frame are trimmed at the ends (v2).
TRIM_BELOW_PEAK_DB = 25.0
#: ... and so are frames less than this many dB above the noise floor (v2).
TRIM_ABOVE_FLOOR_DB = 6.0
#: Frames below this level (dBFS) are digital silence, left out of the noise floor.
DIGITAL_SILENCE_DBFS = -90.0
_FRAME, _HOP = 1024, 256


def _frame_db(wave: np.ndarray) -> np.ndarray:
    import librosa

    rms = librosa.feature.rms(y=wave, frame_length=_FRAME, hop_length=_HOP, center=True)[0]
    return 20.0 * np.log10(np.maximum(rms, 1e-10))


def trim_utterance(wave: np.ndarray) -> np.ndarray:
    """The word without what comes before and after it (module docstring, ``v2``).

    Parameters
    ----------
    wave : ndarray (n_samples,), float32
        Samples in [-1, 1].

    Returns
    -------
    ndarray, float32
        The kept samples (``wave`` itself when every frame is digital silence
        or no frame stands out, as in a steady tone).
    """
    import librosa

    db = _frame_db(wave)
    live = db[db > DIGITAL_SILENCE_DBFS]
    if not len(live):
        return wave
    floor = float(np.percentile(live, 10))
    keep = np.flatnonzero(db > max(float(db.max()) - TRIM_BELOW_PEAK_DB, floor + TRIM_ABOVE_FLOOR_DB))
    if not len(keep):  # no frame stands out (a steady sound): nothing to trim
        return wave
    start = int(librosa.frames_to_samples(keep[0], hop_length=_HOP))
    end = min(len(wave), int(librosa.frames_to_samples(keep[-1] + 1, hop_length=_HOP)))
    return wave[start:end]


def logmel_features(wave: np.ndarray, sample_rate_hz: int, *, version: str = AUDIO_FEATURE_VERSION) -> np.ndarray:
    """Fixed-size log-mel features of one utterance (see the module docstring).

    Parameters
    ----------
    wave : ndarray (n_samples,)
        Mono samples in [-1, 1], at least 20 ms long.
    sample_rate_hz : int
    version : str
        One of :data:`AUDIO_FEATURE_VERSIONS`.

    Returns
    -------
    ndarray (N_MELS * (N_FRAMES + 2),), float32

    Raises
    ------
    ValueError
        Not a 1-D waveform of at least 20 ms, NaN / inf samples, or an unknown version.
    """
    import librosa

    if version not in AUDIO_FEATURE_VERSIONS:
        raise ValueError(f"audio feature version {version!r} is unknown; this neuromem computes "
                         f"{AUDIO_FEATURE_VERSIONS}. Upgrade neuromem or re-run `neuromem learn`")
    wave = np.asarray(wave, dtype=np.float32)
    if wave.ndim != 1 or len(wave) < sample_rate_hz // 50:
        raise ValueError(f"an utterance must be a 1-D waveform of at least 20 ms; got shape {wave.shape}")
    if not np.all(np.isfinite(wave)):
        raise ValueError("waveform contains NaN or inf")
    trimmed = trim_utterance(wave) if version == AUDIO_FEATURE_VERSION else librosa.effects.trim(wave, top_db=35)[0]
    if len(trimmed) < sample_rate_hz // 50:
        trimmed = wave
    mel = librosa.feature.melspectrogram(y=trimmed, sr=sample_rate_hz, n_fft=1024, hop_length=256, n_mels=N_MELS,
                                         fmin=60.0, fmax=min(8000.0, sample_rate_hz / 2))
    logmel = librosa.power_to_db(mel, ref=np.max, top_db=80.0)  # (N_MELS, T), dB re max
    t_old = np.linspace(0.0, 1.0, logmel.shape[1])
    t_new = np.linspace(0.0, 1.0, N_FRAMES)
    resampled = np.stack([np.interp(t_new, t_old, band) for band in logmel])
    feats = np.concatenate([resampled.ravel(), logmel.mean(axis=1), logmel.std(axis=1)])
    return feats.astype(np.float32)


def audio_features(waves, *, version: str = AUDIO_FEATURE_VERSION) -> np.ndarray:
    """Stack :func:`logmel_features` of ``(wave, sample_rate_hz)`` pairs, shape (n, d)."""
    return np.stack([logmel_features(w, sr, version=version) for w, sr in waves])
