"""What a run should record: a frozen request the runtime session accepts (PyNN's ``record([...])``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from neuromem.io.recording import check_population_name

__all__ = ["INPUT_PREFIX", "RecordingRequest"]

#: Input populations are named ``"input/<modality>"``.
INPUT_PREFIX = "input/"


@dataclass(frozen=True, kw_only=True)
class RecordingRequest:
    """Which populations' spikes, which neurons' membrane potential, and whether input spikes, to record.

    Parameters
    ----------
    spikes : tuple of str
        Populations whose spikes to record (``"concept"``, ``"readout/name"``,
        ``"input/picture"``, ...). Default: the concept layer only.
    input_spikes : bool
        Also record the spikes of every input population (``"input/<modality>"``).
    v : mapping of str -> sequence of int
        Per population, the neurons whose membrane potential to record
        every step (``{"concept": range(10)}``; kept as a dict of tuples).
        Default: none.
    epochs : bool
        Record the stimulus epoch of every trial.

    Raises
    ------
    ValueError
        For a bad or repeated population name, an empty or repeated neuron
        list, or a negative neuron index.

    Examples
    --------
    >>> request = RecordingRequest(spikes=("concept", "readout/name"), input_spikes=True, v={"concept": [0, 1, 2]})
    >>> request.spike_populations(["concept", "input/picture", "input/name", "readout/name"])
    ['concept', 'input/picture', 'input/name', 'readout/name']
    """

    spikes: tuple = ("concept",)
    input_spikes: bool = False
    v: dict = field(default_factory=dict)
    epochs: bool = True

    def __post_init__(self):
        if isinstance(self.spikes, str):
            raise ValueError(f"spikes={self.spikes!r} must be a tuple of population names, not one string")
        pops = tuple(check_population_name(p) for p in self.spikes)
        if len(set(pops)) != len(pops):
            raise ValueError(f"spikes={pops!r} names a population twice")
        for name in ("input_spikes", "epochs"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name}={getattr(self, name)!r} must be True or False")
        v = {}
        for pop, ids in dict(self.v).items():
            check_population_name(pop)
            a = np.asarray(list(ids))
            if a.ndim != 1 or not len(a) or a.dtype.kind not in "iu" or a.min() < 0 or len(np.unique(a)) != len(a):
                raise ValueError(f"v[{pop!r}] must list distinct neuron indices >= 0 (at least one); got {ids!r}")
            v[pop] = tuple(int(i) for i in a)
        object.__setattr__(self, "spikes", pops)
        object.__setattr__(self, "v", v)

    def __hash__(self) -> int:
        return hash((self.spikes, self.input_spikes, tuple(sorted(self.v.items())), self.epochs))

    def to_dict(self) -> dict:
        """The request as JSON-able data (e.g. for a recording's annotations)."""
        return {"spikes": list(self.spikes), "input_spikes": self.input_spikes,
                "v": {p: list(ids) for p, ids in self.v.items()}, "epochs": self.epochs}

    def spike_populations(self, known) -> list[str]:
        """The populations whose spikes to record, among the ``known`` ones of a network (inputs expanded).

        Raises
        ------
        ValueError
            If the request names a population (for spikes or ``v``) that ``known`` lacks (the message lists them).
        """
        self.check(known)
        known = list(known)
        inputs = [p for p in known if p.startswith(INPUT_PREFIX)] if self.input_spikes else []
        return [p for p in known if p in self.spikes or p in inputs]

    def v_neurons(self, population: str) -> np.ndarray | None:
        """Neurons of ``population`` whose membrane potential to record (int64 array), or None."""
        ids = self.v.get(population)
        return None if ids is None else np.asarray(ids, dtype=np.int64)

    def check(self, known) -> None:
        """Raise ValueError naming every requested population that is not among ``known``."""
        known = set(known)
        unknown = sorted((set(self.spikes) | set(self.v)) - known)
        if unknown:
            raise ValueError(f"cannot record populations {unknown}: this network has {sorted(known)}")
