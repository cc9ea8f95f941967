"""The mechanisms of the concept layer as declared objects (see :mod:`.base`).

* :class:`PairSTDP` -- section ``[pair_stdp]`` (older ``[stdp]``), input plasticity
* :class:`HebbianFeedback` -- ``[hebbian_feedback]`` (older ``[feedback]``), feedback
* :class:`ThresholdSpread` -- ``[threshold_spread]``, excitability
* :class:`AdaptiveThreshold` -- ``[adaptive_threshold]`` (older ``[homeostasis]``), homeostasis
* :class:`LateralInhibition` -- ``[lateral_inhibition]`` (older ``[inhibition]``), inhibition
* :class:`KWinnersTakeAll` -- ``[k_winners_take_all]``, inhibition

Which engine builds which: :data:`neuromem.engines.builders.BUILDERS`.
"""

from neuromem.network.mechanisms.base import (
    MECHANISMS,
    ROLES,
    Mechanism,
    canonical_section,
    check_int,
    mechanism_class,
    mechanism_seed,
    register_mechanism,
    standard_mechanisms,
)
from neuromem.network.mechanisms.plasticity import STDP, Feedback, HebbianFeedback, PairSTDP  # noqa: I001
from neuromem.network.mechanisms.excitability import AdaptiveThreshold, Homeostasis, ThresholdSpread
from neuromem.network.mechanisms.inhibition import (
    MAX_DT_FOR_INHIBITION_MS,
    Inhibition,
    KWinnersTakeAll,
    LateralInhibition,
)

__all__ = ["MECHANISMS", "ROLES", "Mechanism", "canonical_section", "check_int", "mechanism_class",
           "mechanism_seed", "register_mechanism", "standard_mechanisms", "PairSTDP", "HebbianFeedback",
           "AdaptiveThreshold", "ThresholdSpread", "LateralInhibition", "KWinnersTakeAll",
           "MAX_DT_FOR_INHIBITION_MS", "STDP", "Feedback", "Homeostasis", "Inhibition"]
