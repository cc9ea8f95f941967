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
from neuromem.data.builtin import load_fashion_mnist
from neuromem.data.wordnet import load_wordnet
from neuromem.experiments.thesaurus_route import ThesaurusEvalConfig, evaluate_seed, superordinate_table

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
            out[k] = _summary_one(vals)
    return out


def _mean_or_none(values):
    vals = [v for v in values if v is not None]
    return float(np.mean(vals)) if vals else None


def _summary_one(vals) -> dict:
    return {"mean": float(np.mean(vals)), "ci95": float(t_ci95(vals)), "per_seed": list(vals)}


def write_fixture(path, dataset, cfg) -> None:
    """Top-20 ImageNet classes (int16) and concept labels of one seed's pictures, for the accuracy test."""
    from neuromem._io import atomic_write_npz
    from neuromem.analysis.thesaurus import top_classes
    from neuromem.experiments.thesaurus_route import head_probabilities

    prob = head_probabilities(dataset.pictures, size_px=cfg.classify_size_px, invert=cfg.invert)
    atomic_write_npz(path, {"top20": top_classes(prob, 20).astype(np.int16),
                            "labels": np.asarray(dataset.picture_labels, np.int16),
                            "membership": superordinate_table(load_wordnet())[0],
                            "concepts": np.array(dataset.concepts), "classify_size_px": np.int16(cfg.classify_size_px),
                            "invert": np.bool_(cfg.invert), "seed": np.int16(REPORT_SEEDS[0])})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="results-22-thesaurus")
    ap.add_argument("--per-concept", type=int, default=20)
    ap.add_argument("--fixture", default=None, metavar="NPZ",
                    help="also write the top-20 classes of report seed 3's pictures (tests/data/thesaurus_top20.npz)")
    args = ap.parse_args()
    out = Path(args.out)
    wn = load_wordnet()
    membership, senses = superordinate_table(wn)
    drawn = {s: load_fashion_mnist(per_concept=args.per_concept, seed=s) for s in TUNE_SEEDS + REPORT_SEEDS}
    tuning = []
    for size, inv, k, score in itertools.product(*(GRID[g] for g in ("classify_size_px", "invert", "top_k",
                                                                      "score"))):
        cfg = ThesaurusEvalConfig(top_k=k, classify_size_px=size, invert=inv, score=score,
                                  per_concept=args.per_concept)
        runs = [evaluate_seed(s, cfg, wn, with_locality=False, dataset=drawn[s], membership=membership)
                for s in TUNE_SEEDS]
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
    runs = [evaluate_seed(s, cfg, wn, dataset=drawn[s], membership=membership) for s in REPORT_SEEDS]
    per_concept = np.array([r["superordinate_hit_fraction_per_concept"] for r in runs])
    placed_right = np.array([[p == t for p, t in zip(r["thesaurus_parent"], r["true_parent"])] for r in runs])
    loc_right = np.array([[p == t for p, t in zip(r["locality_parent"], r["true_parent"])] for r in runs])
    metrics = {"seeds": list(REPORT_SEEDS), "tuning_seeds": list(TUNE_SEEDS),
               "superordinate_synsets": dict(zip(runs[0]["superordinates"], senses)),
               "imagenet_classes_under": dict(zip(runs[0]["superordinates"], membership.sum(axis=0).tolist())),
               "config": {"top_k": cfg.top_k, "classify_size_px": cfg.classify_size_px, "invert": cfg.invert,
                          "score": cfg.score,
                          "per_concept": cfg.per_concept, "locality_size_px": cfg.locality_size_px},
               **_summary(runs),
               "concepts": runs[0]["concepts"], "true_parent": runs[0]["true_parent"],
               "superordinate_hit_chance": dict(zip(runs[0]["superordinates"], runs[0]["superordinate_hit_chance"])),
               "superordinate_hit_fraction_per_concept": per_concept.mean(axis=0).tolist(),
               "thesaurus_placed_right_per_concept": placed_right.mean(axis=0).tolist(),
               "locality_placed_right_per_concept": loc_right.mean(axis=0).tolist(),
               "link_route_fraction": {r: float(np.mean([x["link_route_fraction"][r] for x in runs]))
                                       for r in runs[0]["link_route_fraction"]},
               "link_route_accuracy": {r: _mean_or_none([x["link_route_accuracy"][r] for x in runs])
                                       for r in runs[0]["link_route_accuracy"]},
               "locality_answer_accuracy": _summary_one([r["locality_answer_accuracy"] for r in runs]),
               "runs": runs}
    atomic_write_json(out / "metrics.json", metrics)
    from neuromem.viz.thesaurus import per_concept_figure

    per_concept_figure(metrics, out / "per_concept.png")
    if args.fixture:
        write_fixture(args.fixture, drawn[REPORT_SEEDS[0]], cfg)
    print({k: metrics[k]["mean"] for k in KEYS if k in metrics})


if __name__ == "__main__":
    main()
