"""Associations formed by pairing become a memory's association links, with strength."""

from __future__ import annotations

from neuromem.store.associations import MIN_PAIRING_STRENGTH, pairing_strengths
from neuromem.store.memory import load_memory
from neuromem.store.persist import check_writable

__all__ = ["add_pairing_associations"]


def add_pairing_associations(memory_dir, metrics: dict) -> tuple[list, str]:
    """Add the pairs of a concept-association run that formed (strength >= :data:`MIN_PAIRING_STRENGTH`) as
    association links with strength to the memory in ``memory_dir``; save a new generation.

    Returns
    -------
    added : list of str
        ``"a -- b (strength)"`` of every link added or updated.
    generation : str
        The saved generation's name.

    Raises
    ------
    ValueError
        When the memory holds none of the run's paired concepts (learned on other concepts).
    """
    mem = load_memory(memory_dir)
    check_writable(memory_dir)
    strengths = pairing_strengths(metrics)
    known = {k: v for k, v in strengths.items() if k[0] in mem.store and k[1] in mem.store}
    if strengths and not known:
        raise ValueError(f"the memory in {memory_dir} holds none of the paired concepts "
                         f"({sorted({c for k in strengths for c in k})}); learn it on the same dataset")
    added = []
    for (a, b), v in sorted(known.items()):
        if v >= MIN_PAIRING_STRENGTH:
            mem.store.associate(a, b, strength=v)
            added.append(f"{a} -- {b} ({v:.2f})")
    gen = mem.save(memory_dir)
    return added, gen.name
