"""Analytic references (LIF rate, STDP window) and helpers that measure engines against them."""

from neuromem.validation.analytic import lif_rate_hz, psp_peak_factor, stdp_window
from neuromem.validation.measure import measure_lif_rates, measure_stdp_window, validation_spec

__all__ = ["lif_rate_hz", "measure_lif_rates", "measure_stdp_window", "psp_peak_factor", "stdp_window",
           "validation_spec"]
