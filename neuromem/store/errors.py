"""Errors raised by the concept store and by saved memories.

All derive from :class:`ValueError` (or :class:`KeyError` for unknown
concepts), so the command line reports them as one clear line.
"""

from __future__ import annotations

__all__ = ["StoreError", "CorruptStoreError", "NewerSchemaError", "UnknownConceptError", "MemoryMismatchError",
           "DerivedDataWarning"]


class StoreError(ValueError):
    """A store or memory folder cannot be used as asked."""


class CorruptStoreError(StoreError):
    """A file of a saved memory is truncated, bit-flipped or otherwise unreadable."""


class NewerSchemaError(StoreError):
    """The memory was written by a newer neuromem (higher schema version)."""


class MemoryMismatchError(StoreError):
    """A query or an item does not fit the memory (latent size, encoder configuration)."""


class UnknownConceptError(KeyError, ValueError):
    """A concept name the store does not hold (a ``KeyError`` for lookups, a ``ValueError`` for bad input)."""

    def __str__(self):  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else "unknown concept"


class DerivedDataWarning(UserWarning):
    """A derived file (the nearest-neighbour index) did not match its data and was rebuilt (the message says why)."""
