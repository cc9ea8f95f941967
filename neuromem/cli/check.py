"""``neuromem check``: a results folder's numbers next to published ones (:mod:`neuromem.validation.literature_cli`)."""

from __future__ import annotations

from neuromem.validation.literature_cli import HELP, add_arguments, cmd_check

SUMMARY = "compare results with published numbers"
DESCRIPTION = HELP + (" Prints pass / FAIL per row and writes the table into the folder's metrics.json "
                      "(literature_check).")
EXAMPLE = "neuromem check --results results/engram-formation-digits --strict"

__all__ = ["DESCRIPTION", "EXAMPLE", "SUMMARY", "add_arguments", "run"]


def run(args) -> int:
    return cmd_check(args)
