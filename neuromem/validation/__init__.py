"""Analytic references (LIF rate, STDP window), helpers that measure engines, synthetic latent spaces."""

from neuromem.validation.analytic import (
    lif_rate_hz,
    membrane_relaxation_mv,
    psp_peak_factor,
    stdp_window,
    winners_over_limit,
)
from neuromem.validation.measure import measure_lif_rates, measure_stdp_window, validation_spec
from neuromem.validation.synthetic import synthetic_latent_space

__all__ = ["lif_rate_hz", "measure_lif_rates", "measure_stdp_window", "membrane_relaxation_mv", "psp_peak_factor",
           "stdp_window", "synthetic_latent_space", "validation_spec", "winners_over_limit"]
