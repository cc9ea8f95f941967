"""Store commands that end in one line: Ctrl-C (exit 130) and operating-system errors (exit 2).

A store command (``learn``, ``recall``, ``memory show|add``) runs under
:func:`run_guarded`. Ctrl-C ends it with one line saying whether the memory
was saved, and exit status 130 (128 + SIGINT). The line is printed also when
a library turned the ``KeyboardInterrupt`` into another error on its way up
(an interrupted lazy import reports a failed import): a SIGINT handler records
that the user pressed Ctrl-C. Operating-system errors that are not bad input
(a read-only file system, a full disk, no permission) end in one line naming
the file and the error, and exit status 2. Saves are atomic
(:mod:`neuromem.store.persist`), so an interrupted or failed command leaves the
memory as it was, or fully saved.
"""

from __future__ import annotations

import signal
import sys

__all__ = ["run_guarded"]

#: Exit status after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


def _generation(memory) -> str | None:
    if memory is None:
        return None
    from neuromem.store.persist import current_generation

    try:
        return current_generation(memory, verify=False)[0].name
    except Exception:  # not (yet) a memory, or unreadable: nothing committed that we can name
        return None


def run_guarded(func, args, *, memory=None) -> int:
    """``func(args)``; Ctrl-C -> one line, 130; an ``OSError`` other than a missing file -> one line, 2.

    Parameters
    ----------
    func : callable
        The command, ``func(args) -> int``.
    args : argparse.Namespace
        Its arguments (``args.command`` names it in the message).
    memory : path, optional
        The memory folder the command may save into (for the Ctrl-C message).
    """
    name = f"neuromem {getattr(args, 'command', '')}".rstrip()
    pressed = []

    def on_sigint(signum, frame):
        pressed.append(signum)
        raise KeyboardInterrupt

    before = _generation(memory)
    try:
        previous = signal.signal(signal.SIGINT, on_sigint)
    except ValueError:  # not the main thread: Python's own handler stays
        previous = None
    try:
        return func(args)
    except BaseException as exc:
        if pressed or isinstance(exc, KeyboardInterrupt):
            now = _generation(memory)
            saved = (f"the memory was saved before the interrupt ({memory}, {now})" if now != before
                     else "nothing was saved" + (f" (the memory {memory} is as it was)" if before else ""))
            print(f"{name}: interrupted (Ctrl-C); {saved}", file=sys.stderr)
            return EXIT_INTERRUPTED
        if isinstance(exc, OSError) and not isinstance(exc, FileNotFoundError):
            where = f" {exc.filename}" if exc.filename else ""
            print(f"{name}: error:{where}: {exc.strerror or exc} (errno {exc.errno}); check the disk space and the "
                  "permissions, then run the command again", file=sys.stderr)
            return 2
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
