"""Names the user gives (folder names, ``--concept``, ``--name``): one normal form, applied once at the edge.

Two strings a user cannot tell apart on screen must be one name. File systems
and archive tools do not agree on how accented letters are stored: macOS and
many zip tools write folder names *decomposed* (Unicode NFD: ``e`` followed by
a combining acute accent), a keyboard types them *composed* (NFC: one
character ``é``). Every user-given name is therefore brought to NFC, with runs
of white space collapsed to one space and none at either end
(:func:`normalise_name`), where it enters neuromem: the folder reader
(:mod:`neuromem.data.folder`), and the memory's ``recall`` / ``add`` methods.
Nothing further down normalises again.

Concept names (from folder names or ``memory add --concept``) also read ``_``
as a space (:func:`clean_concept_name`) and are compared ignoring case
(:func:`concept_key`): ``Cat``, ``cat`` and ``CAT`` are one concept.

Written name forms of a concept: the concept name is the training form; a
naive plural, ``a <name>`` and ``the <name>`` are held-out forms
(:func:`default_name_forms`). A held-out form equal (ignoring case) to a name
form of another concept (folders ``cat`` and ``cats``) is dropped with a
warning (:func:`distinct_name_forms`), so no concept's test name is another
concept's name.
"""

from __future__ import annotations

import unicodedata
import warnings

from neuromem.data.base import NameForms

__all__ = ["NameWarning", "clean_concept_name", "concept_key", "default_name_forms", "distinct_name_forms",
           "normalise_name"]


class NameWarning(UserWarning):
    """A name form was dropped because it also names another concept (the message names both)."""


def normalise_name(text: str) -> str:
    """``text`` in Unicode NFC with white space collapsed and trimmed (see the module docstring).

    Raises
    ------
    TypeError
        ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"a name must be a string; got {type(text).__name__}")
    return " ".join(unicodedata.normalize("NFC", text).split())


def clean_concept_name(name: str) -> str:
    """Concept name of a folder name or a ``--concept`` value: NFC, ``_`` as a space, white space collapsed."""
    return normalise_name(name.replace("_", " "))


def concept_key(name: str) -> str:
    """The key two concept names are compared by: the clean name, case-folded."""
    return clean_concept_name(name).casefold()


def default_name_forms(concept: str) -> NameForms:
    """Train form: the clean concept name; held-out: a naive plural, with 'a' and with 'the'."""
    base = clean_concept_name(concept)
    plural = base + ("es" if base.endswith(("s", "x", "ch", "sh")) else "s")
    return NameForms(train=(base,), heldout=(plural, f"a {base}", f"the {base}"))


def distinct_name_forms(concepts, *, category=NameWarning) -> dict[str, NameForms]:
    """Default name forms of every concept, without held-out forms that name another concept.

    A held-out form equal (ignoring case) to any form of another concept is
    dropped with a warning of class ``category``.
    """
    forms = {c: default_name_forms(c) for c in concepts}
    owner: dict[str, set] = {}
    for c, f in forms.items():
        for text in f.train + f.heldout:
            owner.setdefault(text.casefold(), set()).add(c)
    out = {}
    for c, f in forms.items():
        keep = []
        for text in f.heldout:
            others = sorted(owner[text.casefold()] - {c})
            if others:
                warnings.warn(f"held-out name form {text!r} of concept {c!r} is also a name of concept "
                              f"{others[0]!r}; it is not used", category, stacklevel=2)
            else:
                keep.append(text)
        out[c] = NameForms(train=f.train, heldout=tuple(keep))
    return out
