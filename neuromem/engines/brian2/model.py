"""The Brian2 objects of a spec: the core groups and synapses, plus what each mechanism's builder adds.

The core is the input population (replaying neuromem's spike table), the
concept LIF group, the latent->concept synapses and the spike monitor;
every mechanism adds its part through its builder
(:mod:`neuromem.engines.brian2.mechanisms`, listed in
:data:`neuromem.engines.builders.BUILDERS`) into a :class:`ModelParts`.
Parameters are shared constant variables with values set at run time
(:meth:`ModelParts.values`), so one compiled structure serves any values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

import brian2 as b2
from brian2 import mV, ms

from neuromem._hashing import json_digest
from neuromem.engines.builders import builder
from neuromem.network.spec import NetworkSpec

__all__ = ["SENTINEL", "Objects", "ModelParts", "model_parts", "build_objects", "v_probe_objects"]

SENTINEL = 2.0 ** 50  # "never": a spike step no run reaches


@dataclass
class Objects:
    """The Brian2 objects of one network (fixed names: reproducible generated code)."""

    net: "b2.Network"
    inp: "b2.NeuronGroup"
    conc: "b2.NeuronGroup"
    table: "b2.TimedArray"
    sources: dict  # modality -> subgroup of inp
    syn_in: dict  # modality -> latent->concept Synapses
    mon: "b2.SpikeMonitor"
    syn_fb: dict = field(default_factory=dict)  # modality -> feedback Synapses (HebbianFeedback)
    extra: dict = field(default_factory=dict)  # name -> other objects a mechanism made
    v_probe: "b2.StateMonitor | None" = None  # records the probe group's v_rec (see v_probe_objects)
    v_probe_group: "b2.NeuronGroup | None" = None


@dataclass
class ModelParts:
    """The model of one spec in Brian2's vocabulary, assembled by the mechanisms' builders.

    Lists of code lines (equations, statements) for the concept group, the
    input group and, per modality, the latent->concept synapses; callables
    that make further objects once the groups exist (``objects(o) -> list``)
    and that give run-time values (``values(o) -> {(object, variable): quantity}``);
    and ``structure``, what the compiled code depends on beyond these strings.
    """

    spec: NetworkSpec
    seed: object
    concept_eqs: list = field(default_factory=list)
    currents: list = field(default_factory=list)  # terms of the membrane drive, e.g. "- isyn_inh"
    threshold_terms: list = field(default_factory=list)  # added to v_thresh
    admit: list = field(default_factory=list)  # conditions a crossing must also meet
    reset: list = field(default_factory=list)
    trial_reset: list = field(default_factory=list)
    input_eqs: list = field(default_factory=list)
    input_reset: list = field(default_factory=list)
    input_trial_reset: list = field(default_factory=list)
    synapse_model: dict = field(default_factory=dict)  # modality -> lines
    on_pre: dict = field(default_factory=dict)
    on_post: dict = field(default_factory=dict)
    synapse_trial_reset: dict = field(default_factory=dict)
    objects: list = field(default_factory=list)
    value_fns: list = field(default_factory=list)
    structure: dict = field(default_factory=dict)

    def values(self, o: Objects) -> dict:
        """``{(brian_object, variable): quantity}`` of every run-time parameter (core and mechanisms)."""
        c = self.spec.concept
        vals = {(o.conc, "tau_m"): c.tau_m_ms * ms, (o.conc, "tau_e"): c.tau_syn_exc_ms * ms,
                (o.conc, "t_ref"): c.refractory_ms * ms, (o.conc, "v_rest"): c.v_rest_mv * mV,
                (o.conc, "v_reset"): c.v_reset_mv * mV, (o.conc, "v_thresh"): c.v_thresh_mv * mV}
        for fn in self.value_fns:
            vals.update(fn(o))
        return vals

    def key(self, n_recorded: int | None) -> str:
        """Digest of everything the compiled code depends on (for the standalone project cache): the sizes,
        the code of every mechanism, its ``structure``, and how many neurons' ``v`` is recorded (None: none)."""
        s = self.spec
        code = {k: v for k, v in vars(self).items() if k not in ("spec", "seed", "objects", "value_fns")}
        return json_digest([[(p.modality, p.n_neurons) for p in s.populations], s.concept.n_neurons, s.sim.dt_ms,
                            s.sim.trial_period_ms, code, n_recorded], length=16)


def model_parts(spec: NetworkSpec, seed) -> ModelParts:
    """The core model plus every mechanism's part (each built by its ``brian2`` builder)."""
    parts = ModelParts(spec=spec, seed=seed)
    for m in spec.modalities:
        parts.synapse_model[m], parts.on_pre[m], parts.on_post[m], parts.synapse_trial_reset[m] = [], [], [], []
    for mech in spec.mechanisms:
        builder("brian2", type(mech))(mech, parts)
    return parts


def _lines(lines) -> str:
    return "".join(f"{x}\n" for x in lines)


def v_probe_objects(conc: "b2.NeuronGroup", record) -> tuple:
    """A probe group whose ``v_rec`` is linked to ``conc.v`` of the neurons ``src`` (a run-time variable, so a
    compiled project serves any neurons, only their number is fixed), and a StateMonitor of it at the end of
    every step (after threshold and reset)."""
    probe = b2.NeuronGroup(len(record), "src : integer (constant)\nv_rec : volt (linked)", name="nm_v_probe_group",
                           dt=conc.clock.dt)
    probe.src = np.asarray(record, dtype=int)
    probe.v_rec = b2.linked_var(conc, "v", index="src")
    return probe, b2.StateMonitor(probe, "v_rec", record=True, when="end", name="nm_v_probe")


def build_objects(parts: ModelParts, n_table: int, record=None) -> Objects:
    """Create the Brian2 objects of ``parts`` (a spike table of ``n_table`` entries; ``record``: neurons whose
    ``v`` is recorded at the end of every step, see :func:`v_probe_objects`) with the run-time values of ``parts``."""
    spec = parts.spec
    sim = spec.sim
    period = sim.trial_period_ms * ms
    table = b2.TimedArray(np.full(n_table, SENTINEL), dt=1 * ms, name="nm_spiketable")
    # input neurons replay the table
    inp = b2.NeuronGroup(spec.n_inputs, "ptr : 1\nnextbin : 1\n" + _lines(parts.input_eqs),
                         threshold="t_in_timesteps >= nextbin",
                         reset="ptr += 1\nnextbin = nm_spiketable(ptr * ms)" + "".join(
                             f"\n{x}" for x in parts.input_reset),
                         namespace={"nm_spiketable": table}, method="exact", name="nm_input", dt=sim.dt_ms * ms)
    inp.nextbin = SENTINEL
    if parts.input_trial_reset:
        inp.run_regularly("\n".join(parts.input_trial_reset), dt=period, when="start", name="nm_input_trialreset")
    eqs = f"""
dv/dt = (v_rest - v + isyn_exc{"".join(f" {x}" for x in parts.currents)} + bias) / tau_m : volt (unless refractory)
disyn_exc/dt = -isyn_exc / tau_e : volt
{_lines(parts.concept_eqs)}bias : volt
learn_on : 1 (shared)
adapt_on : 1 (shared)
tau_m : second (shared, constant)
tau_e : second (shared, constant)
t_ref : second (shared, constant)
v_rest : volt (shared, constant)
v_reset : volt (shared, constant)
v_thresh : volt (shared, constant)
"""
    threshold = "v > v_thresh" + "".join(f" + {x}" for x in parts.threshold_terms) + "".join(
        f" and {x}" for x in parts.admit)
    conc = b2.NeuronGroup(spec.concept.n_neurons, eqs, threshold=threshold,
                          reset="\n".join(["v = v_reset", *parts.reset]), refractory="t_ref",
                          method="exponential_euler", name="nm_concept", dt=sim.dt_ms * ms)
    conc.run_regularly(_lines(["v = v_rest", "isyn_exc = 0*mV", *parts.trial_reset, "lastspike = -1e4*second",
                               "not_refractory = True"]), dt=period, when="start", name="nm_concept_trialreset")
    objs = [inp, conc]
    sources, syn_in = {}, {}
    for p in spec.populations:
        m = p.modality
        sl = spec.input_slice(m)
        sources[m] = inp[sl.start:sl.stop]
        post = "\n".join(parts.on_post[m]) or None
        s = b2.Synapses(sources[m], conc, model="w : volt\n" + "\n".join(parts.synapse_model[m]),
                        on_pre="\n".join(["isyn_exc_post += w", *parts.on_pre[m]]), on_post=post,
                        delay={"pre": 0 * ms, "post": 0 * ms} if post else 0 * ms, name=f"nm_in_{m}")
        s.connect()
        if parts.synapse_trial_reset[m]:
            s.run_regularly("\n".join(parts.synapse_trial_reset[m]), dt=period, when="start",
                            name=f"nm_in_{m}_trialreset")
        syn_in[m] = s
        objs.append(s)
    mon = b2.SpikeMonitor(conc, name="nm_concept_spikes")
    o = Objects(net=None, inp=inp, conc=conc, table=table, sources=sources, syn_in=syn_in, mon=mon)
    for make in parts.objects:
        objs += make(o)
    objs.append(mon)
    if record is not None:
        o.v_probe_group, o.v_probe = v_probe_objects(conc, record)
        objs += [o.v_probe_group, o.v_probe]
    o.net = b2.Network(*objs, name="nm_network")
    for (obj, var), value in parts.values(o).items():
        setattr(obj, var, value)
    conc.v = spec.concept.v_rest_mv * mV
    return o
