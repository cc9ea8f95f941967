"""How much one capacity set's recall varies: the capacity experiment's sets of n concepts, tuning seeds 0-2.

    python simulations/capacity_set_spread.py --binder stdp-human-mtl --sizes 4,6,8,9,10,12,16,24

The bisection of ``neuromem run compare-binding`` scores every tested size n on its own synthetic set
(drawn from the seed tree with n), four held-out cues per concept, one presentation each. This prints, per
n, the recall of each tuning seed's set, their mean and the binomial standard error of one set's recall,
so a single seed's recall-against-n curve can be read against the spread of sets of the same size.
"""

import argparse
import sys

import numpy as np

from neuromem._checks import list_option
from neuromem.binding.tuned import comparison_options
from neuromem.encoders import EncodeRequest, EncoderConfig
from neuromem.experiments.compare_binding.capacity import recall_one_set
from neuromem.experiments.compare_binding.cli import DEFAULT_FIT_CONCEPTS
from neuromem.experiments.compare_binding.protocol import within_between


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binder", default="stdp-human-mtl")
    p.add_argument("--sizes", type=list_option(int, what="--sizes", example="4,8,16", minimum=2),
                   default=(4, 6, 8, 9, 10, 12, 16, 24))
    p.add_argument("--units", type=int, default=100, help="binder size N (100, the comparison's)")
    args = p.parse_args(argv)
    request = EncodeRequest(dataset="digits", encoder=EncoderConfig(spoken=False), fit_concepts=DEFAULT_FIT_CONCEPTS,
                            progress=False)
    opts = comparison_options("numba")
    seeds = (0, 1, 2)
    spaces = {s: request.encode(s).space for s in seeds}
    ratios = {s: within_between(sp.subset(sp.fit_concepts)) for s, sp in spaces.items()}
    for n in args.sizes:
        r = [recall_one_set(args.binder, args.units, n, ratios[s], spaces[s].latent_dim, s, opts)[0] for s in seeds]
        m = float(np.mean(r))
        print(f"{args.binder} n={n}: per seed {np.round(r, 3).tolist()}, mean {m:.3f}, "
              f"binomial s.e. of one set {np.sqrt(m * (1 - m) / (4 * n)):.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
