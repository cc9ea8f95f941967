"""Engine benchmark (``neuromem bench``): the same network on every engine, side by side.

Library entry points: :func:`run_benchmark`; for a command line,
:func:`add_cli_arguments` + :func:`main_from_args` (also
``python -m neuromem.benchmarks``).
"""

from neuromem.benchmarks.network import benchmark_drive, benchmark_spec
from neuromem.benchmarks.suite import (
    DEFAULT_ENGINES,
    DEFAULT_SIZES,
    QUICK_SIZES,
    add_cli_arguments,
    format_table,
    main_from_args,
    measure_copy_bandwidth,
    parse_sizes,
    run_benchmark,
)

__all__ = ["DEFAULT_ENGINES", "DEFAULT_SIZES", "QUICK_SIZES", "add_cli_arguments", "benchmark_drive",
           "benchmark_spec", "format_table", "main_from_args", "measure_copy_bandwidth", "parse_sizes",
           "run_benchmark"]
