"""Concept split: the concepts that fit the encoders vs novel concepts that only binders see.

With a split, every fitted encoder part (picture head, name and spoken
projections, decoder) is fitted on the *fit* concepts' training items only;
the *novel* concepts are encoded by those parts but never influence them, so
one-shot binding of a novel concept is one-shot end to end.

The split is given as ``--fit-concepts NAMES|FRACTION``: comma-separated
concept names, or a fraction written with a decimal point (``0.5``) of the
concepts, chosen by the seed and rounded down. Either way at least one
concept must remain on each side. Names are the words the user typed: brought
to the normal form of every user-given name and compared ignoring case
(:mod:`neuromem.data.names`). A bare number that names no concept (``0``,
``1``) is refused as neither a fraction nor a name.
"""

from __future__ import annotations

import math

import numpy as np

from neuromem.data.names import concept_key
from neuromem.seeds import SeedTree

__all__ = ["resolve_fit_concepts", "novel_concepts", "DEFAULT_FIT_FRACTION"]

#: Documented default of the comparison experiments: half of the concepts fit the encoders.
DEFAULT_FIT_FRACTION = 0.5


def _is_fraction(text: str) -> bool:
    if "." not in text:
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def resolve_fit_concepts(value, concepts, *, seed: int) -> tuple[str, ...] | None:
    """The fit concepts named by ``value``, in dataset order, or None for "all concepts" (no split).

    Parameters
    ----------
    value : str, float, sequence of str or None
        ``None`` / ``""``: no split. A float, or a string with a decimal point
        (``"0.5"``): that fraction of the concepts, chosen with ``seed``,
        rounded down. Otherwise comma-separated concept names (or a sequence),
        normalised and compared ignoring case as :func:`neuromem.data.names.concept_key` does.
    concepts : sequence of str
        Every concept of the dataset.
    seed : int
        Chooses the concepts of a fraction.

    Raises
    ------
    ValueError
        Unknown names, a bare number (``0``: neither a fraction nor a name), a
        fraction outside (0, 1), or a split leaving no fit concept or no novel concept.
    """
    concepts = tuple(concepts)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, (float, np.floating)) or (isinstance(value, str) and _is_fraction(value.strip())):
        frac = float(value)
        if not 0.0 < frac < 1.0:
            raise ValueError(f"--fit-concepts fraction {value} is out of range; give a fraction in (0, 1) such as "
                             f"0.5, or comma-separated concept names")
        n_fit = math.floor(frac * len(concepts))
        if n_fit < 1 or n_fit > len(concepts) - 1:
            raise ValueError(f"--fit-concepts {value} of {len(concepts)} concepts gives {n_fit} fit and "
                             f"{len(concepts) - n_fit} novel concepts; a split needs at least one concept on each "
                             f"side (choose a fraction between {1 / len(concepts):.3g} and "
                             f"{(len(concepts) - 1) / len(concepts):.3g})")
        rng = SeedTree(int(seed)).rng("concept_split")
        pick = set(rng.permutation(len(concepts))[:n_fit].tolist())
        return tuple(c for k, c in enumerate(concepts) if k in pick)
    names = [s.strip() for s in value.split(",")] if isinstance(value, str) else [str(s) for s in value]
    names = [s for s in names if s]
    by_key = {concept_key(c): c for c in concepts}
    unknown = [s for s in names if concept_key(s) not in by_key]
    if unknown and all(_is_number(u) for u in unknown):
        raise ValueError(f"--fit-concepts {','.join(names)} names no concept and is no fraction in (0, 1) (a "
                         f"fraction needs a decimal point, e.g. 0.5); give a fraction or comma-separated concept "
                         f"names such as {','.join(concepts[:2])}")
    if unknown:
        raise ValueError(f"--fit-concepts names unknown concepts {unknown}; the dataset's concepts are "
                         f"{list(concepts)}")
    chosen = {by_key[concept_key(s)] for s in names}
    fit = tuple(c for c in concepts if c in chosen)
    if not fit:
        raise ValueError("--fit-concepts names no concept; give names or a fraction such as 0.5")
    if len(fit) == len(concepts):
        raise ValueError(f"--fit-concepts {value!r} names every concept, which leaves no novel concept to bind; "
                         f"leave at least one concept out (or drop --fit-concepts for no split)")
    return fit


def novel_concepts(concepts, fit_concepts) -> tuple[str, ...]:
    """The concepts not in ``fit_concepts`` (empty when there is no split)."""
    if fit_concepts is None:
        return ()
    fit = set(fit_concepts)
    return tuple(c for c in concepts if c not in fit)
