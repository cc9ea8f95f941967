"""From what trials show to what the input neurons receive: rates of a trial sequence, trials of given latents.

The protocol (:mod:`neuromem.protocols`) holds plain data: item indices into
a latent space. Turning those items into input rates needs the network's
population code, so it happens here, in the runtime layer, and data flows
down the pipeline only (protocol -> session -> network -> engine).
"""

from __future__ import annotations

import numpy as np

from neuromem.protocols import TrialSequence

__all__ = ["trial_rates", "stimulus_trials"]


def trial_rates(network, space, trials: TrialSequence) -> np.ndarray:
    """Input rates (Hz) of every trial of ``trials`` for ``network`` (an EngramNetwork), shape (n_trials, n_inputs).

    Trials showing the same modalities are coded together; a trial showing
    nothing gets the background rate on every input.
    """
    out = np.empty((len(trials), network.spec.n_inputs))
    present = np.stack([trials.items[m] >= 0 for m in trials.items], axis=1) if trials.items else \
        np.zeros((len(trials), 0), bool)
    for pattern in {tuple(p) for p in present}:
        rows = np.nonzero(np.all(present == np.array(pattern, dtype=bool), axis=1))[0]
        stim = trials.stimuli(space, rows)
        out[rows] = network.rates(stim) if stim else network.background()
    return out


def stimulus_trials(source, modalities, n_trials: int) -> tuple:
    """``(kind, labels, items)`` of the trials of ``source`` (for the stimulus epochs of a recording).

    A :class:`TrialSequence` gives its own; latents given directly are
    trials of unknown concept (label -1) showing those modalities (items -1);
    bare rates are trials of kind ``"rates"``.
    """
    if isinstance(source, TrialSequence):
        return source.kind, source.labels, source.items
    labels = np.full(n_trials, -1, dtype=np.int64)
    if isinstance(source, dict):
        kind = "together" if len(source) > 1 else next(iter(source))
        return np.full(n_trials, kind), labels, {m: np.full(n_trials, -1, dtype=np.int64) for m in modalities}
    return np.full(n_trials, "rates"), labels, {}
