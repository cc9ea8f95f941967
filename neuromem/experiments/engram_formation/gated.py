"""Novelty-gated learning phase of the engram experiment (``--novelty-gate``; off by default).

The learning presentations are shown one at a time. Before each, the
network's own response to the presentation's picture alone (learning off,
``input_spikes/gate_cue/<i>``) is read, and two signals decide:

* the **engram response**: the spike count of the engram formed so far that
  answers the cue most (:func:`neuromem.analysis.novelty.engram_response`);
* the **reconstruction match**: the network's own prediction of the cue, the
  feedback drive of the cue's concept spikes onto the picture population
  (``counts @ w_fb["picture"]``, :func:`neuromem.analysis.recall.complete_pattern`),
  correlated (Pearson) with the cue's picture input rates. Every trained
  neuron answers any picture once it holds the strongest weights of the
  layer, so the response alone cannot tell a new digit from a known one; the
  reconstruction of a known concept looks like the cue, that of another
  concept's engram does not (the seed's prediction signal, read from the
  network's own feedback weights).

* **new** (response below :data:`FAMILIAR_MIN_SPIKES`, or match below
  :data:`MATCH_MIN`): the presentation recruits new concept neurons: it runs
  with STDP on while every neuron that already belongs to an engram is held
  :data:`SUPPRESS_MV` below its resting drive (a constant bias), so only free
  neurons can win; those that fire become the engram of the presentation's
  concept (one-shot).
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

from neuromem.analysis.novelty import auc, engram_response
from neuromem.analysis.recall import complete_pattern
from neuromem.coding import SpikeTrains

__all__ = ["FAMILIAR_MIN_SPIKES", "MATCH_MIN", "SUPPRESS_MV", "gated_train", "reconstruction_match"]

#: Engram spikes to the picture alone (one stimulus window) from which a presentation counts as familiar.
FAMILIAR_MIN_SPIKES = 3
#: Reconstruction match (Pearson r of the cue's picture input and the network's feedback reconstruction of it)
#: below which a cue is new: on digits tuning seeds 0-2 (3 presentations) a concept's first presentation gave at
#: most 0.13 and a repeat at least 0.41; the midpoint (docs/results/novelty-gate.md).
MATCH_MIN = 0.27
#: Bias (mV) holding the neurons of existing engrams below threshold while new neurons are recruited.
SUPPRESS_MV = 40.0


def reconstruction_match(cue_rates, counts, w_fb) -> float:
    """Pearson correlation of a cue's input rates and the network's feedback reconstruction of them.

    Parameters
    ----------
    cue_rates : ndarray (n_inputs,)
        Input rates (Hz) of the cue's population.
    counts : ndarray (n_neurons,)
        Concept spike counts of the cue alone.
    w_fb : ndarray (n_neurons, n_inputs)
        Learned feedback weights onto that population.

    Returns
    -------
    float
        In [-1, 1]; -1 when no neuron fired or either pattern is flat (nothing reconstructed).
    """
    x = np.asarray(cue_rates, dtype=np.float64).ravel()
    y = complete_pattern(np.asarray(counts, dtype=np.float64)[None], w_fb)[0]
    if x.shape != y.shape:
        raise ValueError(f"cue rates {x.shape} and reconstruction {y.shape} must have one shape")
    if not np.any(counts) or x.std() == 0 or y.std() == 0:
        return -1.0
    return float(np.corrcoef(x, y)[0, 1])


def gated_train(session, space, train, seeds, *, match_min: float | None = None
                ) -> tuple[np.ndarray, SpikeTrains, dict]:
    """Run the learning trials ``train`` one by one through the gate (module docstring).

    ``match_min``: the reconstruction match below which a cue is new (default :data:`MATCH_MIN`; ``-inf``: the
    match is ignored and the engram response alone decides).

    Returns
    -------
    (counts (n_trials, n_neurons), spikes, metrics)
        The concept spike counts of every learning trial, the concept spikes of the whole phase, and
        ``novelty_gate_recruited`` (presentations that recruited), ``novelty_gate_familiar``, ``novelty_gate_first_presentation_new`` (share of concepts
        whose first presentation recruited), ``novelty_gate_repeat_familiar`` (share of later presentations
        found familiar), ``novelty_gate_familiar_other_concept`` (share of familiar presentations answered by
        another concept's engram), ``novelty_gate_engram_sizes``, ``novelty_gate_decision_accuracy`` (share of
        presentations called new exactly when they are their concept's first), ``novelty_gate_match_auc`` /
        ``novelty_gate_response_auc`` (AUC of the reconstruction match / the engram response for "familiar" against
        a concept's first presentation, over the presentations after the first), ``novelty_gate_signals`` (per
        presentation: whether it was its concept's first, the reconstruction match, the engram response).
    """
    match_min = MATCH_MIN if match_min is None else float(match_min)
    net = session.network
    engine = net.engine
    rates = session.rates(train)
    windows = train.windows_ms()
    per, win = session.spec.sim.steps_per_trial, session.spec.sim.stimulus_steps
    n = session.spec.concept.n_neurons
    pic_items = train.items["picture"]
    pic_in = session.spec.input_slice("picture")
    engrams: dict[int, set] = {}
    decided, signals = [], []  # (first presentation of its concept, reconstruction match, engram response), before each
    seen, out, idx, steps, n_steps = set(), [], [], [], 0
    recruited = familiar = first_new = repeat_fam = n_repeat = other = 0
    for i in range(len(train)):
        k = int(train.labels[i])
        order = sorted(engrams)
        cue = session.test({"picture": space["picture"].latents[pic_items[i]][None]},
                           rng=seeds.rng("input_spikes", "gate_cue", i)).counts
        best, resp = engram_response(cue, [sorted(engrams[c]) for c in order])
        cue_rates = session.rates({"picture": space["picture"].latents[pic_items[i]][None]})[0, pic_in]
        match = reconstruction_match(cue_rates, cue[0], session.get_state().w_fb["picture"])
        is_new = resp[0] < FAMILIAR_MIN_SPIKES or match < match_min
        signals.append((k not in seen, match, float(resp[0])))
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
        decided.append(is_new == (k not in seen))
        if k in seen:
            n_repeat += 1
            repeat_fam += not is_new
        else:
            first_new += is_new
            seen.add(k)
        out.append(counts)
    n_c = len(seen)
    first = np.array([f for f, _, _ in signals[1:]], dtype=bool)
    match_auc = auc(~first, [m for _, m, _ in signals[1:]]) if len(first) else None
    resp_auc = auc(~first, [r for _, _, r in signals[1:]]) if len(first) else None
    spikes = SpikeTrains(indices=np.concatenate(idx), steps=np.concatenate(steps), n_neurons=n, n_steps=n_steps,
                         dt_ms=session.spec.sim.dt_ms)
    return np.asarray(out), spikes, {
        "novelty_gate_recruited": int(recruited), "novelty_gate_familiar": int(familiar),
        "novelty_gate_first_presentation_new": float(first_new / n_c) if n_c else None,
        "novelty_gate_repeat_familiar": float(repeat_fam / n_repeat) if n_repeat else None,
        "novelty_gate_familiar_other_concept": float(other / familiar) if familiar else None,
        "novelty_gate_engram_sizes": {space.concepts[c]: len(e) for c, e in sorted(engrams.items())},
        "novelty_gate_n_engrams": len(engrams), "novelty_gate_n_concepts": n_c,
        "novelty_gate_decision_accuracy": float(np.mean(decided)) if decided else None,
        "novelty_gate_match_auc": match_auc, "novelty_gate_response_auc": resp_auc,
        "novelty_gate_familiar_min_spikes": FAMILIAR_MIN_SPIKES, "novelty_gate_suppress_mv": SUPPRESS_MV,
        "novelty_gate_match_min": float(match_min),
        "novelty_gate_signals": [[bool(f), round(m, 4), r] for f, m, r in signals],
    }
