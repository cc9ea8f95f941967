"""The binder registry: one line per binder, in the order the comparison runs them by default.

``register_binder("name", "module:Class", requires=(...))`` adds a binder;
its class declares the rest (:class:`~neuromem.binding.traits.BinderTraits`).
Modules are imported only when a binder is made or its traits are read, so a
binder's libraries (torch, an engine) load only when it is used. A renamed
binder keeps its old name for one release through :func:`register_alias`
(a ``DeprecationWarning`` names the new one).
"""

from __future__ import annotations

import importlib
import importlib.util
import warnings
from typing import NamedTuple

from neuromem.binding.traits import BinderTraits

__all__ = ["ALIASES", "BINDERS", "BinderEntry", "binder_class", "binder_names", "binder_traits", "default_binder_names",
           "make_binder",
           "register_alias", "register_binder", "resolve_binder_name"]


class BinderEntry(NamedTuple):
    """One registered binder.

    Parameters
    ----------
    target : str
        ``"module:ClassName"``, imported when the binder is used.
    requires : tuple of str
        Top-level packages the binder needs (checked without importing them).
    options : dict
        Keyword arguments passed to the class.
    """

    target: str
    requires: tuple = ()
    options: dict = {}
    default: bool = True


#: name -> entry, in registration order (the comparison's default order).
BINDERS: dict[str, BinderEntry] = {}
#: Deprecated name -> current name (kept for one release).
ALIASES: dict[str, str] = {}


def register_binder(name: str, target: str, *, requires: tuple[str, ...] = (), default: bool = True,
                    **options) -> None:
    """Register (or replace) a binder under ``name``.

    Parameters
    ----------
    name : str
        Name used by :func:`make_binder` and the ``--binders`` option.
    target : str
        ``"module:ClassName"``; imported only when the binder is used.
    requires : tuple of str
        Top-level packages the binder needs.
    default : bool
        Whether the comparison runs it by default (False: only when named, e.g. a binder too costly for the
        default budget).
    **options
        Keyword arguments passed to the class.

    Raises
    ------
    ValueError
        For an empty name, a name taken by an alias, or a target without ``module:Class``.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"binder name {name!r} must be a non-empty str")
    if name in ALIASES:
        raise ValueError(f"binder name {name!r} is the old name of {ALIASES[name]!r}; choose another name")
    if not isinstance(target, str) or target.count(":") != 1 or not all(target.split(":")):
        raise ValueError(f"binder target {target!r} must read 'module:ClassName'")
    BINDERS[name] = BinderEntry(target, tuple(requires), dict(options), bool(default))


def register_alias(old: str, new: str) -> None:
    """Keep ``old`` working as a deprecated name of the registered binder ``new`` (for one release)."""
    if new not in BINDERS:
        raise ValueError(f"cannot alias {old!r} to {new!r}: no binder {new!r} is registered")
    ALIASES[old] = new


def binder_names() -> list[str]:
    """Names of every registered binder, in registration order (deprecated aliases not included)."""
    return list(BINDERS)


def default_binder_names() -> list[str]:
    """Registered binders the comparison runs without being named, in registration order."""
    return [n for n, e in BINDERS.items() if e.default]


def resolve_binder_name(name: str) -> str:
    """``name``, or the current name of a deprecated one (with a ``DeprecationWarning``).

    Raises
    ------
    KeyError
        For a name that is neither registered nor an alias.
    """
    if name in BINDERS:
        return name
    if name in ALIASES:
        new = ALIASES[name]
        warnings.warn(f"the binder {name!r} is now named {new!r}; {name!r} will be removed in the next release",
                      DeprecationWarning, stacklevel=3)
        return new
    raise KeyError(f"unknown binder {name!r}; known binders: {binder_names()}")


def binder_class(name: str):
    """The binder class and its registered options (imports its module; checks its traits).

    Raises
    ------
    KeyError
        For an unknown name.
    ImportError
        Naming a missing library the binder requires.
    TypeError
        If the class declares no :class:`~neuromem.binding.traits.BinderTraits`.
    """
    name = resolve_binder_name(name)
    target, requires, options, _ = BINDERS[name]
    miss = [r for r in requires if importlib.util.find_spec(r) is None]
    if miss:
        raise ImportError(f"binder {name!r} needs {', '.join(miss)}, which is not installed")
    mod_name, cls_name = target.split(":")
    cls = getattr(importlib.import_module(mod_name), cls_name)
    if not isinstance(getattr(cls, "traits", None), BinderTraits):
        raise TypeError(f"binder {name!r} ({target}) declares no traits; give the class "
                        f"traits = BinderTraits(family=..., n_units_counts=..., capacity=..., colour=...)")
    return cls, options


def binder_traits(name: str) -> BinderTraits:
    """What the binder registered as ``name`` declares (imports its module)."""
    return binder_class(name)[0].traits


def make_binder(name: str, **kwargs):
    """Instantiate the binder registered as ``name`` (keyword arguments as in :class:`~neuromem.binding.Binder`)."""
    cls, options = binder_class(name)
    return cls(**{**options, **kwargs})
