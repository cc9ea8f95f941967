"""neuromem: memory engrams and concept cells, from pictures and names to spiking concept neurons.

The pipeline, one package per stage: a concept dataset (:mod:`neuromem.data`)
is encoded into a shared latent space (:mod:`neuromem.encoders`,
:class:`LatentSpace`); latents become population rates and Poisson spikes
(:mod:`neuromem.coding`) that drive a spiking concept layer with STDP
(:mod:`neuromem.network` describes it once, :mod:`neuromem.engines` run it);
a runtime :class:`Session` trains and tests it on the public trial protocol
(:mod:`neuromem.protocols`); the concept store keeps whole memories
(:mod:`neuromem.store`); experiments (:mod:`neuromem.experiments`) write
results and recordings (:mod:`neuromem.io`) that :mod:`neuromem.viz` draws
and ``neuromem export`` turns into Neo or NWB. The ``neuromem`` command is
:mod:`neuromem.cli`.

The main API, importable from here (each name is imported when first used,
so ``import neuromem`` stays light)::

    import neuromem

    dataset = neuromem.load_dataset("digits")
    space = neuromem.encode_dataset(dataset, seed=3).space          # a LatentSpace
    net = neuromem.EngramNetwork.from_latent_space(space, engine="numba", seed=3)
    memory = neuromem.learn(dataset)                                  # a Memory; .save(folder)
    memory = neuromem.load_memory("my_memory")                        # .recall_name("seven")
    neuromem.export_results("results/run", "nwb")

Seeds: every random number comes from a named child of one :class:`SeedTree`
per run (seeds 0-2 tune, 3-7 report).
"""

from __future__ import annotations

import importlib

#: name -> module it lives in (imported on first use).
_API = {
    "load_dataset": "neuromem.data", "ConceptDataset": "neuromem.data", "register_dataset": "neuromem.data",
    "encode_dataset": "neuromem.encoders", "EncoderConfig": "neuromem.encoders", "EncodeRequest": "neuromem.encoders",
    "LatentSpace": "neuromem.latents",
    "load_preset": "neuromem.network", "NetworkSpec": "neuromem.network",
    "make_engine": "neuromem.engines", "engine_names": "neuromem.engines",
    "EngramNetwork": "neuromem.engram",
    "Session": "neuromem.session",
    "make_binder": "neuromem.binding", "binder_names": "neuromem.binding",
    "learn": "neuromem.store", "load_memory": "neuromem.store", "LearnConfig": "neuromem.store",
    "ConceptStore": "neuromem.store",
    "Results": "neuromem.io", "Recording": "neuromem.io", "export_results": "neuromem.io",
    "SeedTree": "neuromem.seeds",
}

__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        value = getattr(importlib.import_module(_API[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'neuromem' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_API))
