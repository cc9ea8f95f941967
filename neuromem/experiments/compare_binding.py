"""Hebbian vs backprop binding on the same latents: ``neuromem run compare-binding``.

Every binder (:mod:`neuromem.binding`) gets identical presentations and test
cues for each seed, condition and K, so differences are differences of the
learning rule. Conditions: ``fitted`` (concepts whose training items fitted
the encoder parts) and ``novel`` (concepts no fitted part has seen; the
comparison's claim), from one concept split per seed
(:mod:`neuromem.data.concept_split`, half of the concepts fit the encoders).

Experiments (the ``experiment`` column of ``results.csv``)
---------------------------------------------------------
``shots``
    ``picture_to_name_recall_at_1`` and ``name_to_picture_recall_at_1`` on
    held-out items after K presentations per concept, with the non-spiking
    K-shot prototype ceiling (binder ``prototype``) and chance (binder ``chance``).
``interference``
    The bound concepts in two sequential groups (first half, then second
    half, no replay); ``retention`` = picture -> name recall of the first group
    after learning the second / before.
``capacity``
    Synthetic concept sets whose within / between concept distance ratio
    matches the fitted concepts' real held-out pictures; one presentation per
    concept; picture -> name recall@1 per binder size (``n_units``: concept
    neurons for ``stdp`` / ``surrogate``, concept units for ``readout``,
    pattern slots for ``hopfield``, shared dimensions for ``contrastive``);
    ``capacity`` = the largest tested number of concepts with recall@1 >= 0.9
    (``readout`` has one unit per concept: sets larger than ``n_units`` are
    not representable, recorded as NaN with ``not_representable = 1``),
    ``bits_per_parameter`` = n log2 n / plastic parameters.
``cost``
    Counted operations per presentation (``learn``) and per cue (``recall``):
    ``synaptic_events`` (spiking), ``macs`` and ``memory_writes`` (rate),
    wall seconds, recall latency in biological ms (cue onset to the first
    concept spike; spiking binders), and ``energy_pj_estimate``: an
    estimate, as quoted in the design notes from Horowitz (ISSCC 2014, 45 nm):
    a MAC = fp32 multiply 3.7 pJ + add 0.9 pJ, a synaptic event = one fp32
    add 0.9 pJ, a memory write = one 64-bit SRAM access 10 pJ; memory traffic
    is otherwise not counted.
``units``
    Population and lifetime sparseness, invariance index (picture vs name),
    concepts per responsive unit, for binders with units.

Files: ``results.csv`` (one tidy row per measurement, columns
:data:`COLUMNS`), ``metrics.json`` (mean and ``_ci95`` per binder,
experiment, condition and K, keys ``<experiment>/<condition>/<binder>/k=<K>/<metric>``
and ``.../n_units=<N>/n_concepts=<n>/...`` for capacity), one PNG per
experiment, and ``cells/``: every finished cell, reused by a second run with
the same arguments.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import time
from pathlib import Path

import numpy as np

from neuromem._io import atomic_write_json
from neuromem.binding import BindingPresentation, binder_names, hash_presentations, make_binder

__all__ = ["COLUMNS", "DEFAULT_BINDERS", "EXPERIMENTS", "GridConfig", "build_presentations", "test_cues",
           "run_compare_binding", "add_cli_arguments", "main_from_args", "summarise", "summary_table",
           "synthetic_concepts"]

COLUMNS = ("dataset", "binder", "engine", "experiment", "condition", "phase", "k", "n_units", "n_concepts", "seed",
           "metric", "value")
EXPERIMENTS = ("shots", "interference", "capacity", "cost", "units")
DEFAULT_BINDERS = ("stdp", "surrogate", "contrastive", "readout", "hopfield")
MODALITIES = ("picture", "name")
#: Part of every finished cell's key: bump when a binder's behaviour changes under the same options (v2: the
#: surrogate binder's subtractive weight normalisation).
CELL_VERSION = "compare-binding/v2"

#: Energy per counted operation (pJ), as quoted in the design notes (Horowitz, ISSCC 2014, 45 nm).
ENERGY_PJ = {"macs": 3.7 + 0.9, "synaptic_events": 0.9, "memory_writes": 10.0}
ENERGY_LABEL = "estimate, as quoted: Horowitz ISSCC 2014 (45 nm): MAC 4.6 pJ, synaptic event 0.9 pJ, write 10 pJ"


class GridConfig:
    """The grid of one comparison (documented defaults; ``quick`` for tests)."""

    def __init__(self, *, shots=(1, 2, 3, 5, 10, 15), seeds=(3, 4, 5, 6, 7), n_units: int = 100,
                 interference_k: int = 5, capacity_sizes=(50, 200), capacity_concepts=(25, 50, 100, 200),
                 capacity_binders=("stdp", "readout", "hopfield", "contrastive"), test_per_concept: int = 40,
                 word_repeats: int = 6):
        self.shots = tuple(int(k) for k in shots)
        self.seeds = tuple(int(s) for s in seeds)
        self.n_units = int(n_units)
        self.interference_k = int(interference_k)
        self.capacity_sizes = tuple(capacity_sizes)
        self.capacity_concepts = tuple(capacity_concepts)
        self.capacity_binders = tuple(capacity_binders)
        self.test_per_concept = int(test_per_concept)
        self.word_repeats = int(word_repeats)

    @classmethod
    def quick(cls, shots=None, seeds=None):
        return cls(shots=shots or (1, 5), seeds=seeds or (3,), n_units=50, interference_k=2, capacity_sizes=(50,),
                   capacity_concepts=(10, 40), capacity_binders=("stdp", "readout", "hopfield", "contrastive"),
                   test_per_concept=10, word_repeats=2)

    def to_dict(self) -> dict:
        return dict(vars(self))


# ---- presentations and cues (the one place a trial protocol would replace) -------------------
def build_presentations(space, K: int, rng: np.random.Generator, modalities=MODALITIES):
    """K presentations per concept in rounds (every concept once per round, seeded order).

    Each presentation shows a different train picture and cycles through the
    concept's train name forms (the engram-formation experiment's protocol).

    Returns
    -------
    presentations : list of BindingPresentation
    chosen : dict concept -> {modality: item indices (K,)}
    """
    from neuromem.protocols import choose_training

    n_train = min(int(((space["picture"].split == "train") & (space["picture"].labels == k)).sum())
                  for k in range(len(space.concepts)))
    if K > n_train:
        raise ValueError(f"K={K} presentations per concept need {K} train pictures per concept; the smallest "
                         f"concept has {n_train}; choose K <= {n_train}")
    plan = choose_training(space, K, rng, modalities)
    chosen, order = plan.chosen, plan.order
    pres = [BindingPresentation(concept=int(k), latents={m: space[m].latents[chosen[k][m][r]] for m in modalities},
                                items={m: int(chosen[k][m][r]) for m in modalities}) for k, r in order]
    return pres, chosen


def test_cues(space, rng: np.random.Generator, *, per_concept: int, word_repeats: int):
    """Held-out test cues per modality: at most ``per_concept`` pictures per concept, every held-out name form."""
    out = {}
    idx = np.nonzero(space["picture"].split == "heldout")[0]
    y = space["picture"].labels[idx]
    keep = np.sort(np.concatenate([rng.permutation(idx[y == k])[:per_concept] for k in range(len(space.concepts))]))
    out["picture"] = keep
    idx = np.nonzero(space["name"].split == "heldout")[0]
    out["name"] = np.repeat(idx, max(1, word_repeats))
    for m, ix in out.items():
        if len(ix) == 0:
            raise ValueError(f"the latent space has no held-out {m} items to test")
    return out


def _prototypes(space, chosen):
    n_c = len(space.concepts)
    return {"picture": np.stack([space["picture"].latents[chosen[k]["picture"]].mean(axis=0) for k in range(n_c)]),
            "name": space.centroids("name", "train")}


# ---- synthetic concept sets for capacity ----------------------------------------------------------
def synthetic_concepts(n_concepts: int, latent_dim: int, ratio: float, *, n_train: int = 1, n_test: int = 4,
                       seed=0):
    """Gaussian concept clusters per modality with a given within / between concept distance ratio.

    Concept centres are standard normal (independent per modality); items add
    isotropic noise of s.d. ``sigma = ratio / sqrt(1 - ratio^2)``, which makes
    the expected within / between distance ratio ``ratio``.

    Returns
    -------
    LatentSpace with modalities ``picture`` and ``name``; ``n_train`` train and
    ``n_test`` held-out items per concept in each.
    """
    from neuromem.latents import LatentSpace, ModalityLatents

    if not 0 < ratio < 1:
        raise ValueError(f"ratio={ratio} must lie in (0, 1)")
    rng = np.random.default_rng(seed)
    sigma = ratio / math.sqrt(1 - ratio ** 2)
    mods = {}
    per = n_train + n_test
    labels = np.repeat(np.arange(n_concepts), per)
    split = np.tile(np.array(["train"] * n_train + ["heldout"] * n_test), n_concepts)
    for m in MODALITIES:
        centres = rng.standard_normal((n_concepts, latent_dim))
        z = centres[labels] + sigma * rng.standard_normal((len(labels), latent_dim))
        mods[m] = ModalityLatents(z.astype(np.float32), labels, split, tuple(f"#{i}" for i in range(len(z))))
    return LatentSpace(concepts=tuple(f"c{k}" for k in range(n_concepts)), modalities=mods, seed=int(0))


# ---- one cell -----------------------------------------------------------------------------------
def _reference(space):
    return {m: space[m].select("train")[0] for m in MODALITIES}


def _make(name, space, n_units, seed, binder_options):
    return make_binder(name, modalities=MODALITIES, latent_dim=space.latent_dim, n_units=int(n_units),
                       seed=np.random.SeedSequence([int(seed), 0xB1D]), reference=_reference(space),
                       **(binder_options.get(name, {})))


def _engine(b) -> str:
    return getattr(b, "engine_name", "") or ""


def _recall_rows(b, space, cues, protos, seed, tag=""):
    out = {}
    z = space["picture"].latents[cues["picture"]]
    y = space["picture"].labels[cues["picture"]]
    pred, empty = b.predict("picture", z, "name", protos["name"], rng=np.random.default_rng([seed, 1]))
    out[f"picture_to_name_recall_at_1{tag}"] = float(np.mean(pred == y))
    out[f"picture_cue_no_response_fraction{tag}"] = float(np.mean(empty))
    zn = space["name"].latents[cues["name"]]
    yn = space["name"].labels[cues["name"]]
    pred, empty = b.predict("name", zn, "picture", protos["picture"], rng=np.random.default_rng([seed, 2]))
    out[f"name_to_picture_recall_at_1{tag}"] = float(np.mean(pred == yn))
    out[f"name_cue_no_response_fraction{tag}"] = float(np.mean(empty))
    return out


def _units_metrics(b, space, cues) -> dict:
    from neuromem.analysis import (
        ResponseCriterion,
        concepts_per_neuron_distribution,
        invariance_index,
        lifetime_sparseness,
        population_sparseness,
        responsive,
        trial_responses,
    )

    # spiking units: the engram experiment's criterion on spike counts; rate units (probabilities in [0, 1]):
    # the same criterion scaled by 1/10 (median >= 0.2, baseline s.d. floor 0.05)
    crit = ResponseCriterion() if b.spiking else ResponseCriterion(min_median_count=0.2, sd_floor=0.05)
    n_c = len(space.concepts)
    resp, tr = {}, []
    for m in MODALITIES:
        a = b.unit_activations(m, space[m].latents[cues[m]])
        y = space[m].labels[cues[m]]
        resp[m] = responsive(a, y, n_c, crit)
        tr.append(trial_responses(a, y, n_c, crit))
    union = resp["picture"] | resp["name"]
    dist = concepts_per_neuron_distribution(union)
    out = {"population_sparseness": population_sparseness(np.concatenate(tr)),
           "lifetime_sparseness": lifetime_sparseness(union),
           "invariance_index": invariance_index(resp["picture"], resp["name"]),
           "n_responsive_units": float(union.any(axis=1).sum())}
    for j, f in enumerate(dist[:4]):
        out[f"concepts_per_responsive_unit_{j + 1}"] = float(f)
    return out


def _cost_metrics(b, n_learn: int, n_cues: int, learn_s: float, recall_s: float, latency) -> dict:
    out = {}
    for phase, n in (("learn", n_learn), ("recall", n_cues)):
        energy = 0.0
        for kind, count in b.cost.to_dict()[phase].items():
            out[f"{phase}/{kind}_per_item"] = count / max(n, 1)
            energy += count * ENERGY_PJ[kind]
        out[f"{phase}/energy_pj_estimate_per_item"] = energy / max(n, 1)
    out["learn/wall_s_per_item"] = learn_s / max(n_learn, 1)
    out["recall/wall_s_per_item"] = recall_s / max(n_cues, 1)
    if latency is not None:
        lat = np.asarray(latency, dtype=float)
        out["recall/latency_ms_median"] = float(np.nanmedian(lat)) if np.isfinite(lat).any() else float("nan")
    return out


def _cell_key(**parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:20]


class _Cells:
    """Finished cells on disk (``DIR/cells/<key>.json``), reused on a second run."""

    def __init__(self, out: Path):
        self.dir = out / "cells"
        self.dir.mkdir(parents=True, exist_ok=True)

    def get(self, key):
        p = self.dir / f"{key}.json"
        if p.exists():
            try:
                return json.loads(p.read_text())
            except json.JSONDecodeError:
                p.unlink()
        return None

    def put(self, key, rows):
        atomic_write_json(self.dir / f"{key}.json", rows)


def _row(dataset, binder, engine, experiment, condition, phase, k, n_units, n_concepts, seed, metric, value):
    return {"dataset": dataset, "binder": binder, "engine": engine, "experiment": experiment,
            "condition": condition, "phase": phase, "k": k, "n_units": n_units, "n_concepts": n_concepts,
            "seed": seed, "metric": metric, "value": value}


def run_shots_cell(name, space, K, seed, *, dataset, condition, grid, binder_options, received=None):
    """Shots (+ cost and units at every K) for one binder: tidy rows."""
    rng = np.random.default_rng([int(seed), int(K), 0x5107])
    pres, chosen = build_presentations(space, K, rng, MODALITIES)
    cues = test_cues(space, np.random.default_rng([int(seed), 0x7E57]), per_concept=grid.test_per_concept,
                     word_repeats=grid.word_repeats)
    protos = _prototypes(space, chosen)
    b = _make(name, space, grid.n_units, seed, binder_options)
    t0 = time.perf_counter()
    b.learn(pres)
    learn_s = time.perf_counter() - t0
    b.cost.counts["recall"] = {}
    t0 = time.perf_counter()
    rec = _recall_rows(b, space, cues, protos, seed)
    recall_s = time.perf_counter() - t0
    n_cues = len(cues["picture"]) + len(cues["name"])
    cost = _cost_metrics(b, len(pres), n_cues, learn_s, recall_s, None)   # before any further cue runs
    if b.spiking:
        lat = b.recall_latency_ms("picture", space["picture"].latents[cues["picture"]])
        cost["recall/latency_ms_median"] = float(np.nanmedian(lat)) if np.isfinite(lat).any() else float("nan")
    if received is not None:
        received[(name, condition, K, seed)] = (hash_presentations(pres), _hash_cues(space, cues))
    n_c = len(space.concepts)
    eng = _engine(b)
    rows = [_row(dataset, name, eng, "shots", condition, "recall", K, grid.n_units, n_c, seed, m, v)
            for m, v in rec.items()]
    for m, v in cost.items():
        phase, metric = m.split("/", 1)
        rows.append(_row(dataset, name, eng, "cost", condition, phase, K, grid.n_units, n_c, seed, metric, v))
    if b.has_units:
        rows += [_row(dataset, name, eng, "units", condition, "recall", K, grid.n_units, n_c, seed, m, v)
                 for m, v in _units_metrics(b, space, cues).items()]
    rows.append(_row(dataset, name, eng, "shots", condition, "learn", K, grid.n_units, n_c, seed,
                     "presentations_hash", hash_presentations(pres)))
    return rows


def _hash_cues(space, cues) -> str:
    h = hashlib.sha256()
    for m in sorted(cues):
        h.update(np.asarray(cues[m], dtype=np.int64).tobytes())
        h.update(np.ascontiguousarray(space[m].latents[cues[m]]).tobytes())
    return h.hexdigest()[:16]


def reference_rows(space, K, seed, *, dataset, condition, grid):
    """The non-spiking K-shot prototype ceiling and chance on the same presentations and cues."""
    from neuromem.analysis import nearest_prototype

    rng = np.random.default_rng([int(seed), int(K), 0x5107])
    _, chosen = build_presentations(space, K, rng, MODALITIES)
    cues = test_cues(space, np.random.default_rng([int(seed), 0x7E57]), per_concept=grid.test_per_concept,
                     word_repeats=grid.word_repeats)
    protos = _prototypes(space, chosen)
    n_c = len(space.concepts)
    zp, yp = space["picture"].latents[cues["picture"]], space["picture"].labels[cues["picture"]]
    zn, yn = space["name"].latents[cues["name"]], space["name"].labels[cues["name"]]
    vals = {
        ("prototype", "picture_to_name_recall_at_1"): float(np.mean(nearest_prototype(zp, protos["picture"]) == yp)),
        ("prototype", "name_to_picture_recall_at_1"): float(np.mean(nearest_prototype(zn, protos["name"]) == yn)),
        ("chance", "picture_to_name_recall_at_1"): 1.0 / n_c,
        ("chance", "name_to_picture_recall_at_1"): 1.0 / n_c,
    }
    return [_row(dataset, b, "", "shots", condition, "recall", K, 0, n_c, seed, m, v) for (b, m), v in vals.items()]


def run_interference_cell(name, space, seed, *, dataset, condition, grid, binder_options):
    """Two sequential groups (halves of the concepts), no replay: retention of the first group."""
    K = grid.interference_k
    n_c = len(space.concepts)
    half = n_c // 2
    if half < 1:
        raise ValueError("interference needs at least two concepts")
    rng = np.random.default_rng([int(seed), int(K), 0x1F7E])
    pres, chosen = build_presentations(space, K, rng, MODALITIES)
    cues = test_cues(space, np.random.default_rng([int(seed), 0x7E57]), per_concept=grid.test_per_concept,
                     word_repeats=grid.word_repeats)
    protos = _prototypes(space, chosen)
    groups = [[p for p in pres if p.concept < half], [p for p in pres if p.concept >= half]]
    first = {m: ix[space[m].labels[ix] < half] for m, ix in cues.items()}
    b = _make(name, space, grid.n_units, seed, binder_options)
    b.learn(groups[0])
    before = _recall_rows(b, space, first, protos, seed)["picture_to_name_recall_at_1"]
    b.learn(groups[1])
    after = _recall_rows(b, space, first, protos, seed)["picture_to_name_recall_at_1"]
    eng = _engine(b)
    vals = {"recall_first_group_before": before, "recall_first_group_after": after,
            "retention": after / before if before > 0 else float("nan")}
    return [_row(dataset, name, eng, "interference", condition, "recall", K, grid.n_units, n_c, seed, m, v)
            for m, v in vals.items()]


def run_capacity_cell(name, n_units, n_concepts, ratio, latent_dim, seed, *, dataset, grid, binder_options):
    """One synthetic set of ``n_concepts`` concepts stored one-shot in a binder of size ``n_units``."""
    if name == "readout" and n_concepts > n_units:  # one softmax unit per concept: capped by construction
        return [_row(dataset, name, "", "capacity", "synthetic", "recall", 1, n_units, n_concepts, seed, m, v)
                for m, v in (("picture_to_name_recall_at_1", float("nan")),
                             ("n_plastic", float(2 * (latent_dim + 1) * n_units)),
                             ("not_representable", 1.0))]
    space = synthetic_concepts(n_concepts, latent_dim, ratio, seed=[int(seed), int(n_concepts), 0xCA9])
    pres, chosen = build_presentations(space, 1, np.random.default_rng([int(seed), 0xCA9]), MODALITIES)
    cues = {"picture": np.nonzero(space["picture"].split == "heldout")[0],
            "name": np.nonzero(space["name"].split == "heldout")[0]}
    protos = _prototypes(space, chosen)
    b = _make(name, space, n_units, seed, binder_options)
    b.learn(pres)
    z = space["picture"].latents[cues["picture"]]
    y = space["picture"].labels[cues["picture"]]
    pred, _ = b.predict("picture", z, "name", protos["name"], rng=np.random.default_rng([seed, 3]))
    rec = float(np.mean(pred == y))
    ach = _ratio(space)
    eng = _engine(b)
    return [_row(dataset, name, eng, "capacity", "synthetic", "recall", 1, n_units, n_concepts, seed, m, v)
            for m, v in (("picture_to_name_recall_at_1", rec), ("n_plastic", float(b.n_plastic)),
                         ("within_between_ratio", ach))]


def _ratio(space) -> float:
    from neuromem.encoders.pipeline import within_between_ratio

    z, y = space["picture"].select("heldout")
    return within_between_ratio(z, y)


# ---- the whole comparison ----------------------------------------------------------------------
def _check_args(binders, grid, spaces):
    unknown = [b for b in binders if b not in binder_names()]
    if unknown:
        raise KeyError(f"unknown binder(s) {unknown}; known binders: {binder_names()}")
    if not binders:
        raise ValueError("no binders given")
    for K in grid.shots:
        if K < 1:
            raise ValueError(f"K={K}: shots must be positive integers")
    for seed, space in spaces.items():
        if space.fit_concepts is None or not space.novel_concepts:
            raise ValueError(f"the latent space of seed {seed} has no concept split with novel concepts; encode "
                             f"with --fit-concepts (e.g. 0.5)")
        for cond, concepts in (("fitted", space.fit_concepts), ("novel", space.novel_concepts)):
            sub = space.subset(concepts)
            n_train = min(int(((sub["picture"].split == "train") & (sub["picture"].labels == k)).sum())
                          for k in range(len(sub.concepts)))
            if max(grid.shots) > n_train:
                raise ValueError(f"K={max(grid.shots)} is larger than the train items: the {cond} concepts of "
                                 f"seed {seed} have at least {n_train} train pictures each; use --shots with "
                                 f"K <= {n_train}")


def run_compare_binding(spaces: dict, *, dataset: str, out_dir, binders=DEFAULT_BINDERS, grid: GridConfig | None = None,
                        binder_options: dict | None = None, experiments=EXPERIMENTS, progress: bool = True,
                        received: dict | None = None) -> dict:
    """Run every experiment for every binder on the latent space of every seed.

    Parameters
    ----------
    spaces : dict seed -> LatentSpace
        One concept-split latent space per seed (``space.fit_concepts`` set).
    dataset : str
    out_dir : path
    binders : sequence of str
    grid : GridConfig
    binder_options : dict binder -> dict, optional
        Extra constructor arguments (e.g. ``{"stdp": {"engine": "numba"}}``).
    experiments : sequence of str
    progress : bool
    received : dict, optional
        Filled with ``(binder, condition, K, seed) -> (presentations hash, cues hash)`` for cells computed now.

    Returns
    -------
    dict : the metrics written to ``metrics.json``.
    """
    from tqdm.auto import tqdm

    grid = grid or GridConfig()
    binders = tuple(binders)
    binder_options = binder_options or {}
    _check_args(binders, grid, spaces)
    bad = set(experiments) - set(EXPERIMENTS)
    if bad:
        raise ValueError(f"unknown experiments {sorted(bad)}; allowed {EXPERIMENTS}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cells = _Cells(out)
    jobs = []
    for seed, space in spaces.items():
        for cond, concepts in (("fitted", space.fit_concepts), ("novel", space.novel_concepts)):
            sub = space.subset(concepts)
            if {"shots", "cost", "units"} & set(experiments):
                for K in grid.shots:
                    jobs.append(("reference", None, sub, cond, K, seed))
                    for b in binders:
                        jobs.append(("shots", b, sub, cond, K, seed))
            if "interference" in experiments:
                for b in binders:
                    jobs.append(("interference", b, sub, cond, grid.interference_k, seed))
        if "capacity" in experiments:
            # the fitted concepts' ratio (~0.4 on digits): the novel concepts' (~0.8 on digits) leaves even
            # 25 concepts below recall 0.9 for every binder, which measures nothing about capacity
            ratio = _ratio(space.subset(space.fit_concepts))
            for b in binders:
                if b not in grid.capacity_binders:
                    continue
                for N in grid.capacity_sizes:
                    for n in grid.capacity_concepts:
                        jobs.append(("capacity", b, (N, n, ratio, space.latent_dim), "synthetic", 1, seed))
    rows = []
    bar = tqdm(jobs, desc="compare-binding", disable=None if progress else True)
    for kind, b, sub, cond, K, seed in bar:
        opts = binder_options.get(b, {}) if b else {}
        if kind == "capacity":
            N, n, ratio, D = sub
            key = _cell_key(v=CELL_VERSION, kind=kind, b=b, N=N, n=n, ratio=round(ratio, 6), D=D, seed=seed,
                            opts=opts, dataset=dataset)
        else:
            key = _cell_key(v=CELL_VERSION, kind=kind, b=b, cond=cond, K=K, seed=seed, opts=opts, dataset=dataset,
                            grid=grid.to_dict(), concepts=sub.concepts, split=sub.encoder, fit=sub.fit_concepts,
                            data=hashlib.sha256(sub["picture"].latents.tobytes()).hexdigest()[:16])
        bar.set_postfix_str(f"{kind} {b or ''} {cond} K={K} seed={seed}")
        hit = cells.get(key)
        if hit is None:
            kw = dict(dataset=dataset, grid=grid)
            if kind == "reference":
                hit = reference_rows(sub, K, seed, condition=cond, **kw)
            elif kind == "shots":
                hit = run_shots_cell(b, sub, K, seed, condition=cond, binder_options=binder_options,
                                     received=received, **kw)
            elif kind == "interference":
                hit = run_interference_cell(b, sub, seed, condition=cond, binder_options=binder_options, **kw)
            else:
                hit = run_capacity_cell(b, *sub, seed, binder_options=binder_options, **kw)
            cells.put(key, hit)
        rows += hit
    rows = [r for r in rows if r["experiment"] in experiments or r["experiment"] == "shots" and "shots" in experiments]
    _write_csv(out / "results.csv", rows)
    metrics = summarise(rows)
    metrics["_meta"] = {"dataset": dataset, "binders": list(binders), "grid": grid.to_dict(),
                        "seeds": [int(s) for s in spaces], "energy": ENERGY_LABEL,
                        "fit_concepts": {str(s): list(sp.fit_concepts) for s, sp in spaces.items()},
                        "novel_concepts": {str(s): list(sp.novel_concepts) for s, sp in spaces.items()},
                        "binder_options": json.loads(json.dumps(binder_options, default=str))}
    atomic_write_json(out / "metrics.json", metrics)
    from neuromem.viz.compare_binding import write_figures

    metrics["_meta"]["figures"] = write_figures(out, rows)
    atomic_write_json(out / "metrics.json", metrics)
    return metrics


def _write_csv(path: Path, rows) -> None:
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".results-", suffix=".csv")
    with os.fdopen(fd, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow(r)
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, path)


def _umask() -> int:
    import os

    m = os.umask(0)
    os.umask(m)
    return m


def _ci95(values) -> float:
    from scipy import stats

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if len(v) < 2:
        return float("nan")
    return float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v)))


def summarise(rows) -> dict:
    """Mean and ``_ci95`` over seeds per ``experiment/condition/binder/k=K[/n_units=N/n_concepts=n]/[phase/]metric``."""
    groups: dict = {}
    for r in rows:
        if not isinstance(r["value"], (int, float)):
            continue
        if r["experiment"] == "capacity":
            key = f"capacity/{r['condition']}/{r['binder']}/n_units={r['n_units']}/n_concepts={r['n_concepts']}"
        else:
            key = f"{r['experiment']}/{r['condition']}/{r['binder']}/k={r['k']}"
        if r["experiment"] == "cost":
            key += f"/{r['phase']}"
        groups.setdefault(f"{key}/{r['metric']}", []).append(float(r["value"]))
    out = {}
    for k, v in sorted(groups.items()):
        arr = np.asarray(v)
        out[k] = float(np.nanmean(arr)) if np.isfinite(arr).any() else float("nan")
        out[f"{k}_ci95"] = _ci95(arr)
    # capacity: the largest number of concepts with recall@1 >= 0.9, and bits per plastic parameter
    cap: dict = {}
    for r in rows:
        if r["experiment"] == "capacity" and r["metric"] == "picture_to_name_recall_at_1":
            cap.setdefault((r["binder"], r["n_units"], r["seed"]), []).append((r["n_concepts"], r["value"]))
    plastic = {(r["binder"], r["n_units"]): r["value"] for r in rows
               if r["experiment"] == "capacity" and r["metric"] == "n_plastic"}
    percap: dict = {}
    for (b, N, s), pts in cap.items():
        ok = [n for n, v in pts if v >= 0.9]
        c = max(ok) if ok else 0
        percap.setdefault((b, N), []).append(c)
    for (b, N), cs in percap.items():
        key = f"capacity/synthetic/{b}/n_units={N}"
        out[f"{key}/capacity"] = float(np.mean(cs))
        out[f"{key}/capacity_ci95"] = _ci95(cs)
        bits = [c * math.log2(c) / plastic[(b, N)] if c > 1 else 0.0 for c in cs]
        out[f"{key}/bits_per_parameter"] = float(np.mean(bits))
        out[f"{key}/bits_per_parameter_ci95"] = _ci95(bits)
        out[f"{key}/n_plastic"] = float(plastic[(b, N)])
    return out


# ---- command line ---------------------------------------------------------------------------------
def _int_list(text: str, what: str, minimum: int = 0) -> tuple[int, ...]:
    parts = [v.strip() for v in text.split(",")]
    if any(not v for v in parts):
        raise ValueError(f"--{what} has an empty entry in {text!r}; write e.g. 1,5")
    try:
        vals = tuple(int(v) for v in parts)
    except ValueError:
        raise ValueError(f"--{what} must be comma-separated integers; got {text!r}") from None
    if len(set(vals)) != len(vals):
        raise ValueError(f"--{what} repeats a value in {text!r}; give each once")
    low = [v for v in vals if v < minimum]
    if low:
        raise ValueError(f"--{what} values must be >= {minimum}; got {low}")
    return vals


def add_cli_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--dataset", required=True, help="digits, fashion-mnist, or folder:PATH")
    parser.add_argument("--binders", default=",".join(DEFAULT_BINDERS),
                        help=f"comma-separated binders (default: {','.join(DEFAULT_BINDERS)})")
    parser.add_argument("--shots", default=None, help="comma-separated K values (default: the reduced grid 1,5 with "
                                                      "capacity N=100 x 25,100,400 concepts; giving --shots, e.g. "
                                                      "the full 1,2,3,5,10,15, also runs the full capacity grid "
                                                      "N=50,200 x 25,50,100,200 concepts)")
    parser.add_argument("--seeds", default=None, help="comma-separated report seeds (default: 3,4,5)")
    parser.add_argument("--quick", action="store_true", help="a small grid for tests (~2 min): K 1,5; seed 3")
    parser.add_argument("--engine", default="numba", help="engine of the stdp binder (default numba)")
    parser.add_argument("--fit-fraction", default="0.5", help="fraction of concepts fitting the encoders (0.5)")
    parser.add_argument("--per-concept", type=int, default=None, help="fashion-mnist: pictures per concept")
    parser.add_argument("--data-dir", default=None, help="fashion-mnist: folder with the idx files")
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


#: The documented default (reduced) grid of ``neuromem run compare-binding`` (fits ~15 min on digits).
REDUCED_SHOTS = (1, 5)
REDUCED_SEEDS = (3, 4, 5)
#: Capacity grid of the reduced default: one binder size, three set sizes.
REDUCED_CAPACITY = dict(capacity_sizes=(100,), capacity_concepts=(25, 100, 400))


DESCRIPTION = "Hebbian vs backprop binders on the same latents, presentations and test items"
#: The comparison encodes its own concept-split spaces (one per seed).
NEEDS_LATENT_SPACE = False


def _binders_and_grid(args):
    binders = tuple(b.strip() for b in args.binders.split(",") if b.strip())
    unknown = [b for b in binders if b not in binder_names()]
    if unknown:
        raise ValueError(f"unknown binder(s) {unknown}; known binders: {binder_names()}")
    if args.quick:
        grid = GridConfig.quick(shots=_int_list(args.shots, "shots", minimum=1) if args.shots else None,
                                seeds=_int_list(args.seeds, "seeds") if args.seeds else None)
    else:
        full = args.shots is not None  # an explicit K list runs the full capacity grid too
        grid = GridConfig(shots=_int_list(args.shots, "shots", minimum=1) if args.shots else REDUCED_SHOTS,
                          seeds=_int_list(args.seeds, "seeds") if args.seeds else REDUCED_SEEDS,
                          test_per_concept=20, **({} if full else REDUCED_CAPACITY))
    if args.engine:
        from neuromem.engines import engine_names

        if args.engine not in engine_names():
            raise ValueError(f"unknown engine {args.engine!r}; known engines: {engine_names()}")
    return binders, grid


def check_args(args) -> None:
    """The options checked before ``neuromem run`` creates ``--out`` (raises ``ValueError``)."""
    _binders_and_grid(args)


def main_from_args(space, args=None) -> int:
    """Run from parsed :func:`add_cli_arguments` options (``space`` is unused: each seed is encoded here)."""
    if args is None:  # called as main_from_args(args)
        space, args = None, space
    from neuromem.data import load_dataset
    from neuromem.data.concept_split import resolve_fit_concepts
    from neuromem.encoders import EncoderConfig, encode_dataset

    binders, grid = _binders_and_grid(args)
    spaces = {}
    for seed in grid.seeds:
        ds = load_dataset(args.dataset, per_concept=args.per_concept, seed=seed, data_dir=args.data_dir)
        fit = resolve_fit_concepts(args.fit_fraction, ds.concepts, seed=seed)
        from neuromem.data.base import split_pictures

        train = ~split_pictures(ds.picture_labels, seed=seed, heldout_fraction=EncoderConfig().heldout_fraction)
        n_train = int(np.bincount(ds.picture_labels[train], minlength=ds.n_concepts).min())
        if max(grid.shots) > n_train:  # checked before the (long) encoding
            raise ValueError(f"K={max(grid.shots)} is larger than the train items: a concept of {args.dataset} "
                             f"has {n_train} train pictures with seed {seed}; use --shots with K <= {n_train}")
        cfg = EncoderConfig(spoken=False, fit_concepts=fit)
        spaces[seed] = encode_dataset(ds, seed=seed, config=cfg, progress=not args.quiet).space
    t0 = time.perf_counter()
    from neuromem.experiments.binding_tuning import load_tuned

    options = load_tuned()  # backprop hyper-parameters chosen once on the tuning seeds (neuromem/binding/binders.toml)
    options["stdp"] = {"engine": args.engine}
    m = run_compare_binding(spaces, dataset=args.dataset, out_dir=args.out, binders=binders, grid=grid,
                            binder_options=options, progress=not args.quiet)
    for cond in ("fitted", "novel"):
        for K in grid.shots:
            line = [f"{cond:6s} K={K:<2d}"]
            for b in ("prototype",) + binders:
                v = m.get(f"shots/{cond}/{b}/k={K}/picture_to_name_recall_at_1")
                if v is not None:
                    line.append(f"{b} {v:.3f}")
            print("  ".join(line))
    print(f"binding time {time.perf_counter() - t0:.1f} s; results: {Path(args.out) / 'results.csv'}, metrics.json")
    return 0


HEBBIAN = ("stdp", "hopfield")
BACKPROP = ("surrogate", "readout", "contrastive")


def summary_table(metrics: dict, *, shots=(1, 5)) -> str:
    """Markdown table: Hebbian vs backprop binders per headline measurement (mean +- 95 % CI over seeds).

    "better" names the better family by its best binder, and the better of ``stdp`` and ``surrogate``
    (the same spiking neurons, different plasticity); higher recall, retention and capacity win; "tie"
    when the two values' 95 % CIs overlap.
    """
    rows = []
    for cond in ("novel", "fitted"):
        for metric, label in (("picture_to_name_recall_at_1", "picture -> name"),
                              ("name_to_picture_recall_at_1", "name -> picture")):
            for K in shots:
                rows.append((f"{cond}, {label}, K={K}", f"shots/{cond}/{{b}}/k={K}/{metric}",
                             f"shots/{cond}/prototype/k={K}/{metric}"))
    ik = metrics.get("_meta", {}).get("grid", {}).get("interference_k", 5)
    for cond in ("novel", "fitted"):
        rows.append((f"{cond}, retention after a second group (K={ik})", f"interference/{cond}/{{b}}/k={ik}/retention",
                     None))
    sizes = metrics.get("_meta", {}).get("grid", {}).get("capacity_sizes", [])
    for N in sizes:
        rows.append((f"capacity (concepts at recall >= 0.9), N={N}", f"capacity/synthetic/{{b}}/n_units={N}/capacity",
                     None))
    binders = [b for b in HEBBIAN + BACKPROP if b in metrics.get("_meta", {}).get("binders", HEBBIAN + BACKPROP)]

    def fmt(key):
        v = metrics.get(key)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return "-", None
        ci = metrics.get(f"{key}_ci95")
        ci_txt = "" if ci is None or math.isnan(ci) else f" ± {ci:.2f}"
        return (f"{v:.2f}{ci_txt}" if abs(v) < 10 else f"{v:.0f}{ci_txt}"), (v, 0.0 if ci is None or math.isnan(ci)
                                                                                 else ci)

    def verdict(h, bp):
        if h is None or bp is None:
            return "-"
        if abs(h[0] - bp[0]) <= h[1] + bp[1]:
            return "tie"
        return "Hebbian" if h[0] > bp[0] else "backprop"

    head = ("| measurement | " + " | ".join(binders) + " | prototype ceiling | better (best of each family) "
            "| better (stdp vs surrogate: same neurons) |")
    lines = [head, "|" + "---|" * (len(binders) + 4)]
    for label, pattern, ref in rows:
        cells, best = [], {"hebbian": None, "backprop": None}
        for b in binders:
            txt, val = fmt(pattern.format(b=b))
            cells.append(txt)
            fam = "hebbian" if b in HEBBIAN else "backprop"
            if val is not None and (best[fam] is None or val[0] > best[fam][0]):
                best[fam] = val
        spiking = verdict(fmt(pattern.format(b="stdp"))[1], fmt(pattern.format(b="surrogate"))[1])
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {fmt(ref)[0] if ref else '-'} | "
                     f"{verdict(best['hebbian'], best['backprop'])} | {spiking} |")
    return "\n".join(lines)
