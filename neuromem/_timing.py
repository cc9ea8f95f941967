"""Wall time per stage of a run (encoding, the experiment, figures) that adds up to the total.

A stage entered inside another (the encoding an experiment asks for) is
counted under its own name only: the outer stage pauses meanwhile. Time in no
stage is ``other``, so the stages always sum to the total.

>>> clock = StageClock()
>>> with clock.stage("experiment"):
...     with clock.stage("encoding"):
...         pass
>>> sorted(clock.seconds())
['encoding', 'experiment', 'other']
"""

from __future__ import annotations

import time
from contextlib import contextmanager

__all__ = ["StageClock"]


class StageClock:
    """Wall seconds per named stage since the clock was made; nested stages are not counted twice.

    Parameters
    ----------
    clock : callable, optional
        Seconds as a float (default :func:`time.perf_counter`; tests pass a fake one).
    """

    def __init__(self, clock=time.perf_counter):
        self._clock = clock
        self._start = clock()
        self._seconds: dict[str, float] = {}
        self._open: list[list] = []  # [name, time the stage last resumed]

    @contextmanager
    def stage(self, name: str):
        """Count the time inside the ``with`` block under ``name`` (and not under an enclosing stage)."""
        now = self._clock()
        if self._open:
            self._charge(self._open[-1], now)
        self._open.append([str(name), now])
        try:
            yield self
        finally:
            now = self._clock()
            self._charge(self._open.pop(), now)
            if self._open:
                self._open[-1][1] = now

    def _charge(self, entry, now) -> None:
        name, since = entry
        self._seconds[name] = self._seconds.get(name, 0.0) + (now - since)
        entry[1] = now

    def total_s(self) -> float:
        """Seconds since the clock was made."""
        return self._clock() - self._start

    def seconds(self) -> dict[str, float]:
        """``{stage: seconds}`` in the order the stages were first entered, and ``other`` (time in no stage).

        Open stages are counted up to now; the values sum to :meth:`total_s` at the time of the call.
        """
        now = self._clock()
        out = dict(self._seconds)
        if self._open:  # only the innermost open stage runs; the ones around it are paused
            name, since = self._open[-1]
            out[name] = out.get(name, 0.0) + (now - since)
        out["other"] = max(0.0, (now - self._start) - sum(out.values()))
        return out

    def line(self) -> str:
        """``time: encoding 3.1 s, binding 12.0 s, other 0.2 s, total 15.3 s`` (the stages sum to the total)."""
        parts = self.seconds()
        total = sum(parts.values())
        return "time: " + ", ".join(f"{k} {v:.1f} s" for k, v in parts.items()) + f", total {total:.1f} s"
