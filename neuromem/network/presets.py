"""TOML presets -> :class:`~neuromem.network.spec.NetworkSpec`.

A preset holds every parameter except the input populations, which depend on
the latent space (modalities and latent size) and are given when loading.
Sections: ``[coding]``, ``[concept]``, ``[sim]`` and one per mechanism
(:mod:`neuromem.network.mechanisms`): ``[pair_stdp]``,
``[hebbian_feedback]``, ``[adaptive_threshold]``, ``[lateral_inhibition]``,
``[k_winners_take_all]``, ``[threshold_spread]``; keys are the dataclass
fields (TOML writes infinity as ``inf``). The older section names
``[stdp]``, ``[feedback]``, ``[homeostasis]`` and ``[inhibition]`` (lateral
inhibition) are read as the new ones.

Which mechanisms are on: those of a top-level ``mechanisms = [...]`` list
when the preset has one (every other mechanism section is then an error);
otherwise the four standard ones (pair STDP, Hebbian feedback, adaptive
threshold, lateral inhibition; defaults where their section is missing) plus
every other mechanism whose section is present.

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
from neuromem.network.layers import ConceptLayer, LatentPopulation, SimConfig
from neuromem.network.mechanisms import MECHANISMS, canonical_section
from neuromem.network.spec import NetworkSpec

__all__ = ["MODELS_DIR", "MODELS_ENV", "RENAMED_KEYS", "available_presets", "describes", "load_preset", "preset_dirs",
           "spec_from_dict"]

#: User presets of a source checkout (top-level ``models/``); overrides the shipped presets.
MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
#: Environment variable naming a folder of user presets (checked first).
MODELS_ENV = "NEUROMEM_MODELS_DIR"

#: Sections that are not mechanisms (the mechanisms' sections come from their classes).
_SECTIONS = {
    "coding": PopulationCode,
    "concept": ConceptLayer,
    "sim": SimConfig,
}
_META = ("name", "description", "mechanisms")


#: ``(section, old key) -> new key`` of renamed preset keys (an old key is an error naming the new one); the
#: section is named as it was when the key was renamed (its newer name is checked too).
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


def _section_name(key: str) -> str:
    """The current name of a section key (an older mechanism section name -> its new name)."""
    return key if key in _SECTIONS or key in _META else (canonical_section(key) or key)


def _canonical(d: dict) -> tuple[dict, dict]:
    """``(sections under their current names, current name -> name as written)``; same section twice is an error."""
    out, written = {}, {}
    for key, val in d.items():
        sec = _section_name(key)
        if sec in out:
            raise ValueError(f"[{written[sec]}] and [{key}] are the same section; give it once, as [{sec}]")
        out[sec], written[sec] = val, key
    return out, written


def _part(cls, sec: str, values: dict, written: str):
    """``cls(**values)`` after the preset checks (renamed and unknown keys, quoted inf)."""
    values = dict(values)
    renamed = {old: new for (s, old), new in RENAMED_KEYS.items() if _section_name(s) == sec and old in values}
    if renamed:
        raise ValueError("renamed preset keys in [" + written + "]: " + ", ".join(
            f"{old!r} is now {new!r}" for old, new in renamed.items()) + "; rename them in the preset")
    fields = {f.name for f in dataclasses.fields(cls)}
    bad = set(values) - fields
    if bad:
        raise ValueError(f"unknown keys {sorted(bad)} in [{written}]; allowed {sorted(fields)}")
    for k, v in values.items():
        if isinstance(v, str) and v.strip().lower() in ("inf", "+inf", "infinity"):
            raise ValueError(f"[{written}] {k} = {v!r}: write inf without quotes (TOML's own infinity)")
    return cls(**values)


def _mechanisms_on(d: dict, written: dict) -> list[str]:
    """Sections of the mechanisms a preset turns on (see the module docstring)."""
    present = [sec for sec in d if sec in MECHANISMS]
    listed = d.get("mechanisms")
    if listed is None:
        return [sec for sec, cls in MECHANISMS.items() if cls.standard or sec in present]
    if isinstance(listed, str) or not all(isinstance(x, str) for x in listed):
        raise ValueError(f"mechanisms = {listed!r} must be a list of section names, e.g. "
                         f"[\"pair_stdp\", \"lateral_inhibition\"]")
    on = []
    for x in listed:
        sec = canonical_section(x)
        if sec is None:
            raise ValueError(f"mechanisms lists {x!r}, which no mechanism is; known: {sorted(MECHANISMS)}")
        if sec in on:
            raise ValueError(f"mechanisms lists {sec!r} twice")
        on.append(sec)
    off = [written[sec] for sec in present if sec not in on]
    if off:
        raise ValueError(f"sections {off} are given but not listed in mechanisms = {list(listed)}; list them or "
                         f"remove the sections")
    return on


def spec_from_dict(d: dict, *, modalities, latent_dim: int, name: str = "custom") -> NetworkSpec:
    """Build a spec from a preset-shaped dict (sections of dataclass fields, see the module docstring).

    Reads :meth:`NetworkSpec.to_dict` too (its ``populations`` must be left out).

    Raises
    ------
    ValueError
        For an unknown section or key (a renamed key names its new name), a
        section given under its old and new name, a ``mechanisms`` list that
        does not match the sections, a quoted ``"inf"``, or a value outside
        its field's range.
    """
    d, written = _canonical(d)
    unknown = [written[k] for k in d if k not in _SECTIONS and k not in MECHANISMS and k not in _META]
    if unknown:
        raise ValueError(f"unknown preset sections {sorted(unknown)}; allowed {sorted(_SECTIONS)} and the "
                         f"mechanisms {sorted(MECHANISMS)}")
    parts = {sec: _part(cls, sec, d.get(sec, {}), written.get(sec, sec)) for sec, cls in _SECTIONS.items()}
    mechanisms = tuple(_part(MECHANISMS[sec], sec, d.get(sec, {}), written.get(sec, sec))
                       for sec in _mechanisms_on(d, written))
    modalities = tuple(modalities)
    if not modalities:
        raise ValueError("at least one modality is needed")
    pops = tuple(LatentPopulation(modality=m, latent_dim=int(latent_dim),
                                  neurons_per_dim=parts["coding"].neurons_per_dim) for m in modalities)
    return NetworkSpec(populations=pops, mechanisms=mechanisms, name=str(d.get("name", name)), **parts)


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
        Section overrides, e.g. ``pair_stdp={"a_plus": 0.05}`` (older section
        names work too: ``stdp={...}``); a mechanism section switches its
        mechanism on, ``mechanisms=[...]`` replaces the preset's list.
    """
    d, stem = _read(preset)
    d, _ = _canonical(d)
    for sec, vals in overrides.items():
        sec = _section_name(sec)
        if sec == "mechanisms":  # the preset's sections of mechanisms left out are dropped
            keep = {canonical_section(x) for x in vals}
            d = {k: v for k, v in d.items() if k not in MECHANISMS or k in keep or k in overrides}
            d["mechanisms"] = list(vals)
            continue
        if not isinstance(vals, dict):
            raise TypeError(f"override for section {sec!r} must be a dict of fields")
        d.setdefault(sec, {}).update(vals)
    return spec_from_dict(d, modalities=modalities, latent_dim=latent_dim, name=d.get("name", stem))


def describes(description: dict, spec: NetworkSpec) -> bool:
    """Whether a saved :meth:`NetworkSpec.to_dict` describes ``spec``.

    Compared as parameters, not as text: a description written with older
    section names (``[stdp]``, ``[inhibition]``, ...) still describes the
    same network; one that no longer reads as a spec describes nothing.
    """
    d = {k: v for k, v in description.items() if k != "populations"}
    try:
        saved = spec_from_dict(d, modalities=spec.modalities, latent_dim=spec.populations[0].latent_dim,
                               name=spec.name)
    except (TypeError, ValueError):
        return False
    return saved == spec
