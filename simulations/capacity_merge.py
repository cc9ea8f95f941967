"""Why one capacity set fails: recall of a seed's synthetic sets, and which concepts share their neurons.

    python simulations/capacity_merge.py --dataset digits --seed 6 --sizes 2,3,4,5,6,8,11,16

The bisection of ``neuromem run compare-binding`` stops at the first size whose set is recalled below 0.9
(galloping from 2), so it assumes recall falls with the number of concepts. This scores every size given on
the seed's own sets (the run's within / between ratio, the run's seeds), and for each set counts the
concepts whose picture cues drive the same neurons as another concept's (the units active in most of a
concept's held-out picture cues; a concept "shares its neurons" when at least half of them are among another
concept's): a concept whose presentation recruited the neurons of a concept stored before it.
"""

import argparse
import sys

import numpy as np

from neuromem._checks import list_option
from neuromem.binding.tuned import comparison_options
from neuromem.encoders import EncodeRequest, EncoderConfig
from neuromem.experiments.compare_binding.capacity import store_one_set
from neuromem.experiments.compare_binding.cli import DEFAULT_FIT_CONCEPTS
from neuromem.experiments.compare_binding.protocol import within_between


def score_set(binder: str, n_units: int, n: int, ratio: float, latent_dim: int, seed: int, opts: dict):
    """(recall@1, concepts sharing their neurons with another concept, unit sets) of the seed's n-concept set
    (the capacity experiment's own set, learner and answers: :func:`store_one_set`)."""
    b, space, ix, pred = store_one_set(binder, n_units, n, ratio, latent_dim, seed, opts)
    labels = space["picture"].labels[ix]
    counts = b.unit_activations("picture", space["picture"].latents[ix])
    units = {int(c): frozenset(np.nonzero((counts[labels == c] > 0).mean(axis=0) > 0.5)[0].tolist())
             for c in np.unique(labels)}
    shared = sum(1 for c, u in units.items()
                 if u and any(len(u & v) >= 0.5 * len(u) for d, v in units.items() if d != c))
    return float(np.mean(pred == labels)), shared, units


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binder", default="stdp-human-mtl")
    p.add_argument("--dataset", default="digits")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--sizes", type=list_option(int, what="--sizes", example="2,4,8", minimum=2),
                   default=(2, 3, 4, 5, 6, 8, 11, 16))
    p.add_argument("--units", type=int, default=100, help="binder size N (100, the comparison's)")
    args = p.parse_args(argv)
    request = EncodeRequest(dataset=args.dataset, encoder=EncoderConfig(spoken=False),
                            fit_concepts=DEFAULT_FIT_CONCEPTS, progress=False)
    space = request.encode(args.seed).space
    ratio = within_between(space.subset(space.fit_concepts))
    opts = comparison_options("numba")
    print(f"{args.binder}, {args.dataset}, seed {args.seed}: within / between ratio {ratio:.4f}", flush=True)
    for n in args.sizes:
        recall, shared, units = score_set(args.binder, args.units, n, ratio, space.latent_dim, args.seed, opts)
        line = f"n={n}: recall {recall:.3f}, concepts sharing their neurons {shared}"
        if n <= 3:
            line += "; units per concept " + "; ".join(f"{c}: {sorted(u)}" for c, u in units.items())
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
