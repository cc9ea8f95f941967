"""Gated vs ungated engram learning on digits (``engram-formation --novelty-gate``), one run each per seed.

    python tools/engram_gate_digits.py OUT.json [--seeds 3,4,5,6,7] [--match-min X]

Per seed the digits latents (no concept split, spoken names; the encoder cache) learn
through :func:`neuromem.experiments.engram_formation.run_engram_formation` as
``neuromem run engram-formation --dataset digits --engine numba --controls '' --no-figures
--max-test-pictures 20 [--novelty-gate]`` does, without and with the gate. Writes, for
``off`` and ``on``, the recall measures next to the no-binder lookup and nearest-prototype
references (means with 95 % t-intervals over seeds) and, for ``on``, the gate's per-seed
metrics (engrams recruited against concepts, decision accuracy, AUCs, per-presentation
signals). ``--match-min`` overrides the gate's reconstruction-match threshold (tuning).
"""

from __future__ import annotations

import argparse

import numpy as np

KEYS = ("picture_to_name_recall_at_1", "picture_to_name_network_recall_at_1", "name_to_picture_recall_at_1",
        "no_binder_lookup_recall_at_1", "nearest_prototype_reference_recall_at_1", "invariance_index",
        "training_spikes_per_presentation")
GATE_KEYS = ("novelty_gate_n_engrams", "novelty_gate_n_concepts", "novelty_gate_recruited",
             "novelty_gate_decision_accuracy", "novelty_gate_first_presentation_new", "novelty_gate_repeat_familiar",
             "novelty_gate_familiar_other_concept", "novelty_gate_match_auc", "novelty_gate_response_auc")


def main(argv=None) -> int:
    from neuromem._io import atomic_write_json
    from neuromem.analysis import t_ci95
    from neuromem.encoders.request import EncodeRequest
    from neuromem.experiments.engram_formation import gated, run_engram_formation

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--seeds", default="3,4,5,6,7")
    p.add_argument("--match-min", type=float, default=None)
    args = p.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    if args.match_min is not None:
        gated.MATCH_MIN = args.match_min
    out = {"command": f"python tools/engram_gate_digits.py OUT.json --seeds {args.seeds}"
                      + (f" --match-min {args.match_min:g}" if args.match_min is not None else ""),
           "seeds": seeds, "match_min": gated.MATCH_MIN}
    request = EncodeRequest(dataset="digits", progress=False).with_options(min_train=3)
    per = {"off": [], "on": []}
    for seed in seeds:
        space = request.encode(seed).space
        for mode in ("off", "on"):
            m = run_engram_formation(space, engine="numba", seed=seed, progress=False, figures=False, controls=(),
                                     novelty_gate=mode == "on", max_test_pictures_per_concept=20)
            per[mode].append(m)
            gate = {k: m[k] for k in GATE_KEYS} if mode == "on" else {}
            print(f"seed {seed} gate {mode}: picture->name {m['picture_to_name_recall_at_1']:.3f} {gate}", flush=True)
    for mode, rows in per.items():
        d = {}
        for k in KEYS:
            v = np.array([r[k] for r in rows], dtype=np.float64)
            d[k], d[k + "_ci95"] = float(v.mean()), t_ci95(v)
        if mode == "on":
            d["per_seed_gate"] = {str(s): {k: r[k] for k in (*GATE_KEYS, "novelty_gate_engram_sizes",
                                                             "novelty_gate_signals")} for s, r in zip(seeds, rows)}
            for k in ("novelty_gate_n_engrams", "novelty_gate_recruited", "novelty_gate_decision_accuracy"):
                v = np.array([r[k] for r in rows], dtype=np.float64)
                d[k], d[k + "_ci95"] = float(v.mean()), t_ci95(v)
        out[mode] = d
    atomic_write_json(args.out, out)
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
