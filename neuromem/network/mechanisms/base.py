"""What every mechanism of the network description is, and the table of known mechanisms.

A *mechanism* is one declared part of the concept-layer model beyond the
leaky integrate-and-fire neurons themselves: a plasticity rule of the
latent->concept synapses, homeostasis, feedback, inhibition, excitability.
It is a frozen, keyword-only dataclass (units in the field names, checked in
``__post_init__``) carrying its equations and literature source in its
docstring, in the way PyNN composes a synapse model from declared parts
(``STDPMechanism(timing_dependence=..., weight_dependence=...)``).

A :class:`~neuromem.network.NetworkSpec` holds a tuple of mechanisms (at most
one of each class, exactly one of role ``"input plasticity"``). Engines do
not branch on the spec: each builds each mechanism through one builder per
(engine, mechanism) listed in :data:`neuromem.engines.builders.BUILDERS`, in
the way Nengo registers one build function per object type
(``@Builder.register(PES)``); an engine without a builder for a mechanism
refuses the spec there, in one place.

Adding a mechanism: a dataclass here decorated with
:func:`register_mechanism` (its preset section), its reference in the
discrete model (``neuromem/engines/discrete.py``) and one builder per engine
(see CONTRIBUTING.md, "Adding a mechanism").
"""

from __future__ import annotations

import zlib
from dataclasses import asdict
from typing import ClassVar

import numpy as np

from neuromem.coding.population import _check_range

__all__ = ["check_int", "ROLES", "Mechanism", "MECHANISMS", "register_mechanism", "mechanism_class",
           "canonical_section", "standard_mechanisms", "mechanism_seed"]

def check_int(owner: str, name: str, value, lo, hi) -> None:
    """Raise unless ``value`` is an int (not a bool) in ``[lo, hi]``; the error names field, value and range."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{owner}.{name} must be an int; got {value!r}")
    _check_range(owner, name, value, lo, hi)


#: What a mechanism acts on, in the order mechanisms are listed in a spec.
ROLES = ("input plasticity", "feedback", "excitability", "homeostasis", "inhibition")


class Mechanism:
    """Base of the mechanism dataclasses (subclasses are ``@dataclass(frozen=True, kw_only=True)``).

    Attributes
    ----------
    section : str
        Its preset section and key in :meth:`NetworkSpec.to_dict` (e.g. ``"lateral_inhibition"``).
    aliases : tuple of str
        Older section names read as this one (e.g. ``("inhibition",)``).
    role : str
        One of :data:`ROLES`.
    standard : bool
        On in a preset that has no ``mechanisms`` list even without its section (the four mechanisms
        of the original model: pair STDP, Hebbian feedback, adaptive threshold, lateral inhibition).
    """

    section: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    role: ClassVar[str] = ""
    standard: ClassVar[bool] = False

    def time_constants_ms(self) -> dict[str, float]:
        """``{"Class.field": tau_ms}`` of its time constants (the spec requires ``dt_ms <= tau / 5``)."""
        return {}

    def check(self, spec) -> None:
        """Checks against the rest of ``spec`` (a ValueError naming the fields); none by default."""

    def synaptic_events(self, *, n_inputs: int, n_neurons: int, input_spikes: int, concept_spikes: int,
                        plastic: bool) -> int:
        """Synaptic updates this mechanism makes in a run with these spike counts (for cost estimates).

        Parameters
        ----------
        n_inputs, n_neurons : int
            Latent-population (input) and concept neurons of the network.
        input_spikes, concept_spikes : int
            Spikes of the inputs and of the concept neurons in the run.
        plastic : bool
            Whether learning was on.
        """
        return 0

    def to_dict(self) -> dict:
        """Its fields as plain data (the preset section's keys and values)."""
        return asdict(self)


#: section -> mechanism class, in registration order (the order within a role in a spec).
MECHANISMS: dict[str, type] = {}
_ALIASES: dict[str, str] = {}


def register_mechanism(cls: type) -> type:
    """Class decorator: make a mechanism known by its ``section`` (and ``aliases``) to presets and specs.

    Raises
    ------
    TypeError
        If ``cls`` is not a Mechanism subclass.
    ValueError
        For an unknown role, or a section or alias already taken by another class.
    """
    if not (isinstance(cls, type) and issubclass(cls, Mechanism)):
        raise TypeError(f"{cls!r} is not a Mechanism subclass")
    if cls.role not in ROLES:
        raise ValueError(f"{cls.__name__}.role={cls.role!r}; allowed {ROLES}")
    if not cls.section.isidentifier():
        raise ValueError(f"{cls.__name__}.section={cls.section!r} must be a name (letters, digits, underscores)")
    for name in (cls.section, *cls.aliases):
        owner = MECHANISMS.get(_ALIASES.get(name, name))
        if owner is not None and owner.__qualname__ != cls.__qualname__:
            raise ValueError(f"section {name!r} is already {owner.__name__}'s; choose another for {cls.__name__}")
    MECHANISMS[cls.section] = cls
    for a in cls.aliases:
        _ALIASES[a] = cls.section
    return cls


def canonical_section(name: str) -> str | None:
    """The section a (possibly older) section name means, or None if no mechanism has it."""
    name = _ALIASES.get(name, name)
    return name if name in MECHANISMS else None


def mechanism_class(name: str) -> type:
    """The mechanism class of a section name (aliases accepted).

    Raises
    ------
    KeyError
        For a name no mechanism has (the message lists the known sections).
    """
    sec = canonical_section(name)
    if sec is None:
        raise KeyError(f"no mechanism has the section {name!r}; known: {sorted(MECHANISMS)} "
                       f"(older names: {sorted(_ALIASES)})")
    return MECHANISMS[sec]


def standard_mechanisms() -> tuple:
    """Default instances of the standard mechanisms (see :attr:`Mechanism.standard`)."""
    return tuple(cls() for cls in MECHANISMS.values() if cls.standard)


def mechanism_seed(seed, section: str) -> np.random.SeedSequence:
    """The child of an initial-state seed that a mechanism drawing random numbers uses.

    Its spawn key is the initial-state seed's key extended by the CRC-32 of
    the mechanism's section name, so it never overlaps the stream of the
    initial weights (:func:`~neuromem.network.initial_state`) or another
    mechanism's.
    """
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(int(seed))
    return np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, zlib.crc32(section.encode())))
