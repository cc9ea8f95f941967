"""Engine benchmark (``neuromem bench``): the same network on every engine, side by side.

Library entry point: :func:`run_benchmark`; the command line's options are
declared in :mod:`neuromem.cli.bench`.
"""

from neuromem.benchmarks.network import benchmark_drive, benchmark_spec
from neuromem.benchmarks.suite import (
    DEFAULT_ENGINES,
    DEFAULT_SIZES,
    QUICK_SIZES,
    format_table,
    measure_copy_bandwidth,
    parse_sizes,
    run_benchmark,
)

__all__ = ["DEFAULT_ENGINES", "DEFAULT_SIZES", "QUICK_SIZES", "benchmark_drive",
           "benchmark_spec", "format_table", "measure_copy_bandwidth", "parse_sizes",
           "run_benchmark"]
