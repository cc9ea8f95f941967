"""Choosing the backprop binders' hyper-parameters once, on a validation split carved from the train split.

For a tuning seed's concept-split latent space, each condition (fitted and
novel concepts) and K, the K presentations per concept come from the train
split as in the comparison; the *other* train pictures of every concept are
the validation cues (held-out items are never looked at). Each candidate
configuration is scored by its mean picture -> name recall@1 on them over
conditions and K; the best is written to ``neuromem/binding/binders.toml``
(read by :func:`neuromem.binding.tuned.load_tuned`) and used unchanged for
every seed and condition of the comparison.
"""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import numpy as np

from neuromem._io import atomic_write_bytes
from neuromem.binding.tuned import TUNED_FILE, binder_options, load_tuned
from neuromem.experiments.compare_binding.cells import make_cell_binder
from neuromem.experiments.compare_binding.config import MODALITIES
from neuromem.experiments.compare_binding.protocol import build_presentations, prototypes
from neuromem.experiments.compare_binding.seeds import CellSeeds

__all__ = ["validation_score", "tune", "write_tuned", "choose", "load_tuned", "TUNED_FILE", "SEARCH", "BUDGET"]

#: The candidate grids (epochs x learning rate; the surrogate's weight step in mV too).
SEARCH = {
    "softmax": {"epochs": (50, 200), "learning_rate": (0.003, 0.03)},
    "contrastive": {"epochs": (50, 200), "learning_rate": (0.003, 0.03)},
    "surrogate": {"epochs": (30,), "learning_rate": (0.05,), "lr_w_mv": (0.005, 0.02), "batch_size": (5,),
                  "loss": ("mse", "prototype_ce"), "min_steps": (0, 150)},
}

#: Compute budget of the choice: a candidate above it is scored and recorded but not chosen. Surrogate
#: candidates with 100 epochs cost 3.3x those with 30, which the default comparison's 15-minute budget on two
#: cores does not admit (BPTT dominates its run time). ``min_steps`` <= 150 keeps a learn call with fewer than
#: five presentations per concept (5 concepts, batches of 5) no costlier than one with five.
BUDGET = {"surrogate": {"epochs": 30, "min_steps": 150}}


def choose(name: str, rows: list[dict]) -> dict:
    """The candidate with the best validation recall among those within :data:`BUDGET`."""
    cap = BUDGET.get(name, {})
    eligible = [r for r in rows if all(r[k] <= v for k, v in cap.items())]
    if not eligible:
        raise ValueError(f"no {name} candidate is within the budget {cap}")
    return max(eligible, key=lambda r: r["validation_recall_at_1"])


def validation_score(name, space, K, seed, options, *, n_units=100, max_cues_per_concept=20) -> float:
    """Picture -> name recall@1 on train pictures not presented (validation), one configuration."""
    seeds = CellSeeds(seed)
    rng = seeds.presentations("validation", K)
    pres, chosen = build_presentations(space, K, rng, MODALITIES)
    used = np.concatenate([chosen[k]["picture"] for k in chosen])
    train = np.nonzero(space["picture"].split == "train")[0]
    val = np.setdiff1d(train, used)
    y = space["picture"].labels[val]
    val = np.concatenate([rng.permutation(val[y == k])[:max_cues_per_concept] for k in range(len(space.concepts))])
    b = make_cell_binder(name, space, n_units, seeds, {name: options})
    b.learn(pres)
    pred, _ = b.predict("picture", space["picture"].latents[val], "name", prototypes(space, chosen)["name"],
                        rng=np.random.default_rng(seeds.guesses("validation")["picture"]))
    return float(np.mean(pred == space["picture"].labels[val]))


def tune(spaces: dict, binders=("softmax", "contrastive", "surrogate"), shots=(1, 5), out=TUNED_FILE,
         log=print) -> dict:
    """Grid search on the tuning seeds' validation splits; writes ``out`` (TOML) and returns the table."""
    table = {}
    for name in binders:
        grid = SEARCH[name]
        keys = list(grid)
        rows = []
        for values in itertools.product(*(grid[k] for k in keys)):
            cand = dict(zip(keys, values))
            t0 = time.perf_counter()
            scores = []
            for seed, space in spaces.items():
                for concepts in (space.fit_concepts, space.novel_concepts):
                    sub = space.subset(concepts)
                    for K in shots:
                        scores.append(validation_score(name, sub, K, seed, binder_options(cand)))
            rows.append({**cand, "validation_recall_at_1": float(np.mean(scores)),
                         "seconds": time.perf_counter() - t0})
            log(f"{name} {cand} -> {rows[-1]['validation_recall_at_1']:.3f}")
        best = choose(name, rows)
        table[name] = {"chosen": {k: best[k] for k in keys}, "candidates": rows}
    write_tuned(table, sorted(int(s) for s in spaces), shots, out)
    return table


def write_tuned(table: dict, seeds, shots, out=TUNED_FILE) -> None:
    """Write the chosen configurations and every candidate's score (``tune``'s table) to ``out`` (TOML)."""
    lines = ["# Backprop binders' hyper-parameters, chosen once by neuromem.experiments.binding_tuning.tune",
             "# on the validation",
             "# split (train pictures not presented) of the tuning seeds; used for every seed and condition.",
             "# Each section names the tuning seeds and K it was chosen on; conditions: fitted, novel."]
    for name, text in _sections(out).items():  # binders not tuned in this call keep their section
        if name not in table:
            lines.append(f"\n{text}")
    for name, t in table.items():
        lines.append(f"\n[{name}]")
        lines += [f"{k} = {json.dumps(v)}" for k, v in t["chosen"].items()]
        lines.append(f"# tuning seeds: {list(seeds)}; K: {list(shots)}")
        if BUDGET.get(name):
            lines.append(f"# chosen within the budget {BUDGET[name]} (see binding_tuning.BUDGET)")
        lines.append("# candidates (validation recall@1): " + "; ".join(
            f"{ {k: r[k] for k in t['chosen']} } -> {r['validation_recall_at_1']:.3f}" for r in t["candidates"]))
    atomic_write_bytes(out, ("\n".join(lines) + "\n").encode())


def _sections(path) -> dict:
    """``{binder: its section's text}`` of an existing tuned file (``{}`` when absent)."""
    path = Path(path)
    if not path.exists():
        return {}
    sections, name = {}, None
    for line in path.read_text().splitlines():
        if line.startswith("[") and line.rstrip().endswith("]"):
            name = line.strip()[1:-1]
            sections[name] = [line]
        elif name is not None and line.strip():
            sections[name].append(line)
    return {k: "\n".join(v) for k, v in sections.items()}
