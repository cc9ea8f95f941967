"""TOML presets -> :class:`~neuromem.network.spec.NetworkSpec`.

A preset holds every parameter except the input populations, which depend on
the latent space (modalities and latent size) and are given when loading.
Sections: ``[coding]``, ``[concept]``, ``[inhibition]``, ``[stdp]``,
``[homeostasis]``, ``[feedback]``, ``[sim]``; keys are the dataclass fields
(TOML writes infinity as ``inf``).

Where presets come from, by name (the first match wins):

1. ``$NEUROMEM_MODELS_DIR/<name>.toml`` (user presets),
2. ``models/<name>.toml`` at the top of a source checkout (user presets),
3. the presets shipped inside the package (``neuromem/network/models/``,
   read with :mod:`importlib.resources`, so a wheel install has them).

A path to a ``.toml`` file is read as it is.
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import os
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

__all__ = ["MODELS_DIR", "MODELS_ENV", "RENAMED_KEYS", "available_presets", "load_preset", "preset_dirs",
           "spec_from_dict"]

#: User presets of a source checkout (top-level ``models/``); overrides the shipped presets.
MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
#: Environment variable naming a folder of user presets (checked first).
MODELS_ENV = "NEUROMEM_MODELS_DIR"

_SECTIONS = {
    "coding": PopulationCode,
    "concept": ConceptLayer,
    "inhibition": Inhibition,
    "stdp": STDP,
    "homeostasis": Homeostasis,
    "feedback": Feedback,
    "sim": SimConfig,
}


#: ``(section, old key) -> new key`` of renamed preset keys (an old key is an error naming the new one).
RENAMED_KEYS = {
    ("concept", "tau_exc_ms"): "tau_syn_exc_ms",
    ("inhibition", "tau_inh_ms"): "tau_syn_inh_ms",
}


def _shipped():
    return importlib.resources.files("neuromem.network") / "models"


def preset_dirs() -> list:
    """Folders searched for presets by name, first match wins (see the module docstring)."""
    dirs = []
    if os.environ.get(MODELS_ENV):
        dirs.append(Path(os.environ[MODELS_ENV]).expanduser())
    if MODELS_DIR.is_dir():
        dirs.append(MODELS_DIR)
    dirs.append(_shipped())
    return dirs


def available_presets() -> list[str]:
    """Names of every preset found (user and shipped)."""
    names = set()
    for d in preset_dirs():
        if d.is_dir():
            names |= {p.name[:-5] for p in d.iterdir() if p.name.endswith(".toml")}
    return sorted(names)


def _read(preset: str | Path) -> tuple[dict, str]:
    """``(preset dict, name)``; raises FileNotFoundError naming where it looked."""
    p = Path(preset)
    if p.suffix == ".toml":
        if not p.is_file():
            raise FileNotFoundError(f"no preset file {str(preset)!r}")
        with open(p, "rb") as fh:
            return tomllib.load(fh), p.stem
    for d in preset_dirs():
        cand = d / f"{preset}.toml"
        if cand.is_file():
            return tomllib.loads(cand.read_text(encoding="utf-8")), str(preset)
    raise FileNotFoundError(f"no preset {str(preset)!r}: not a .toml file and not one of {available_presets()} "
                            f"(searched {', '.join(str(d) for d in preset_dirs())})")


def spec_from_dict(d: dict, *, modalities, latent_dim: int, name: str = "custom") -> NetworkSpec:
    """Build a spec from a preset-shaped dict (sections of dataclass fields).

    Raises
    ------
    ValueError
        For an unknown section or key (a renamed key names its new name), a
        quoted ``"inf"``, or a value outside its field's range.
    """
    unknown = set(d) - set(_SECTIONS) - {"name", "description"}
    if unknown:
        raise ValueError(f"unknown preset sections {sorted(unknown)}; allowed {sorted(_SECTIONS)}")
    parts = {}
    for sec, cls in _SECTIONS.items():
        values = dict(d.get(sec, {}))
        renamed = {k: RENAMED_KEYS[(sec, k)] for k in values if (sec, k) in RENAMED_KEYS}
        if renamed:
            raise ValueError("renamed preset keys in [" + sec + "]: " + ", ".join(
                f"{old!r} is now {new!r}" for old, new in renamed.items()) + "; rename them in the preset")
        fields = {f.name for f in dataclasses.fields(cls)}
        bad = set(values) - fields
        if bad:
            raise ValueError(f"unknown keys {sorted(bad)} in [{sec}]; allowed {sorted(fields)}")
        for k, v in values.items():
            if isinstance(v, str) and v.strip().lower() in ("inf", "+inf", "infinity"):
                raise ValueError(f"[{sec}] {k} = {v!r}: write inf without quotes (TOML's own infinity)")
        parts[sec] = cls(**values)
    modalities = tuple(modalities)
    if not modalities:
        raise ValueError("at least one modality is needed")
    pops = tuple(LatentPopulation(modality=m, latent_dim=int(latent_dim),
                                  neurons_per_dim=parts["coding"].neurons_per_dim) for m in modalities)
    return NetworkSpec(populations=pops, name=str(d.get("name", name)), **parts)


def load_preset(preset: str | Path = "default", *, modalities=("picture", "name"), latent_dim: int,
                **overrides) -> NetworkSpec:
    """Load a preset by name (see the module docstring for where) or path.

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
    d, stem = _read(preset)
    for sec, vals in overrides.items():
        if not isinstance(vals, dict):
            raise TypeError(f"override for section {sec!r} must be a dict of fields")
        d.setdefault(sec, {}).update(vals)
    return spec_from_dict(d, modalities=modalities, latent_dim=latent_dim, name=d.get("name", stem))
