"""Binders: learners that link the latents of one concept across modalities, chosen by name.

``stdp`` (the spiking concept-cell network, Hebbian), ``stdp-human-mtl`` (the
same on the distributed regime of preset ``human-mtl``), ``surrogate`` (the same
spiking architecture trained by backprop through time), ``contrastive``
(CLIP-style InfoNCE), ``softmax`` (softmax concept units, cross-entropy; its
old name ``readout`` works for one release, with a warning) and
``hopfield`` (modern Hopfield key-value memory, Hebbian) share one interface
(:class:`~neuromem.binding.base.Binder`). A new binder is a module whose class
declares its :class:`~neuromem.binding.traits.BinderTraits`, plus one
:func:`register_binder` line below; the lines' order is the comparison's
default order.
"""

from neuromem.binding.base import (
    COST_KINDS,
    PHASES,
    Binder,
    BindingPresentation,
    CostCounter,
    RecallResult,
    as_generator,
    check_presentations,
    hash_presentations,
)
from neuromem.binding.registry import (
    ALIASES,
    BINDERS,
    BinderEntry,
    binder_class,
    binder_names,
    binder_traits,
    default_binder_names,
    make_binder,
    register_alias,
    register_binder,
    resolve_binder_name,
)
from neuromem.binding.traits import FAMILIES, BinderTraits, CapacityLimit

__all__ = ["ALIASES", "BINDERS", "COST_KINDS", "FAMILIES", "PHASES", "Binder", "BinderEntry", "BinderTraits",
           "BindingPresentation", "CapacityLimit", "CostCounter", "RecallResult", "as_generator", "binder_class",
           "binder_names", "binder_traits", "check_presentations", "default_binder_names", "hash_presentations", "make_binder",
           "register_alias", "register_binder", "resolve_binder_name"]

register_binder("stdp", "neuromem.binding.stdp:STDPBinder")
register_binder("stdp-human-mtl", "neuromem.binding.stdp:HumanMTLBinder")
register_binder("surrogate", "neuromem.binding.surrogate:SurrogateBinder", requires=("torch", "norse"))
register_binder("softmax", "neuromem.binding.softmax:SoftmaxBinder", requires=("torch",))
register_binder("contrastive", "neuromem.binding.contrastive:ContrastiveBinder", requires=("torch",))
register_binder("hopfield", "neuromem.binding.hopfield:HopfieldBinder")
# run only when named in --binders (BPTT over the preset's 2,000 steps per trial; see its module)
register_binder("surrogate-matched", "neuromem.binding.surrogate_matched:MatchedSurrogateBinder",
                requires=("torch", "norse"), default=False)
register_binder("surrogate-matched-100", "neuromem.binding.surrogate_matched:MatchedSurrogateBinder100",
                requires=("torch", "norse"), default=False)
register_alias("readout", "softmax")  # its old name, until the next release
