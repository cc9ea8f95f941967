"""The novelty gate on a user-like photo folder, through ``memory add``'s decision (one memory per seed).

    python tools/novelty_user_folder.py OUT.json [--seeds 3,4,5,6,7] [--known 10]

Per seed: :func:`neuromem.data.photo_folder.write_photo_folder` writes a folder of the
``--known`` concepts (chosen with the seed tree's ``novelty/user_split``; 20 pictures each)
and held-out files of every concept (6 each; the other concepts are new to the memory);
``learn`` (no spoken names, 3 presentations) learns a memory from the folder and
calibrates its gate; every held-out file is decided as ``memory add --concept <its
concept>`` would (:func:`neuromem.experiments.novelty_gate.memory_add.memory_add_decisions`).
Writes the per-seed metrics and their means with 95 % t-intervals to OUT.json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np


def main(argv=None) -> int:
    from neuromem._io import atomic_write_json
    from neuromem.data import load_dataset
    from neuromem.data.photo_folder import PHOTO_CONCEPTS, write_photo_folder
    from neuromem.encoders import EncoderConfig
    from neuromem.experiments.novelty_gate.memory_add import memory_add_decisions
    from neuromem.experiments.novelty_gate.run import summarise
    from neuromem.seeds import SeedTree
    from neuromem.store.learning import LearnConfig, learn

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--seeds", default="3,4,5,6,7")
    p.add_argument("--known", type=int, default=10)
    args = p.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    names = sorted(PHOTO_CONCEPTS)
    if not 2 <= args.known <= len(names) - 1:
        raise SystemExit(f"--known {args.known} is out of range; allowed 2..{len(names) - 1}")
    per_seed = {}
    for seed in seeds:
        perm = SeedTree(seed).rng("novelty", "user_split").permutation(len(names))
        known = [names[i] for i in sorted(perm[:args.known])]
        new = [names[i] for i in sorted(perm[args.known:])]
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "photos"
            held = write_photo_folder(root, concepts=known + new, per_concept=20, heldout_per_concept=6, seed=seed,
                                      heldout_only=new)
            ds = load_dataset(f"folder:{root}", seed=seed, heldout_fraction=0.2, min_train=3)
            mem = learn(ds, config=LearnConfig(seed=seed), encoder_config=EncoderConfig(spoken=False),
                        log=lambda *_: None)
            m = memory_add_decisions(mem, held, known)
        items = m.pop("items")
        m.update(known_concepts=known, new_concepts=new, wrong_decisions=[
            {k: r[k] for k in ("concept", "file", "decision", "novelty_score")} for r in items
            if (r["decision"] == "recruit") == (r["concept"] in known)])
        per_seed[str(seed)] = m
        print(f"seed {seed}: AUC match {m['novelty_auc_match_error']:.3f} network {m['novelty_auc_network']:.3f} "
              f"combined {m['novelty_auc_combined']:.3f}; decisions {m['gate_decision_accuracy']:.3f}", flush=True)
    summary = summarise(per_seed)
    for k in ("store_recall_known",):
        vals = [m[k] for m in per_seed.values()]
        summary[k] = float(np.mean(vals))
    atomic_write_json(Path(args.out), {"dataset": "user-like photo folder (scikit-image photographs, crops)",
                                       "seeds": seeds, **summary, "per_seed": per_seed})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
