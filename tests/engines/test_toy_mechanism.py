"""Adding a mechanism through its places (CONTRIBUTING.md, "Adding a mechanism"), run on every engine.

The toy raises every concept neuron's threshold by ``shift_mv``. It needs no new code in any simulation loop
(the loops already take per-neuron threshold offsets), so its two places are all it takes:

1. the dataclass, registered with ``@register_mechanism`` (its preset section);
2. one builder per engine in ``neuromem.engines.builders`` (``register_builder``): the discrete model's builder
   (reference, numba, norse share it: it adds to the threshold offsets) and a Brian2 builder.

A mechanism that needs new dynamics also writes them into the loops (see CONTRIBUTING.md).
"""

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pytest

from neuromem.coding import SpikeTrains
from neuromem.engines import MechanismUnsupported, available_engines, make_engine, register_builder
from neuromem.engines.builders import BUILDERS
from neuromem.network import ConceptLayer, Mechanism, load_preset, register_mechanism
from neuromem.network.mechanisms import MECHANISMS
from neuromem.validation import validation_spec

# exact agreement with the reference
F64 = {"numba": {"dtype": "float64"}, "norse": {"dtype": "float64"}, "torch-batched": {"dtype": "float64"}}
ENGINES = ["reference"] + [pytest.param(e, marks=pytest.mark.slow) if e == "brian2-standalone" else e
                           for e in ("numba", "norse", "torch-batched", "brian2-runtime", "brian2-standalone")
                           if available_engines().get(e) == "ok"]


def _declare():
    # place 1: the dataclass (units in the field names, checked, the equation in the docstring)
    @register_mechanism
    @dataclass(frozen=True, kw_only=True)
    class ToyThresholdShift(Mechanism):
        """Every threshold raised by ``shift_mv``: a neuron spikes when ``v > v_thresh + shift``."""

        section: ClassVar[str] = "toy_threshold_shift"
        role: ClassVar[str] = "excitability"

        shift_mv: float = 1.0

        def __post_init__(self):
            if not 0 <= self.shift_mv <= 100:
                raise ValueError(f"ToyThresholdShift.shift_mv={self.shift_mv} is out of range; allowed [0, 100]")

    return ToyThresholdShift


def _builders(toy):
    # place 2: one builder per engine; the array engines share the discrete model's (reference, numba, norse,
    # torch-batched)
    def discrete(m, k, spec, seed):
        k["v_offset"] = k["v_offset"] + m.shift_mv

    def brian2(m, parts):
        from brian2 import mV

        parts.concept_eqs.append("toy_shift : volt (shared, constant)")
        parts.threshold_terms.append("toy_shift")
        parts.value_fns.append(lambda o: {(o.conc, "toy_shift"): m.shift_mv * mV})

    for backend in ("reference", "numba", "norse", "torch-batched"):
        register_builder(backend, toy, discrete)
    register_builder("brian2", toy, brian2)


@pytest.fixture()
def toy():
    cls = _declare()
    yield cls
    MECHANISMS.pop(cls.section, None)
    BUILDERS.pop(cls, None)


def _silent(spec):
    return SpikeTrains(indices=np.zeros(0, np.int32), steps=np.zeros(0, np.int64), n_neurons=spec.n_inputs,
                       n_steps=spec.sim.steps_per_trial, dt_ms=spec.sim.dt_ms)


def test_toy_preset_section_and_refusal_before_its_builders(toy, tmp_path):
    (tmp_path / "toy.toml").write_text("[toy_threshold_shift]\nshift_mv = 2.5\n")
    spec = load_preset(tmp_path / "toy.toml", latent_dim=2)
    assert spec.mechanism(toy) == toy(shift_mv=2.5) and spec.mechanism("toy_threshold_shift").shift_mv == 2.5
    with pytest.raises(MechanismUnsupported, match="cannot build the mechanism ToyThresholdShift .*no engine has a "
                                                   "builder for it yet"):
        make_engine("reference", spec)


@pytest.mark.parametrize("engine", ENGINES)
def test_toy_mechanism_runs_on_every_engine(toy, engine):
    _builders(toy)
    concept = ConceptLayer()
    # a drive 1 mV above rheobase fires every neuron; the toy's 2 mV shift silences all of them
    bias = np.full(16, concept.rheobase_mv + 1.0)
    plain = validation_spec(concept)
    shifted = plain.with_mechanisms(toy(shift_mv=2.0))
    fired = make_engine(engine, plain, seed=0).run(_silent(plain), plastic=False, bias_mv=bias)
    assert set(fired.spike_indices.tolist()) == set(range(16))
    res = make_engine(engine, shifted, seed=0, **F64.get(engine, {})).run(_silent(shifted), plastic=False,
                                                                          bias_mv=bias + 5.0)
    ref = make_engine("reference", shifted, seed=0).run(_silent(shifted), plastic=False, bias_mv=bias + 5.0)
    assert len(ref.spike_steps) > 16  # more drive crosses the shifted threshold again
    np.testing.assert_array_equal(res.spike_steps, ref.spike_steps)
    np.testing.assert_array_equal(res.spike_indices, ref.spike_indices)
    silent = make_engine(engine, shifted, seed=0).run(_silent(shifted), plastic=False, bias_mv=bias)
    assert len(silent.spike_steps) == 0
