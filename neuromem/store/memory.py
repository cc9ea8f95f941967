"""Whole memories: encoders, a trained concept layer and the concept store, saved, loaded and queried.

A memory is learned by :func:`neuromem.store.learning.learn`.
:meth:`Memory.save` writes everything needed to answer queries later into one
generation of a memory folder (:mod:`neuromem.store.persist`):

``memory.json``
    Format version, seeds, network description (preset, overrides and the full
    parameter set), engine, encoder configuration and fingerprint, dataset
    description, thresholds, held-out accuracy, package versions.
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
with the cue alone (learning off) to report the engram neurons that fire; the
answer's keys, which of the two answers ``concept`` is, novelty and imagining
are described in :mod:`neuromem.store.recall`. Written names and new concept names are brought
to Unicode NFC first (:mod:`neuromem.data.names`). Cue spikes are drawn from a
seed derived from the memory's seed and the cue item (the prepared picture,
the text, the waveform), so a saved and re-loaded memory gives identical
answers on the same engine, machine and thread count.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import numpy as np

from neuromem.store import persist
from neuromem.store.concepts import ConceptStore
from neuromem.store.encoders import MemoryEncoders, read_sound
from neuromem.store.errors import CorruptStoreError, MemoryMismatchError
from neuromem.store.recall import cue_seed

__all__ = ["Memory", "load_memory", "MEMORY_FORMAT_VERSION", "cue_seed", "thumbnails"]

#: Version of memory.json / memory.npz; a reader refuses anything newer.
MEMORY_FORMAT_VERSION = 1
THUMBNAIL_PX = 32


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


class Memory:
    """A learned memory (use :func:`neuromem.store.learning.learn` or :func:`load_memory`)."""

    def __init__(self, *, meta: dict, arrays: dict, store: ConceptStore, path: Path | None = None, snapshot=None,
                 network=None):
        self.meta = meta
        self.arrays = arrays
        self.store = store
        self.path = path
        enc = meta["encoder"]
        state = {k.split("::", 1)[1]: v for k, v in arrays.items() if k.startswith("encoder::")}
        self.encoders = MemoryEncoders(state, enc["config"], enc["fingerprint"], tuple(meta["dataset"]["picture_shape"]))
        self._network = network
        self._snapshot = snapshot  # NetworkSnapshot read from disk (used until the network is built)
        #: generation this memory was loaded from (a save into the same folder must follow it directly)
        self.generation: str | None = None

    # ---- the concept layer ----------------------------------------------------------------
    @property
    def seed(self) -> int:
        return int(self.meta["seed"])

    def spec(self):
        from neuromem.network import describes, load_preset

        net = self.meta["network"]
        spec = load_preset(net["preset"], modalities=tuple(net["modalities"]), latent_dim=int(net["latent_dim"]),
                           **net["overrides"])
        if not describes(net["description"], spec):
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
            resp = self.network.cue(modality, z[None, :], seed=cue_seed(self.seed, item).rng())
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

    def encode_picture_file(self, path) -> tuple[np.ndarray, np.ndarray]:
        """``(picture, latent)`` of a picture file, prepared as the memory's pictures were."""
        from neuromem.data.pictures import load_picture

        pic = load_picture(path, tuple(self.meta["dataset"]["picture_shape"]))
        return pic, self.encoders.pictures(pic[None])[0]

    def recall_picture(self, path) -> dict:
        """Recall from one picture file (see the module docstring)."""
        return self.recall_pictures([path])[0]

    def recall_pictures(self, paths) -> list[dict]:
        """:meth:`recall_picture` for many files, encoded in one batch (identical answers, less time)."""
        from neuromem.data.pictures import load_picture
        from neuromem.store.recall import answer
        from neuromem.store.thesaurus import cue_thesaurus

        paths = list(paths)
        shape = tuple(self.meta["dataset"]["picture_shape"])
        pics = np.stack([load_picture(p, shape) for p in paths])
        z = self.encoders.pictures(pics)
        err = self.encoders.match_error(z, pics)
        thes = cue_thesaurus(self, pictures=pics) or [None] * len(paths)
        return [answer(self, zi, "picture", match_error=float(e), cue={"modality": "picture", "file": str(p)},
                       item=pic, thesaurus=t) for zi, e, p, pic, t in zip(z, err, paths, pics, thes)]

    def recall_latent(self, latent: np.ndarray, modality: str, *, fingerprint: dict | None = None) -> dict:
        """Recall from an already encoded latent (``fingerprint``: the encoder that made it)."""
        from neuromem.store.recall import answer

        if fingerprint is not None:
            self.check_encoder(fingerprint)
        z = np.asarray(latent, dtype=np.float32)
        if z.ndim != 1 or len(z) != self.store.latent_dim:
            raise MemoryMismatchError(f"the latent has shape {z.shape}; this memory holds {self.store.latent_dim}-d "
                                      "latents. Encode it with the memory's encoder configuration")
        if not np.all(np.isfinite(z)):
            raise MemoryMismatchError("the latent contains NaN or inf; re-encode the item")
        return answer(self, z, modality, cue={"modality": modality})

    def recall_name(self, text: str) -> dict:
        """Recall from a written name (brought to Unicode NFC, white space collapsed)."""
        from neuromem.data.names import normalise_name
        from neuromem.store.recall import answer
        from neuromem.store.thesaurus import cue_thesaurus

        text = normalise_name(text)
        if not text:
            raise ValueError("the written name is empty; give the name to recall, e.g. --name seven")
        z = self.encoders.names([text])[0]
        thes = cue_thesaurus(self, text=text)
        return answer(self, z, "name", cue={"modality": "name", "text": text}, item=text,
                      thesaurus=thes[0] if thes else None)

    def sound_latent(self, path) -> tuple[np.ndarray, np.ndarray]:
        """``(latent, mono waveform)`` of a sound file, encoded as the memory's spoken names were.

        Raises
        ------
        MemoryMismatchError
            The memory was learned without spoken names.
        FileNotFoundError, ValueError
            No such file, or not an audio file.
        """
        if "spoken" not in self.meta["network"]["modalities"]:
            raise MemoryMismatchError("this memory was learned without spoken names; re-run `neuromem learn` "
                                      "without --no-spoken to recall from sounds")
        mono, sr = read_sound(path)
        return self.encoders.sounds([(mono, sr)])[0], mono

    def recall_sound(self, path) -> dict:
        """Recall from a sound file (the word trimmed of silence and noise; see :mod:`neuromem.encoders.audio`)."""
        from neuromem.store.recall import answer

        z, mono = self.sound_latent(path)
        return answer(self, z, "spoken", cue={"modality": "spoken", "file": str(Path(path).expanduser())}, item=mono)

    # ---- imagining ------------------------------------------------------------------------
    def imagine(self, latent: np.ndarray, modality: str, *, item=None, n_nearest: int = 5) -> dict:
        """Complete a picture from a word cue through the engram's feedback (:func:`neuromem.store.recall.imagine`)."""
        from neuromem.store.recall import imagine

        return imagine(self, latent, modality, item=item, n_nearest=n_nearest)

    # ---- adding one item --------------------------------------------------------------------
    def add_picture(self, path, *, concept: str | None = None) -> dict:
        """Add one picture: linked by locality, or learned one-shot as the new concept ``concept``.

        See :mod:`neuromem.store.adding` for how ``concept`` is matched and
        what a new concept needs. Returns the recall answer with ``added_to``
        and ``new_concept``.

        Raises
        ------
        StoreError
            The picture is novel and no ``concept`` name was given; the concept
            layer has no free neuron left; the new concept would get no neuron
            of its own; its name cannot be told from an existing concept's.
            Nothing is added.
        """
        from neuromem.store.adding import add_picture

        return add_picture(self, path, concept=concept)

    def _add_thumbnail(self, item_id: int, pic: np.ndarray) -> None:
        self.arrays["thumbnails::pictures"] = np.concatenate([self.arrays["thumbnails::pictures"],
                                                              thumbnails(pic[None])])
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


def thumbnails(pictures: np.ndarray) -> np.ndarray:
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

