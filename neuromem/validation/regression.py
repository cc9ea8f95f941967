"""Regression reference: same seed, same engine -> same spikes and metrics.

Runs the engram-formation experiment on a small, stored slice of the digits
latent space (a few concepts, few concept neurons, few test trials) for fixed
seeds on the ``numba`` and ``brian2-runtime`` engines, and records a SHA-256
of the train and test spike trains (plus the control runs' test counts and
the learned weights) and every metric except wall-clock timings.

The reference lives in ``tests/data/`` and is checked by
``tests/integration/test_regression.py``. Refactors must leave it unchanged.
A change that alters results on purpose re-baselines it with::

    python -m neuromem.validation.regression --write

and says why in the commit message. ``--encode`` first re-encodes digits and
replaces the stored latent slice (only needed when the encoders change on
purpose); ``--check`` compares a fresh run with the stored reference.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from neuromem._hashing import arrays_digest

__all__ = ["REFERENCE_FILE", "LATENTS_FILE", "ENGINES", "SEEDS", "CASE", "digits_slice", "run_case",
           "reference", "compare", "main"]

_DATA = Path(__file__).resolve().parents[2] / "tests" / "data"
#: Stored reference values (JSON).
REFERENCE_FILE = _DATA / "regression_reference.json"
#: Stored slice of the digits latent space the reference runs on.
LATENTS_FILE = _DATA / "regression_digits_latents.npz"
#: Engines covered by the reference.
ENGINES = ("numba", "brian2-runtime")
#: Experiment seeds covered by the reference (tuning seeds: the reference is no result).
SEEDS = (0, 1)
#: The reduced experiment: sizes, overrides and options passed to the experiment.
CASE = {
    "n_concepts": 3,
    "train_pictures_per_concept": 3,
    "heldout_pictures_per_concept": 2,
    "train_word_forms_per_concept": 2,
    "heldout_word_forms_per_concept": 1,
    "presentations": 2,
    "use_spoken": True,
    "max_test_pictures_per_concept": None,
    "control_test_pictures_per_concept": 1,
    "min_word_trials_per_concept": 1,
    "blank_trials": 2,
    "blank_period_ms": 1000.0,
    "spec_overrides": {"concept": {"n_neurons": 16}, "sim": {"stimulus_ms": 100.0, "trial_period_ms": 105.0}},
}


def _sha256(arrays) -> str:
    return arrays_digest(arrays)


def digits_slice(space, *, n_concepts: int, train_pictures_per_concept: int, heldout_pictures_per_concept: int,
                 train_word_forms_per_concept: int, heldout_word_forms_per_concept: int):
    """The first concepts of a latent space, with the first few train / held-out items of each modality."""
    from neuromem.latents import LatentSpace, ModalityLatents

    mods = {}
    for m, v in space.modalities.items():
        keep = []
        for k in range(n_concepts):
            caps = ((train_pictures_per_concept, heldout_pictures_per_concept) if m == "picture"
                    else (train_word_forms_per_concept, heldout_word_forms_per_concept))
            for split, cap in zip(("train", "heldout"), caps):
                keep.append(np.nonzero((v.labels == k) & (v.split == split))[0][:cap])
        keep = np.sort(np.concatenate(keep))
        mods[m] = ModalityLatents(latents=v.latents[keep], labels=v.labels[keep], split=v.split[keep],
                                  descriptions=tuple(v.descriptions[i] for i in keep))
    return LatentSpace(concepts=tuple(space.concepts[:n_concepts]), modalities=mods, seed=space.seed,
                       encoder=space.encoder)


def _encode_digits_slice():
    from neuromem.data import load_dataset
    from neuromem.encoders import encode_dataset

    space = encode_dataset(load_dataset("digits", seed=0), seed=0, progress=False, log=lambda *_: None).space
    return digits_slice(space, **{k: CASE[k] for k in ("n_concepts", "train_pictures_per_concept",
                                                      "heldout_pictures_per_concept", "train_word_forms_per_concept",
                                                      "heldout_word_forms_per_concept")})


def load_latents(path: Path = LATENTS_FILE):
    from neuromem.latents import LatentSpace

    return LatentSpace.load(path)


def _clean(metrics: dict) -> dict:
    """The metrics without wall-clock timings and file names (canonical JSON round trip)."""
    m = {k: v for k, v in metrics.items() if k not in ("timings_s", "figures")}
    return json.loads(json.dumps(m, sort_keys=True, default=_json_default))


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"cannot write {type(obj).__name__} to JSON")


def run_case(space, engine: str, seed: int) -> dict:
    """Run the reduced experiment once; return ``{"metrics", "spikes_sha256", "weights_sha256", ...}``."""
    from neuromem.experiments.engram_formation import RESULTS_FILE, run_engram_formation

    opts = {k: CASE[k] for k in ("presentations", "use_spoken", "max_test_pictures_per_concept",
                                 "control_test_pictures_per_concept", "min_word_trials_per_concept",
                                 "blank_trials", "blank_period_ms", "spec_overrides")}
    with tempfile.TemporaryDirectory(prefix="neuromem-regression-") as tmp:
        metrics = run_engram_formation(space, engine=engine, seed=seed, out_dir=tmp, progress=False, figures=False,
                                       dataset="digits-slice", **opts)
        with np.load(Path(tmp) / RESULTS_FILE, allow_pickle=False) as f:
            d = {k: f[k] for k in f.files}
    mods = metrics["modalities"]
    return {
        "metrics": _clean(metrics),
        "spikes_sha256": _sha256([d["train_spike_indices"], d["train_spike_steps"], d["test_spike_indices"],
                                  d["test_spike_steps"]]),
        "n_train_spikes": int(len(d["train_spike_steps"])),
        "n_test_spikes": int(len(d["test_spike_steps"])),
        "control_counts_sha256": _sha256([d[f"control_{c}_test_counts"] for c in metrics["controls"]]),
        "weights_sha256": _sha256([d[f"w_in_mv_after__{m}"] for m in mods] + [d[f"w_fb_after__{m}"] for m in mods]
                                  + [d["theta_mv_after"].astype(np.float32)]),
    }


def reference(space=None, engines=ENGINES, seeds=SEEDS) -> dict:
    """Run every case; the dict that :data:`REFERENCE_FILE` stores."""
    space = load_latents() if space is None else space
    latents_sha = _sha256([space[m].latents for m in sorted(space.modalities)])
    runs = {f"{e}/seed{s}": run_case(space, e, s) for e in engines for s in seeds}
    return {"command": "python -m neuromem.validation.regression --write", "case": CASE, "engines": list(engines),
            "seeds": list(seeds), "latents_sha256": latents_sha, "runs": runs}


def compare(expected: dict, actual: dict) -> list[str]:
    """Differences between two runs of one case (empty when identical)."""
    out = []
    for k in ("spikes_sha256", "n_train_spikes", "n_test_spikes", "control_counts_sha256", "weights_sha256"):
        if expected[k] != actual[k]:
            out.append(f"{k}: expected {expected[k]}, got {actual[k]}")
    e = json.dumps(expected["metrics"], sort_keys=True)
    a = json.dumps(actual["metrics"], sort_keys=True)
    if e != a:
        diff = [k for k in sorted(set(expected["metrics"]) | set(actual["metrics"]))
                if json.dumps(expected["metrics"].get(k), sort_keys=True)
                != json.dumps(actual["metrics"].get(k), sort_keys=True)]
        out.append(f"metrics differ in {diff}")
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m neuromem.validation.regression", description=__doc__.split("\n\n")[0])
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--write", action="store_true", help=f"write the reference to {REFERENCE_FILE.name}")
    g.add_argument("--check", action="store_true", help="compare a fresh run with the stored reference")
    p.add_argument("--encode", action="store_true",
                   help=f"re-encode digits and replace the stored latent slice {LATENTS_FILE.name} first")
    args = p.parse_args(argv)
    if args.encode or not LATENTS_FILE.exists():
        if args.check:
            raise SystemExit(f"no stored latents at {LATENTS_FILE}; run with --write first")
        _encode_digits_slice().save(LATENTS_FILE)
        print(f"wrote {LATENTS_FILE}")
    if args.write:
        from neuromem._io import atomic_write_json

        ref = reference()
        atomic_write_json(REFERENCE_FILE, ref)
        for key, r in ref["runs"].items():
            print(f"{key}: {r['n_train_spikes']} train / {r['n_test_spikes']} test spikes, "
                  f"picture->name {r['metrics']['picture_to_name_recall_at_1']:.3f}")
        print(f"wrote {REFERENCE_FILE}")
        return 0
    stored = json.loads(REFERENCE_FILE.read_text())
    fresh = reference(engines=stored["engines"], seeds=stored["seeds"])
    bad = {k: compare(stored["runs"][k], fresh["runs"][k]) for k in stored["runs"]}
    bad = {k: v for k, v in bad.items() if v}
    for k, v in bad.items():
        print(f"{k}: " + "; ".join(v))
    print("identical" if not bad else f"{len(bad)} run(s) differ")
    return 0 if not bad else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
