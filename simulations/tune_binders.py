"""Choose the backprop binders' hyper-parameters once, on the tuning seeds' validation splits.

    python simulations/tune_binders.py --dataset digits --seeds 0 [--binders readout,contrastive,surrogate]

Encodes (cached) each tuning seed with half of the concepts fitting the encoders, scores every candidate
of ``neuromem.experiments.binding_tuning.SEARCH`` on train pictures that were not presented, and writes the best
configuration per binder to ``neuromem/binding/binders.toml``, which ``neuromem run compare-binding`` reads.
"""

import argparse
import sys

from neuromem.experiments.binding_tuning import tune
from neuromem.data import load_dataset
from neuromem.data.concept_split import resolve_fit_concepts
from neuromem.encoders import EncoderConfig, encode_dataset


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dataset", default="digits")
    p.add_argument("--seeds", default="0", help="tuning seeds (0-2)")
    p.add_argument("--binders", default="readout,contrastive,surrogate")
    args = p.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    if any(s > 2 for s in seeds):
        raise SystemExit("tuning uses seeds 0-2 only (3-7 are report seeds)")
    spaces = {}
    for s in seeds:
        ds = load_dataset(args.dataset, seed=s)
        cfg = EncoderConfig(spoken=False, fit_concepts=resolve_fit_concepts("0.5", ds.concepts, seed=s))
        spaces[s] = encode_dataset(ds, seed=s, config=cfg, progress=False).space
    tune(spaces, binders=tuple(args.binders.split(",")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
