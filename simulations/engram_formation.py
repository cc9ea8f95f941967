"""Multimodal engram formation and recall (pictures + written names + spoken names).

    python simulations/engram_formation.py --dataset digits --engine brian2 --presentations 3 --seed 0 --out results/ef

Same options as ``neuromem run engram-formation``; this script only forwards to it.
"""

import sys

from neuromem.cli import main

if __name__ == "__main__":
    sys.exit(main(["run", "engram-formation", *sys.argv[1:]]))
