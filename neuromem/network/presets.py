"""TOML presets (``models/*.toml``) -> :class:`~neuromem.network.spec.NetworkSpec`.

A preset holds every parameter except the input populations, which depend on
the latent space (modalities and latent size) and are given when loading.
Sections: ``[coding]``, ``[concept]``, ``[inhibition]``, ``[stdp]``,
``[homeostasis]``, ``[feedback]``, ``[sim]``; keys are the dataclass fields.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from pathlib import Path

from neuromem.coding.population import PopulationCode
from neuromem.network.spec import (
    STDP,
    ConceptLayer,
    Feedback,
    Homeostasis,
    Inhibition,
    LatentPopulation,
    NetworkSpec,
    SimConfig,
)

__all__ = ["MODELS_DIR", "available_presets", "load_preset", "spec_from_dict"]

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"

_SECTIONS = {
    "coding": PopulationCode,
    "concept": ConceptLayer,
    "inhibition": Inhibition,
    "stdp": STDP,
    "homeostasis": Homeostasis,
    "feedback": Feedback,
    "sim": SimConfig,
}


def available_presets() -> list[str]:
    """Names of the presets in ``models/``."""
    return sorted(p.stem for p in MODELS_DIR.glob("*.toml"))


def _resolve(preset: str | Path) -> Path:
    p = Path(preset)
    if p.suffix == ".toml" and p.exists():
        return p
    cand = MODELS_DIR / f"{preset}.toml"
    if cand.exists():
        return cand
    raise FileNotFoundError(f"no preset {str(preset)!r}: not a .toml file and not one of {available_presets()} "
                            f"in {MODELS_DIR}")


def spec_from_dict(d: dict, *, modalities, latent_dim: int, name: str = "custom") -> NetworkSpec:
    """Build a spec from a preset-shaped dict (sections of dataclass fields)."""
    unknown = set(d) - set(_SECTIONS) - {"name", "description"}
    if unknown:
        raise ValueError(f"unknown preset sections {sorted(unknown)}; allowed {sorted(_SECTIONS)}")
    parts = {}
    for sec, cls in _SECTIONS.items():
        values = dict(d.get(sec, {}))
        fields = {f.name for f in dataclasses.fields(cls)}
        bad = set(values) - fields
        if bad:
            raise ValueError(f"unknown keys {sorted(bad)} in [{sec}]; allowed {sorted(fields)}")
        for k, v in values.items():
            if isinstance(v, str) and v.lower() in ("inf", "infinity"):
                values[k] = math.inf
        parts[sec] = cls(**values)
    modalities = tuple(modalities)
    if not modalities:
        raise ValueError("at least one modality is needed")
    pops = tuple(LatentPopulation(modality=m, latent_dim=int(latent_dim),
                                  neurons_per_dim=parts["coding"].neurons_per_dim) for m in modalities)
    return NetworkSpec(populations=pops, name=str(d.get("name", name)), **parts)


def load_preset(preset: str | Path = "default", *, modalities=("picture", "name"), latent_dim: int,
                **overrides) -> NetworkSpec:
    """Load a preset by name (``models/<name>.toml``) or path.

    Parameters
    ----------
    preset : str or Path
        Preset name or path to a ``.toml`` file.
    modalities : sequence of str
        Input populations, in order.
    latent_dim : int
        Latent size of every population.
    **overrides : dict
        Section overrides, e.g. ``stdp={"a_plus": 0.05}``.
    """
    path = _resolve(preset)
    with open(path, "rb") as fh:
        d = tomllib.load(fh)
    for sec, vals in overrides.items():
        if not isinstance(vals, dict):
            raise TypeError(f"override for section {sec!r} must be a dict of fields")
        d.setdefault(sec, {}).update(vals)
    return spec_from_dict(d, modalities=modalities, latent_dim=latent_dim, name=d.get("name", path.stem))
