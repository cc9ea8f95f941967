"""Binders: learners that link the latents of one concept across modalities, chosen by name.

``stdp`` (the spiking concept-cell network, Hebbian), ``surrogate`` (the same
spiking architecture trained by backprop through time), ``contrastive``
(CLIP-style InfoNCE), ``readout`` (softmax concept units, cross-entropy) and
``hopfield`` (modern Hopfield key-value memory, Hebbian) share one interface
(:class:`~neuromem.binding.base.Binder`). A new binder is a module plus one
:func:`register_binder` line below.
"""

from neuromem.binding.base import (
    COST_KINDS,
    PHASES,
    Binder,
    BindingPresentation,
    CostCounter,
    RecallResult,
    binder_class,
    binder_names,
    check_presentations,
    hash_presentations,
    make_binder,
    register_binder,
)

__all__ = ["COST_KINDS", "PHASES", "Binder", "BindingPresentation", "CostCounter", "RecallResult", "binder_class",
           "binder_names", "check_presentations", "hash_presentations", "make_binder", "register_binder"]

register_binder("hopfield", "neuromem.binding.hopfield:HopfieldBinder")
register_binder("readout", "neuromem.binding.readout:ReadoutBinder", requires=("torch",))
register_binder("contrastive", "neuromem.binding.contrastive:ContrastiveBinder", requires=("torch",))
register_binder("stdp", "neuromem.binding.stdp:STDPBinder")
register_binder("surrogate", "neuromem.binding.surrogate:SurrogateBinder", requires=("torch", "norse"))
