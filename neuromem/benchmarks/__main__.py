"""``python -m neuromem.benchmarks [--quick] [--sizes ...] [--engines ...] --out DIR``."""

import argparse
import sys

from neuromem.benchmarks.suite import add_cli_arguments, main_from_args


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m neuromem.benchmarks",
                                     description="Benchmark the installed engines on the same network.")
    add_cli_arguments(parser)
    return main_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
