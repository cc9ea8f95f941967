"""The grid of one comparison: which K, seeds, binder sizes and capacity sets (a frozen dataclass)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from neuromem._checks import is_int

__all__ = ["EXPERIMENTS", "MODALITIES", "GridConfig"]

#: The experiments of the comparison (the ``experiment`` column of ``results.csv``).
EXPERIMENTS = ("shots", "interference", "capacity", "cost", "units")
#: The bound modalities.
MODALITIES = ("picture", "name")


def _ints(name: str, values, minimum: int) -> tuple[int, ...]:
    vals = tuple(values)
    if not vals:
        raise ValueError(f"GridConfig.{name} is empty; give at least one value")
    bad = [v for v in vals if not is_int(v) or v < minimum]
    if bad:
        raise ValueError(f"GridConfig.{name}={vals!r}: {bad} are not integers >= {minimum}")
    if len(set(vals)) != len(vals):
        raise ValueError(f"GridConfig.{name}={vals!r} repeats a value; give each once")
    return tuple(int(v) for v in vals)


def _int(name: str, value, minimum: int) -> int:
    if not is_int(value) or value < minimum:
        raise ValueError(f"GridConfig.{name}={value!r} must be an integer >= {minimum}")
    return int(value)


@dataclass(frozen=True, kw_only=True)
class GridConfig:
    """The grid of one comparison (the documented full grid by default).

    Parameters
    ----------
    shots : tuple of int
        Presentations per concept K of the ``shots`` experiment, each >= 1.
    seeds : tuple of int
        Seeds (each its own concept split and latent space), >= 0; 3-7 are report seeds.
    n_units : int
        Size of every binder in the shots and interference experiments (what it counts is the binder's
        declaration), >= 1.
    interference_k : int
        Presentations per concept of the interference experiment (two groups of ``ceil(0.75 n_units)``
        synthetic concepts), >= 1.
    capacity_sizes : tuple of int
        Binder sizes ``n_units`` of the capacity experiment, each >= 1.
    capacity_max_per_unit : int
        The capacity is searched by integer bisection in ``1 .. capacity_max_per_unit x N`` concepts
        (reaching the top is recorded as a lower bound), >= 1.
    capacity_binders : tuple of str or None
        Binders of the many-concept experiments: capacity, interference, units (None: every binder of the
        comparison whose traits say ``in_capacity_sweep``).
    units_k : int
        Presentations per concept of the units experiment (94 synthetic concepts), 1 to 5.
    test_per_concept : int
        Held-out test pictures per concept (at most), >= 1.
    word_repeats : int
        Repeats of every held-out name form as a test cue, >= 1.

    Raises
    ------
    ValueError
        Naming the field, its value and the allowed range.
    """

    shots: tuple[int, ...] = (1, 2, 3, 5, 10, 15)
    seeds: tuple[int, ...] = (3, 4, 5, 6, 7)
    n_units: int = 100
    interference_k: int = 5
    capacity_sizes: tuple[int, ...] = (50, 200)
    capacity_max_per_unit: int = 16
    capacity_binders: tuple[str, ...] | None = None
    units_k: int = 3
    test_per_concept: int = 40
    word_repeats: int = 6

    def __post_init__(self):
        def put(name, value):
            object.__setattr__(self, name, value)

        put("shots", _ints("shots", self.shots, 1))
        put("seeds", _ints("seeds", self.seeds, 0))
        put("capacity_sizes", _ints("capacity_sizes", self.capacity_sizes, 1))
        if not is_int(self.units_k) or not 1 <= self.units_k <= 5:
            raise ValueError(f"GridConfig.units_k={self.units_k!r} must be an integer in 1..5 (a synthetic concept "
                             f"has 5 train pictures)")
        for name, low in (("n_units", 1), ("capacity_max_per_unit", 1), ("interference_k", 1), ("test_per_concept", 1), ("word_repeats", 1)):
            put(name, _int(name, getattr(self, name), low))
        if self.capacity_binders is not None:
            binders = tuple(self.capacity_binders)
            if any(not isinstance(b, str) or not b for b in binders):
                raise ValueError(f"GridConfig.capacity_binders={binders!r} must be binder names or None")
            put("capacity_binders", binders)

    @classmethod
    def quick(cls, shots=None, seeds=None) -> "GridConfig":
        """The test grid of ``--quick`` (K 1, 5; seed 3; 50 units; a small capacity grid)."""
        return cls(shots=shots or (1, 5), seeds=seeds or (3,), n_units=50, interference_k=2, capacity_sizes=(50,),
                   test_per_concept=10, word_repeats=2)

    @classmethod
    def reduced(cls, shots=None, seeds=None) -> "GridConfig":
        """The documented default of ``neuromem run compare-binding`` (~15 min on digits).

        K 1, 5 and seeds 3, 4, 5 with capacity at N = 100 and one-shot interference; an explicit ``shots`` list
        runs the full capacity grid (N = 50, 200) and interference at K = 5.
        """
        capacity = {} if shots else dict(capacity_sizes=(100,), interference_k=1)
        return cls(shots=shots or (1, 5), seeds=seeds or (3, 4, 5), test_per_concept=20, **capacity)

    def to_dict(self) -> dict:
        """The fields as a JSON-ready dict (recorded in ``metrics.json`` and every cell's key)."""
        return asdict(self)
