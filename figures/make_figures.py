"""Rebuild every figure of a results folder (written by ``neuromem encode`` / ``neuromem run``).

    python figures/make_figures.py results/encode-fashion [--out figures/out]
"""

import sys

from neuromem.cli import main

if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    extra = ["--out", sys.argv[3]] if len(sys.argv) > 3 and sys.argv[2] == "--out" else []
    sys.exit(main(["figures", "--results", sys.argv[1], *extra]))
