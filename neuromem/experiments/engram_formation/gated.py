"""Novelty-gated learning phase of the engram experiment (``--novelty-gate``; off by default).

The learning presentations are shown one at a time. Before each, the
network's own response to the presentation's picture alone (learning off,
``input_spikes/gate_cue/<i>``) is read: the spike count of the engram formed
so far that answers it most (:func:`neuromem.analysis.novelty.engram_response`).

* **new** (response below :data:`FAMILIAR_MIN_SPIKES`): the presentation
  recruits new concept neurons: it runs with STDP on while every neuron that
  already belongs to an engram is held :data:`SUPPRESS_MV` below its
  resting drive (a constant bias), so only free neurons can win; those that
  fire become the engram of the presentation's concept (one-shot).
* **familiar**: the presentation runs with STDP on and no bias, strengthening
  the engram that answered; the neurons that fire join that engram
  (extending it), whichever concept the presentation belongs to.

The decoder's match error does not enter here: the decoder is frozen during
the experiment, so a picture's match error is the same at its first and at
its tenth presentation and cannot tell them apart (with a concept split it is
high for every learned concept). It gates ``memory add``
(:mod:`neuromem.store.adding`), where the question is whether a concept was
learned before at all. Metrics: ``novelty_gate_*`` (see :func:`gated_train`).
"""

from __future__ import annotations

import numpy as np

from neuromem.analysis.novelty import engram_response
from neuromem.coding import SpikeTrains

__all__ = ["FAMILIAR_MIN_SPIKES", "SUPPRESS_MV", "gated_train"]

#: Engram spikes to the picture alone (one stimulus window) from which a presentation counts as familiar.
FAMILIAR_MIN_SPIKES = 3
#: Bias (mV) holding the neurons of existing engrams below threshold while new neurons are recruited.
SUPPRESS_MV = 40.0


def gated_train(session, space, train, seeds) -> tuple[np.ndarray, SpikeTrains, dict]:
    """Run the learning trials ``train`` one by one through the gate (module docstring).

    Returns
    -------
    (counts (n_trials, n_neurons), spikes, metrics)
        The concept spike counts of every learning trial, the concept spikes of the whole phase, and
        ``novelty_gate_recruited`` (presentations that recruited), ``novelty_gate_familiar``, ``novelty_gate_first_presentation_new`` (share of concepts
        whose first presentation recruited), ``novelty_gate_repeat_familiar`` (share of later presentations
        found familiar), ``novelty_gate_familiar_other_concept`` (share of familiar presentations answered by
        another concept's engram), ``novelty_gate_engram_sizes``.
    """
    net = session.network
    engine = net.engine
    rates = session.rates(train)
    windows = train.windows_ms()
    per, win = session.spec.sim.steps_per_trial, session.spec.sim.stimulus_steps
    n = session.spec.concept.n_neurons
    pic_items = train.items["picture"]
    engrams: dict[int, set] = {}
    seen, out, idx, steps, n_steps = set(), [], [], [], 0
    recruited = familiar = first_new = repeat_fam = n_repeat = other = 0
    for i in range(len(train)):
        k = int(train.labels[i])
        order = sorted(engrams)
        cue = session.test({"picture": space["picture"].latents[pic_items[i]][None]},
                           rng=seeds.rng("input_spikes", "gate_cue", i)).counts
        best, resp = engram_response(cue, [sorted(engrams[c]) for c in order])
        is_new = resp[0] < FAMILIAR_MIN_SPIKES
        bias = np.zeros(n)
        if is_new:
            taken = sorted(set().union(*engrams.values())) if engrams else []
            bias[taken] = -SUPPRESS_MV
        drive = net.drive(rates[i:i + 1], seed=seeds.rng("input_spikes", "train", i), windows_ms=windows)
        res = engine.run(drive, plastic=True, bias_mv=bias)
        counts = res.counts(per, window_steps=win)[0]
        idx.append(np.asarray(res.indices))
        steps.append(np.asarray(res.steps) + i * int(res.n_steps))
        n_steps += int(res.n_steps)
        fired = set(np.flatnonzero(counts).tolist())
        if is_new:
            recruited += 1
            engrams.setdefault(k, set()).update(fired)
        else:
            familiar += 1
            owner = order[int(best[0])]
            other += owner != k
            engrams[owner].update(fired)
        if k in seen:
            n_repeat += 1
            repeat_fam += not is_new
        else:
            first_new += is_new
            seen.add(k)
        out.append(counts)
    n_c = len(seen)
    spikes = SpikeTrains(indices=np.concatenate(idx), steps=np.concatenate(steps), n_neurons=n, n_steps=n_steps,
                         dt_ms=session.spec.sim.dt_ms)
    return np.asarray(out), spikes, {
        "novelty_gate_recruited": int(recruited), "novelty_gate_familiar": int(familiar),
        "novelty_gate_first_presentation_new": float(first_new / n_c) if n_c else None,
        "novelty_gate_repeat_familiar": float(repeat_fam / n_repeat) if n_repeat else None,
        "novelty_gate_familiar_other_concept": float(other / familiar) if familiar else None,
        "novelty_gate_engram_sizes": {space.concepts[c]: len(e) for c, e in sorted(engrams.items())},
        "novelty_gate_familiar_min_spikes": FAMILIAR_MIN_SPIKES, "novelty_gate_suppress_mv": SUPPRESS_MV,
    }
