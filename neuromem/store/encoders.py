"""A saved memory's encoders, rebuilt from their fitted state, and what makes two memories' latents comparable."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neuromem.store.errors import MemoryMismatchError

__all__ = ["MemoryEncoders", "encoder_fingerprint", "read_sound"]


class MemoryEncoders:
    """The memory's encoders (backbone + picture head, name / spoken projections, decoder), from saved state.

    Parameters
    ----------
    state : dict of str -> ndarray
        The fitted parts as ``encode_dataset`` returns them (``EncodeResult.state``).
    config : dict
        The ``EncoderConfig`` as a dict.
    fingerprint : dict
        :func:`encoder_fingerprint` of the memory (backbone weights, audio feature version, ...).
    picture_shape : tuple of int
        Shape of the memory's pictures, (H, W) or (H, W, 3).
    """

    def __init__(self, state: dict, config: dict, fingerprint: dict, picture_shape: tuple):
        self.state = state
        self.config = config
        self.fingerprint = fingerprint
        self.picture_shape = tuple(picture_shape)
        self._backbone = None
        self._mods = {}

    def _linear_stack(self, prefix: str, state: dict | None = None):
        """nn.Sequential rebuilt from ``prefix/<i>.weight`` keys (GELU after a Linear layer, else Dropout(0))."""
        import torch
        import torch.nn as nn

        state = self.state if state is None else state
        keys = sorted({int(k[len(prefix) + 1:].split(".")[0]) for k in state
                       if k.startswith(prefix + "/") and k.endswith(".weight")})
        layers, sd = [], {}
        last = max(keys)
        for pos in range(last + 1):
            if pos in keys:
                w = state[f"{prefix}/{pos}.weight"]
                layers.append(nn.Linear(w.shape[1], w.shape[0]))
                sd[f"{pos}.weight"] = torch.from_numpy(np.array(w))
                sd[f"{pos}.bias"] = torch.from_numpy(np.array(state[f"{prefix}/{pos}.bias"]))
            else:
                layers.append(nn.GELU() if (pos - 1) in keys else nn.Dropout(0.0))
        net = nn.Sequential(*layers)
        net.load_state_dict(sd)
        return net.eval()

    def _projection(self, prefix: str):
        import torch
        import torch.nn as nn

        if prefix in self._mods:
            return self._mods[prefix]
        if f"{prefix}/mean" not in self.state:
            raise MemoryMismatchError(f"this memory has no {prefix.replace('_', ' ')}; it was learned without that "
                                      "modality (re-run `neuromem learn` with it enabled)")
        mean, std = self.state[f"{prefix}/mean"], self.state[f"{prefix}/std"]
        if f"{prefix}/weight" in self.state:  # a single linear map
            w = self.state[f"{prefix}/weight"]
            net = nn.Linear(w.shape[1], w.shape[0])
            net.load_state_dict({"weight": torch.from_numpy(np.array(w)),
                                 "bias": torch.from_numpy(np.array(self.state[f"{prefix}/bias"]))})
            net.eval()
        elif any(k.startswith(f"{prefix}/1.") for k in self.state):  # picture head: Dropout, MLP
            sub = {k.replace(f"{prefix}/1.", f"{prefix}/"): v for k, v in self.state.items()
                   if k.startswith(f"{prefix}/1.")}
            net = nn.Sequential(nn.Dropout(0.0), self._linear_stack(prefix, sub)).eval()
        else:
            net = self._linear_stack(prefix)

        def project(x):
            z = ((np.asarray(x, dtype=np.float32) - mean) / std).astype(np.float32)
            with torch.inference_mode():
                return net(torch.from_numpy(z)).numpy().astype(np.float32)

        self._mods[prefix] = project
        return project

    @property
    def backbone(self):
        if self._backbone is None:
            from neuromem.encoders.backbones import load_backbone, set_threads

            set_threads()
            bb = load_backbone(self.config["backbone"], input_size=self.config["input_size_px"],
                               weights=self.config.get("weights"))
            if bb.weights_id != self.fingerprint["weights_id"]:
                raise MemoryMismatchError(
                    f"this memory was built with {self.config['backbone']} weights {self.fingerprint['weights_id']}; "
                    f"the backbone found here has weights {bb.weights_id}. Its latents would not match the memory: "
                    "install the same weights or re-run `neuromem learn`")
            self._backbone = bb
        return self._backbone

    def pictures(self, pictures: np.ndarray) -> np.ndarray:
        return self._projection("picture_head")(self.backbone.features(pictures))

    def names(self, texts) -> np.ndarray:
        from neuromem.encoders import text as _text

        return self._projection("name_projection")(_text.embed_texts(texts))

    def sounds(self, waves) -> np.ndarray:
        """Latents (n, latent_dim) of ``(wave, sample_rate_hz)`` pairs.

        Features are computed with the audio feature version the memory was
        learned with (:mod:`neuromem.encoders.audio`).
        """
        from neuromem.encoders import audio as _audio

        version = self.fingerprint.get("audio_features", _audio.AUDIO_FEATURE_VERSION)
        return self._projection("spoken_projection")(_audio.audio_features(waves, version=version))

    def decoder(self):
        if "decoder" not in self._mods:
            import torch

            net = self._linear_stack("decoder")
            net = torch.nn.Sequential(*net, torch.nn.Sigmoid()).eval()
            self._mods["decoder"] = net
        return self._mods["decoder"]

    def reconstruct(self, latents: np.ndarray) -> np.ndarray:
        import torch

        with torch.inference_mode():
            out = self.decoder()(torch.from_numpy(np.asarray(latents, dtype=np.float32))).numpy()
        return out.reshape((len(out),) + self.picture_shape)

    def match_error(self, latents: np.ndarray, pictures: np.ndarray) -> np.ndarray:
        rec = self.reconstruct(latents)
        return ((rec - pictures) ** 2).reshape(len(pictures), -1).mean(axis=1)


def encoder_fingerprint(config: dict, weights_id: str) -> dict:
    """What must match for two memories' latents to be comparable."""
    from neuromem.encoders import audio as _audio
    from neuromem.encoders import text as _text
    from neuromem.encoders.backbones import FEATURE_VERSION
    from neuromem.encoders.pipeline import PIPELINE_VERSION

    return {"backbone": config["backbone"], "weights_id": weights_id, "input_size_px": config["input_size_px"],
            "latent_dim": config["latent_dim"], "feature_layout": FEATURE_VERSION, "pipeline": PIPELINE_VERSION,
            "text_model": _text.TEXT_MODEL_ID, "audio_features": _audio.AUDIO_FEATURE_VERSION}


def read_sound(path) -> tuple[np.ndarray, int]:
    """``(mono waveform float32, sample_rate_hz)`` of a sound file (channels averaged).

    Raises
    ------
    FileNotFoundError
        No such file.
    ValueError
        Not an audio file soundfile reads (names the file and the fix).
    """
    import soundfile as sf

    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"sound file {path} does not exist")
    try:
        wave, sr = sf.read(path, dtype="float32", always_2d=True)
    except Exception as exc:  # libsndfile raises several kinds
        raise ValueError(f"cannot read sound {path}: not an audio file soundfile understands ({exc}). "
                         "Give a WAV or FLAC file") from exc
    return wave.mean(axis=1), int(sr)
