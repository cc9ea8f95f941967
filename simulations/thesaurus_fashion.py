"""The thesaurus route on Fashion-MNIST: choose k, input size and inversion on seeds 0-2, report seeds 3-7.

    nice -n 10 python simulations/thesaurus_fashion.py --out results-22-thesaurus

Writes ``tuning.json`` (every configuration on seeds 0-2), ``metrics.json``
(the chosen one on seeds 3-7, means with 95 % t intervals, per-seed values)
and ``per_concept.png``. See :mod:`neuromem.experiments.thesaurus_route`.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np

from neuromem._io import atomic_write_json
from neuromem.analysis.statistics import t_ci95
from neuromem.data.wordnet import load_wordnet
from neuromem.experiments.thesaurus_route import ThesaurusEvalConfig, evaluate_seed

TUNE_SEEDS = (0, 1, 2)
REPORT_SEEDS = (3, 4, 5, 6, 7)
GRID = {"top_k": (1, 3, 5, 10, 20), "classify_size_px": (64, 224), "invert": (False, True),
        "score": ("fraction", "lift")}
KEYS = ("superordinate_hit_fraction", "thesaurus_parent_accuracy", "locality_parent_accuracy",
        "thesaurus_parent_majority_baseline", "placement_margin")


def _summary(runs: list[dict]) -> dict:
    out = {}
    for k in KEYS:
        vals = [r[k] for r in runs if k in r]
        if vals:
            out[k] = {"mean": float(np.mean(vals)), "ci95": float(t_ci95(vals)), "per_seed": vals}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="results-22-thesaurus")
    ap.add_argument("--per-concept", type=int, default=20)
    args = ap.parse_args()
    out = Path(args.out)
    wn = load_wordnet()
    tuning = []
    for size, inv, k, score in itertools.product(*(GRID[g] for g in ("classify_size_px", "invert", "top_k",
                                                                      "score"))):
        cfg = ThesaurusEvalConfig(top_k=k, classify_size_px=size, invert=inv, score=score,
                                  per_concept=args.per_concept)
        runs = [evaluate_seed(s, cfg, wn, with_locality=False, log=lambda *_: None) for s in TUNE_SEEDS]
        row = {"top_k": k, "classify_size_px": size, "invert": inv, "score": score, **_summary(runs)}
        tuning.append(row)
        print(size, inv, k, score, {key: round(row[key]["mean"], 3) for key in KEYS if key in row}, flush=True)
    best = max(tuning, key=lambda r: (r["thesaurus_parent_accuracy"]["mean"], r["placement_margin"]["mean"],
                                      -r["top_k"], -r["classify_size_px"]))
    atomic_write_json(out / "tuning.json", {"seeds": list(TUNE_SEEDS), "per_concept": args.per_concept,
                                            "rule": "largest mean thesaurus_parent_accuracy, then placement margin, "
                                                    "then smaller k and input size",
                                            "grid": tuning})
    cfg = ThesaurusEvalConfig(top_k=best["top_k"], classify_size_px=best["classify_size_px"], invert=best["invert"],
                              score=best["score"], per_concept=args.per_concept)
    runs = [evaluate_seed(s, cfg, wn) for s in REPORT_SEEDS]
    per_concept = np.array([r["superordinate_hit_fraction_per_concept"] for r in runs])
    placed_right = np.array([[p == t for p, t in zip(r["thesaurus_parent"], r["true_parent"])] for r in runs])
    loc_right = np.array([[p == t for p, t in zip(r["locality_parent"], r["true_parent"])] for r in runs])
    metrics = {"seeds": list(REPORT_SEEDS), "tuning_seeds": list(TUNE_SEEDS),
               "config": {"top_k": cfg.top_k, "classify_size_px": cfg.classify_size_px, "invert": cfg.invert,
                          "score": cfg.score,
                          "per_concept": cfg.per_concept, "locality_size_px": cfg.locality_size_px},
               **_summary(runs),
               "concepts": runs[0]["concepts"], "true_parent": runs[0]["true_parent"],
               "superordinate_hit_chance": dict(zip(runs[0]["superordinates"], runs[0]["superordinate_hit_chance"])),
               "superordinate_hit_fraction_per_concept": per_concept.mean(axis=0).tolist(),
               "thesaurus_placed_right_per_concept": placed_right.mean(axis=0).tolist(),
               "locality_placed_right_per_concept": loc_right.mean(axis=0).tolist(),
               "runs": runs}
    atomic_write_json(out / "metrics.json", metrics)
    from neuromem.viz.thesaurus import per_concept_figure

    per_concept_figure(metrics, out / "per_concept.png")
    print({k: metrics[k]["mean"] for k in KEYS if k in metrics})


if __name__ == "__main__":
    main()
