"""Encode a concept dataset into the shared latent space and write its quality report.

    python simulations/encode_latents.py --dataset fashion-mnist --seed 0 --out results/encode-fashion

Same options as ``neuromem encode``; this script only forwards to it.
"""

import sys

from neuromem.cli import main

if __name__ == "__main__":
    sys.exit(main(["encode", *sys.argv[1:]]))
