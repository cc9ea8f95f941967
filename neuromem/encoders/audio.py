"""Spoken names -> fixed-size log-mel features (librosa).

Nothing here is pretrained: the features are a fixed signal-processing front
end (log-mel spectrogram, the standard auditory-like representation), and the
projection into the shared latent space is fitted by neuromem on training
voices only. Held-out voices test generalisation to unheard speakers.

Feature vector (``N_MELS * (N_FRAMES + 2)`` values): the log-mel spectrogram
after trimming silence, linearly resampled to ``N_FRAMES`` time frames, plus
the mean and standard deviation of each mel band over time.
"""

from __future__ import annotations

import numpy as np

N_MELS = 40
N_FRAMES = 24
AUDIO_FEATURE_VERSION = "logmel40x24+stats/v1"


def logmel_features(wave: np.ndarray, sample_rate_hz: int) -> np.ndarray:
    """Fixed-size log-mel features of one utterance (see module docstring)."""
    import librosa

    wave = np.asarray(wave, dtype=np.float32)
    if wave.ndim != 1 or len(wave) < sample_rate_hz // 50:
        raise ValueError(f"an utterance must be a 1-D waveform of at least 20 ms; got shape {wave.shape}")
    if not np.all(np.isfinite(wave)):
        raise ValueError("waveform contains NaN or inf")
    trimmed, _ = librosa.effects.trim(wave, top_db=35)
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


def audio_features(waves) -> np.ndarray:
    """Stack :func:`logmel_features` of ``(wave, sample_rate_hz)`` pairs, shape (n, d)."""
    return np.stack([logmel_features(w, sr) for w, sr in waves])
