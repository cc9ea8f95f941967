"""Plastic synapses: pair STDP of the latent->concept weights, Hebbian growth of the concept->latent feedback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from neuromem.coding.population import _check_range
from neuromem.network.mechanisms.base import Mechanism, register_mechanism

__all__ = ["PairSTDP", "HebbianFeedback", "STDP", "Feedback"]


@register_mechanism
@dataclass(frozen=True, kw_only=True)
class PairSTDP(Mechanism):
    """Plastic latent->concept synapses: pair-based STDP with all-to-all traces.

    Additive pair-based STDP after Song, Miller & Abbott (2000), Nat.
    Neurosci. 3:919; bounded in ``[0, w_max]``. With ``Delta = t_post - t_pre``:

    .. math::

        \\Delta w = w_\\max A_+ e^{-\\Delta/\\tau_+}\\ (\\Delta > 0), \\qquad
        \\Delta w = -w_\\max A_- e^{\\Delta/\\tau_-}\\ (\\Delta < 0),

    clipped to ``[0, w_max]``. With ``normalisation = "subtractive"`` the
    potentiation at a post spike is made zero-sum within each modality:
    ``Delta w_ij = w_max A_+ (x_i - mean_k x_k)`` where ``x`` are the
    presynaptic traces of that modality (homeostatic weight normalisation,
    which keeps each modality's total input to a neuron constant up to
    clipping). The rule also sets the range of these weights (initial mean
    and ``w_max``). Preset section ``[pair_stdp]`` (older name ``[stdp]``).

    Parameters
    ----------
    tau_plus_ms, tau_minus_ms : float
        Trace time constants for potentiation / depression, ms, (0, 1000].
    a_plus, a_minus : float
        Amplitudes as fractions of ``w_max`` per spike pair, [0, 1].
    init_weight_sum_mv : float
        Expected sum of the initial weights onto one concept neuron from one
        modality, mV, (0, 1e5]; the mean initial weight is this divided by
        the modality's population size.
    init_weight_spread : float
        Initial weights are uniform in ``mean * [1 - spread, 1 + spread]``, [0, 1].
    w_max_over_mean : float
        ``w_max`` as a multiple of the mean initial weight, (1, 1e4].
    normalisation : str
        ``"subtractive"`` (zero-sum potentiation per modality) or ``"none"``.
    """

    section: ClassVar[str] = "pair_stdp"
    aliases: ClassVar[tuple[str, ...]] = ("stdp",)
    role: ClassVar[str] = "input plasticity"
    standard: ClassVar[bool] = True

    tau_plus_ms: float = 20.0
    tau_minus_ms: float = 20.0
    a_plus: float = 0.05
    a_minus: float = 0.01
    init_weight_sum_mv: float = 175.0
    init_weight_spread: float = 0.5
    w_max_over_mean: float = 8.0
    normalisation: str = "subtractive"

    def __post_init__(self):
        for f in ("tau_plus_ms", "tau_minus_ms"):
            _check_range("PairSTDP", f, getattr(self, f), 0, 1000, lo_open=True)
        for f in ("a_plus", "a_minus", "init_weight_spread"):
            _check_range("PairSTDP", f, getattr(self, f), 0, 1)
        _check_range("PairSTDP", "init_weight_sum_mv", self.init_weight_sum_mv, 0, 1e5, lo_open=True)
        _check_range("PairSTDP", "w_max_over_mean", self.w_max_over_mean, 1, 1e4, lo_open=True)
        if self.normalisation not in ("subtractive", "none"):
            raise ValueError(f"PairSTDP.normalisation={self.normalisation!r}; allowed ('subtractive', 'none')")

    @property
    def subtractive(self) -> bool:
        """Whether potentiation is made zero-sum within each modality."""
        return self.normalisation == "subtractive"

    def time_constants_ms(self) -> dict[str, float]:
        return {"PairSTDP.tau_plus_ms": self.tau_plus_ms, "PairSTDP.tau_minus_ms": self.tau_minus_ms}

    def synaptic_events(self, *, n_inputs, n_neurons, input_spikes, concept_spikes, plastic) -> int:
        """While learning: a depression of the ``n_neurons`` weights of every input spike's row and a
        potentiation of the ``n_inputs`` weights of every concept spike's column."""
        return input_spikes * n_neurons + concept_spikes * n_inputs if plastic else 0

    def normalise_step(self, step, row_slices):
        """A weight step ``step (n_inputs, n_neurons)`` under this rule's normalisation (in place, returned).

        Subtractive: within each modality's rows (``row_slices``, one slice
        per modality) every neuron's step is made zero-sum, as the rule
        makes its potentiation zero-sum; ``"none"``: unchanged. Works on
        numpy arrays and torch tensors alike.
        """
        if self.subtractive:
            for rows in row_slices:
                step[rows] -= step[rows].mean(0)[None]
        return step


@register_mechanism
@dataclass(frozen=True, kw_only=True)
class HebbianFeedback(Mechanism):
    """Plastic concept->latent feedback synapses used for recall.

    Hebbian growth (Hebb 1949, *The Organization of Behavior*) with a soft
    upper bound, read out for pattern completion: the feedback weights
    ``f_ji`` (dimensionless, in ``[0, f_max]``) grow from the latent neurons'
    recent activity at each concept spike, ``f_ji += a_fb x_i (f_max -
    f_ji)`` when concept neuron ``j`` fires, where ``x_i`` is latent neuron
    ``i``'s trace (decay ``tau_fb_ms``, +1 per spike). They do not act on the
    dynamics. Preset section ``[hebbian_feedback]`` (older name ``[feedback]``).

    Parameters
    ----------
    a_fb : float
        Growth per concept spike and unit of latent trace, as a fraction of
        the remaining range, [0, 1].
    tau_fb_ms : float
        Latent-neuron trace time constant, ms, (0, 1000].
    f_max : float
        Upper bound of a feedback weight (dimensionless), (0, 1e3].
    init_weight_max : float
        Initial feedback weights are uniform in ``[0, init_weight_max]``
        (dimensionless), ``[0, f_max]``: an untrained network completes a
        cue through the same synapses as a trained one, into an unstructured
        pattern.
    """

    section: ClassVar[str] = "hebbian_feedback"
    aliases: ClassVar[tuple[str, ...]] = ("feedback",)
    role: ClassVar[str] = "feedback"
    standard: ClassVar[bool] = True

    a_fb: float = 0.005
    tau_fb_ms: float = 20.0
    f_max: float = 1.0
    init_weight_max: float = 0.0

    def __post_init__(self):
        _check_range("HebbianFeedback", "a_fb", self.a_fb, 0, 1)
        _check_range("HebbianFeedback", "tau_fb_ms", self.tau_fb_ms, 0, 1000, lo_open=True)
        _check_range("HebbianFeedback", "f_max", self.f_max, 0, 1e3, lo_open=True)
        _check_range("HebbianFeedback", "init_weight_max", self.init_weight_max, 0, self.f_max)

    def time_constants_ms(self) -> dict[str, float]:
        return {"HebbianFeedback.tau_fb_ms": self.tau_fb_ms}

    def synaptic_events(self, *, n_inputs, n_neurons, input_spikes, concept_spikes, plastic) -> int:
        """While learning: every concept spike grows its ``n_inputs`` feedback weights."""
        return concept_spikes * n_inputs if plastic else 0


#: Older names of the same classes (kept for presets, results files and user code).
STDP = PairSTDP
Feedback = HebbianFeedback
