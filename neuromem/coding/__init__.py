"""Rate coding: latent vectors -> population firing rates -> seeded Poisson spikes."""

from neuromem.coding.population import (
    MAX_RATE_HZ,
    LatentSquash,
    PopulationCode,
    check_latents,
    decode_rates,
    encode_rates,
)
from neuromem.coding.spikes import SpikeTrains, poisson_trials

__all__ = [
    "MAX_RATE_HZ",
    "LatentSquash",
    "PopulationCode",
    "SpikeTrains",
    "check_latents",
    "decode_rates",
    "encode_rates",
    "poisson_trials",
]
