"""The ``neuromem`` parser and ``main``: one table of commands, one way every command ends.

A command is a module of :mod:`neuromem.cli` defining

``SUMMARY`` : str
    One line for ``neuromem --help``.
``DESCRIPTION`` : str
    One paragraph for ``neuromem COMMAND --help``.
``EXAMPLE`` : str
    A command line to start from (shown under the description).
``add_arguments(parser)``
    Adds its options (sub-commands of its own included).
``run(args) -> int``
    Runs it; returns the exit status. Bad input raises a one-line
    ``ValueError`` or ``FileNotFoundError``.

Adding a command is that module plus one line in :data:`COMMANDS`. How a
command ends when it fails (one line, exit status 2; Ctrl-C 130; a closed
pipe) is decided once, in :mod:`neuromem.cli.guard`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import warnings

from neuromem.cli.common import HelpFormatter, package_version
from neuromem.cli.guard import Guard, flush_stdout

__all__ = ["COMMANDS", "build_parser", "main"]

#: command -> module, in the order of ``neuromem --help``; the one place a command is registered.
COMMANDS: dict[str, str] = {
    "info": "neuromem.cli.info",
    "encode": "neuromem.cli.encode",
    "figures": "neuromem.cli.figures",
    "demo": "neuromem.cli.demo",
    "bench": "neuromem.cli.bench",
    "run": "neuromem.cli.run",
    "learn": "neuromem.cli.learn",
    "recall": "neuromem.cli.recall",
    "memory": "neuromem.cli.memory",
    "thesaurus": "neuromem.cli.thesaurus",
    "bench-store": "neuromem.cli.bench_store",
    "export": "neuromem.cli.export",
    "check": "neuromem.cli.check",
    "sweep": "neuromem.cli.sweep",
}

DESCRIPTION = "neuromem: memory engrams and concept cells, from pictures and names to spiking concept neurons."


def build_parser() -> argparse.ArgumentParser:
    """The ``neuromem`` parser: one sub-parser per entry of :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(prog="neuromem", description=DESCRIPTION,
                                     epilog="example:\n  neuromem demo --out results/demo\n\n"
                                            "`neuromem COMMAND --help` describes each command.",
                                     formatter_class=HelpFormatter)
    parser.add_argument("--version", action="version", version=f"neuromem {package_version('neuromem')}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module in COMMANDS.items():
        cmd = importlib.import_module(module)
        p = sub.add_parser(name, help=cmd.SUMMARY, description=cmd.DESCRIPTION,
                           epilog=f"example:\n  {cmd.EXAMPLE}", formatter_class=HelpFormatter)
        cmd.add_arguments(p)
        p.set_defaults(func=cmd.run)
    return parser


_FORMATWARNING = warnings.formatwarning


def _one_line_warnings(message, category, filename, lineno, line=None):
    """neuromem's own warnings as one line each (they name the file or folder); others as Python prints them."""
    if category.__module__.startswith("neuromem"):
        return f"neuromem: warning: {message}\n"
    return _FORMATWARNING(message, category, filename, lineno, line)


def _quiet_progress_bars_off_terminal() -> bool:
    """Progress bars only on a terminal: in a file or a pipe their carriage returns and escape codes are noise."""
    try:
        tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty and "TQDM_DISABLE" not in os.environ:
        os.environ["TQDM_DISABLE"] = "1"
        return True
    return False


def main(argv=None) -> int:
    """Parse ``argv`` (default: the process's arguments), run the command, return its exit status.

    ``--help``, ``--version`` and a usage error end in ``SystemExit`` as
    argparse makes them; every other failure ends as :mod:`neuromem.cli.guard` says.
    """
    previous_format = warnings.formatwarning
    warnings.formatwarning = _one_line_warnings
    set_tqdm = _quiet_progress_bars_off_terminal()
    try:
        with Guard() as guard:
            try:
                try:
                    args = build_parser().parse_args(argv)
                except SystemExit:
                    flush_stdout()
                    raise
                guard.command = args.command
                memory = getattr(args, "memory", None) or getattr(args, "dir", None)
                if memory is not None:
                    guard.watch_memory(memory)
                status = args.func(args)
                flush_stdout()
                return int(status or 0)
            except SystemExit:
                raise
            except BaseException as exc:
                status = guard.status(exc)
                if status is None:
                    raise
                return status
    finally:
        warnings.formatwarning = previous_format
        if set_tqdm:
            os.environ.pop("TQDM_DISABLE", None)
