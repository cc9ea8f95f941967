"""``neuromem figures --all``: every experiment the figure set needs, every figure, one ``metrics.json``.

:mod:`~neuromem.cli.figure_set.jobs` (the command lines, full and quick, and the code digest that keys
the cache), :mod:`~neuromem.cli.figure_set.run` (units through the sweep cell cache, figures, the
literature check, ``summary.png``), :mod:`~neuromem.cli.figure_set.collect` (sections of ``metrics.json``,
seeds summarised) and :mod:`~neuromem.cli.figure_set.scheme` (Figure 1's content read from a run).
Figure code lives in :mod:`neuromem.viz` and only reads results.
"""

from neuromem.cli.figure_set.jobs import Job, code_version, jobs
from neuromem.cli.figure_set.run import run_figure_set

__all__ = ["Job", "code_version", "jobs", "run_figure_set"]
