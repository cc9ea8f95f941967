"""Whole memories: encoders, a trained concept layer and the concept store, saved and queried.

:func:`learn` encodes a dataset (pictures, written names and, when enabled,
spoken names), forms engrams by presenting every concept's modalities
together ``presentations`` times to a spiking concept layer with STDP, assigns
each concept the neurons that fire for it (synchrony), builds the
:class:`~neuromem.store.ConceptStore` and returns a :class:`Memory`.
:meth:`Memory.save` writes everything needed to answer queries later into one
generation of a memory folder (:mod:`neuromem.store.persist`):

``memory.json``
    Format version, seeds, network description (preset, overrides and the full
    parameter set), engine, encoder configuration and fingerprint, dataset
    description, thresholds, package versions.
``network.npz``
    The concept layer's full state as written by the engram network's
    ``store(filename=...)``: weights, thresholds, its random stream, and the
    parameters it was built with (checked on restore).
``memory.npz``
    The population code's fitted squash per modality, the encoder state
    (picture head, name and spoken-name projections, decoder), picture
    thumbnails.
``store.sqlite`` (+ ``index.faiss``, derived)
    The concept store.

Recall (:meth:`Memory.recall_picture`, :meth:`Memory.recall_name`,
:meth:`Memory.recall_sound`) encodes the cue with the memory's own encoders,
finds the nearest concept in the store (locality; see
:mod:`neuromem.store.concepts` for ``confidence``) and cues the concept layer
with the cue alone (learning off) to report the engram neurons that fire.
Cue spikes are drawn from a seed derived from the memory's seed and the cue
item (the prepared picture, the text, the waveform), so a saved and re-loaded
memory gives identical answers on the same engine, machine and thread count.

Novelty: a picture cue is ``novel`` when its distance to the answer's centroid
exceeds the store's link radius, or when the decoder's match error (mean
squared error per pixel between the picture and the decoder's reconstruction
from its latent) exceeds ``match_error_threshold``, the 99th percentile of the
match errors of the held-out (never fitted) pictures of the learned concepts.
Name and sound cues have no match error (``null``).

Imagining (:meth:`Memory.imagine`): a name (or sound) cue drives the concept
layer; the engram's spike counts weight the learned concept -> picture
feedback, completing a picture-population activity pattern, which is decoded
to a picture latent (population vector, :func:`neuromem.coding.decode_rates`)
and drawn by the decoder. This is the offline read-out of the feedback
weights, not a second spiking run.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from neuromem.store import persist
from neuromem.store.concepts import ConceptStore
from neuromem.store.errors import CorruptStoreError, MemoryMismatchError, StoreError

__all__ = ["LearnConfig", "Memory", "learn", "load_memory", "MEMORY_FORMAT_VERSION"]

#: Version of memory.json / memory.npz; a reader refuses anything newer.
MEMORY_FORMAT_VERSION = 1
MATCH_ERROR_QUANTILE = 0.99
#: A concept layer of N neurons holds at most N // NEURONS_PER_CONCEPT concepts.
NEURONS_PER_CONCEPT = 4
MAX_CONCEPT_NEURONS = 20000
THUMBNAIL_PX = 32


@dataclass(frozen=True, kw_only=True)
class LearnConfig:
    """How a memory is learned.

    Parameters
    ----------
    presentations : int
        Presentations per concept (picture + name [+ spoken name] together), 1..100.
    engine : str
        Registered engine name.
    preset : str
        Network preset (``models/<preset>.toml``).
    seed : int
        Seed of the split, the fitted heads, the initial weights, the
        presentation order and every spike train (>= 0).
    concept_neurons : int or None
        Size of the concept layer; ``None``: the preset's size, grown to
        ``NEURONS_PER_CONCEPT`` x the number of concepts when that is larger.
    """

    presentations: int = 3
    engine: str = "numba"
    preset: str = "default"
    seed: int = 3
    concept_neurons: int | None = None

    def __post_init__(self):
        if not isinstance(self.presentations, int) or not 1 <= self.presentations <= 100:
            raise ValueError(f"presentations={self.presentations!r} is out of range; allowed integers 1..100")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed={self.seed!r} must be an integer >= 0")
        if self.concept_neurons is not None and (not isinstance(self.concept_neurons, int)
                                                 or not 2 <= self.concept_neurons <= MAX_CONCEPT_NEURONS):
            raise ValueError(f"concept_neurons={self.concept_neurons!r} is out of range; allowed integers "
                             f"2..{MAX_CONCEPT_NEURONS}")


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("neuromem", "numpy", "torch", "faiss-cpu", "networkx", "numba", "brian2", "norse",
                "scikit-image", "librosa"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    return out


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def concept_layer_size(n_concepts: int, preset_neurons: int, requested: int | None) -> int:
    """Neurons the concept layer needs for ``n_concepts`` (see :data:`NEURONS_PER_CONCEPT`).

    Raises
    ------
    ValueError
        ``requested`` is too small, or more than :data:`MAX_CONCEPT_NEURONS` would be needed.
    """
    need = NEURONS_PER_CONCEPT * n_concepts
    if requested is not None:
        if requested < need:
            raise ValueError(f"a concept layer of {requested} neurons cannot hold {n_concepts} concepts (at most "
                             f"{requested // NEURONS_PER_CONCEPT}: {NEURONS_PER_CONCEPT} neurons per concept); "
                             f"use --concept-neurons {need} or more")
        return requested
    if need > MAX_CONCEPT_NEURONS:
        raise ValueError(f"{n_concepts} concepts need a concept layer of {need} neurons; the largest supported is "
                         f"{MAX_CONCEPT_NEURONS} ({MAX_CONCEPT_NEURONS // NEURONS_PER_CONCEPT} concepts). "
                         "Split the folder into several memories")
    return max(preset_neurons, need)


# ---- fitted encoders rebuilt from their saved state ----------------------------------------
class _Encoders:
    """The memory's encoders (backbone + picture head, name / spoken projections, decoder)."""

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
        from neuromem.encoders import audio as _audio

        return self._projection("spoken_projection")(_audio.audio_features(waves))

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


def _item_key(item) -> bytes:
    """Bytes identifying a cue item: a prepared picture or waveform (float32), a text, or a latent."""
    if isinstance(item, str):
        return b"text:" + item.encode()
    return np.ascontiguousarray(item, dtype="<f4").tobytes()


def _cue_seed(memory_seed: int, item, use: str = "cue", *after):
    """The seed tree node of a cue's (or a one-shot concept's) input spikes: ``input_spikes/<use>/<item hash>/...``.

    The item hash is the first 16 hex digits of the SHA-256 of :func:`_item_key`.
    """
    from neuromem.seeds import SeedTree

    item_hash = hashlib.sha256(_item_key(item)).hexdigest()[:16]
    return SeedTree(int(memory_seed)).child("input_spikes", use, item_hash, *after)


class Memory:
    """A learned memory (use :func:`learn` or :func:`load_memory`)."""

    def __init__(self, *, meta: dict, arrays: dict, store: ConceptStore, path: Path | None = None, snapshot=None,
                 network=None):
        self.meta = meta
        self.arrays = arrays
        self.store = store
        self.path = path
        enc = meta["encoder"]
        self.encoders = _Encoders({k.split("::", 1)[1]: v for k, v in arrays.items() if k.startswith("encoder::")},
                                  enc["config"], enc["fingerprint"], tuple(meta["dataset"]["picture_shape"]))
        self._network = network
        self._snapshot = snapshot  # NetworkSnapshot read from disk (used until the network is built)
        #: generation this memory was loaded from (a save into the same folder must follow it directly)
        self.generation: str | None = None

    # ---- the concept layer ----------------------------------------------------------------
    @property
    def seed(self) -> int:
        return int(self.meta["seed"])

    def spec(self):
        from neuromem.network import load_preset

        net = self.meta["network"]
        spec = load_preset(net["preset"], modalities=tuple(net["modalities"]), latent_dim=int(net["latent_dim"]),
                           **net["overrides"])
        if json.loads(json.dumps(spec.to_dict(), default=str)) != net["description"]:
            raise MemoryMismatchError(f"the network preset {net['preset']!r} changed since this memory was saved; "
                                      "its saved description no longer matches. Re-run `neuromem learn`")
        return spec

    def network_state(self):
        """Weights and thresholds of the concept layer (``NetworkState``)."""
        if self._network is not None:
            return self._network.get_state()
        return self._snapshot.state

    def squash(self):
        from neuromem.coding import LatentSquash

        return {m: LatentSquash(mean=self.arrays[f"squash::{m}/mean"], scale=self.arrays[f"squash::{m}/scale"])
                for m in self.meta["network"]["modalities"]}

    @property
    def network(self):
        if self._network is None:
            from neuromem.engram import EngramNetwork

            net = EngramNetwork(self.spec(), self.squash(), engine=self.meta["network"]["engine"], seed=self.seed)
            net.load_snapshot(self._snapshot)  # weights, thresholds and the network's own random stream
            self._network = net
        return self._network

    def cue_counts(self, modality: str, latents: np.ndarray, items=None) -> np.ndarray:
        """Concept spike counts (n_items, n_neurons) for each cue alone, learning off.

        Each cue's spikes are seeded from the memory's seed and ``items[i]`` (the
        cue item: prepared picture, text or waveform; default its latent).
        """
        z_all = np.atleast_2d(latents)
        items = list(z_all) if items is None else list(items)
        out = []
        for z, item in zip(z_all, items):
            resp = self.network.cue(modality, z[None, :], seed=_cue_seed(self.seed, item).rng())
            out.append(resp.counts[0])
        return np.asarray(out)

    # ---- recall ---------------------------------------------------------------------------
    def check_encoder(self, fingerprint: dict) -> None:
        """Raise unless latents made with ``fingerprint`` are comparable with this memory's."""
        own = self.meta["encoder"]["fingerprint"]
        diff = {k: (own.get(k), fingerprint.get(k)) for k in set(own) | set(fingerprint) if own.get(k) !=
                fingerprint.get(k)}
        if diff:
            shown = ", ".join(f"{k}: memory {a!r} vs query {b!r}" for k, (a, b) in sorted(diff.items()))
            raise MemoryMismatchError(f"the query was encoded with another encoder configuration ({shown}); "
                                      "encode it with the memory's encoder (recall --picture does) or re-learn")

    def _answer(self, z: np.ndarray, modality: str, *, match_error=None, cue: dict, item=None) -> dict:
        look = self.store.lookup(z[None, :], modality=modality)[0]
        counts = self.cue_counts(modality, z[None, :], None if item is None else [item])[0]
        fired = np.flatnonzero(counts)
        fired = fired[np.argsort(-counts[fired], kind="stable")]
        thr = self.meta["thresholds"]["match_error_threshold"]
        novel = (not look.linked) or (match_error is not None and match_error > thr)
        node = self.store.node(look.concept)
        names = self.meta["dataset"].get("canonical_names", {})
        return {
            "concept": look.concept,
            "name": names.get(look.concept, look.concept),
            "confidence": look.confidence,
            "engram_neurons": [int(i) for i in fired],
            "engram_spike_counts": [int(counts[i]) for i in fired],
            "concept_engram": list(node.engram_neurons),
            "match_error": None if match_error is None else float(match_error),
            "match_error_threshold": thr,
            "novel": bool(novel),
            "distance": look.distance,
            "link_radius": self.store.link_radius,
            "linked": look.linked,
            "nearest_items": [{"item": i, "concept": self.store.item(i)[0], "modality": self.store.item(i)[1],
                               "source": self.store.item(i)[2], "distance": d}
                              for i, d in zip(look.neighbour_ids[:5], look.neighbour_distances[:5])],
            "cue": cue,
        }

    def encode_picture_file(self, path) -> tuple[np.ndarray, np.ndarray]:
        """``(picture, latent)`` of a picture file, prepared as the memory's pictures were."""
        from neuromem.store.folders import load_picture

        pic = load_picture(path, tuple(self.meta["dataset"]["picture_shape"]))
        return pic, self.encoders.pictures(pic[None])[0]

    def recall_picture(self, path) -> dict:
        """Recall from one picture file (see the module docstring)."""
        return self.recall_pictures([path])[0]

    def recall_pictures(self, paths) -> list[dict]:
        """:meth:`recall_picture` for many files, encoded in one batch (identical answers, less time)."""
        from neuromem.store.folders import load_picture

        paths = list(paths)
        shape = tuple(self.meta["dataset"]["picture_shape"])
        pics = np.stack([load_picture(p, shape) for p in paths])
        z = self.encoders.pictures(pics)
        err = self.encoders.match_error(z, pics)
        return [self._answer(zi, "picture", match_error=float(e), cue={"modality": "picture", "file": str(p)},
                             item=pic) for zi, e, p, pic in zip(z, err, paths, pics)]

    def recall_latent(self, latent: np.ndarray, modality: str, *, fingerprint: dict | None = None) -> dict:
        """Recall from an already encoded latent (``fingerprint``: the encoder that made it)."""
        if fingerprint is not None:
            self.check_encoder(fingerprint)
        z = np.asarray(latent, dtype=np.float32)
        if z.ndim != 1 or len(z) != self.store.latent_dim:
            raise MemoryMismatchError(f"the latent has shape {z.shape}; this memory holds {self.store.latent_dim}-d "
                                      "latents. Encode it with the memory's encoder configuration")
        if not np.all(np.isfinite(z)):
            raise MemoryMismatchError("the latent contains NaN or inf; re-encode the item")
        return self._answer(z, modality, cue={"modality": modality})

    def recall_name(self, text: str) -> dict:
        z = self.encoders.names([text])[0]
        return self._answer(z, "name", cue={"modality": "name", "text": text}, item=text)

    def recall_sound(self, path) -> dict:
        import soundfile as sf

        if "spoken" not in self.meta["network"]["modalities"]:
            raise MemoryMismatchError("this memory was learned without spoken names; re-run `neuromem learn` "
                                      "without --no-spoken to recall from sounds")
        path = Path(path).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"sound file {path} does not exist")
        try:
            wave, sr = sf.read(path, dtype="float32", always_2d=True)
        except Exception as exc:
            raise ValueError(f"cannot read sound {path}: not an audio file soundfile understands ({exc}). "
                             "Give a WAV or FLAC file") from exc
        mono = wave.mean(axis=1)
        z = self.encoders.sounds([(mono, int(sr))])[0]
        return self._answer(z, "spoken", cue={"modality": "spoken", "file": str(path)}, item=mono)

    # ---- imagining ------------------------------------------------------------------------
    def imagine(self, latent: np.ndarray, modality: str, *, item=None, n_nearest: int = 5) -> dict:
        """Complete a picture latent from a word cue through the engram's feedback (module docstring).

        Returns a dict with ``picture`` (the decoder's drawing), ``latent``,
        ``source`` (``"engram feedback"`` or, when no concept neuron fired,
        ``"silent engram"`` with ``picture`` None), ``nearest`` (thumbnails and
        descriptions of the nearest stored real pictures).
        """
        from neuromem.analysis.recall import complete_pattern
        from neuromem.coding.population import decode_rates

        counts = self.cue_counts(modality, latent[None, :], None if item is None else [item])
        pattern = complete_pattern(counts, self.network_state().w_fb["picture"])
        if pattern.sum() <= 0:
            return {"picture": None, "latent": None, "source": "silent engram", "nearest": []}
        _, z = decode_rates(pattern, self.spec().coding, self.squash()["picture"])
        z = z.astype(np.float32)
        pic = self.encoders.reconstruct(z)[0]
        pics = np.flatnonzero(self.store._modality == 0)
        d = np.linalg.norm(self.store.item_latents()[pics] - z[0], axis=1)
        near = pics[np.argsort(d)[:n_nearest]]
        thumbs = self.arrays["thumbnails::pictures"]
        item_of = {int(i): j for j, i in enumerate(self.arrays["thumbnails::item_ids"])}
        nearest = [{"item": int(i), "concept": self.store.item(int(i))[0], "source": self.store.item(int(i))[2],
                    "thumbnail": thumbs[item_of[int(i)]] if int(i) in item_of else None} for i in near]
        return {"picture": pic, "latent": z[0], "source": "engram feedback", "nearest": nearest}

    # ---- adding one item --------------------------------------------------------------------
    def add_picture(self, path, *, concept: str | None = None) -> dict:
        """Add one picture: linked by locality, or learned one-shot as the new concept ``concept``.

        Raises
        ------
        StoreError
            The picture is novel and no ``concept`` name was given, or the concept
            layer has no free neuron left for a new concept.
        """
        pic, z = self.encode_picture_file(path)
        ans = self._answer(z, "picture", match_error=float(self.encoders.match_error(z[None], pic[None])[0]),
                           cue={"modality": "picture", "file": str(path)}, item=pic)
        target = concept
        if target is None:
            if ans["novel"]:
                raise StoreError(f"{path} is novel (distance {ans['distance']:.3g} vs link radius "
                                 f"{ans['link_radius']:.3g}, match error {ans['match_error']:.4g} vs "
                                 f"{ans['match_error_threshold']:.4g}); give it a name with --concept NAME to learn "
                                 "it as a new concept. Nothing was saved")
            target = ans["concept"]
        new = target not in self.store
        if new:
            self._learn_one_shot(target, z, pic)
        self.store.add_items(target, "picture", z[None], [Path(path).name])
        self._add_thumbnail(self.store.n_items - 1, pic)
        return {**ans, "added_to": target, "new_concept": new}

    def _learn_one_shot(self, name: str, z_pic: np.ndarray, pic: np.ndarray) -> None:
        used = {n for c in self.store.concepts for n in self.store.node(c).engram_neurons}
        n_neurons = int(self.meta["network"]["concept_neurons"])
        if len(used) >= n_neurons - 1:
            raise StoreError(f"the concept layer has no free neuron for a new concept ({len(used)} of {n_neurons} "
                             "are in engrams); re-learn with a larger --concept-neurons")
        z_name = self.encoders.names([name])[0]
        stim = {"picture": z_pic[None], "name": z_name[None]}
        self.network.present(stim, plastic=True, seed=_cue_seed(self.seed, pic, "one_shot", "learn").rng())
        resp = self.network.present(stim, plastic=False, seed=_cue_seed(self.seed, pic, "one_shot", "assign").rng())
        counts = resp.counts[0]
        fired = np.flatnonzero(counts)
        self.store.add_concept(name)
        self.store.add_items(name, "name", z_name[None], [name])
        self.store.set_engram(name, fired, counts[fired].astype(float))
        shared = sorted(set(fired.tolist()) & used)
        self.meta.setdefault("shared_engram_neurons", {})
        if shared:
            self.meta["shared_engram_neurons"][name] = shared
        self.meta["dataset"].setdefault("canonical_names", {})[name] = name

    def _add_thumbnail(self, item_id: int, pic: np.ndarray) -> None:
        self.arrays["thumbnails::pictures"] = np.concatenate([self.arrays["thumbnails::pictures"],
                                                              _thumbnails(pic[None])])
        self.arrays["thumbnails::item_ids"] = np.append(self.arrays["thumbnails::item_ids"], item_id)

    # ---- saving -----------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Commit the whole memory as a new generation of ``path`` (atomic; see :mod:`neuromem.store.persist`)."""
        from neuromem._io import _json_default

        self.meta["saved_utc"] = _now()
        self.meta["link_radius"] = self.store.link_radius
        arrays = dict(self.arrays)
        snapshot = self._network.snapshot() if self._network is not None else self._snapshot

        def write(folder: Path):
            (folder / "memory.json").write_text(json.dumps(self.meta, indent=1, default=_json_default) + "\n")
            with open(folder / "memory.npz", "wb") as fh:
                np.savez_compressed(fh, **arrays)
            snapshot.save(folder / "network.npz")  # the engram network's store() format
            self.store.save(folder)

        same = self.path is not None and Path(path).resolve() == Path(self.path).resolve()
        gen = persist.commit_generation(path, write, derived=("index.faiss", "index.faiss.stamp.json"),
                                        info={"concepts": len(self.store.concepts), "items": self.store.n_items},
                                        expect_generation=self.generation if same else None)
        self.path = Path(path)
        self.generation = gen.name
        self.arrays = arrays
        return gen

    def describe(self) -> list[dict]:
        """One row per concept: items per modality, engram neurons, parents, children, associations."""
        rows = []
        for c in self.store.concepts:
            n = self.store.node(c)
            rows.append({"concept": c, **{m: len(n.item_ids.get(m, ())) for m in ("picture", "name", "spoken")},
                         "engram_neurons": list(n.engram_neurons), "parents": list(n.parents),
                         "children": list(n.children), "associations": list(n.associations)})
        return rows


def _thumbnails(pictures: np.ndarray) -> np.ndarray:
    """uint8 thumbnails of at most THUMBNAIL_PX pixels a side."""
    from skimage.transform import resize

    p = np.asarray(pictures)
    if p.shape[1] > THUMBNAIL_PX:
        p = np.stack([resize(x, (THUMBNAIL_PX, THUMBNAIL_PX) + x.shape[2:], anti_aliasing=True) for x in p])
    return np.clip(np.round(p * 255), 0, 255).astype(np.uint8)


def load_memory(path: str | Path) -> Memory:
    """Load the committed generation of a memory folder.

    Raises
    ------
    FileNotFoundError
        Not a memory folder.
    CorruptStoreError
        A file is truncated or bit-flipped (named in the message).
    NewerSchemaError
        Written by a newer neuromem.
    """
    path = Path(path)
    return persist.read_snapshot(path, lambda gen, _: _read_generation(path, gen))


def _read_generation(path: Path, gen: Path) -> Memory:
    try:
        meta = json.loads((gen / "memory.json").read_text())
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as exc:
        raise CorruptStoreError(f"{gen / 'memory.json'} is unreadable ({exc}); re-run `neuromem learn`") from exc
    persist.check_version(meta.get("format_version"), newest=MEMORY_FORMAT_VERSION,
                          where=f"memory {path} ({gen.name}/memory.json)", what="format version")
    try:
        with np.load(gen / "memory.npz", allow_pickle=False) as f:
            arrays = {k: f[k] for k in f.files}
    except FileNotFoundError:
        raise
    except Exception as exc:  # zipfile / zlib / numpy raise many kinds
        raise CorruptStoreError(f"{gen / 'memory.npz'} is unreadable ({exc}); re-run `neuromem learn`") from exc
    from neuromem.engram import NetworkSnapshot

    try:
        snapshot = NetworkSnapshot.load(gen / "network.npz")
    except FileNotFoundError:
        raise
    except Exception as exc:  # zipfile / zlib / json raise many kinds
        raise CorruptStoreError(f"{gen / 'network.npz'} is unreadable ({exc}); re-run `neuromem learn`") from exc
    store = ConceptStore.load(gen)
    store.link_radius = meta.get("link_radius", store.link_radius)
    mem = Memory(meta=meta, arrays=arrays, store=store, path=path, snapshot=snapshot)
    mem.generation = gen.name
    return mem


# ---- learning ---------------------------------------------------------------------------------
def _form_engrams(space, config: LearnConfig, n_neurons: int, preset_neurons: int, progress: bool, log):
    """Train the concept layer on the protocol's presentations, then find each concept's engram (synchrony).

    Every concept's modalities are shown together ``presentations`` times
    (K distinct train pictures with cycled train name / spoken forms, in
    rounds, :func:`neuromem.protocols.choose_training`) with learning on;
    then every presentation again, concept by concept, with learning off: a
    concept's engram is the neurons that fire for it.

    Returns the network, the mean counts per concept (n_concepts, n_neurons),
    the preset overrides and the seeds used.
    """
    from neuromem.protocols import TrainingPlan, choose_training, training_trials
    from neuromem.seeds import SeedTree
    from neuromem.session import Session

    mods = tuple(space.modalities)
    n_c, K = len(space.concepts), config.presentations
    tree = SeedTree(config.seed)  # the same root as the split and the encoder heads
    overrides = {"concept": {"n_neurons": n_neurons}} if n_neurons != preset_neurons else {}
    session = Session(space, config.preset, overrides=overrides, modalities=mods, engine=config.engine,
                      seeds=tree, progress=progress)
    plan = choose_training(space, K, tree.rng("training"), mods)
    log(f"forming engrams: {n_c} concepts x {K} presentations on {config.engine} ({n_neurons} concept neurons)")
    session.train(training_trials(space, plan, mods))  # input_spikes/train
    by_concept = TrainingPlan(chosen=plan.chosen, order=[(k, r) for k in range(n_c) for r in range(K)])
    counts = session.test(training_trials(space, by_concept, mods), phase="assign").counts
    seeds = {"root": config.seed, "tree": ["weights", "stream", "training", "input_spikes/train",
                                           "input_spikes/assign"]}
    return session.network, counts.reshape(n_c, K, -1).mean(axis=1), overrides, seeds


def learn(dataset, *, config: LearnConfig | None = None, encoder_config=None, provenance=None, progress: bool = False,
          log=print) -> Memory:
    """Encode ``dataset``, form engrams, build the concept store; returns an unsaved :class:`Memory`.

    Parameters
    ----------
    dataset : ConceptDataset
        Its ``hierarchy`` (parent -> child) becomes the store's hierarchy (the
        root, the dataset itself, is left out).
    config : LearnConfig
    encoder_config : EncoderConfig
    provenance : sequence of str, optional
        Source of every picture (file names); default ``"#<index>"``.
    """
    from neuromem.encoders import EncoderConfig, encode_dataset
    from neuromem.network import load_preset

    config = config or LearnConfig()
    encoder_config = encoder_config or EncoderConfig()
    from neuromem.engines import engine_names

    if config.engine not in engine_names():
        raise ValueError(f"unknown engine {config.engine!r}; known engines: {engine_names()}")
    n_c = len(dataset.concepts)
    preset_neurons = load_preset(config.preset, modalities=("picture",), latent_dim=encoder_config.latent_dim
                                 ).concept.n_neurons
    n_neurons = concept_layer_size(n_c, preset_neurons, config.concept_neurons)

    result = encode_dataset(dataset, seed=config.seed, config=encoder_config, progress=progress, log=log)
    space = result.space
    mods = tuple(space.modalities)
    net, mean_counts, overrides, seeds = _form_engrams(space, config, n_neurons, preset_neurons, progress, log)

    store = ConceptStore(space.latent_dim)
    hier = dataset.hierarchy
    root = next((n for n in hier.nodes if hier.in_degree(n) == 0), None) if hier is not None else None
    for c in dataset.concepts:
        store.add_concept(c)
    if hier is not None:
        for a, b in hier.edges:
            if a != root:
                store.link_hierarchy(a, b)
    prov = list(provenance) if provenance is not None else [f"#{i}" for i in range(len(dataset.pictures))]
    for k, c in enumerate(space.concepts):
        for m in mods:
            sel = np.flatnonzero(space[m].labels == k)
            src = [prov[i] for i in sel] if m == "picture" else [space[m].descriptions[i] for i in sel]
            store.add_items(c, m, space[m].latents[sel], src)
        fired = np.flatnonzero(mean_counts[k] >= 1.0)
        store.set_engram(c, fired, mean_counts[k][fired])
    store.fit_locality()
    owners = {}
    for c in store.concepts:
        for n in store.node(c).engram_neurons:
            owners.setdefault(n, []).append(c)
    shared = {str(n): cs for n, cs in owners.items() if len(cs) > 1}

    err_heldout = np.asarray(result.recon["error_heldout"], dtype=np.float64)
    thr = float(np.quantile(err_heldout, MATCH_ERROR_QUANTILE)) if len(err_heldout) else float("inf")
    arrays = {f"encoder::{k}": np.asarray(v) for k, v in result.state.items()}
    for m in mods:
        arrays[f"squash::{m}/mean"] = net.squash[m].mean
        arrays[f"squash::{m}/scale"] = net.squash[m].scale
    pic_ids = np.flatnonzero(store._modality == 0)
    order_pics = np.concatenate([np.flatnonzero(space["picture"].labels == k) for k in range(n_c)])
    arrays["thumbnails::pictures"] = _thumbnails(dataset.pictures[order_pics])
    arrays["thumbnails::item_ids"] = pic_ids.astype(np.int64)

    from neuromem.encoders.backbones import load_backbone

    weights_id = load_backbone(encoder_config.backbone, input_size=encoder_config.input_size_px,
                               weights=encoder_config.weights).weights_id
    meta = {
        "format_version": MEMORY_FORMAT_VERSION,
        "created_utc": _now(),
        "seed": config.seed,
        "seeds": seeds,
        "learn": dataclasses.asdict(config),
        "network": {"preset": config.preset, "overrides": overrides, "modalities": list(mods),
                    "latent_dim": space.latent_dim, "engine": config.engine, "concept_neurons": n_neurons,
                    "description": json.loads(json.dumps(net.spec.to_dict(), default=str))},
        "encoder": {"config": dataclasses.asdict(encoder_config),
                    "fingerprint": encoder_fingerprint(dataclasses.asdict(encoder_config), weights_id),
                    "metrics": {k: result.metrics.get(k) for k in ("heldout_picture_accuracy",
                                                                    "within_between_distance_ratio",
                                                                    "recon_novelty_auc")}},
        "dataset": {"name": dataset.name, "picture_shape": list(dataset.pictures.shape[1:]),
                    "concepts": list(dataset.concepts),
                    "canonical_names": {c: dataset.names[c].canonical for c in dataset.concepts}},
        "thresholds": {"match_error_threshold": thr, "match_error_quantile": MATCH_ERROR_QUANTILE,
                       "link_quantile": 0.95},
        "shared_engram_neurons": shared,
        "versions": _versions(),
    }
    return Memory(meta=meta, arrays=arrays, store=store, network=net)
