"""Counted cost of a binder and its one energy convention (exact counts, never estimated from time).

Every binder counts what it does in the same five kinds of operation, the
same way in the forward and in the backward pass, as an event-driven machine
with fp32 values would run it (an operand that is a spike gates an
accumulate; a dense operand costs a multiply-accumulate):

``synaptic_events``
    A spike-gated accumulate: one fp32 weight read and added. Forward: an
    input spike reaching a neuron, a concept spike inhibiting a rival.
    Backward: a spike's row of a weight gradient accumulating the neuron's
    error (the weight gradient of a binary input).
``neuron_updates``
    One neuron's state advanced by one time step (membrane and synaptic
    current: 2 multiplies, 2 adds, the two values read and written), forward;
    backward, the same for the gradient through that step.
``macs``
    A multiply-accumulate on dense values, one operand read from memory
    (forward products, and each gradient product of the backward pass).
``weight_updates``
    A stored value changed in place: read, multiply-add, write (an STDP
    step, a running mean; an Adam step counts 3 per parameter: the weight and
    its two moment estimates).
``memory_writes``
    A value stored without arithmetic (a key-value memory's new pattern).

:data:`OPERATIONS` turns each kind into adds, multiplies and bytes moved;
:func:`energy_estimate` prices them with the per-operation energies of
Horowitz (ISSCC 2014, 45 nm, :data:`ENERGY_PJ`): fp32 add 0.9 pJ, fp32
multiply 3.7 pJ, one 64-bit access to an 8 KB SRAM 10 pJ (memory traffic =
bytes moved / 8 x 10 pJ; a larger memory costs more per access, DRAM
1.3-2.6 nJ per 64 bits, so this is a lower estimate of memory energy). Each
energy is an estimate with that source; the counts are reported beside it.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["COST_KINDS", "ENERGY_LABEL", "ENERGY_PJ", "OPERATIONS", "Operation", "PHASES", "CostCounter",
           "energy_estimate"]

#: Phases whose cost is counted separately.
PHASES = ("learn", "recall")


class Operation(NamedTuple):
    """What one counted operation does: fp32 adds and multiplies, bytes read and written."""

    adds: int
    multiplies: int
    bytes_read: int
    bytes_written: int


#: Each kind of counted operation in adds, multiplies and bytes moved (fp32 values: 4 bytes).
OPERATIONS = {
    "synaptic_events": Operation(adds=1, multiplies=0, bytes_read=4, bytes_written=0),
    "neuron_updates": Operation(adds=2, multiplies=2, bytes_read=8, bytes_written=8),
    "macs": Operation(adds=1, multiplies=1, bytes_read=4, bytes_written=0),
    "weight_updates": Operation(adds=1, multiplies=1, bytes_read=4, bytes_written=4),
    "memory_writes": Operation(adds=0, multiplies=0, bytes_read=0, bytes_written=4),
}
#: Kinds of counted operation.
COST_KINDS = tuple(OPERATIONS)
#: Energy per fp32 add, fp32 multiply and per byte moved (pJ): Horowitz, ISSCC 2014, 45 nm (64-bit access to an
#: 8 KB SRAM: 10 pJ, i.e. 1.25 pJ per byte).
ENERGY_PJ = {"add": 0.9, "multiply": 3.7, "byte": 10.0 / 8}
#: The label every energy number carries (``metrics.json`` ``_meta.energy``).
ENERGY_LABEL = ("estimate from counted operations: Horowitz ISSCC 2014 (45 nm): fp32 add 0.9 pJ, fp32 multiply "
                "3.7 pJ, 64-bit 8 KB SRAM access 10 pJ (bytes moved / 8 x 10 pJ; DRAM would cost 1.3-2.6 nJ per "
                "64 bits); one convention for every binder, forward and backward (neuromem.binding.cost)")


def energy_estimate(counts: dict) -> dict:
    """Adds, multiplies, bytes moved and the energy estimate (pJ) of ``{kind: count}``.

    Returns
    -------
    dict with ``adds``, ``multiplies``, ``bytes_moved``, ``compute_energy_pj_estimate``,
    ``memory_energy_pj_estimate`` and ``energy_pj_estimate`` (their sum).

    Raises
    ------
    ValueError
        For a kind not in :data:`OPERATIONS`.
    """
    adds = mults = moved = 0
    for kind, n in counts.items():
        if kind not in OPERATIONS:
            raise ValueError(f"unknown operation kind {kind!r}; allowed {COST_KINDS}")
        op = OPERATIONS[kind]
        adds += n * op.adds
        mults += n * op.multiplies
        moved += n * (op.bytes_read + op.bytes_written)
    compute = adds * ENERGY_PJ["add"] + mults * ENERGY_PJ["multiply"]
    memory = moved * ENERGY_PJ["byte"]
    return {"adds": float(adds), "multiplies": float(mults), "bytes_moved": float(moved),
            "compute_energy_pj_estimate": float(compute), "memory_energy_pj_estimate": float(memory),
            "energy_pj_estimate": float(compute + memory)}


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
