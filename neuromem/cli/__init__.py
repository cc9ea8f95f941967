"""The ``neuromem`` command: one module per command, one table of them, one way every command ends.

Commands: info (versions, engines, offline assets, device), encode (dataset
-> latent space + quality report), figures (rebuild figures from saved
results), demo (the main job on the embedded digits), bench (engines side by
side), run (experiments, from :mod:`neuromem.experiments.registry`), learn /
recall / memory (saved memories and their concept store), bench-store and
export (a run's recording as Neo or NWB). The table is
:data:`neuromem.cli.main.COMMANDS`; the dataset options come from
:mod:`neuromem.data.registry`; failures end as :mod:`neuromem.cli.guard` says.
"""

from __future__ import annotations

from neuromem.cli.common import check_out_dir
from neuromem.cli.common import package_version as _version
from neuromem.cli.main import COMMANDS, build_parser, main

__all__ = ["COMMANDS", "build_parser", "check_out_dir", "main"]
