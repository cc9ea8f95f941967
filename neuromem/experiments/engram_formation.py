"""Multimodal engram formation and recall.

For each concept, its picture latent and name latent (and spoken-name latent,
when the latent space has one) are presented together for ``presentations``
trials with learning on; each presentation uses a different train-split
picture and cycles through the concept's train name forms. Presentations come
in rounds (every concept once per round, in a seeded random order). Then,
with learning off, held-out pictures, held-out written names (and held-out
spoken names) are presented alone and the concept neurons' responses are
analysed (:mod:`neuromem.analysis`).

Recall runs two ways from the same concept spikes: through the network's own
dynamics (the learned feedback synapses drive LIF readout populations of the
target modality, whose spikes are decoded, :mod:`neuromem.readout`) and
offline (the concept counts weight the feedback matrix, ``counts @ w_fb``,
decoded the same way: the reference the network readout is compared with).

References and controls, on the same latents, engine, initial weights and
test stimuli: non-spiking nearest-prototype classifiers for each cue modality
(from the same K pictures, or the train name / spoken forms), the same for the
frozen backbone's features without the fitted head (when given), chance
(1 / n_concepts, with its binomial 95 % interval for the control's number of
trials), an untrained network (recall through the same synapses: its feedback
weights hold their random initial values), shuffled picture/name pairings
during learning (every presentation gets the name of a random concept), and
asynchronous presentation: picture and words inside one trial, the words
``asynchronous_offset_ms`` after the picture's onset (beyond the measured
binding window, :mod:`neuromem.experiments.binding_window`), nothing reset in
between. Its binding measures (``invariance_index``, ``binding_index``) are
the metrics that can fail: binding at that offset would show in them.

Seeds: 0-2 are tuning seeds, 3-7 report seeds (the CLI default); over several
seeds ``metrics.json`` holds the mean of every number with its 95 %
t-interval half-width under ``<metric>_ci95`` and each seed's own results in
``seed_<S>/``.

Metrics (``metrics.json``)
--------------------------
``picture_to_name_recall_at_1``, ``name_to_picture_recall_at_1`` (and
``spoken_to_name_recall_at_1``, ``spoken_to_picture_recall_at_1``)
    Offline recall@1: concept counts times the learned feedback weights,
    decoded (see :mod:`neuromem.analysis.recall`), for held-out pictures /
    held-out name forms.
``<cue>_to_<target>_network_recall_at_1``
    The same through the network: decoded from the spikes of the target
    modality's readout population (:mod:`neuromem.readout`);
    ``<cue>_to_<target>_network_silent_fraction``: cue trials on which that
    population did not fire.
``<cue>_cue_no_response_fraction``
    Cue trials on which no concept neuron fired in the stimulus window.
``spontaneous_rate_hz``
    Mean concept-neuron rate in the blank trials (background input only).
``binding_index`` (picture vs written name), ``binding_index_spoken``
    Overlap of the concept neurons driven by a concept's pictures and by its
    names (:func:`neuromem.analysis.binding_index`), in [0, 1].
``frozen_backbone_prototype_recall_at_1``
    Nearest-prototype classifier from the same K pictures on the frozen
    backbone features (no fitted head), when the features are given.
``prototype_ceiling_recall_at_1``
    Non-spiking nearest-prototype classifier from the same K pictures, on the
    same latents; ``prototype_ceiling_name_recall_at_1`` (``..._spoken_...``)
    the same for word cues against the train name forms.
``chance_recall_at_1``
    ``1 / n_concepts``.
``population_sparseness``, ``lifetime_sparseness``, ``concepts_with_engram``,
``invariance_index`` (picture vs written name), ``invariance_index_spoken``
(picture vs spoken name), ``n_responsive_neurons``,
``concepts_per_responsive_neuron`` (fractions answering 1, 2, ... concepts)
next to ``human_concepts_per_responsive_neuron``
    See :mod:`neuromem.analysis.responses`; ``criterion`` holds the thresholds
    used and ``criterion_sensitivity`` the same metrics for other thresholds
    (``criterion_sensitivity_n_responsive_change``: ``(max - min) / max`` of
    the responsive-neuron counts across that table).
``controls``
    ``untrained``, ``shuffled_pairing``, ``asynchronous``: the same metrics
    (on at most ``control_test_pictures_per_concept`` pictures per concept;
    ``n_control_test_trials``), next to ``chance_recall_at_1_interval95``.
``timings_s``
    Wall-clock seconds per phase (the first standalone run includes the build).

The trials come from :mod:`neuromem.protocols`; the options are one
:class:`EngramConfig` (CLI, tests and TOML files share it); the results are
one :class:`EngramResults` whose ``save`` / ``load`` own the file schema;
figures are drawn by :mod:`neuromem.viz.engram` from that object.

With a concept split (``--fit-concepts``) the metrics also hold
``fit_concepts`` and ``novel_concepts`` (lists of names); every other metric
then refers to the novel concepts, the only ones learned and tested.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from neuromem._io import atomic_write_json, atomic_write_npz
from neuromem.analysis import (
    HUMAN_CONCEPTS_PER_NEURON,
    REPORT_SEEDS,
    ResponseCriterion,
    binding_index,
    chance_interval,
    concepts_per_neuron_distribution,
    concepts_with_engram,
    invariance_index,
    lifetime_sparseness,
    nearest_prototype,
    no_response_fraction,
    population_sparseness,
    recall_at_1,
    recall_from_counts,
    recall_from_readout,
    responsive,
    spontaneous_rate_hz,
    summarise_seeds,
    trial_responses,
)
from neuromem.coding import LatentSquash, SpikeTrains
from neuromem.engram import EngramNetwork
from neuromem.latents import LatentSpace
from neuromem.network import NetworkSpec, NetworkState, load_preset, spec_from_dict
from neuromem.network.presets import RENAMED_KEYS
from neuromem.protocols import StimulusWindow, TrialSequence, choose_training, heldout_trials, training_trials
from neuromem.readout import ReadoutLayer, ReadoutPopulations
from neuromem.session import trial_rates

__all__ = ["CONTROLS", "RESULTS_FILE", "METRICS_FILE", "EngramConfig", "EngramResults", "run", "run_engram_formation",
           "add_cli_arguments", "config_from_args", "main_from_args", "make_figures", "results_exist", "demo",
           "NEEDS_LATENT_SPACE", "ENCODES_PER_SEED", "DESCRIPTION"]

#: One line for ``neuromem run --help``.
DESCRIPTION = "multimodal engram formation and recall"
#: The CLI does not encode once: it gives ``args.encode_seed(seed) -> EncodeResult`` (one split per seed).
NEEDS_LATENT_SPACE = False
ENCODES_PER_SEED = True
CONTROLS = ("untrained", "shuffled_pairing", "asynchronous")
#: Raw results written next to ``metrics.json``.
RESULTS_FILE = "engram_results.npz"
METRICS_FILE = "metrics.json"
#: Thresholds of the criterion-sensitivity table (``min_median_count`` x ``n_sd``): from a criterion that
#: admits weak, occasional responses to one that only the strongest responses pass.
SENSITIVITY_MIN_MEDIAN_COUNTS = (0.0, 1.0, 2.0, 5.0, 20.0)
SENSITIVITY_N_SD = (0.0, 0.5, 1.0, 3.0, 5.0, 7.0)
#: Silence after the words of an asynchronous trial, ms.
_ASYNC_PAUSE_MS = 50.0


def _progress(iterable, enabled, **kw):
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, **kw)


def _optional_int(owner, name, value, lo):
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
        raise ValueError(f"{owner}.{name}={value!r} must be None or an int >= {lo}")


@dataclass(frozen=True, kw_only=True)
class EngramConfig:
    """Every option of the engram-formation experiment (shared by the CLI, tests and TOML files).

    Parameters
    ----------
    engine : str
        Engine name (see :func:`neuromem.engines.engine_names`).
    presentations : int
        Learning presentations per concept (K), 1 to 100; needs K train pictures per concept.
    seed : int
        Seed of everything random in the experiment (initial weights, input
        spikes, choice of pictures, shuffles), split with ``SeedSequence``; >= 0.
    preset : str
        Network preset name or TOML path.
    use_spoken : bool
        Include the spoken modality when the space has one.
    max_test_pictures_per_concept : int, optional
        Cap on held-out test pictures per concept (all if None), >= 1.
    control_test_pictures_per_concept : int, optional
        Cap for the control networks (all if None), >= 1.
    min_word_trials_per_concept : int
        Held-out name / spoken forms are repeated (new Poisson noise) to reach
        at least this many test trials per concept, >= 1.
    blank_trials : int
        Test trials with background input only (>= 2); their counts are the
        baseline of the responsiveness criterion.
    controls : tuple of str
        Which of ``CONTROLS`` to run.
    criterion : ResponseCriterion
        Responsiveness criterion.
    spec_overrides : dict
        Preset section overrides, e.g. ``{"concept": {"n_neurons": 200}}``.
    engine_options : dict
        Extra keyword arguments for the engine.
    asynchronous_offset_ms : float
        Asynchronous control: onset of the words after the picture's onset
        inside one trial, ms, in (0, 5000] (default 300: the words start 100 ms
        after a 200 ms picture ends, beyond the measured binding window).
    network_recall : bool
        Also recall through the readout populations (a second network per
        target modality on the same engine).
    readout : ReadoutLayer
        Parameters of the readout populations.
    """

    engine: str = "brian2"
    presentations: int = 3
    seed: int = 0
    preset: str = "default"
    use_spoken: bool = True
    max_test_pictures_per_concept: int | None = None
    control_test_pictures_per_concept: int | None = 30
    min_word_trials_per_concept: int = 12
    blank_trials: int = 20
    controls: tuple = CONTROLS
    criterion: ResponseCriterion = field(default_factory=ResponseCriterion)
    spec_overrides: dict = field(default_factory=dict)
    engine_options: dict = field(default_factory=dict)
    asynchronous_offset_ms: float = 300.0
    network_recall: bool = True
    readout: ReadoutLayer = field(default_factory=ReadoutLayer)

    def __post_init__(self):
        p = self.presentations
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or not 1 <= p <= 100:
            raise ValueError(f"EngramConfig.presentations={p!r} must be an int in [1, 100]")
        b = self.blank_trials
        if isinstance(b, bool) or not isinstance(b, (int, np.integer)) or b < 2:
            raise ValueError(f"EngramConfig.blank_trials={b!r} must be an int >= 2")
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            raise ValueError(f"EngramConfig.seed={self.seed!r} must be an int >= 0")
        _optional_int("EngramConfig", "max_test_pictures_per_concept", self.max_test_pictures_per_concept, 1)
        _optional_int("EngramConfig", "control_test_pictures_per_concept", self.control_test_pictures_per_concept, 1)
        _optional_int("EngramConfig", "min_word_trials_per_concept", self.min_word_trials_per_concept, 1)
        if isinstance(self.controls, str):
            raise TypeError("EngramConfig.controls must be a sequence of control names, not a string")
        object.__setattr__(self, "controls", tuple(self.controls))
        unknown = set(self.controls) - set(CONTROLS)
        if unknown:
            raise ValueError(f"unknown controls {sorted(unknown)}; allowed {CONTROLS}")
        if isinstance(self.criterion, dict):
            object.__setattr__(self, "criterion", ResponseCriterion(**self.criterion))
        if not isinstance(self.criterion, ResponseCriterion):
            raise TypeError(f"EngramConfig.criterion must be a ResponseCriterion; got {type(self.criterion).__name__}")
        if not 0 < float(self.asynchronous_offset_ms) <= 5000:
            raise ValueError(f"EngramConfig.asynchronous_offset_ms={self.asynchronous_offset_ms!r} is out of range; "
                             f"allowed (0, 5000]")
        if isinstance(self.readout, dict):
            object.__setattr__(self, "readout", ReadoutLayer(**self.readout))
        if not isinstance(self.readout, ReadoutLayer):
            raise TypeError(f"EngramConfig.readout must be a ReadoutLayer; got {type(self.readout).__name__}")
        for f in ("spec_overrides", "engine_options"):
            v = getattr(self, f)
            if v is None:
                object.__setattr__(self, f, {})
            elif not isinstance(v, dict):
                raise TypeError(f"EngramConfig.{f} must be a dict; got {type(v).__name__}")

    def to_dict(self) -> dict:
        """Plain data (TOML / JSON shaped)."""
        d = dataclasses.asdict(self)
        d["controls"] = list(self.controls)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "EngramConfig":
        """Inverse of :meth:`to_dict`; unknown keys are an error naming the allowed ones."""
        allowed = {f.name for f in dataclasses.fields(cls)}
        bad = set(d) - allowed
        if bad:
            raise ValueError(f"unknown engram-formation options {sorted(bad)}; allowed {sorted(allowed)}")
        return cls(**d)

    @classmethod
    def from_toml(cls, path) -> "EngramConfig":
        """Read a TOML file of options (top-level keys; ``[criterion]``, ``[spec_overrides.<section>]``)."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no experiment config at {path}")
        with open(path, "rb") as fh:
            return cls.from_dict(tomllib.load(fh))


@dataclass(frozen=True)
class EngramResults:
    """Everything one engram-formation run produced (plain data); :meth:`save` / :meth:`load` own the file schema.

    Parameters
    ----------
    metrics : dict
        The metrics (see the module docstring).
    spec : NetworkSpec
    concepts : tuple of str
    train_trials, test_trials, control_test_trials : TrialSequence
        The protocol's learning trials, test trials and control test trials.
    train_spikes, test_spikes : SpikeTrains
        Concept-layer spikes of the learning and test runs.
    test_counts : ndarray of int (n_test_trials, n_concept)
        Spike counts in each test trial's stimulus window.
    initial, trained : NetworkState
        Weights before and after learning (float32 after :meth:`load`).
    responsive : dict of str -> ndarray of bool (n_concept, n_concepts)
        Responsive (neuron, concept) pairs per cue modality.
    control_test_counts : dict of str -> ndarray (n_control_trials, n_concept)
        Test counts of each control network.
    """

    metrics: dict
    spec: NetworkSpec
    concepts: tuple
    train_trials: TrialSequence
    test_trials: TrialSequence
    control_test_trials: TrialSequence
    train_spikes: SpikeTrains
    test_spikes: SpikeTrains
    test_counts: np.ndarray
    initial: NetworkState
    trained: NetworkState
    responsive: dict
    control_test_counts: dict

    def save(self, out_dir) -> dict:
        """Write ``metrics.json`` and ``engram_results.npz`` into ``out_dir`` (atomically); returns their paths."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        sim = self.spec.sim
        arrays = {
            "train_spike_indices": self.train_spikes.indices, "train_spike_steps": self.train_spikes.steps,
            "train_labels": self.train_trials.labels, "train_picture_items": self.train_trials.items["picture"],
            "test_spike_indices": self.test_spikes.indices, "test_spike_steps": self.test_spikes.steps,
            "test_labels": self.test_trials.labels, "test_modality": self.test_trials.kind.astype("U8"),
            "test_items": self.test_trials.cue_items(),
            "test_counts": self.test_counts, "dt_ms": np.array(sim.dt_ms),
            "trial_period_steps": np.array(sim.steps_per_trial), "stimulus_steps": np.array(sim.stimulus_steps),
            "theta_mv_after": self.trained.theta_mv, "spec_json": np.array(json.dumps(self.spec.to_dict())),
            "concepts": np.array(self.concepts, dtype=str),
        }
        for m in self.spec.modalities:
            arrays[f"w_in_mv_before__{m}"] = self.initial.w_in_mv[m].astype(np.float32)
            arrays[f"w_in_mv_after__{m}"] = self.trained.w_in_mv[m].astype(np.float32)
            arrays[f"w_fb_after__{m}"] = self.trained.w_fb[m].astype(np.float32)
            arrays[f"responsive__{m}"] = self.responsive[m]
        for name, c in self.control_test_counts.items():
            arrays[f"control_{name}_test_counts"] = c
        arrays["control_test_labels"] = self.control_test_trials.labels
        arrays["control_test_modality"] = self.control_test_trials.kind.astype("U8")
        return {"results": atomic_write_npz(out / RESULTS_FILE, arrays),
                "metrics": atomic_write_json(out / METRICS_FILE, self.metrics)}

    @classmethod
    def load(cls, folder) -> "EngramResults":
        """Read a folder written by :meth:`save`.

        Raises
        ------
        FileNotFoundError
            If ``metrics.json`` or ``engram_results.npz`` is missing.
        """
        folder = Path(folder)
        for name in (METRICS_FILE, RESULTS_FILE):
            if not (folder / name).is_file():
                raise FileNotFoundError(f"no {name} in {folder}; run `neuromem run engram-formation --out {folder}`")
        metrics = json.loads((folder / METRICS_FILE).read_text())
        with np.load(folder / RESULTS_FILE, allow_pickle=False) as f:
            d = {k: f[k] for k in f.files}
        sd = json.loads(str(d["spec_json"]))
        for (sec, old), new in RENAMED_KEYS.items():  # files written before a key was renamed
            if old in sd.get(sec, {}):
                sd[sec][new] = sd[sec].pop(old)
        mods = tuple(p["modality"] for p in sd["populations"])
        spec = spec_from_dict({k: v for k, v in sd.items() if k not in ("populations", "name")}, modalities=mods,
                              latent_dim=sd["populations"][0]["latent_dim"], name=sd.get("name", "custom"))
        per = int(d["trial_period_steps"])
        dt = float(d["dt_ms"])
        n_c = spec.concept.n_neurons
        initial = NetworkState(w_in_mv={m: d[f"w_in_mv_before__{m}"] for m in mods},
                               w_fb={m: np.zeros_like(d[f"w_fb_after__{m}"]) for m in mods},
                               theta_mv=np.zeros_like(d["theta_mv_after"]))
        trained = NetworkState(w_in_mv={m: d[f"w_in_mv_after__{m}"] for m in mods},
                               w_fb={m: d[f"w_fb_after__{m}"] for m in mods}, theta_mv=d["theta_mv_after"])
        kind = d["test_modality"].astype(str)
        test = TrialSequence(kind=kind, labels=d["test_labels"],
                             items={m: np.where(kind == m, d["test_items"], -1) for m in mods})
        train_labels = d["train_labels"]
        train = TrialSequence(kind=np.array(["together"] * len(train_labels)), labels=train_labels,
                              items={"picture": d["train_picture_items"]})
        ctrl_kind = d["control_test_modality"].astype(str)
        ctrl = TrialSequence(kind=ctrl_kind, labels=d["control_test_labels"], items={})
        n_train_steps = len(train_labels) * per
        train_spikes = SpikeTrains(indices=d["train_spike_indices"], steps=d["train_spike_steps"], n_neurons=n_c,
                                   n_steps=max(n_train_steps, int(d["train_spike_steps"].max(initial=-1)) + 1),
                                   dt_ms=dt)
        test_spikes = SpikeTrains(indices=d["test_spike_indices"], steps=d["test_spike_steps"], n_neurons=n_c,
                                  n_steps=len(d["test_labels"]) * per, dt_ms=dt)
        controls = {k[len("control_"):-len("_test_counts")]: v for k, v in d.items()
                    if k.startswith("control_") and k.endswith("_test_counts")}
        return cls(metrics=metrics, spec=spec, concepts=tuple(str(c) for c in d["concepts"]), train_trials=train,
                   test_trials=test, control_test_trials=ctrl, train_spikes=train_spikes, test_spikes=test_spikes,
                   test_counts=d["test_counts"], initial=initial, trained=trained,
                   responsive={m: d[f"responsive__{m}"] for m in mods}, control_test_counts=controls)


def _analyse(space, spec, net, test: TrialSequence, counts, state, proto, criterion, rng, modalities,
             readout_counts=None):
    """Every metric of one trained network from its test responses (and its readout populations' spikes)."""
    n_c = len(space.concepts)
    resp, tresp = {}, {}
    blank = counts[test.kind == "blank"]
    for m in modalities:
        sel = test.kind == m
        resp[m] = responsive(counts[sel], test.labels[sel], n_c, criterion, blank)
        tresp[m] = trial_responses(counts[sel], test.labels[sel], n_c, criterion, blank)
    union = np.logical_or.reduce([resp[m] for m in modalities])
    sel = {m: test.kind == m for m in modalities}
    out = {
        "spontaneous_rate_hz": spontaneous_rate_hz(blank, spec.sim.stimulus_ms),
        "binding_index": binding_index(counts[sel["picture"]], test.labels[sel["picture"]], counts[sel["name"]],
                                       test.labels[sel["name"]], n_c, blank),
        "binding_index_spoken": (binding_index(counts[sel["picture"]], test.labels[sel["picture"]],
                                               counts[sel["spoken"]], test.labels[sel["spoken"]], n_c, blank)
                                 if "spoken" in modalities else None),
        "population_sparseness": population_sparseness(np.concatenate([tresp[m] for m in modalities])),
        "population_sparseness_by_modality": {m: population_sparseness(tresp[m]) for m in modalities},
        "lifetime_sparseness": lifetime_sparseness(union),
        "concepts_with_engram": concepts_with_engram(union),
        "concepts_with_engram_by_modality": {m: concepts_with_engram(resp[m]) for m in modalities},
        "invariance_index": invariance_index(resp["picture"], resp["name"]),
        "invariance_index_spoken": (invariance_index(resp["picture"], resp["spoken"])
                                    if "spoken" in modalities else None),
        "n_responsive_neurons": int(union.any(axis=1).sum()),
        "concepts_per_responsive_neuron": concepts_per_neuron_distribution(union),
    }
    recall = {}
    for cue, target in (("picture", "name"), ("name", "picture"), ("spoken", "name"), ("spoken", "picture")):
        if cue not in modalities or target not in modalities:
            continue
        sel = test.kind == cue
        pred, _ = recall_from_counts(counts[sel], state.w_fb[target], proto[target], spec.coding,
                                     net.squash[target], rng)
        recall[f"{cue}_to_{target}_recall_at_1"] = recall_at_1(pred, test.labels[sel])
        if readout_counts is not None:
            pred, silent = recall_from_readout(readout_counts[target][sel], proto[target], spec.coding,
                                               net.squash[target], rng)
            recall[f"{cue}_to_{target}_network_recall_at_1"] = recall_at_1(pred, test.labels[sel])
            recall[f"{cue}_to_{target}_network_silent_fraction"] = float(silent.mean())
        recall[f"{cue}_cue_no_response_fraction"] = no_response_fraction(counts[sel])
    out.update(recall)
    return out, resp


def _criterion_sensitivity(space, test: TrialSequence, counts, modalities):
    n_c = len(space.concepts)
    blank = counts[test.kind == "blank"]
    rows = []
    for mm in SENSITIVITY_MIN_MEDIAN_COUNTS:
        for nsd in SENSITIVITY_N_SD:
            crit = ResponseCriterion(min_median_count=mm, n_sd=nsd)
            resp = {m: responsive(counts[test.kind == m], test.labels[test.kind == m], n_c, crit, blank)
                    for m in modalities}
            tr = np.concatenate([trial_responses(counts[test.kind == m], test.labels[test.kind == m],
                                                 n_c, crit, blank) for m in modalities])
            union = np.logical_or.reduce([resp[m] for m in modalities])
            rows.append({"min_median_count": mm, "n_sd": nsd,
                         "population_sparseness": population_sparseness(tr),
                         "concepts_with_engram": concepts_with_engram(union),
                         "invariance_index": invariance_index(resp["picture"], resp["name"]),
                         "n_responsive_neurons": int(union.any(axis=1).sum())})
    return rows


def _drive(trials: TrialSequence, net: EngramNetwork, space, rng):
    return net.drive(trial_rates(net, space, trials), seed=rng, windows_ms=trials.windows_ms())


def _asynchronous_network(space, spec, squash, cfg, s_init, modalities):
    """The asynchronous control's network: same initial weights, trials long enough for the word offset."""
    period = cfg.asynchronous_offset_ms + spec.sim.stimulus_ms + _ASYNC_PAUSE_MS
    period = float(np.ceil(period / spec.sim.dt_ms - 1e-9) * spec.sim.dt_ms)
    overrides = {k: dict(v) for k, v in cfg.spec_overrides.items()}
    overrides.setdefault("sim", {})["trial_period_ms"] = period
    spec_a = load_preset(cfg.preset, modalities=modalities, latent_dim=space.latent_dim, **overrides)
    net_a = EngramNetwork(spec_a, squash, engine=cfg.engine, seed=s_init, **cfg.engine_options)
    windows = {m: StimulusWindow(onset_ms=0.0 if m == "picture" else float(cfg.asynchronous_offset_ms),
                                 duration_ms=spec.sim.stimulus_ms) for m in modalities}
    return net_a, windows


def _relative_change(values) -> float:
    """``(max - min) / max`` of a list of counts (0 when all are zero)."""
    hi = max(values)
    return float((hi - min(values)) / hi) if hi > 0 else 0.0


def run(space: LatentSpace, config: EngramConfig | None = None, *, progress: bool = True,
        dataset: str | None = None, backbone_features=None) -> EngramResults:
    """Run the engram-formation experiment on a latent space.

    Parameters
    ----------
    space : LatentSpace
        Needs ``"picture"`` and ``"name"``; ``"spoken"`` is used when present
        and ``config.use_spoken``. With a concept split (``space.fit_concepts``),
        only the novel concepts are learned and tested; ``fit_concepts`` and
        ``novel_concepts`` are written into the metrics, and every other
        metric refers to the novel concepts.
    config : EngramConfig, optional
        Every option (defaults if None).
    progress : bool
        Show progress bars.
    dataset : str, optional
        Dataset name recorded in the metrics.
    backbone_features : ndarray (n_pictures, n_features), optional
        Frozen backbone features of every picture of ``space`` (same order,
        :func:`neuromem.encoders.backbone_features`): adds the reference
        without the fitted head.

    Returns
    -------
    EngramResults

    Raises
    ------
    TypeError
        If ``space`` is not a LatentSpace.
    ValueError
        If the space lacks a modality, train pictures or held-out forms the protocol needs.
    """
    t_start = time.perf_counter()
    cfg = EngramConfig() if config is None else config
    if not isinstance(cfg, EngramConfig):
        raise TypeError(f"config must be an EngramConfig; got {type(cfg).__name__}")
    if not isinstance(space, LatentSpace):
        raise TypeError(f"space must be a neuromem.latents.LatentSpace; got {type(space).__name__}")
    for m in ("picture", "name"):
        if m not in space.modalities:
            raise ValueError(f"engram formation needs a {m!r} modality; the space has {sorted(space.modalities)}")
    if backbone_features is not None and np.shape(backbone_features)[0] != len(space["picture"].latents):
        raise ValueError(f"backbone_features has {np.shape(backbone_features)[0]} rows; the space has "
                         f"{len(space['picture'].latents)} pictures (pass the features of the same dataset)")
    K = int(cfg.presentations)
    split = None
    if space.fit_concepts is not None:  # concept split: learn and test the novel concepts only
        split = {"fit_concepts": list(space.fit_concepts), "novel_concepts": list(space.novel_concepts)}
        if not split["novel_concepts"]:
            raise ValueError("the latent space's concept split leaves no novel concept to learn; encode with fewer "
                             "--fit-concepts")
        space = space.subset(space.novel_concepts)
    modalities = ("picture", "name") + (("spoken",) if cfg.use_spoken and "spoken" in space.modalities else ())
    spec = load_preset(cfg.preset, modalities=modalities, latent_dim=space.latent_dim, **cfg.spec_overrides)
    n_c = len(space.concepts)

    ss = np.random.SeedSequence(cfg.seed)
    (s_init, s_choose, s_train, s_test, s_shuffle, s_async, s_recall, s_ctrl_test) = ss.spawn(8)
    squash = {m: LatentSquash.fit(space[m].select("train")[0]) for m in modalities}
    net = EngramNetwork(spec, squash, engine=cfg.engine, seed=s_init, progress=progress, **cfg.engine_options)
    plan = choose_training(space, K, np.random.default_rng(s_choose), modalities)
    train = training_trials(space, plan, modalities)
    test_rng = np.random.default_rng(s_test)
    test = heldout_trials(space, modalities, test_rng, max_pictures_per_concept=cfg.max_test_pictures_per_concept,
                       min_word_trials_per_concept=cfg.min_word_trials_per_concept, blank_trials=cfg.blank_trials)
    train_drive = _drive(train, net, space, np.random.default_rng(s_train))
    test_drive = _drive(test, net, space, test_rng)
    proto = plan.prototypes(space, modalities)

    init = net.initial_state
    eng = net.engine
    per = spec.sim.steps_per_trial
    stim_steps = spec.sim.stimulus_steps
    timings = {}

    t0 = time.perf_counter()
    train_res = eng.run(train_drive, plastic=True)
    timings["train_s"] = time.perf_counter() - t0
    trained = eng.get_state()
    t0 = time.perf_counter()
    test_res = eng.run(test_drive, plastic=False)
    timings["test_s"] = time.perf_counter() - t0
    counts = test_res.counts(per, window_steps=stim_steps)
    train_counts = train_res.counts(per, window_steps=stim_steps)
    targets = tuple(m for m in ("name", "picture") if m in modalities)
    readouts = (ReadoutPopulations(spec, targets, engine=cfg.engine, layer=cfg.readout, **cfg.engine_options)
                if cfg.network_recall else None)
    t0 = time.perf_counter()
    ro_counts = readouts.run(test_res, trained.w_fb) if readouts else None
    timings["readout_s"] = time.perf_counter() - t0

    rng_recall = np.random.default_rng(s_recall)
    metrics, resp = _analyse(space, spec, net, test, counts, trained, proto, cfg.criterion, rng_recall, modalities,
                             ro_counts)

    # non-spiking references on the same latents
    sel = test.kind == "picture"
    z_test = space["picture"].latents[test.items["picture"][sel]]
    metrics["prototype_ceiling_recall_at_1"] = recall_at_1(nearest_prototype(z_test, proto["picture"]),
                                                           test.labels[sel])
    metrics["chance_recall_at_1"] = 1.0 / n_c
    # the same reference for word cues: nearest train-form prototype of the cue's own modality
    for m in modalities:
        if m != "picture":
            sel = test.kind == m
            z = space[m].latents[test.items[m][sel]]
            metrics[f"prototype_ceiling_{m}_recall_at_1"] = recall_at_1(nearest_prototype(z, proto[m]),
                                                                        test.labels[sel])
    if backbone_features is not None:  # what the pretrained network alone gives: no fitted head
        feats = np.asarray(backbone_features, dtype=np.float64)
        proto_f = np.stack([feats[plan.chosen[k]["picture"]].mean(axis=0) for k in range(n_c)])
        sel = test.kind == "picture"
        metrics["frozen_backbone_prototype_recall_at_1"] = recall_at_1(
            nearest_prototype(feats[test.items["picture"][sel]], proto_f), test.labels[sel])

    # controls -----------------------------------------------------------------
    ctrl_rng = np.random.default_rng(s_ctrl_test)
    ctrl_test = heldout_trials(space, modalities, ctrl_rng,
                            max_pictures_per_concept=cfg.control_test_pictures_per_concept,
                            min_word_trials_per_concept=cfg.min_word_trials_per_concept,
                            blank_trials=cfg.blank_trials)
    ctrl_drive = _drive(ctrl_test, net, space, ctrl_rng)
    ctrl_out, ctrl_counts = {}, {}
    for name in _progress(list(cfg.controls), progress, desc="controls", leave=False):
        t0 = time.perf_counter()
        c_net, c_drive, c_per = net, ctrl_drive, per
        if name == "asynchronous":  # picture and words in one trial, the words beyond the binding window
            c_net, windows = _asynchronous_network(space, spec, squash, cfg, s_init, modalities)
            c_per = c_net.spec.sim.steps_per_trial
            st = dataclasses.replace(training_trials(space, plan, modalities), windows=windows)
            c_net.engine.set_state(init)
            c_net.engine.run(_drive(st, c_net, space, np.random.default_rng(s_async)), plastic=True)
            c_drive = _drive(ctrl_test, c_net, space, np.random.default_rng(s_ctrl_test))
        else:
            eng.set_state(init)
            if name == "shuffled_pairing":
                st = training_trials(space, plan, modalities, shuffle_rng=np.random.default_rng(s_shuffle))
                eng.run(_drive(st, net, space, np.random.default_rng(s_train)), plastic=True)
        state = c_net.engine.get_state()
        res = c_net.engine.run(c_drive, plastic=False)
        c = res.counts(c_per, window_steps=stim_steps)
        c_ro = None
        if readouts is not None:
            c_ro = (ReadoutPopulations(c_net.spec, targets, engine=cfg.engine, layer=cfg.readout,
                                       **cfg.engine_options) if c_net is not net else readouts).run(res, state.w_fb)
        m_ctrl, _ = _analyse(space, spec, net, ctrl_test, c, state, proto, cfg.criterion,
                             np.random.default_rng(s_recall), modalities, c_ro)
        ctrl_out[name] = m_ctrl
        ctrl_counts[name] = c
        timings[f"control_{name}_s"] = time.perf_counter() - t0

    sensitivity = _criterion_sensitivity(space, test, counts, modalities)
    metrics = {
        "dataset": dataset,
        "engine": getattr(eng, "name", cfg.engine),
        "preset": spec.name,
        "presentations": K,
        "seed": int(cfg.seed),
        "split_seed": int(space.seed),
        "modalities": list(modalities),
        "n_concepts": n_c,
        **(split or {}),
        "n_concept_neurons": spec.concept.n_neurons,
        "latent_dim": space.latent_dim,
        "n_test_trials": {m: int((test.kind == m).sum()) for m in modalities + ("blank",)},
        "n_control_test_trials": {m: int((ctrl_test.kind == m).sum()) for m in modalities + ("blank",)},
        **metrics,
        "human_concepts_per_responsive_neuron": list(HUMAN_CONCEPTS_PER_NEURON),
        "criterion": cfg.criterion.to_dict(),
        "criterion_sensitivity": sensitivity,
        "criterion_sensitivity_n_responsive_change": _relative_change(
            [r["n_responsive_neurons"] for r in sensitivity]),
        "chance_recall_at_1_interval95": list(chance_interval(int((ctrl_test.kind == "picture").sum()), 1.0 / n_c)),
        "asynchronous_offset_ms": float(cfg.asynchronous_offset_ms),
        "controls": ctrl_out,
        "training_spikes_per_presentation": float(train_counts.sum(axis=1).mean()),
        "timings_s": {**timings, "total_s": time.perf_counter() - t_start},
    }
    return EngramResults(metrics=metrics, spec=spec, concepts=tuple(space.concepts), train_trials=train,
                         test_trials=test, control_test_trials=ctrl_test, train_spikes=train_res,
                         test_spikes=test_res, test_counts=counts, initial=init, trained=trained,
                         responsive=resp, control_test_counts=ctrl_counts)


def run_engram_formation(space: LatentSpace, config: EngramConfig | None = None, *, out_dir=None,
                         progress: bool = True, figures: bool = True, dataset: str | None = None,
                         backbone_features=None, **options) -> dict:
    """Run the experiment (see :func:`run`), write results and figures to ``out_dir``; return the metrics.

    Parameters
    ----------
    space : LatentSpace
    config : EngramConfig, optional
        The options; alternatively give its fields as keyword ``options``
        (e.g. ``engine="numba", presentations=1``), not both.
    out_dir : path, optional
        Where ``metrics.json``, ``engram_results.npz`` and figures go (nothing written if None).
    progress : bool
    figures : bool
        Write PNG figures into ``out_dir``.
    dataset : str, optional
        Dataset name recorded in the metrics.
    backbone_features : ndarray (n_pictures, n_features), optional
        Frozen backbone features of the pictures (see :func:`run`).

    Returns
    -------
    dict
        The metrics (also written to ``out_dir/metrics.json``).
    """
    t_start = time.perf_counter()
    if config is not None and options:
        raise TypeError("give either config or keyword options, not both")
    cfg = config if config is not None else EngramConfig.from_dict(options)
    results = run(space, cfg, progress=progress, dataset=dataset, backbone_features=backbone_features)
    metrics = results.metrics
    if out_dir is not None:
        out = Path(out_dir)
        if figures:
            from neuromem.viz.engram import write_all

            if progress:
                print("drawing figures (up to half a minute) ...", flush=True)
            metrics["figures"] = write_all(results, out)
        metrics["timings_s"]["total_s"] = time.perf_counter() - t_start
        results.save(out)
    return metrics


def results_exist(folder) -> bool:
    """Whether ``folder`` holds results of this experiment."""
    return (Path(folder) / RESULTS_FILE).is_file()


def make_figures(results, out=None) -> list[Path]:
    """Rebuild the figures from a results folder (``metrics.json`` + ``engram_results.npz``)."""
    from neuromem.viz.engram import write_all

    results = Path(results)
    out = Path(out) if out is not None else results
    names = write_all(EngramResults.load(results), out)
    return [out / n for n in names]


def demo(out_dir, *, seed: int = 3, progress: bool = True, engine: str = "brian2") -> dict:
    """The default experiment on digits (latents from the encoder cache), written to ``out_dir``."""
    from neuromem.data import load_dataset
    from neuromem.encoders import encode_dataset

    space = encode_dataset(load_dataset("digits", seed=seed), seed=seed, progress=progress).space
    return run_engram_formation(space, EngramConfig(engine=engine, presentations=3, seed=seed), out_dir=out_dir,
                                progress=progress, dataset="digits")


# ---- command line ---------------------------------------------------------------------
#: Keys printed by the command line (mean ± 95 % CI over seeds), each next to its reference.
_PRINTED = (("picture_to_name_network_recall_at_1", "picture -> name, through the readout population"),
            ("picture_to_name_recall_at_1", "picture -> name, offline feedback readout"),
            ("prototype_ceiling_recall_at_1", "  reference: picture prototypes (same latents)"),
            ("frozen_backbone_prototype_recall_at_1", "  reference: frozen backbone, no fitted head"),
            ("name_to_picture_network_recall_at_1", "name -> picture, through the readout population"),
            ("name_to_picture_recall_at_1", "name -> picture, offline feedback readout"),
            ("prototype_ceiling_name_recall_at_1", "  reference: name prototypes (same latents)"),
            ("spoken_to_name_recall_at_1", "spoken -> name, offline feedback readout"),
            ("prototype_ceiling_spoken_recall_at_1", "  reference: spoken prototypes (same latents)"),
            ("chance_recall_at_1", "chance"),
            ("invariance_index", "invariance, pictures vs written names"),
            ("invariance_index_spoken", "invariance, pictures vs spoken names"),
            ("binding_index", "binding index, pictures vs written names"),
            ("spontaneous_rate_hz", "spontaneous rate in blank trials (Hz)"),
            ("population_sparseness", "population sparseness"))


def _int_list(text: str) -> tuple:
    try:
        out = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        out = ()
    if not out or min(out) < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of seeds >= 0, e.g. 3,4,5,6,7")
    return out


def add_cli_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the experiment's options (the CLI adds the dataset options) to ``parser``."""
    parser.add_argument("--config", default=None, help="TOML file of EngramConfig options (flags given override it)")
    parser.add_argument("--engine", default=None, help="engine name (default: brian2 = cpp_standalone)")
    parser.add_argument("--presentations", type=int, default=None, help="learning presentations per concept (K)")
    parser.add_argument("--seeds", type=_int_list, default=REPORT_SEEDS,
                        help="split and network seeds, one run each, summarised with 95 %% t-intervals "
                             "(default: report seeds 3,4,5,6,7; tuning seeds are 0,1,2)")
    parser.add_argument("--seed", type=int, default=None, help="one seed only (same as --seeds S)")
    parser.add_argument("--preset", default=None, help="network preset name (shipped or in models/) or a TOML path")
    parser.add_argument("--out", default=None, help=f"output directory for metrics.json, {RESULTS_FILE}, figures")
    parser.add_argument("--no-spoken", action="store_true", help="ignore the spoken-name modality")
    parser.add_argument("--max-test-pictures", type=int, default=None,
                        help="cap on held-out test pictures per concept (default: all)")
    parser.add_argument("--controls", default=None,
                        help=f"comma-separated controls to run (default: {','.join(CONTROLS)}; '' for none)")
    parser.add_argument("--no-figures", action="store_true", help="do not write figures")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


def config_from_args(args: argparse.Namespace, seed: int | None = None) -> EngramConfig:
    """The :class:`EngramConfig` of parsed :func:`add_cli_arguments` options (flags override ``--config``)."""
    base = EngramConfig.from_toml(args.config).to_dict() if getattr(args, "config", None) else {}
    flags = {"engine": getattr(args, "engine", None), "presentations": getattr(args, "presentations", None),
             "preset": getattr(args, "preset", None),
             "max_test_pictures_per_concept": getattr(args, "max_test_pictures", None)}
    base.update({k: v for k, v in flags.items() if v is not None})
    if seed is not None:
        base["seed"] = int(seed)
    elif getattr(args, "seed", None) is not None:
        base["seed"] = args.seed
    if getattr(args, "no_spoken", False):
        base["use_spoken"] = False
    if getattr(args, "controls", None) is not None:
        base["controls"] = tuple(c.strip() for c in args.controls.split(",") if c.strip())
    return EngramConfig.from_dict(base)


def _seeds_of(args) -> tuple:
    return (args.seed,) if getattr(args, "seed", None) is not None else tuple(getattr(args, "seeds", REPORT_SEEDS))


def main_from_args(space: LatentSpace | None, args: argparse.Namespace, *, dataset: str | None = None) -> int:
    """Run the experiment on every seed (each on its own split), print mean ± 95 % CI of the main metrics.

    With one seed, ``args.out`` holds that run's results; with several,
    ``args.out/seed_<S>/`` holds each run and ``args.out/metrics.json`` the
    summary (every number's mean over seeds and ``<metric>_ci95``, plus
    ``per_seed``). ``space``, when given, is used for a single seed;
    otherwise ``args.encode_seed(seed)`` (set by ``neuromem run``) encodes each
    seed's split. The frozen-backbone reference is computed for spaces
    encoded here (from ``args.dataset``).

    Returns the exit status (0).
    """
    from neuromem.data import load_dataset
    from neuromem.encoders import EncoderConfig, backbone_features
    from neuromem.engines import engine_names

    seeds = _seeds_of(args)
    configs = [config_from_args(args, seed=s) for s in seeds]  # option errors before any encoding
    if configs[0].engine not in engine_names():
        raise KeyError(f"unknown engine {configs[0].engine!r}; known engines: {engine_names()}")
    dataset = dataset or getattr(args, "dataset", None)
    out = Path(args.out) if args.out else None
    per_seed = []
    for seed, cfg in zip(seeds, configs):
        if space is not None and len(seeds) == 1:
            sp = space
        elif hasattr(args, "encode_seed"):
            sp = args.encode_seed(seed).space
        else:
            raise ValueError("no latent space: give one (single seed) or run through `neuromem run`, which encodes "
                             "each seed's split")
        feats = None
        if dataset and sp is not space:  # features of the dataset the space was just encoded from
            enc = EncoderConfig(backbone=args.backbone, input_size_px=args.input_size, weights=args.weights)
            data = load_dataset(dataset, per_concept=args.per_concept, seed=seed, data_dir=args.data_dir)
            feats = backbone_features(data, config=enc, progress=not args.quiet, log=lambda *_: None)
        seed_out = None if out is None else (out if len(seeds) == 1 else out / f"seed_{seed}")
        per_seed.append(run_engram_formation(sp, cfg, out_dir=seed_out, progress=not args.quiet,
                                             figures=not args.no_figures, dataset=dataset,
                                             backbone_features=feats))
    summary = per_seed[0] if len(seeds) == 1 else {
        **summarise_seeds(per_seed, keep=("dataset", "engine", "preset", "modalities",
                                          "human_concepts_per_responsive_neuron", "criterion")),
        "seeds": list(seeds), "per_seed": {str(s): m for s, m in zip(seeds, per_seed)}}
    if out is not None and len(seeds) > 1:
        atomic_write_json(out / METRICS_FILE, summary)
    print(f"seeds {','.join(str(s) for s in seeds)} (mean ± 95 % t-interval over seeds)" if len(seeds) > 1
          else f"seed {seeds[0]}")
    for key, label in _PRINTED:
        v = summary.get(key)
        if isinstance(v, float):
            ci = summary.get(f"{key}_ci95")
            print(f"  {label:50s} {v:.3f}" + (f" ± {ci:.3f}" if isinstance(ci, float) and np.isfinite(ci) else ""))
    lo, hi = (per_seed[0]["chance_recall_at_1_interval95"])
    for name, m in summary.get("controls", {}).items():
        v = m.get("picture_to_name_recall_at_1")
        inv = m.get("invariance_index")
        print(f"  control {name:22s} picture->name {v:.3f} (chance band {lo:.3f}-{hi:.3f})  invariance "
              f"{inv if inv is None else round(inv, 3)}")
    if out is not None:
        print(f"results: {out / METRICS_FILE}" + (" (+ seed_<S>/ per seed)" if len(seeds) > 1 else ""))
    return 0
