"""Adding an engine, an experiment and a binder: one module plus one registry line each."""

from __future__ import annotations

import json
import sys
import textwrap

import numpy as np
import pytest

TOY_ENGINE = '''
import numpy as np
from neuromem.engines.base import Engine, RunResult

class ToyEngine(Engine):
    """Concept neuron j spikes whenever input j mod n_c spikes; learning raises its theta by 1 mV per spike."""

    name = "toy"

    def _read_state(self):
        return self._state.copy()

    def _write_state(self, state):
        self._state = state.copy()

    def _run(self, drive, flags, bias_mv):
        j = drive.indices % self.spec.concept.n_neurons
        if flags.keep_theta:
            np.add.at(self._state.theta_mv, j, 1.0)
        return RunResult(indices=j, steps=drive.steps, n_neurons=self.spec.concept.n_neurons,
                         n_steps=drive.n_steps, dt_ms=drive.dt_ms)
'''

TOY_EXPERIMENT = '''
DESCRIPTION = "count to a number"
HELP = "Writes the numbers from 1 to --to into counted.txt."
EXAMPLE = "neuromem run toy --to 3"
ENCODES = False

def add_arguments(parser):
    parser.add_argument("--to", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    return parser

def check_args(args):
    if args.to < 1:
        raise ValueError(f"--to {args.to} must be at least 1")

def main(args, request, out):
    assert request is None
    (out / "counted.txt").write_text(" ".join(str(i) for i in range(1, args.to + 1)))
    return 0
'''

TOY_BINDER = '''
import numpy as np
from neuromem.binding.base import Binder, RecallResult
from neuromem.binding.traits import BinderTraits

class ToyBinder(Binder):
    """Remembers the last presentation of each concept; recalls the target of the nearest stored cue."""

    name = "toy"
    traits = BinderTraits(family="hebbian", n_units_counts="stored concepts", capacity=None, colour="tab:olive")

    def _learn(self, presentations):
        self.memory_ = getattr(self, "memory_", {})
        for p in presentations:
            self.memory_[p.concept] = p.latents
            self.cost.add("learn", "memory_writes", len(p.latents) * self.latent_dim)

    def recall(self, cue_modality, latents, target_modality):
        z = self._check_cue(cue_modality, latents, target_modality)
        keys = sorted(self.memory_)
        cues = np.stack([self.memory_[k][cue_modality] for k in keys])
        nearest = ((z[:, None, :] - cues[None]) ** 2).sum(axis=2).argmin(axis=1)
        out = np.stack([self.memory_[keys[n]][target_modality] for n in nearest])
        return RecallResult(target_latents=out, no_response=np.zeros(len(z), bool))
'''


@pytest.fixture()
def toys(tmp_path, monkeypatch):
    for name, code in (("nm_toy_engine", TOY_ENGINE), ("nm_toy_experiment", TOY_EXPERIMENT),
                       ("nm_toy_binder", TOY_BINDER)):
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(code))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    for name in ("nm_toy_engine", "nm_toy_experiment", "nm_toy_binder"):
        sys.modules.pop(name, None)


def test_toy_engine_through_one_registry_line(toys, monkeypatch):
    from neuromem.engines import registry
    from neuromem.engram import EngramNetwork
    from neuromem.validation import synthetic_latent_space

    monkeypatch.setitem(registry.ENGINES, "toy", registry.EngineEntry("nm_toy_engine:ToyEngine"))  # the one line
    space = synthetic_latent_space(n_concepts=2, latent_dim=2, pictures_per_concept=6, seed=0)
    net = EngramNetwork.from_latent_space(space, modalities=("picture", "name"), engine="toy", seed=4,
                                          spec_overrides={"concept": {"n_neurons": 5}})
    z = {"picture": space["picture"].latents[:3], "name": space["name"].latents[:3]}
    net.store()
    res = net.present(z, plastic=True, seed=1)
    assert res.counts.sum() > 0
    # spikes land where the toy rule puts them; the base class ran the state contract
    assert net.get_state().theta_mv.sum() == pytest.approx(len(res.spike_steps))
    assert np.isfinite(net.engine.run(net.drive(net.rates(z), seed=2), plastic=False).wall_s)
    net.restore()
    assert net.get_state().theta_mv.sum() == 0
    np.testing.assert_array_equal(net.get_state().w_in_mv["name"], net.initial_state.w_in_mv["name"])


def test_toy_experiment_through_one_registry_line(toys, monkeypatch, tmp_path):
    from neuromem.cli import main
    from neuromem.experiments import registry

    monkeypatch.setitem(registry.EXPERIMENTS, "toy", "nm_toy_experiment")  # the one line
    out = tmp_path / "toy-results"
    assert main(["run", "toy", "--out", str(out), "--to", "3"]) == 0
    assert (out / "counted.txt").read_text() == "1 2 3"
    assert main(["run", "toy", "--out", str(tmp_path / "never"), "--to", "0"]) == 2  # checked before any work
    assert not (tmp_path / "never").exists()


def test_toy_binder_through_one_registry_line(toys):
    binding = pytest.importorskip("neuromem.binding")
    from neuromem.binding.base import BindingPresentation

    binding.register_binder("toy", "nm_toy_binder:ToyBinder")  # the one line
    try:
        b = binding.make_binder("toy", modalities=("picture", "name"), latent_dim=3, n_units=2, seed=0)
        rng = np.random.default_rng(0)
        centres = {m: rng.normal(size=(2, 3)) for m in ("picture", "name")}
        b.learn([BindingPresentation(concept=k, latents={m: centres[m][k] for m in centres}) for k in (0, 1)])
        rec = b.recall("picture", centres["picture"] + 0.01, "name")
        np.testing.assert_array_equal(rec.target_latents, centres["name"])
        assert b.cost.get("learn", "memory_writes") == 2 * 2 * 3
        json.dumps(b.cost.to_dict())
    finally:
        binding.BINDERS.pop("toy", None)
