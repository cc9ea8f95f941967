"""Learning a memory: encode a dataset, form engrams, give every concept a neuron of its own, build the store.

:func:`learn` encodes a dataset (pictures, written names and, when enabled,
spoken names), forms engrams by presenting every concept's modalities
together ``presentations`` times to a spiking concept layer with STDP, assigns
each concept the neurons that fire for it (synchrony), builds the
:class:`~neuromem.store.ConceptStore` and returns an unsaved
:class:`~neuromem.store.memory.Memory`.

A neuron of its own
-------------------
Engrams may overlap (a concept cell answers a few concepts), but every
concept must have at least one engram neuron that belongs to no other
concept; otherwise the network could not say which of the sharing concepts a
cue reached. When the concept layer's size is automatic
(``concept_neurons=None``) and some concept has no neuron of its own, the
engrams are formed again on a layer twice as large (same seeds), at most
:data:`MAX_GROWTH_STEPS` times; when the size was given, or growing does not
help, :func:`learn` raises :class:`~neuromem.store.errors.StoreError`
naming the concepts and the fix. Nothing is shared silently.

Held-out accuracy
-----------------
Every picture is stored, held-out ones included. The held-out accuracy
printed by ``neuromem learn`` (``meta["heldout_accuracy"]``; the same pictures calibrate the
novelty gate, :func:`neuromem.store.gate.calibrate`) recalls each
held-out picture (never used to fit an encoder part) from the store with
that picture itself left out: the answer a new picture of the concept gets.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
from dataclasses import dataclass

import numpy as np

from neuromem.seeds import SeedTree
from neuromem.store.concepts import ConceptStore
from neuromem.store.encoders import encoder_fingerprint
from neuromem.store.errors import StoreError
from neuromem.store.gate import calibrate as calibrate_gate
from neuromem.store.memory import MEMORY_FORMAT_VERSION, Memory, thumbnails

__all__ = ["LearnConfig", "MAX_CONCEPT_NEURONS", "MAX_GROWTH_STEPS", "NEURONS_PER_CONCEPT", "concept_layer_size",
           "concepts_without_own_neuron", "form_engrams", "learn"]

MATCH_ERROR_QUANTILE = 0.99
#: A concept layer of N neurons holds at most N // NEURONS_PER_CONCEPT concepts.
NEURONS_PER_CONCEPT = 4
MAX_CONCEPT_NEURONS = 20000
#: Times an automatic concept layer is doubled until every concept has a neuron of its own.
MAX_GROWTH_STEPS = 2


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
        ``NEURONS_PER_CONCEPT`` x the number of concepts when that is larger,
        and doubled while a concept has no neuron of its own (module docstring).
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


def concepts_without_own_neuron(engrams: dict) -> dict[str, list[str]]:
    """Concepts none of whose engram neurons is theirs alone.

    Parameters
    ----------
    engrams : dict of str -> sequence of int
        Engram neurons of every concept that should have one (superordinate
        concepts, which have no engram, are left out by the caller).

    Returns
    -------
    dict of str -> list of str
        For each such concept, the concepts it shares its neurons with (empty
        when no neuron fired for it at all), in the order of ``engrams``.
    """
    owners: dict[int, list[str]] = {}
    for c, neurons in engrams.items():
        for n in neurons:
            owners.setdefault(int(n), []).append(c)
    out = {}
    for c, neurons in engrams.items():
        if not any(len(owners[int(n)]) == 1 for n in neurons):
            out[c] = sorted({o for n in neurons for o in owners[int(n)]} - {c})
    return out


def _describe_lacking(lacking: dict) -> str:
    parts = [f"{c!r} ({'shares all its neurons with ' + ', '.join(map(repr, o)) if o else 'no neuron fired'})"
             for c, o in list(lacking.items())[:5]]
    return ", ".join(parts) + (f" and {len(lacking) - 5} more" if len(lacking) > 5 else "")


def form_engrams(space, config, n_neurons, preset_neurons, seeds, *, progress, log):
    """Train the concept layer on the protocol's presentations, then find each concept's engram (synchrony).

    Through the runtime session: every concept's modalities are shown together
    ``presentations`` times (K distinct train pictures with cycled train name /
    spoken forms, in rounds, :func:`neuromem.protocols.choose_training`) with
    learning on; then every presentation again, concept by concept, with
    learning off: a concept's engram is the neurons that fire for it. Seeds
    (children of ``seeds``): ``weights``, ``training``, ``input_spikes/train``,
    ``input_spikes/assign``.

    Returns ``(network, overrides, mean counts (n_concepts, n_neurons))``.
    """
    from neuromem.protocols import TrainingPlan, choose_training, training_trials
    from neuromem.session import Session

    mods = tuple(space.modalities)
    n_c, K = len(space.concepts), config.presentations
    overrides = {"concept": {"n_neurons": n_neurons}} if n_neurons != preset_neurons else {}
    session = Session(space, config.preset, overrides=overrides, modalities=mods, engine=config.engine, seeds=seeds,
                      progress=progress)
    plan = choose_training(space, K, seeds.rng("training"), mods)
    log(f"forming engrams: {n_c} concepts x {K} presentations on {config.engine} ({n_neurons} concept neurons)")
    session.train(training_trials(space, plan, mods))  # input_spikes/train
    by_concept = TrainingPlan(chosen=plan.chosen, order=[(k, r) for k in range(n_c) for r in range(K)])
    counts = session.test(training_trials(space, by_concept, mods), phase="assign").counts
    return session.network, overrides, counts.reshape(n_c, K, -1).mean(axis=1)


def learn(dataset, *, config: LearnConfig | None = None, encoder_config=None, provenance=None, progress: bool = False,
          use_cache: bool = True, log=print) -> Memory:
    """Encode ``dataset``, form engrams, build the concept store; returns an unsaved :class:`Memory`.

    Parameters
    ----------
    dataset : ConceptDataset
        Its ``hierarchy`` (parent -> child) becomes the store's hierarchy (the
        root, the dataset itself, is left out).
    config : LearnConfig
    encoder_config : EncoderConfig
    provenance : sequence of str, optional
        Source of every picture; default ``dataset.picture_sources``, else ``"#<index>"``.
    progress : bool
        Progress bars.
    use_cache : bool
        Reuse cached encoder results (``--no-cache`` turns it off).
    log : callable
        Receives one-line progress messages.

    Raises
    ------
    ValueError
        Unknown engine, too few training pictures, a layer too small for the concepts.
    StoreError
        A concept has no neuron of its own (see the module docstring).
    """
    from neuromem.encoders import EncoderConfig, encode_dataset
    from neuromem.engines import engine_names
    from neuromem.network import load_preset

    config = config or LearnConfig()
    encoder_config = encoder_config or EncoderConfig()
    if config.engine not in engine_names():
        raise ValueError(f"unknown engine {config.engine!r}; known engines: {engine_names()}")
    n_c = len(dataset.concepts)
    preset_neurons = load_preset(config.preset, modalities=("picture",), latent_dim=encoder_config.latent_dim
                                 ).concept.n_neurons
    n_neurons = concept_layer_size(n_c, preset_neurons, config.concept_neurons)

    result = encode_dataset(dataset, seed=config.seed, config=encoder_config, progress=progress, use_cache=use_cache,
                            log=log)
    space = result.space
    mods = tuple(space.modalities)
    seeds = SeedTree(config.seed)  # the same root as the split and the encoder heads
    for step in range(MAX_GROWTH_STEPS + 1):
        net, overrides, mean_counts = form_engrams(space, config, n_neurons, preset_neurons, seeds,
                                                    progress=progress, log=log)
        engrams = {c: np.flatnonzero(mean_counts[k] >= 1.0) for k, c in enumerate(dataset.concepts)}
        lacking = concepts_without_own_neuron(engrams)
        if not lacking:
            break
        grow = 2 * n_neurons
        if config.concept_neurons is not None or step == MAX_GROWTH_STEPS or grow > MAX_CONCEPT_NEURONS:
            fix = (f"use --concept-neurons {min(grow, MAX_CONCEPT_NEURONS)} or leave it out (the layer then grows "
                   "until every concept has one)" if config.concept_neurons is not None else
                   "the concepts' pictures and names may be too alike: merge or rename them, or give more pictures")
            raise StoreError(f"in a concept layer of {n_neurons} neurons, {len(lacking)} concept(s) got no neuron of "
                             f"their own: {_describe_lacking(lacking)}; {fix}. Nothing was saved")
        log(f"{len(lacking)} concept(s) got no neuron of their own in {n_neurons} concept neurons "
            f"({_describe_lacking(lacking)}); forming the engrams again with {grow}")
        n_neurons = grow

    store = _build_store(dataset, space, engrams, mean_counts, provenance)
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
    arrays["thumbnails::pictures"] = thumbnails(dataset.pictures[order_pics])
    arrays["thumbnails::item_ids"] = pic_ids.astype(np.int64)

    from neuromem.encoders.backbones import load_backbone

    weights_id = load_backbone(encoder_config.backbone, input_size=encoder_config.input_size_px,
                               weights=encoder_config.weights).weights_id
    meta = {
        "format_version": MEMORY_FORMAT_VERSION,
        "created_utc": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "seed": config.seed,
        "seeds": {"root": config.seed, "tree": ["weights", "stream", "training", "input_spikes/train",
                                                "input_spikes/assign"]},
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
        "heldout_accuracy": heldout_accuracy(store, space),
        "shared_engram_neurons": shared,
        "versions": _versions(),
    }
    memory = Memory(meta=meta, arrays=arrays, store=store, network=net)
    calibrate_gate(memory, space["picture"].latents[space["picture"].split == "heldout"], err_heldout)  # same order
    return memory


def _build_store(dataset, space, engrams, mean_counts, provenance) -> ConceptStore:
    store = ConceptStore(space.latent_dim)
    hier = dataset.hierarchy
    root = next((n for n in hier.nodes if hier.in_degree(n) == 0), None) if hier is not None else None
    for c in dataset.concepts:
        store.add_concept(c)
    if hier is not None:
        for a, b in hier.edges:
            if a != root:
                store.link_hierarchy(a, b)
    if provenance is None:
        provenance = dataset.picture_sources
    prov = list(provenance) if provenance is not None else [f"#{i}" for i in range(len(dataset.pictures))]
    for k, c in enumerate(space.concepts):
        for m in space.modalities:
            sel = np.flatnonzero(space[m].labels == k)
            src = [prov[i] for i in sel] if m == "picture" else [space[m].descriptions[i] for i in sel]
            store.add_items(c, m, space[m].latents[sel], src)
        store.set_engram(c, engrams[c], mean_counts[k][engrams[c]])
    store.fit_locality()
    return store


def heldout_accuracy(store: ConceptStore, space) -> dict:
    """Held-out pictures recalled from ``store`` with each picture itself left out (module docstring).

    Returns
    -------
    dict
        ``{"correct": int, "n": int, "accuracy": float or None}`` (None when
        there is no held-out picture).
    """
    pics = space["picture"]
    held = np.flatnonzero(pics.split == "heldout")
    if not len(held):
        return {"correct": 0, "n": 0, "accuracy": None}
    item_ids = np.flatnonzero(store._modality == 0)  # picture items, stored concept by concept
    order = np.concatenate([np.flatnonzero(pics.labels == k) for k in range(len(space.concepts))])
    item_of = dict(zip(order.tolist(), item_ids.tolist()))
    answers = store.lookup(pics.latents[held], modality="picture", exclude=[item_of[int(i)] for i in held])
    correct = sum(a.concept == space.concepts[int(pics.labels[i])] for a, i in zip(answers, held))
    return {"correct": int(correct), "n": int(len(held)), "accuracy": float(correct / len(held))}
