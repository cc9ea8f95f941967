"""The results of one engram-formation run: plain data whose ``save`` / ``load`` own the file schema.

``metrics.json`` goes through the results base (:mod:`neuromem.io.results`):
strict JSON, a missing value ``null`` with its reason under ``_missing``, the
schema ``neuromem.engram-formation`` stamped in. The arrays stay in
``engram_results.npz`` with their own keys (read by
:mod:`neuromem.validation.regression` and the figures). Folders written
before the schema was stamped (bare ``NaN``) still load.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from neuromem._io import atomic_write_npz
from neuromem.coding import SpikeTrains
from neuromem.io import Results
from neuromem.io.results import METRICS_FILE, SchemaError, read_metrics
from neuromem.network import NetworkSpec, NetworkState, spec_from_dict
from neuromem.network.presets import RENAMED_KEYS
from neuromem.protocols import TrialSequence

__all__ = ["EngramResults", "EngramSummary", "METRICS_FILE", "RESULTS_FILE"]

#: Raw results written next to ``metrics.json``.
RESULTS_FILE = "engram_results.npz"


def _same(metrics, arrays):
    """Version 0 (no schema stamped) -> 1: the same keys."""
    return metrics, arrays


@dataclass(frozen=True, kw_only=True)
class EngramSummary(Results):
    """The summary over several seeds (``metrics.json`` beside the ``seed_<S>/`` folders)."""

    SCHEMA_NAME = "neuromem.engram-formation.summary"
    SCHEMA_VERSION = 1
    CONVERTERS = {0: _same}


@dataclass(frozen=True, kw_only=True)
class EngramResults(Results):
    """Everything one engram-formation run produced (plain data); :meth:`save` / :meth:`load` own the file schema.

    Parameters
    ----------
    metrics : dict
        The metrics (see :mod:`neuromem.experiments.engram_formation`).
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

    SCHEMA_NAME = "neuromem.engram-formation"
    SCHEMA_VERSION = 1
    CONVERTERS = {0: _same}

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
        results = atomic_write_npz(out / RESULTS_FILE, arrays)
        return {"results": results, **Results.save(self, out)}  # metrics.json last: strict JSON, stamped

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
        schema, metrics = read_metrics(folder)
        if schema.name not in (None, cls.SCHEMA_NAME) or schema.version > cls.SCHEMA_VERSION:
            raise SchemaError(f"{folder / METRICS_FILE} holds {schema.name!r} results of schema version "
                              f"{schema.version}; this neuromem reads {cls.SCHEMA_NAME!r} up to version "
                              f"{cls.SCHEMA_VERSION}")
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
