"""Progress of a long loop: a bar on a terminal, a plain line every few seconds anywhere else.

A progress bar redraws one line with carriage returns: right on a terminal,
noise in a log file or a pipe. Off a terminal (stderr redirected, a job
scheduler, CI) :func:`progress` therefore writes a plain line such as
``compare-binding: 12/40 (30 %), 25 s`` at most every ``every_s`` seconds (and
one closing line when the loop took longer than that), never a carriage return.
"""

from __future__ import annotations

import sys
import time

__all__ = ["EVERY_S", "progress"]

#: Seconds between two plain progress lines off a terminal.
EVERY_S = 5.0


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class _Lines:
    """Iterates ``iterable`` and writes a plain progress line at most every ``every_s`` seconds."""

    def __init__(self, iterable, *, desc, total, unit, stream, every_s, clock):
        self._it, self.desc, self.unit = iterable, desc, unit
        self.total = total if total is not None else (len(iterable) if hasattr(iterable, "__len__") else None)
        self._stream, self._every, self._clock = stream, float(every_s), clock
        self._postfix = ""
        self.n = 0

    def set_postfix_str(self, text: str = "", refresh: bool = True) -> None:
        """What is being done now (shown at the end of the next line)."""
        self._postfix = str(text)

    def set_postfix(self, refresh: bool = True, **values) -> None:
        """``key=value`` pairs shown at the end of the next line (as a bar's postfix)."""
        self._postfix = ", ".join(f"{k}={v}" for k, v in values.items())

    def _write(self, elapsed: float, done: bool = False) -> None:
        count = f"{self.n}/{self.total}" if self.total else str(self.n)
        share = f" ({100 * self.n / self.total:.0f} %)" if self.total else ""
        tail = "" if done or not self._postfix else f"; {self._postfix}"
        state = "done, " if done else ""
        self._stream.write(f"{self.desc}: {state}{count} {self.unit}{share}, {elapsed:.0f} s{tail}\n")
        self._stream.flush()

    def __iter__(self):
        start = last = self._clock()
        for item in self._it:
            yield item
            self.n += 1
            now = self._clock()
            if now - last >= self._every:
                self._write(now - start)
                last = now
        if self._clock() - start >= self._every:
            self._write(self._clock() - start, done=True)

    def __len__(self):
        return self.total or 0


def progress(iterable, *, desc: str, enabled: bool = True, total: int | None = None, unit: str = "it",
             leave: bool = True, stream=None, every_s: float | None = None, clock=time.monotonic):
    """``iterable``, reporting its progress on ``stream`` (default ``sys.stderr``).

    Parameters
    ----------
    iterable : iterable
    desc : str
        What the loop does (the start of each line or the bar's label).
    enabled : bool
        False: the iterable itself, silently (``--quiet``).
    total : int, optional
        Number of items (default ``len(iterable)`` when it has one).
    unit : str
        What one item is (``"batch"``, ``"epoch"``).
    leave : bool
        On a terminal: keep the finished bar.
    stream : file-like, optional
        Where progress goes; a bar if it is a terminal, plain lines otherwise.
    every_s : float, optional
        Off a terminal: seconds between two lines (> 0; default :data:`EVERY_S`).
    clock : callable
        Seconds (tests pass a fake clock).

    Returns
    -------
    iterable
        Has ``set_postfix_str(text)`` and ``set_postfix(**values)`` either way (what is being done now).
    """
    every_s = EVERY_S if every_s is None else every_s
    if every_s <= 0:
        raise ValueError(f"every_s={every_s!r} must be > 0 seconds")
    stream = sys.stderr if stream is None else stream
    if not enabled:
        return _Lines(iterable, desc=desc, total=total, unit=unit, stream=stream, every_s=float("inf"),
                      clock=clock)
    if _is_terminal(stream):
        from tqdm.auto import tqdm

        return tqdm(iterable, desc=desc, total=total, unit=unit, leave=leave, file=stream)
    return _Lines(iterable, desc=desc, total=total, unit=unit, stream=stream, every_s=every_s, clock=clock)
