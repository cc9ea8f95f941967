"""One Brian2 builder per mechanism: the equations, statements, objects and values it adds to a model.

Each ``build_<mechanism>(mechanism, parts)`` fills a
:class:`~neuromem.engines.brian2.model.ModelParts` (listed in
:data:`neuromem.engines.builders.BUILDERS` under ``"brian2"``). Values go
through ``parts.value_fns`` (called with the objects, which a compiled
standalone project may share with another spec of the same structure), so a
builder never writes a value into the code.
"""

from __future__ import annotations

import math

import numpy as np

import brian2 as b2
from brian2 import mV, ms

__all__ = ["build_pair_stdp", "build_hebbian_feedback", "build_adaptive_threshold", "build_threshold_spread",
           "build_lateral_inhibition", "build_k_winners"]


def build_pair_stdp(m, parts) -> None:
    """:class:`~neuromem.network.PairSTDP`: event-driven traces on the latent->concept synapses (after Brian2's
    ``examples/synapses/STDP.py``), clipped to ``[0, w_max]``, with per-modality population traces ``xpop``
    for the subtractive normalisation."""
    spec = parts.spec
    if m.subtractive:
        parts.concept_eqs += [f"dxpop_{mod}/dt = -xpop_{mod} / tau_plus : 1" for mod in spec.modalities]
        parts.concept_eqs.append("tau_plus : second (shared, constant)")
        parts.trial_reset += [f"xpop_{mod} = 0" for mod in spec.modalities]
    for p in spec.populations:
        mod = p.modality
        parts.synapse_model[mod] += ["dapre/dt = -apre / tau_ltp : 1 (event-driven)",
                                     "dapost/dt = -apost / tau_minus : 1 (event-driven)",
                                     "w_max : volt (shared, constant)", "a_plus : 1 (shared, constant)",
                                     "a_minus : 1 (shared, constant)", "tau_ltp : second (shared, constant)",
                                     "tau_minus : second (shared, constant)"]
        parts.on_pre[mod] += ["apre += 1", *([f"xpop_{mod}_post += {1.0 / p.n_neurons!r}"] if m.subtractive else []),
                              "w = clip(w - learn_on_post * a_minus * w_max * apost, 0*mV, w_max)"]
        pot = f"(apre - xpop_{mod}_post)" if m.subtractive else "apre"
        parts.on_post[mod] += ["apost += 1", f"w = clip(w + learn_on_post * a_plus * w_max * {pot}, 0*mV, w_max)"]
        parts.synapse_trial_reset[mod] += ["apre = 0", "apost = 0"]

    def values(o):
        vals = {(o.conc, "tau_plus"): m.tau_plus_ms * ms} if m.subtractive else {}
        for mod in spec.modalities:
            s = o.syn_in[mod]
            vals.update({(s, "w_max"): spec.w_max_mv(mod) * mV, (s, "a_plus"): m.a_plus, (s, "a_minus"): m.a_minus,
                         (s, "tau_ltp"): m.tau_plus_ms * ms, (s, "tau_minus"): m.tau_minus_ms * ms})
        return vals

    parts.value_fns.append(values)


def build_hebbian_feedback(m, parts) -> None:
    """:class:`~neuromem.network.HebbianFeedback`: a latent trace ``xl`` and concept->latent synapses that grow
    at each concept spike (driven by concept spikes only: cheap, they are rare)."""
    spec = parts.spec
    parts.input_eqs += ["dxl/dt = -xl / tau_fb : 1", "tau_fb : second (shared, constant)"]
    parts.input_reset.append("xl += 1")
    parts.input_trial_reset.append("xl = 0")

    def make(o):
        for mod in spec.modalities:
            f = b2.Synapses(o.conc, o.sources[mod], model="f : 1\na_fb : 1 (shared, constant)\n"
                                                          "f_max : 1 (shared, constant)",
                            on_pre="f = f + learn_on_pre * a_fb * xl_post * (f_max - f)", delay=0 * ms,
                            name=f"nm_fb_{mod}")
            f.connect()
            o.syn_fb[mod] = f
        return list(o.syn_fb.values())

    def values(o):
        vals = {(o.inp, "tau_fb"): m.tau_fb_ms * ms}
        for f in o.syn_fb.values():
            vals.update({(f, "a_fb"): m.a_fb, (f, "f_max"): m.f_max})
        return vals

    parts.objects.append(make)
    parts.value_fns.append(values)


def build_adaptive_threshold(m, parts) -> None:
    """:class:`~neuromem.network.AdaptiveThreshold`: ``theta`` raises the threshold (``adapt_on``) and grows at
    spikes while learning (``learn_on``)."""
    parts.concept_eqs += (["dtheta/dt = -theta / tau_theta : volt", "tau_theta : second (shared, constant)"]
                          if m.decays else ["theta : volt"])
    parts.concept_eqs.append("theta_plus : volt (shared, constant)")
    parts.threshold_terms.append("adapt_on * theta")
    parts.reset.append("theta += learn_on * theta_plus")
    parts.structure["theta_decays"] = m.decays

    def values(o):
        vals = {(o.conc, "theta_plus"): m.theta_plus_mv * mV}
        if not math.isinf(m.tau_theta_ms):
            vals[(o.conc, "tau_theta")] = m.tau_theta_ms * ms
        return vals

    parts.value_fns.append(values)


def build_threshold_spread(m, parts) -> None:
    """:class:`~neuromem.network.ThresholdSpread`: a constant per-neuron threshold offset ``v_offset``."""
    parts.concept_eqs.append("v_offset : volt (constant)")
    parts.threshold_terms.append("v_offset")
    offsets = m.offsets_mv(parts.spec.concept.n_neurons, parts.seed)
    parts.value_fns.append(lambda o: {(o.conc, "v_offset"): offsets * mV})


def build_lateral_inhibition(m, parts) -> None:
    """:class:`~neuromem.network.LateralInhibition`: an inhibitory current and concept->concept synapses (none
    when ``w_inh_mv = 0``)."""
    parts.concept_eqs += ["disyn_inh/dt = -isyn_inh / tau_i : volt", "tau_i : second (shared, constant)"]
    parts.currents.append("- isyn_inh")
    parts.trial_reset.append("isyn_inh = 0*mV")
    parts.structure["lateral_inhibition"] = {"active": m.active, "self_inhibition": m.self_inhibition}

    def make(o):
        if not m.active:
            return []
        lat = b2.Synapses(o.conc, o.conc, model="w_inh : volt (shared, constant)", on_pre="isyn_inh_post += w_inh",
                          delay=0 * ms, name="nm_inhibition")
        lat.connect(condition=None if m.self_inhibition else "i != j")
        o.extra["nm_inhibition"] = lat
        return [lat]

    def values(o):
        vals = {(o.conc, "tau_i"): m.tau_syn_inh_ms * ms}
        if "nm_inhibition" in o.extra:
            vals[(o.extra["nm_inhibition"], "w_inh")] = m.w_inh_mv * mV
        return vals

    parts.objects.append(make)
    parts.value_fns.append(values)


def build_k_winners(m, parts) -> None:
    """:class:`~neuromem.network.KWinnersTakeAll`: a per-neuron ``has_fired`` flag and a one-neuron counter of
    this trial's winners, read by every concept neuron through a linked variable (works in cpp_standalone).

    A concept spike of a neuron that has not fired in this trial adds 1 to the counter in the synapses slot
    (before the reset sets ``has_fired``), so the threshold of the next step sees the winners at its start.
    """
    n_c = parts.spec.concept.n_neurons
    parts.concept_eqs += ["has_fired : 1", "n_win : 1 (linked)", "k_winners : 1 (shared, constant)"]
    parts.admit.append("(has_fired > 0.5 or n_win < k_winners)")
    parts.reset.append("has_fired = 1")
    parts.trial_reset.append("has_fired = 0")

    def make(o):
        sim = parts.spec.sim
        counter = b2.NeuronGroup(1, "n_winners : 1", name="nm_kwta_count", dt=sim.dt_ms * ms)
        counter.run_regularly("n_winners = 0", dt=sim.trial_period_ms * ms, when="start",
                              name="nm_kwta_count_trialreset")
        o.conc.n_win = b2.linked_var(counter, "n_winners", index=np.zeros(n_c, dtype=int))
        count = b2.Synapses(o.conc, counter, on_pre="n_winners_post += 1 - has_fired_pre", delay=0 * ms,
                            name="nm_kwta_winners")
        count.connect()
        o.extra.update(nm_kwta_count=counter, nm_kwta_winners=count)
        return [counter, count]

    parts.objects.append(make)
    parts.value_fns.append(lambda o: {(o.conc, "k_winners"): float(m.winners(n_c))})
