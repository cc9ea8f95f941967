"""Assembling a Recording from a session's pieces: input drive split per population, runs joined end to end."""

from __future__ import annotations

import numpy as np

from neuromem.coding import SpikeTrains
from neuromem.io.epochs import StimulusEpochs
from neuromem.io.recording import MembraneTrace, Recording

__all__ = ["concatenate_recordings", "split_populations"]


def concatenate_recordings(parts, *, annotations: dict | None = None) -> Recording:
    """Join recordings in time: part ``k + 1`` starts where part ``k`` ends.

    Spike steps, membrane-trace start steps and epoch times of each part are
    shifted by the length of the parts before it.

    Parameters
    ----------
    parts : sequence of Recording
        On the same grid step, recording the same populations with the same
        sizes; a population's membrane trace, when recorded, must cover the
        same neurons in every part and run without gaps from one part into the next.
    annotations : dict, optional
        Annotations of the result (default: those of the first part).

    Returns
    -------
    Recording

    Raises
    ------
    ValueError
        For no parts, or parts that do not fit together (the message names what differs).
    """
    parts = list(parts)
    if not parts:
        raise ValueError("no recordings to concatenate")
    first = parts[0]
    offsets = np.cumsum([0] + [p.n_steps for p in parts])
    for k, p in enumerate(parts[1:], start=1):
        if p.dt_ms != first.dt_ms:
            raise ValueError(f"part {k} has dt_ms={p.dt_ms}; part 0 has {first.dt_ms}")
        sizes = {q: s.n_neurons for q, s in p.spikes.items()}
        if sizes != {q: s.n_neurons for q, s in first.spikes.items()}:
            raise ValueError(f"part {k} records spikes of {sizes}; part 0 of "
                             f"{ {q: s.n_neurons for q, s in first.spikes.items()} }")
        if set(p.v) != set(first.v) or (p.epochs is None) != (first.epochs is None):
            raise ValueError(f"part {k} records membrane potentials of {sorted(p.v)} and "
                             f"{'no' if p.epochs is None else ''} epochs; part 0 of {sorted(first.v)} and "
                             f"{'no' if first.epochs is None else ''} epochs")
    n_steps = int(offsets[-1])
    spikes = {q: SpikeTrains(indices=np.concatenate([p.spikes[q].indices for p in parts]),
                             steps=np.concatenate([p.spikes[q].steps + o for p, o in zip(parts, offsets)]),
                             n_neurons=first.spikes[q].n_neurons, n_steps=n_steps, dt_ms=first.dt_ms)
              for q in first.spikes}
    v = {}
    for q, tr in first.v.items():
        for k, (p, o) in enumerate(zip(parts, offsets)):
            t = p.v[q]
            if not np.array_equal(t.neurons, tr.neurons):
                raise ValueError(f"part {k} records v of neurons {t.neurons.tolist()} of {q!r}; part 0 of "
                                 f"{tr.neurons.tolist()}")
            if (k and t.start_step != 0) or (k < len(parts) - 1 and t.start_step + t.n_samples != p.n_steps):
                raise ValueError(f"v of {q!r} in part {k} leaves a gap (steps {t.start_step} to "
                                 f"{t.start_step + t.n_samples} of {p.n_steps}): it cannot be joined")
        v[q] = MembraneTrace(neurons=tr.neurons, v_mv=np.concatenate([p.v[q].v_mv for p in parts]),
                             dt_ms=first.dt_ms, start_step=tr.start_step)
    epochs = None
    if first.epochs is not None:
        mods = list(dict.fromkeys(m for p in parts for m in p.epochs.items))
        shift = [o * first.dt_ms for o in offsets[:-1]]

        def cat(field, shifted=False):
            return np.concatenate([getattr(p.epochs, field) + s if shifted else getattr(p.epochs, field)
                                   for p, s in zip(parts, shift)])

        epochs = StimulusEpochs(
            start_ms=cat("start_ms", True), stop_ms=cat("stop_ms", True), kind=cat("kind"), label=cat("label"),
            concept=cat("concept"), phase=cat("phase"),
            items={m: np.concatenate([p.epochs.items.get(m, np.full(len(p.epochs), -1)) for p in parts])
                   for m in mods})
    return Recording(dt_ms=first.dt_ms, n_steps=n_steps, spikes=spikes, v=v, epochs=epochs,
                     annotations=dict(first.annotations if annotations is None else annotations))


def split_populations(spikes: SpikeTrains, sizes: dict) -> dict[str, SpikeTrains]:
    """Cut spike trains of consecutive populations apart (e.g. an engine's input drive into ``input/<modality>``).

    Parameters
    ----------
    spikes : SpikeTrains
        Spikes of all populations, neuron indices running through them in order.
    sizes : dict of str -> int
        Population name -> number of neurons, in index order; the sizes must add up to ``spikes.n_neurons``.

    Returns
    -------
    dict of str -> SpikeTrains
        Each population's spikes with its own neuron indices (from 0).

    Raises
    ------
    ValueError
        If the sizes do not add up to ``spikes.n_neurons``.
    """
    if sum(sizes.values()) != spikes.n_neurons:
        raise ValueError(f"population sizes {dict(sizes)} add up to {sum(sizes.values())}, not the "
                         f"{spikes.n_neurons} neurons of the spike trains")
    out, lo = {}, 0
    for name, n in sizes.items():
        mine = (spikes.indices >= lo) & (spikes.indices < lo + n)
        out[name] = SpikeTrains(indices=spikes.indices[mine] - lo, steps=spikes.steps[mine], n_neurons=n,
                                n_steps=spikes.n_steps, dt_ms=spikes.dt_ms)
        lo += n
    return out
