"""A sweep's grid: ``"KEY=V1,V2;KEY2=..."`` parsed against an experiment's config fields, expanded into cells.

A grid key is a field of the experiment's config dataclass (e.g.
``presentations``) or ``spec.<section>.<field>`` for a network parameter
(written into the config's ``spec_overrides``). The cell's seed goes into
the config's ``seed`` field, or, for a config that runs a list of seeds,
into ``seeds`` as that one seed. Values are converted with
the field's annotation (``int``, ``float``, ``bool``, ``str``, ``None``);
every cell's config is then built, so a value out of range is reported by
the config's own check before any work.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from typing import NamedTuple

from neuromem._checks import parse_list

__all__ = ["Cell", "parse_grid", "parse_value", "expand_cells", "grid_keys", "seed_field"]

_SPEC = "spec."
_SEED_FIELDS = ("seed", "seeds")


class Cell(NamedTuple):
    """One point of the grid on one seed.

    Parameters
    ----------
    params : dict
        Grid key -> value (plain JSON types), in grid order.
    seed : int
    config : object
        The experiment's config for this point and seed.
    """

    params: dict
    seed: int
    config: object


def seed_field(config_cls) -> str:
    """The config field a cell's seed goes into: ``seed`` (one int) or ``seeds`` (a tuple, set to the one seed).

    Raises
    ------
    TypeError
        If the config has neither.
    """
    names = {f.name for f in dataclasses.fields(config_cls)}
    for name in _SEED_FIELDS:
        if name in names:
            return name
    raise TypeError(f"{config_cls.__name__} has no seed or seeds field; a sweep sets one seed per cell")


def grid_keys(config_cls) -> list[str]:
    """The config fields a grid may set (every field but ``seed`` / ``seeds``, which come from ``--seeds``)."""
    return [f.name for f in dataclasses.fields(config_cls) if f.name not in _SEED_FIELDS]


def parse_value(text: str, annotation: str):
    """``text`` as the type the field's annotation names (``"int | None"`` accepts ``none``).

    Raises
    ------
    ValueError
        If ``text`` is not of that type.
    """
    t, ann = text.strip(), str(annotation)
    if "None" in ann and t.lower() == "none":
        return None
    if ann.startswith("bool"):
        if t.lower() in ("true", "1", "yes"):
            return True
        if t.lower() in ("false", "0", "no"):
            return False
        raise ValueError(f"{t!r} is not a bool (true / false)")
    if ann.startswith("int"):
        return int(t)
    if ann.startswith("float"):
        return float(t)
    if ann.startswith("str"):
        return t
    try:  # tuples, dicts and spec values: JSON, else the text itself
        return json.loads(t)
    except json.JSONDecodeError:
        return t


def parse_grid(text: str, config_cls) -> dict:
    """``"presentations=1,3;spec.concept.n_neurons=100,200"`` -> ``{key: [values]}`` (grid order kept).

    Raises
    ------
    ValueError
        For a malformed part, a repeated key, ``seed``, or a key that is no field of ``config_cls`` (the
        message lists the known ones).
    """
    known = grid_keys(config_cls)
    fields = {f.name: f for f in dataclasses.fields(config_cls)}
    grid = {}
    for part in str(text).split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, values = part.partition("=")
        key = key.strip()
        if not sep or not key or not values.strip():
            raise ValueError(f"grid part {part!r} is not KEY=V1,V2,...")
        if key in _SEED_FIELDS:
            raise ValueError("seeds are given with --seeds, not in the grid")
        if key in grid:
            raise ValueError(f"grid key {key!r} given twice")
        if key.startswith(_SPEC):
            if "spec_overrides" not in fields or key.count(".") != 2:
                raise ValueError(f"grid key {key!r}: network parameters are spec.<section>.<field> and need a "
                                 f"config with spec_overrides")
            ann = ""
        elif key not in known:
            raise ValueError(f"unknown grid key {key!r}; known keys: {', '.join(known)} (or spec.<section>.<field>)")
        else:
            ann = str(fields[key].type)
        try:
            grid[key] = [parse_value(v, ann) for v in parse_list(values, str, what="its values",
                                                                  example=f"{key}=1,2")]
        except ValueError as exc:
            raise ValueError(f"grid key {key!r}: {exc}") from None
        if len(set(map(json.dumps, grid[key]))) != len(grid[key]):
            raise ValueError(f"grid key {key!r} repeats a value: {grid[key]}")
    if not grid:
        raise ValueError("the grid is empty; give --grid \"KEY=V1,V2;KEY2=...\"")
    return grid


def _config(base, params: dict, seed: int):
    plain = {k: v for k, v in params.items() if not k.startswith(_SPEC)}
    spec = {k: v for k, v in params.items() if k.startswith(_SPEC)}
    if spec:
        over = {s: dict(v) for s, v in base.spec_overrides.items()}
        for key, v in spec.items():
            _, section, name = key.split(".")
            over.setdefault(section, {})[name] = v
        plain["spec_overrides"] = over
    name = seed_field(type(base))
    return dataclasses.replace(base, **plain, **{name: int(seed) if name == "seed" else (int(seed),)})


def expand_cells(grid: dict, seeds, base) -> list[Cell]:
    """Every grid point x seed as a :class:`Cell` (points in grid order, seeds inner), configs built.

    Raises
    ------
    ValueError, TypeError
        From the config's own checks, prefixed with the cell's parameters.
    """
    cells = []
    keys = list(grid)
    for values in itertools.product(*(grid[k] for k in keys)):
        params = dict(zip(keys, values))
        for seed in seeds:
            try:
                cells.append(Cell(params=params, seed=int(seed), config=_config(base, params, seed)))
            except (ValueError, TypeError) as exc:
                raise type(exc)(f"grid point {params}: {exc}") from None
    return cells
