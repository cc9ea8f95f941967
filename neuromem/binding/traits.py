"""What a binder declares about itself: its family, what its size counts, its capacity limit, its colour.

Every binder class carries one :class:`BinderTraits` (``traits = BinderTraits(...)``).
The comparison (``neuromem run compare-binding``) reads all of it from the
binder and nothing from a list of binder names: which family's column a
binder joins in the summary table, what ``n_units`` means for it, which
capacity cells it cannot represent, whether it runs in the capacity sweep,
which binder it shares its units with, and its colour in every figure.

>>> BinderTraits(family="hebbian", n_units_counts="pattern slots", colour="tab:purple",
...              capacity=CapacityLimit(reason="n_units slots, first in first out"))   # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from neuromem._checks import is_int

__all__ = ["FAMILIES", "BinderTraits", "CapacityLimit"]

#: Binder families: Hebbian (local, label-free plasticity), backprop (gradient of a loss), other.
FAMILIES = ("hebbian", "backprop", "other")


def _text(owner: str, name: str, value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{owner}.{name}={value!r} must be a non-empty str")
    return value


@dataclass(frozen=True, kw_only=True)
class CapacityLimit:
    """At most ``concepts_per_unit x n_units`` concepts, by construction of the binder.

    Parameters
    ----------
    reason : str
        One line: why (e.g. ``"hard winner-take-all: one concept neuron per concept"``).
    concepts_per_unit : int
        Concepts one unit can hold, >= 1.
    refuses_more : bool
        True: a larger set cannot be represented at all (its learning refuses
        the concept labels; the comparison records such a capacity cell as
        ``not_representable`` without running it). False: a larger set is
        learned, but beyond the limit concepts share or overwrite units (the
        comparison measures what is left).

    Raises
    ------
    ValueError
        For an empty reason or ``concepts_per_unit`` below 1.
    """

    reason: str
    concepts_per_unit: int = 1
    refuses_more: bool = False

    def __post_init__(self):
        _text("CapacityLimit", "reason", self.reason)
        if not is_int(self.concepts_per_unit) or self.concepts_per_unit < 1:
            raise ValueError(f"CapacityLimit.concepts_per_unit={self.concepts_per_unit!r} must be an integer >= 1")
        if not isinstance(self.refuses_more, bool):
            raise ValueError(f"CapacityLimit.refuses_more={self.refuses_more!r} must be True or False")

    def max_concepts(self, n_units: int) -> int:
        """The most concepts a binder with ``n_units`` units holds."""
        return int(self.concepts_per_unit) * int(n_units)


@dataclass(frozen=True, kw_only=True)
class BinderTraits:
    """What a binder declares (see the module docstring).

    Parameters
    ----------
    family : str
        One of :data:`FAMILIES`: ``"hebbian"`` (e.g. STDP, an outer-product
        key-value memory), ``"backprop"`` (a loss minimised by gradients) or
        ``"other"`` (shown in the comparison, outside the family verdict).
    n_units_counts : str
        What ``n_units`` counts, so sizes are matched knowingly: e.g.
        ``"concept neurons"``, ``"concept units"``, ``"pattern slots"``,
        ``"shared dimensions"``.
    capacity : CapacityLimit or None
        The binder's capacity limit by construction (None: no limit set by
        ``n_units``).
    colour : str
        Its matplotlib colour in every figure (e.g. ``"tab:red"``).
    spiking : bool
        A spiking network: cost in synaptic events, recall latency in ms.
    has_units : bool
        :meth:`~neuromem.binding.base.Binder.unit_activations` is meaningful
        (concept units whose selectivity the comparison measures).
    in_capacity_sweep : bool
        Whether the comparison's many-concept experiments (capacity,
        two-group interference on 1.5 N concepts, units on 94 concepts) run
        it by default (False for a binder whose learning cost makes hundreds
        of concepts exceed the default budget).
    same_units_as : str or None
        The registered binder with the same units and another plasticity
        (``surrogate``: ``"stdp"``); the summary table compares the two directly.
    units_assigned_by_label : bool
        Its units are assigned to concepts by the training label (``softmax``:
        unit k is concept k): their selectivity is supervised, marked as such
        beside every unit statistic.

    Raises
    ------
    ValueError
        Naming the field and the allowed values.
    """

    family: str
    n_units_counts: str
    capacity: CapacityLimit | None
    colour: str
    spiking: bool = False
    has_units: bool = False
    in_capacity_sweep: bool = True
    same_units_as: str | None = None
    units_assigned_by_label: bool = False

    def __post_init__(self):
        if self.family not in FAMILIES:
            raise ValueError(f"BinderTraits.family={self.family!r}; allowed {', '.join(FAMILIES)}")
        _text("BinderTraits", "n_units_counts", self.n_units_counts)
        _text("BinderTraits", "colour", self.colour)
        if self.capacity is not None and not isinstance(self.capacity, CapacityLimit):
            raise ValueError(f"BinderTraits.capacity={self.capacity!r} must be a CapacityLimit or None")
        for name in ("spiking", "has_units", "in_capacity_sweep", "units_assigned_by_label"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"BinderTraits.{name}={getattr(self, name)!r} must be True or False")
        if self.same_units_as is not None:
            _text("BinderTraits", "same_units_as", self.same_units_as)

    def to_dict(self) -> dict:
        """JSON-ready fields (recorded in the comparison's ``metrics.json``)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "BinderTraits":
        """The inverse of :meth:`to_dict`."""
        cap = d.get("capacity")
        return cls(**{**d, "capacity": None if cap is None else CapacityLimit(**cap)})
