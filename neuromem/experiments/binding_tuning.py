"""Choosing every binder's hyper-parameters once, with equal effort, on a validation split of the train split.

For each tuning seed's concept-split latent space, on the comparison's own
task (the *novel* concepts) and each of its K, the K presentations per
concept come from the train split as in the comparison; the *other* train
pictures of every concept are the validation cues (at most
``max_cues_per_concept`` each, the same for every binder; held-out items are
never looked at). Every binder gets the same number of candidates
(:data:`SEARCH`, a full grid each); a candidate's score is its picture ->
name recall@1 on the validation cues, averaged over K per seed and then over
seeds. The best candidate within :data:`BUDGET` is written to
``neuromem/binding/binders.toml`` (read by
:func:`neuromem.binding.tuned.load_tuned`) together with the grid and every
candidate's per-seed and mean score, and used unchanged for every report
seed, condition and experiment of the comparison.
"""

from __future__ import annotations

import itertools
import json
import time

import numpy as np

from neuromem._io import atomic_write_bytes
from neuromem.binding.tuned import TUNED_FILE, TUNING_TABLE, binder_options, read_tuning
from neuromem.experiments.compare_binding.cells import make_cell_binder
from neuromem.experiments.compare_binding.config import MODALITIES
from neuromem.experiments.compare_binding.protocol import build_presentations, prototypes
from neuromem.experiments.compare_binding.seeds import CellSeeds

__all__ = ["BUDGET", "CANDIDATES_PER_BINDER", "SEARCH", "TUNED_FILE", "candidate_options", "choose", "merge_parts",
           "tune", "validation_score", "write_tuned"]

#: Candidates per binder (every grid of :data:`SEARCH` has exactly this many).
CANDIDATES_PER_BINDER = 8
_STDP_RATE = (0.025, 0.05, 0.1, 0.2)  # pair_stdp.a_plus (presets: 0.05); a_minus keeps its preset value
#: The candidate grids. A dotted key is a preset section's parameter of a spiking binder (pair STDP's
#: potentiation amplitude; the hard lateral inhibition's weight; the k-WTA's winners per trial); the
#: backprop binders search epochs x learning rate (the surrogate: its weight step in mV and its loss).
SEARCH = {
    "stdp": {"pair_stdp.a_plus": _STDP_RATE, "lateral_inhibition.w_inh_mv": (25.0, 100.0)},
    "stdp-human-mtl": {"pair_stdp.a_plus": _STDP_RATE, "active_neurons": (5, 10)},
    "hopfield": {"beta": (1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0)},
    "surrogate": {"epochs": (30,), "learning_rate": (0.05,), "lr_w_mv": (0.005, 0.01, 0.02, 0.04),
                  "batch_size": (5,), "loss": ("mse", "prototype_ce"), "min_steps": (0,)},
    "softmax": {"epochs": (50, 200), "learning_rate": (0.001, 0.003, 0.01, 0.03)},
    "contrastive": {"epochs": (50, 200), "learning_rate": (0.001, 0.003, 0.01, 0.03)},
}

#: Compute budget of the choice: a candidate above it is scored and recorded but not chosen. Surrogate
#: candidates with 100 epochs cost 3.3x those with 30, which the default comparison's 15-minute budget on two
#: cores does not admit (BPTT dominates its run time). ``min_steps`` <= 150 keeps a learn call with fewer than
#: five presentations per concept (5 concepts, batches of 5) no costlier than one with five.
BUDGET = {"surrogate": {"epochs": 30, "min_steps": 150}}


def candidate_options(values: dict) -> dict:
    """A binder's constructor options from one candidate (dotted keys -> preset section overrides)."""
    nested = {}
    for key, v in values.items():
        section, _, param = key.rpartition(".")
        if section:
            nested.setdefault(section, {})[param] = v
        else:
            nested[key] = v
    return binder_options(nested)


def choose(name: str, rows: list[dict]) -> dict:
    """The candidate with the best mean validation recall among those within :data:`BUDGET`."""
    cap = BUDGET.get(name, {})
    eligible = [r for r in rows if all(r["params"].get(k, v) <= v for k, v in cap.items())]
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


def _grid_rows(grid: dict) -> list[dict]:
    keys = list(grid)
    return [dict(zip(keys, values)) for values in itertools.product(*(grid[k] for k in keys))]


def tune(spaces: dict, binders=tuple(SEARCH), shots=(1, 5), *, search=SEARCH, score=validation_score,
         max_cues_per_concept=20, engine="numba", part=(0, 1), out=TUNED_FILE, log=print) -> dict:
    """Grid search on the tuning seeds' novel concepts; writes ``out`` (TOML) and returns the table.

    Parameters
    ----------
    spaces : dict
        ``{tuning seed: concept-split LatentSpace}``.
    binders, shots : sequence
        Binders to tune (each needs a grid in ``search``) and the comparison's K values.
    search : dict
        ``{binder: {parameter: values}}``; every binder's grid must have the same number of candidates.
    score : callable
        ``score(name, space, K, seed, options, max_cues_per_concept=...) -> recall`` (the validation score).
    engine : str
        Engine of the spiking STDP binders.
    part : (int, int)
        ``(i, n)``: score every n-th candidate from the i-th only (a share of the grid for one of n processes;
        :func:`merge_parts` joins the shares' files into one).
    """
    counts = {name: len(_grid_rows(search[name])) for name in binders}
    if len(set(counts.values())) > 1:
        raise ValueError(f"unequal search effort {counts}; give every binder's grid the same number of candidates")
    table = {}
    for name in binders:
        rows = []
        for cand in _grid_rows(search[name])[part[0]::part[1]]:
            opts = candidate_options(cand)
            if name.startswith("stdp"):
                opts["engine"] = engine
            t0 = time.perf_counter()
            by_seed = []
            for seed, space in spaces.items():
                sub = space.subset(space.novel_concepts)
                by_seed.append(float(np.mean([score(name, sub, K, seed, opts, max_cues_per_concept=max_cues_per_concept)
                                              for K in shots])))
            rows.append({"params": cand, "by_seed": by_seed, "validation_recall_at_1": float(np.mean(by_seed)),
                         "seconds": time.perf_counter() - t0})
            log(f"{name} {cand} -> {rows[-1]['validation_recall_at_1']:.3f} {np.round(by_seed, 3).tolist()} "
                f"({rows[-1]['seconds']:.0f} s)")
        table[name] = {"grid": {k: list(v) for k, v in search[name].items()}, "chosen": choose(name, rows)["params"],
                       "candidates": rows, "seeds": sorted(int(s) for s in spaces), "shots": list(shots),
                       "condition": "novel", "validation_cues_per_concept": int(max_cues_per_concept)}
    write_tuned(table, out)
    return table


def merge_parts(paths, out=TUNED_FILE) -> dict:
    """Join the files of grid shares (``tune(..., part=...)``) into one record, choose again, write ``out``."""
    recs = [read_tuning(p) for p in paths]
    table = {}
    for name in dict.fromkeys(n for r in recs for n in r):
        parts = [r[name] for r in recs if name in r]
        rows = [c for p in parts for c in p["candidates"]]
        order = [dict(zip(parts[0]["grid"], v)) for v in itertools.product(*parts[0]["grid"].values())]
        if sorted(map(json.dumps, (c["params"] for c in rows))) != sorted(map(json.dumps, order)):
            raise ValueError(f"the shares of {name} do not cover its grid once; tune every part before merging")
        rows.sort(key=lambda c: order.index(c["params"]))
        table[name] = {**parts[0], "candidates": rows, "chosen": choose(name, rows)["params"]}
    write_tuned(table, out)
    return table


def _toml(v) -> str:
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(x)}" for k, x in v.items()) + " }"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    if isinstance(v, float):
        return repr(round(v, 6))
    return json.dumps(v)


def _from_file(path, names) -> dict:
    """Sections of an existing file for binders not tuned in this call (``tune``'s table form)."""
    old = read_tuning(path)
    return {n: {**old[n], "chosen": old[n]["candidates"][old[n]["chosen_index"]]["params"]}
            for n in old if n not in names}


def write_tuned(table: dict, out=TUNED_FILE) -> None:
    """Write the chosen values, the grids and every candidate's scores (``tune``'s table) to ``out`` (TOML)."""
    table = {**_from_file(out, set(table)), **table}  # binders not tuned in this call keep their record
    lines = ["# Every binder's hyper-parameters, chosen once by neuromem.experiments.binding_tuning.tune on the",
             "# validation split (train pictures not presented) of the tuning seeds' novel concepts, with the same",
             "# number of candidates per binder; used for every report seed, condition and experiment.",
             "# A dotted key is a preset section's parameter (spec_overrides of a spiking binder).",
             "# [tuning.<binder>]: the grid, every candidate's recall@1 per tuning seed (mean over K) and mean."]
    for name, t in table.items():
        lines.append(f"\n[{name}]")
        lines += [f"{k} = {_toml(v)}" for k, v in t["chosen"].items()]  # bare dotted keys: nested tables
    for name, t in table.items():
        idx = [r["params"] for r in t["candidates"]].index(t["chosen"])
        lines.append(f"\n[{TUNING_TABLE}.{json.dumps(name)}]")
        for key in ("seeds", "shots", "condition", "validation_cues_per_concept", "grid"):
            lines.append(f"{key} = {_toml(t[key])}")
        lines.append(f"chosen_index = {idx}")
        if BUDGET.get(name):
            lines.append(f"budget = {_toml(BUDGET[name])}  # a candidate above it is scored, not chosen")
        for r in t["candidates"]:
            lines.append(f"\n[[{TUNING_TABLE}.{json.dumps(name)}.candidates]]")
            lines += [f"{k} = {_toml(r[k])}" for k in ("params", "by_seed", "validation_recall_at_1", "seconds")]
    atomic_write_bytes(out, ("\n".join(lines) + "\n").encode())
