"""Adding an engine, an experiment and a binder: one module plus one registry line each."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

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


TOY_DATASET = '''
import numpy as np
from neuromem.data.base import ConceptDataset, NameForms

def load(argument, *, seed, heldout_fraction, min_train, n_shapes=2):
    """``n_shapes`` concepts of 6 pictures each: a bright square at a concept's own place."""
    names = ("square", "circle", "triangle", "star")[:n_shapes]
    pics = np.zeros((6 * n_shapes, 8, 8), np.float32)
    for k in range(n_shapes):
        pics[6 * k:6 * (k + 1), 2 * k:2 * k + 2, 2 * k:2 * k + 2] = 1.0
    return ConceptDataset(name="shapes", concepts=names, pictures=pics,
                          picture_labels=np.repeat(np.arange(n_shapes), 6),
                          names={c: NameForms(train=(c,)) for c in names})
'''

TOY_READER = '''
DESCRIPTION = "list the concepts of a dataset"
HELP = "Loads the dataset of the request and writes its concepts into concepts.txt."
EXAMPLE = "neuromem run list-concepts --dataset digits"
ENCODES = True

def add_arguments(parser):
    parser.add_argument("--seed", type=int, default=3)

def check_args(args):
    pass

def main(args, request, out):
    (out / "concepts.txt").write_text(",".join(request.load(args.seed).concepts))
    return 0
'''


def test_toy_dataset_through_one_registry_line(tmp_path, monkeypatch):
    """A dataset and its own option: one module + one registry line; every command that reads data gets both."""
    from neuromem.cli import build_parser, main
    from neuromem.data import load_dataset
    from neuromem.data import registry as datasets
    from neuromem.experiments import registry as experiments

    for name, code in (("nm_toy_dataset", TOY_DATASET), ("nm_toy_reader", TOY_READER)):
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(code))
    monkeypatch.syspath_prepend(str(tmp_path))
    option = datasets.DatasetOption("n_shapes", int, "toy: number of shapes (2-4)")
    monkeypatch.setitem(datasets.DATASETS, "shapes",  # the one line
                        datasets.DatasetEntry("nm_toy_dataset:load", "shapes (a toy)", options=(option,)))
    monkeypatch.setitem(experiments.EXPERIMENTS, "list-concepts", "nm_toy_reader")
    try:
        assert load_dataset("shapes", n_shapes=3).concepts == ("square", "circle", "triangle")
        assert load_dataset("shapes", per_concept=5).n_concepts == 2  # another dataset's option is not passed on
        for argv in (["encode", "--out", "x"], ["learn", "--memory", "m", "--dataset", "shapes"],
                     ["run", "engram-formation"]):
            assert build_parser().parse_args(argv + ["--n-shapes", "4"]).n_shapes == 4
        out = tmp_path / "listed"
        assert main(["run", "list-concepts", "--dataset", "shapes", "--n-shapes", "4", "--out", str(out)]) == 0
        assert (out / "concepts.txt").read_text() == "square,circle,triangle,star"
        assert main(["run", "list-concepts", "--dataset", "shape", "--out", str(tmp_path / "never")]) == 2
        assert not (tmp_path / "never").exists()
    finally:
        for name in ("nm_toy_dataset", "nm_toy_reader"):
            sys.modules.pop(name, None)


TOY_FORMAT = '''
"""Spike counts per population as text (read back as an empty recording on the same grid)."""
from neuromem.io import Recording

def write(recording, path):
    path.write_text("\\n".join(f"{p} {len(s.steps)} {recording.dt_ms} {recording.n_steps}"
                               for p, s in sorted(recording.spikes.items())))

def read(path):
    pop, n, dt, n_steps = path.read_text().splitlines()[0].split()
    return Recording(dt_ms=float(dt), n_steps=int(n_steps))
'''


def test_toy_export_format_through_one_registry_line(tmp_path, monkeypatch, capsys):
    """An export format: one module + one registry line; ``neuromem export --format`` then writes it."""
    monkeypatch.syspath_prepend(str(Path(__file__).parent / "io"))
    from recording_sample import make_recording

    from neuromem.cli import main
    from neuromem.io import FORMATS, Results
    from neuromem.io.formats import FormatEntry

    (tmp_path / "nm_toy_format.py").write_text(textwrap.dedent(TOY_FORMAT))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(FORMATS, "counts", FormatEntry("nm_toy_format", ".counts", (), None, "counts as text"))
    rec = make_recording()
    Results(metrics={"recall": 1.0}, recording=rec).save(tmp_path / "run")
    try:
        assert main(["export", "--results", str(tmp_path / "run"), "--format", "counts"]) == 0
        written = tmp_path / "run" / "recording.counts"
        assert capsys.readouterr().out.strip() == f"exported: {written} (counts)"
        assert written.read_text().splitlines() == [f"{p} {len(s.steps)} {rec.dt_ms} {rec.n_steps}"
                                                    for p, s in sorted(rec.spikes.items())]
    finally:
        sys.modules.pop("nm_toy_format", None)
