"""Choose every binder's hyper-parameters once, on the tuning seeds' validation splits (equal effort).

    python simulations/tune_binders.py --dataset digits --seeds 0,1,2 [--binders stdp,hopfield] [--cues 20]

Encodes (cached) each tuning seed with the comparison's concept split (half of the concepts fit the
encoders), scores every candidate of ``neuromem.experiments.binding_tuning.SEARCH`` on the novel concepts'
train pictures that were not presented, at the comparison's K (1, 5), and writes the best configuration per
binder with every candidate's scores to ``neuromem/binding/binders.toml``, which ``neuromem run
compare-binding`` reads.
"""

import argparse
import sys

from neuromem._checks import list_option
from neuromem.analysis.statistics import TUNING_SEEDS
from neuromem.encoders import EncodeRequest, EncoderConfig
from neuromem.experiments.binding_tuning import SEARCH, merge_parts, tune
from neuromem.experiments.compare_binding.cli import DEFAULT_FIT_CONCEPTS


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dataset", default="digits")
    p.add_argument("--seeds", type=list_option(int, what="--seeds", example="0,1,2", minimum=0), default=(0, 1, 2),
                   help="tuning seeds (0-2)")
    p.add_argument("--binders", type=list_option(str, what="--binders", example="contrastive,surrogate"),
                   default=tuple(SEARCH), help=f"binders to tune (default: {','.join(SEARCH)})")
    p.add_argument("--cues", type=int, default=20, choices=range(1, 1001), metavar="N", help="validation cues per concept, every binder (20)")
    p.add_argument("--engine", default="numba", help="engine of the stdp binders (numba)")
    p.add_argument("--part", default="0/1", help="I/N: score every N-th candidate from the I-th (N processes)")
    p.add_argument("--out", default=None, help="file to write (default: neuromem/binding/binders.toml)")
    p.add_argument("--merge", nargs="+", default=None, help="join the --out files of the parts into binders.toml")
    args = p.parse_args(argv)
    if args.merge:
        merge_parts(args.merge)
        return 0
    try:
        part = tuple(int(x) for x in args.part.split("/"))
        assert len(part) == 2 and 0 <= part[0] < part[1]
    except (ValueError, AssertionError):
        p.error(f"--part {args.part!r}: give I/N with 0 <= I < N, e.g. 0/2")
    if any(s not in TUNING_SEEDS for s in args.seeds):
        p.error(f"--seeds: tuning uses seeds {TUNING_SEEDS} only (3-7 are report seeds)")
    unknown = [b for b in args.binders if b not in SEARCH]
    if unknown:
        p.error(f"--binders: no search grid for {unknown}; tunable binders: {','.join(SEARCH)}")
    request = EncodeRequest(dataset=args.dataset, encoder=EncoderConfig(spoken=False),
                            fit_concepts=DEFAULT_FIT_CONCEPTS, progress=False)
    tune({s: request.encode(s).space for s in args.seeds}, binders=args.binders, max_cues_per_concept=args.cues,
         engine=args.engine, part=part, **({"out": args.out} if args.out else {}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
