"""Join compression runs made one seed at a time into the run of all their seeds.

    python tools/compression_merge.py --report R3 R4 R5 R6 R7 [--tuning T0 T1 T2] --out DIR [--no-figures]

Each folder holds a ``neuromem run compression`` result (``metrics.json`` with
its ``per_seed`` section). A seed's numbers depend on its seed alone (its own
split, shots, initial weights), so joining runs of single seeds gives the
``metrics.json`` of one ``neuromem run compression --seeds ...`` with every
seed (and, with ``--tuning``, of ``--choose-on`` a run of the tuning seeds):
exactly for the supervised head, within the autoencoders' run-to-run
floating-point spread for them (measured: up to 0.05 recall per seed, 0.02 in
the five-seed mean; docs/results/compression.md). The runs must share their grid (sizes, shots, epochs); runs of one seed
with different ``--losses`` are joined into one seed with every loss, their
supervised-head numbers checked to be identical (each run fits the same head).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from neuromem.experiments.compression import LOSSES, CompressionConfig, CompressionResults, make_figures
from neuromem.experiments.compression.run import choose, summarise


def _joined(folders) -> tuple[CompressionConfig, dict, dict]:
    """The config, ``{seed: per-seed result}`` and the first run's metrics of ``folders`` (grids checked)."""
    runs = [CompressionResults.load(f).metrics for f in folders]
    grid = {k: v for k, v in runs[0]["config"].items() if k not in ("seeds", "losses")}
    seeds, losses = {}, []
    for folder, m in zip(folders, runs):
        other = {k: v for k, v in m["config"].items() if k not in ("seeds", "losses")}
        if other != grid:
            raise ValueError(f"{folder}: its grid {other} differs from {folders[0]}'s {grid}; join runs of one grid")
        losses += [x for x in m["config"]["losses"] if x not in losses]
        for s, r in m["per_seed"].items():
            s = int(s)
            if s not in seeds:
                seeds[s] = {**r, "autoencoder": dict(r["autoencoder"])}
                continue
            if set(r["autoencoder"]) & set(seeds[s]["autoencoder"]):
                raise ValueError(f"{folder}: seed {s} with the same loss is in two of the runs; give each once")
            if r["head"] != seeds[s]["head"]:
                raise ValueError(f"{folder}: seed {s}'s head numbers differ between runs; they must be identical")
            seeds[s]["autoencoder"].update(r["autoencoder"])
    order = [x for x in LOSSES if x in losses]
    missing = {s: sorted(set(order) - set(r["autoencoder"])) for s, r in seeds.items()
               if set(order) - set(r["autoencoder"])}
    if missing:
        raise ValueError(f"losses missing for some seeds: {missing}; join runs that give every seed every loss")
    return CompressionConfig(**{**grid, "losses": tuple(order), "seeds": tuple(sorted(seeds))}), seeds, runs[0]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--report", nargs="+", required=True, help="runs of the reported seeds")
    p.add_argument("--tuning", nargs="+", default=None, help="runs of the tuning seeds (the choice is made on them)")
    p.add_argument("--out", required=True)
    p.add_argument("--no-figures", action="store_true")
    a = p.parse_args(argv)
    cfg, seeds, first = _joined(a.report)
    choice = None
    if a.tuning:
        tcfg, tseeds, _ = _joined(a.tuning)
        choice = choose(tcfg, summarise(tcfg, tseeds), sorted(tseeds))
    m = summarise(cfg, seeds, choice)
    m["config"], m["dataset"] = cfg.to_dict(), first.get("dataset")
    m["joined_from"] = {"report": [str(f) for f in a.report], "tuning": [str(f) for f in a.tuning or []]}
    CompressionResults(metrics=m).save(a.out)
    if not a.no_figures:
        make_figures(a.out, a.out)
    print(f"{a.out}: seeds {m['seeds']}, chosen on {m['choice']['seeds']}: head knee {m['knee_head_fitted']}, "
          f"autoencoder knee {m['knee_autoencoder_any_loss']}, best loss {m['best_loss']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
