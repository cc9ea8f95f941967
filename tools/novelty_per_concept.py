"""Which new concepts the novelty gate calls familiar, per concept (a description of report-seed results).

    python tools/novelty_per_concept.py OUT.json [--dataset fashion-mnist] [--seeds 3,4,5,6,7]

Re-runs :func:`neuromem.experiments.novelty_gate.run.run_seed` (as ``neuromem run novelty-gate
--dataset NAME`` does, default gate) on each seed's cached concept-split encoding and writes, per
seed and evaluated concept, whether it was known and the share of its evaluated held-out pictures
the gate called new, with the seed's ``gate_decision_accuracy`` (it equals the experiment's).
"""

from __future__ import annotations

import argparse


def main(argv=None) -> int:
    import numpy as np

    from neuromem._io import atomic_write_json
    from neuromem.analysis.novelty import fit_gate
    from neuromem.encoders.request import EncodeRequest
    from neuromem.experiments.novelty_gate.cli import DEFAULT_FIT_CONCEPTS
    from neuromem.experiments.novelty_gate.config import NoveltyConfig
    from neuromem.experiments.novelty_gate.run import run_seed, seed_metrics

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--dataset", default="fashion-mnist")
    p.add_argument("--seeds", default="3,4,5,6,7")
    args = p.parse_args(argv)
    cfg0 = NoveltyConfig()
    req = EncodeRequest(dataset=args.dataset, progress=False).with_options(fit_concepts=DEFAULT_FIT_CONCEPTS,
                                                                            min_train=cfg0.presentations)
    out = {"command": f"python tools/novelty_per_concept.py OUT.json --dataset {args.dataset} --seeds {args.seeds}",
           "per_seed": {}}
    for seed in (int(s) for s in args.seeds.split(",")):
        res = req.encode(seed)
        cfg = NoveltyConfig(seeds=(seed,))
        sc = run_seed(res, cfg, seed)
        pics = res.space["picture"]
        lab = pics.labels[np.flatnonzero(pics.split == "heldout")]
        e, r, known, calib = (np.asarray(sc[k]) for k in ("match_error", "response", "known", "calibration"))
        new = fit_gate(e[calib], r[calib], match_weight=cfg.match_weight, quantile=cfg.quantile).is_new(e, r)
        per = {}
        for k in np.unique(lab[~calib]):
            sel = ~calib & (lab == k)
            per[res.space.concepts[k]] = {"known": bool(known[sel][0]), "called_new": float(new[sel].mean()),
                                          "n": int(sel.sum())}
        out["per_seed"][str(seed)] = {"concepts": per,
                                      "gate_decision_accuracy": seed_metrics(sc, cfg)["gate_decision_accuracy"]}
        print(f"seed {seed}: " + ", ".join(f"{c} {v['called_new']:.2f}" for c, v in per.items() if not v["known"]),
              flush=True)
    atomic_write_json(args.out, out)
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
