"""Every command ends in one line when it fails for a reason the user can fix.

:func:`main <neuromem.cli.main.main>` runs each command through this module:

- bad input (``ValueError``, ``FileNotFoundError``, an engine or a format
  that is not installed): ``neuromem CMD: error: <message>``, exit status 2;
- other operating-system errors (a read-only file system, a full disk, no
  permission): one line naming the file, the error and the fix, exit status 2;
- Ctrl-C: one line, exit status 130 (128 + SIGINT), also when a library
  turned the ``KeyboardInterrupt`` into another error on its way up (an
  interrupted lazy import reports a failed import): a SIGINT handler records
  that the key was pressed. For a command working on a memory (``--memory``)
  the line says whether the memory was saved;
- standard output closed early (``neuromem ... | head``): no traceback, exit
  status 141 (128 + SIGPIPE, what a shell reports for a program stopped by a
  closed pipe).

Writes are atomic everywhere (:mod:`neuromem._io`, :mod:`neuromem.store.persist`),
so a command that stops leaves whole files, or none.
"""

from __future__ import annotations

import errno
import os
import signal
import sys

__all__ = ["EXIT_BROKEN_PIPE", "EXIT_ERROR", "EXIT_INTERRUPTED", "Guard"]

#: Exit status of bad input or an operating-system error.
EXIT_ERROR = 2
#: Exit status after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130
#: Exit status when standard output was closed early (128 + SIGPIPE).
EXIT_BROKEN_PIPE = 141


def _bad_input() -> tuple[type, ...]:
    from neuromem.engines.base import EngineUnavailable
    from neuromem.io.formats import FormatUnavailable

    return FileNotFoundError, ValueError, EngineUnavailable, FormatUnavailable


def _generation(memory) -> str | None:
    if memory is None:
        return None
    from neuromem.store.persist import current_generation

    try:
        return current_generation(memory, verify=False)[0].name
    except Exception:  # not (yet) a memory, or unreadable: nothing committed that we can name
        return None


def _say(line: str) -> None:
    try:
        print(line, file=sys.stderr, flush=True)
    except (BrokenPipeError, ValueError):  # standard error closed as well: nothing left to tell
        pass


def silence_stdout() -> None:
    """Point standard output at the null device, so the interpreter's last flush cannot fail on a closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture): nothing to protect
        pass


def flush_stdout() -> bool:
    """Flush standard output; False (and output silenced) when its reader has gone."""
    try:
        sys.stdout.flush()
        return True
    except BrokenPipeError:
        silence_stdout()
        return False


def _is_broken_pipe(exc: BaseException) -> bool:
    return isinstance(exc, BrokenPipeError) or (isinstance(exc, OSError) and exc.errno == errno.EPIPE)


class Guard:
    """Records Ctrl-C while a command runs and turns its failures into one line and an exit status.

    Use as a context manager around the whole command (parsing included)::

        with Guard() as guard:
            ...
            guard.command, guard.memory = "learn", args.memory
            try:
                return func(args)
            except BaseException as exc:
                status = guard.status(exc)
                if status is None:
                    raise
                return status
    """

    def __init__(self):
        self.command = ""
        self.memory = None
        self.before = None
        self._pressed = []
        self._previous = None

    def __enter__(self):
        def on_sigint(signum, frame):
            self._pressed.append(signum)
            raise KeyboardInterrupt

        try:
            self._previous = signal.signal(signal.SIGINT, on_sigint)
        except ValueError:  # not the main thread: Python's own handler stays
            self._previous = None
        return self

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False

    def watch_memory(self, memory) -> None:
        """The memory folder the command may save into (the Ctrl-C line says whether it did)."""
        self.memory = memory
        self.before = _generation(memory)

    @property
    def name(self) -> str:
        return f"neuromem {self.command}".rstrip()

    def status(self, exc: BaseException) -> int | None:
        """The exit status for ``exc`` after printing its one line, or None to let it propagate."""
        if self._pressed or isinstance(exc, KeyboardInterrupt):
            _say(f"{self.name}: interrupted (Ctrl-C); {self._what_was_saved()}")
            return EXIT_INTERRUPTED
        if _is_broken_pipe(exc):
            silence_stdout()
            return EXIT_BROKEN_PIPE
        if isinstance(exc, _bad_input()):
            _say(f"{self.name}: error: {exc}")
            return EXIT_ERROR
        if isinstance(exc, OSError):
            where = f" {exc.filename}" if exc.filename else ""
            _say(f"{self.name}: error:{where}: {exc.strerror or exc} (errno {exc.errno}); {_fix(exc)}")
            return EXIT_ERROR
        return None

    def _what_was_saved(self) -> str:
        if self.memory is None:
            return "files already written are whole (every write is atomic); run the command again to finish"
        now = _generation(self.memory)
        if now != self.before:
            return f"the memory was saved before the interrupt ({self.memory}, {now})"
        return "nothing was saved" + (f" (the memory {self.memory} is as it was)" if self.before else "")


def _fix(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "free disk space (or write elsewhere), then run the command again"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "choose a writable location (or fix the permissions), then run the command again"
    return "check the disk space and the permissions, then run the command again"
