"""One helper for the small networks built in code: one input population, given neurons and mechanisms."""

from __future__ import annotations

from neuromem.coding.population import PopulationCode
from neuromem.network.layers import ConceptLayer, LatentPopulation, SimConfig
from neuromem.network.mechanisms import standard_mechanisms
from neuromem.network.spec import NetworkSpec

__all__ = ["one_population_spec"]


def one_population_spec(n_inputs: int, concept: ConceptLayer, *, mechanisms=None, sim: SimConfig = SimConfig(),
                        modality: str = "picture", name: str = "custom") -> NetworkSpec:
    """A network whose input is one population of ``n_inputs`` neurons (one per latent dimension).

    The networks neuromem builds in code rather than from a preset (the
    readout populations, the validation probes, the benchmark network) are
    all of this shape: it spares each of them restating the population and
    code sizes, and lists the mechanisms it has in one place.

    Parameters
    ----------
    n_inputs : int
        Input neurons (``latent_dim``, with one neuron per dimension), 1 to 100000.
    concept : ConceptLayer
        The LIF layer.
    mechanisms : sequence of Mechanism, optional
        The network's mechanisms (exactly one input-plasticity rule); default
        the standard four with default values.
    sim : SimConfig
        Time grid and trials.
    modality : str
        Name of the input population.
    name : str
        Name of the network.

    Raises
    ------
    ValueError, TypeError
        As :class:`~neuromem.network.NetworkSpec` and its parts.
    """
    return NetworkSpec(
        populations=(LatentPopulation(modality=modality, latent_dim=n_inputs, neurons_per_dim=1),),
        coding=PopulationCode(neurons_per_dim=1), concept=concept,
        mechanisms=standard_mechanisms() if mechanisms is None else tuple(mechanisms), sim=sim, name=name)
