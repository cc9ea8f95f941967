"""Counted cost of a binder: operations per phase and kind (exact counts, never estimated from time).

Kinds: ``"synaptic_events"`` (spiking binders), ``"macs"`` (multiply-accumulates of
rate binders, backprop counting its backward pass too) and ``"memory_writes"``
(values stored without arithmetic, e.g. a key-value memory's new pattern).
"""

from __future__ import annotations

__all__ = ["COST_KINDS", "PHASES", "CostCounter"]

#: Phases whose cost is counted separately.
PHASES = ("learn", "recall")
#: Kinds of counted operation.
COST_KINDS = ("synaptic_events", "macs", "memory_writes")


class CostCounter:
    """Operation counts by phase and kind (plain integers; exact, not estimated)."""

    def __init__(self):
        self.counts: dict[str, dict[str, int]] = {p: {} for p in PHASES}

    def add(self, phase: str, kind: str, n) -> None:
        """Add ``n`` operations of ``kind`` to ``phase``."""
        if phase not in PHASES:
            raise ValueError(f"phase={phase!r}; allowed {PHASES}")
        if kind not in COST_KINDS:
            raise ValueError(f"kind={kind!r}; allowed {COST_KINDS}")
        n = int(n)
        if n < 0:
            raise ValueError(f"operation counts are non-negative; got {n}")
        self.counts[phase][kind] = self.counts[phase].get(kind, 0) + n

    def get(self, phase: str, kind: str) -> int:
        return int(self.counts.get(phase, {}).get(kind, 0))

    def reset(self) -> None:
        self.counts = {p: {} for p in PHASES}

    def to_dict(self) -> dict:
        return {p: dict(v) for p, v in self.counts.items()}
