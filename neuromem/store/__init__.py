"""The concept store: a persistent hippocampal index over the latent spaces.

* :mod:`neuromem.store.concepts`: :class:`ConceptNode`, :class:`ConceptStore`
  (locality through an ANN index, hierarchy and association graphs, SQLite).
* :mod:`neuromem.store.index`: the FAISS index (derived data with a stamp).
* :mod:`neuromem.store.persist`: crash-safe whole-memory commits
  (generation folders + an atomically replaced pointer file).
* :mod:`neuromem.store.learning`: :func:`learn` (encode a dataset, form
  engrams with a neuron of its own per concept, build the store).
* :mod:`neuromem.store.memory`: whole memories (encoders, network, store)
  saved, loaded and queried; :mod:`neuromem.store.recall` (the answers and
  their keys), :mod:`neuromem.store.adding` (one more picture),
  :mod:`neuromem.store.encoders` (a memory's encoders from their saved state).
"""

from neuromem.store.concepts import ConceptNode, ConceptStore, Lookup
from neuromem.store.errors import (
    CorruptStoreError,
    MemoryMismatchError,
    NewerSchemaError,
    StoreError,
    UnknownConceptError,
)
from neuromem.store.index import IndexParams, LatentIndex
from neuromem.store.learning import LearnConfig, learn
from neuromem.store.memory import Memory, load_memory

__all__ = ["ConceptNode", "ConceptStore", "CorruptStoreError", "IndexParams", "LatentIndex", "LearnConfig", "Lookup",
           "Memory", "MemoryMismatchError", "NewerSchemaError", "StoreError", "UnknownConceptError", "learn",
           "load_memory"]
