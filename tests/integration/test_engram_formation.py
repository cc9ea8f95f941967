"""The engram-formation experiment end to end on synthetic latents (real digits: test_engram_digits.py)."""

import json

import numpy as np
import pytest

pytest.importorskip("numba")

from neuromem.experiments.engram_formation import (  # noqa: E402
    main,
    make_figures,
    run_engram_formation,
)
from neuromem.analysis import HUMAN_CONCEPTS_PER_NEURON  # noqa: E402
from neuromem.latents import LatentSpace, ModalityLatents  # noqa: E402
from neuromem.validation import synthetic_latent_space  # noqa: E402


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("engram")
    space = synthetic_latent_space(n_concepts=10, latent_dim=16, pictures_per_concept=40, seed=0)
    metrics = run_engram_formation(space, engine="numba", presentations=3, seed=0, out_dir=out,
                                   progress=False, max_test_pictures_per_concept=10,
                                   control_test_pictures_per_concept=5, dataset="synthetic",
                                   engine_options={"threads": 1})
    return metrics, out


def test_outputs_written(result):
    metrics, out = result
    on_disk = json.loads((out / "metrics.json").read_text())
    for key in ("picture_to_name_recall_at_1", "name_to_picture_recall_at_1", "population_sparseness",
                "lifetime_sparseness", "concepts_with_engram", "invariance_index", "invariance_index_spoken",
                "concepts_per_responsive_neuron", "nearest_prototype_reference_recall_at_1", "chance_recall_at_1",
                "controls", "criterion", "criterion_sensitivity", "human_concepts_per_responsive_neuron",
                "spontaneous_rate_hz", "binding_index", "picture_to_name_network_recall_at_1",
                "name_to_picture_network_recall_at_1", "picture_cue_no_response_fraction",
                "chance_recall_at_1_interval95", "criterion_sensitivity_n_responsive_change",
                "neurons_per_concept_mean", "concepts_per_neuron_histogram", "blank_trial_answer_fraction",
                "blank_max_rate_hz", "blank_isi_cv", "no_binder_lookup_recall_at_1",
                "nearest_prototype_reference_recall_at_1", "invariance_index_by_sd"):
        assert key in on_disk, key
    assert not [k for k in on_disk if "ceiling" in k]  # the K-shot reference is a reference, not a ceiling
    assert on_disk["human_concepts_per_responsive_neuron"] == pytest.approx(HUMAN_CONCEPTS_PER_NEURON)
    assert len(on_disk["concepts_per_neuron_histogram"]) == 6 and set(on_disk["invariance_index_by_sd"]) == {
        "3", "5", "7"}
    # well-separated synthetic clusters: the encoder alone already answers (no binder needed)
    assert on_disk["no_binder_lookup_recall_at_1"] >= 0.9
    assert set(on_disk["controls"]) == {"untrained", "shuffled_pairing", "asynchronous"}
    assert abs(sum(on_disk["concepts_per_responsive_neuron"]) - 1) < 1e-9
    with np.load(out / "engram_results.npz") as f:
        assert f["w_in_mv_after__picture"].shape == (160, 100)
        assert len(f["test_spike_steps"]) == len(f["test_spike_indices"]) > 0
    for png in metrics["figures"]:
        assert (out / png).stat().st_size > 10_000
    # the figures can be rebuilt from the saved results alone
    remade = make_figures(out, out / "again")
    assert sorted(p.name for p in remade) == sorted(metrics["figures"])


def test_engrams_bind_pictures_and_names(result):
    """Well-separated synthetic clusters: the network should reach the non-spiking reference."""
    m, _ = result
    assert m["chance_recall_at_1"] == pytest.approx(0.1)
    assert m["nearest_prototype_reference_recall_at_1"] >= 0.95
    assert m["concepts_with_engram"] == 1.0
    assert m["picture_to_name_recall_at_1"] >= 0.9
    assert m["name_to_picture_recall_at_1"] >= 0.9
    assert m["invariance_index"] >= 0.8
    # hard winner-take-all: about one responsive neuron per cue (0 if nothing responded, more if several did)
    n = m["n_concept_neurons"]
    assert 0.7 / n <= m["population_sparseness"] <= 1.5 / n
    assert m["picture_cue_no_response_fraction"] == 0.0
    assert abs(m["picture_to_name_network_recall_at_1"] - m["picture_to_name_recall_at_1"]) <= 0.05


def test_controls_fail_to_bind(result):
    m, _ = result
    ctrl = m["controls"]
    lo, hi = m["chance_recall_at_1_interval95"]
    # an untrained neuron may answer one concept's pictures by chance alignment, but nothing is bound
    assert ctrl["untrained"]["concepts_with_engram"] <= 0.3
    assert not ctrl["untrained"]["invariance_index"] > 0.5  # NaN (no responsive pair) or low
    # it fires, and recalls through its (random) feedback synapses at chance
    assert ctrl["untrained"]["picture_cue_no_response_fraction"] < 0.5
    assert lo <= ctrl["untrained"]["picture_to_name_network_recall_at_1"] <= hi
    for name in ("shuffled_pairing", "asynchronous"):
        assert not ctrl[name]["invariance_index"] > 0.2, name
        assert ctrl[name]["binding_index"] <= 0.2, name
    for name in ("untrained", "shuffled_pairing", "asynchronous"):
        assert ctrl[name]["picture_to_name_network_recall_at_1"] < m["picture_to_name_recall_at_1"] - 0.5, name


def test_bad_input_rejected():
    space = synthetic_latent_space(n_concepts=3, latent_dim=4, pictures_per_concept=6, seed=1)
    no_names = LatentSpace(concepts=space.concepts, modalities={"picture": space["picture"]}, seed=1)
    with pytest.raises(ValueError, match="needs a 'name' modality"):
        run_engram_formation(no_names, engine="brian2-runtime", progress=False)
    with pytest.raises(ValueError, match="presentations"):
        run_engram_formation(space, engine="brian2-runtime", presentations=0, progress=False)
    with pytest.raises(ValueError, match="train pictures"):
        run_engram_formation(space, engine="brian2-runtime", presentations=15, progress=False)
    with pytest.raises(ValueError, match="unknown controls"):
        run_engram_formation(space, engine="brian2-runtime", controls=("sham",), progress=False)
    with pytest.raises(ValueError, match="NaN or inf"):
        ModalityLatents(latents=np.full((2, 4), np.nan, np.float32), labels=np.zeros(2, int),
                        split=np.array(["train", "train"]), descriptions=("a", "b"))


class _SyntheticRequest:
    """Stands in for an EncodeRequest: hands out a synthetic space for every seed (no backbone features)."""

    dataset = "synthetic"

    def __init__(self, space):
        self.space = space
        self.min_train = 1

    def with_options(self, min_train):
        self.min_train = min_train
        return self

    def encode(self, seed):
        return type("Encoded", (), {"space": self.space})()

    def backbone_features(self, seed):
        return None


def _refuse_bare_constant(name):
    raise ValueError(f"bare {name} in metrics.json (not strict JSON)")


def test_cli_runs_one_seed_and_defaults_to_report_seeds(tmp_path, capsys):
    from neuromem.cli import build_parser
    from neuromem.experiments.engram_formation import config_from_args

    p = build_parser()
    d = p.parse_args(["run", "engram-formation", "--dataset", "digits"])
    assert d.seeds == (3, 4, 5, 6, 7) and d.seed is None
    a = p.parse_args(["run", "engram-formation", "--dataset", "digits", "--engine", "numba", "--presentations", "2",
                      "--seed", "2", "--out", str(tmp_path), "--controls", "untrained", "--max-test-pictures", "4",
                      "--no-figures", "--quiet"])
    cfg = config_from_args(a)
    assert (cfg.engine, cfg.presentations, cfg.seed, cfg.controls) == ("numba", 2, 2, ("untrained",))
    with pytest.raises(SystemExit):
        p.parse_args(["run", "engram-formation", "--dataset", "digits", "--seeds", "3,x"])
    space = synthetic_latent_space(n_concepts=4, latent_dim=8, pictures_per_concept=12, seed=2)
    assert main(a, _SyntheticRequest(space), tmp_path) == 0
    printed = capsys.readouterr().out
    assert "seed 2" in printed and "picture -> name, through the readout population" in printed
    assert "one seed: no confidence interval" in printed and "± nan" not in printed
    on_disk = json.loads((tmp_path / "metrics.json").read_text(), parse_constant=_refuse_bare_constant)
    assert on_disk["_schema"]["name"] == "neuromem.engram-formation"  # strict JSON through the results base
    from neuromem.experiments.engram_formation import EngramResults

    assert EngramResults.load(tmp_path).metrics["seed"] == 2
    assert on_disk["seed"] == 2 and on_disk["presentations"] == 2 and set(on_disk["controls"]) == {"untrained"}


@pytest.mark.slow
def test_digits_targets(tmp_path):
    """Real digits latents on Brian2 standalone, recall through the readout populations included (minutes)."""
    from neuromem.data import load_dataset
    from neuromem.encoders import encode_dataset

    space = encode_dataset(load_dataset("digits", seed=0), seed=0, progress=False).space
    m = run_engram_formation(space, engine="brian2", presentations=3, seed=0, out_dir=tmp_path, progress=False,
                             dataset="digits")
    assert m["picture_to_name_recall_at_1"] >= 0.9
    assert m["picture_to_name_recall_at_1"] >= m["nearest_prototype_reference_recall_at_1"] - 0.05
    assert m["concepts_with_engram"] == 1.0
    assert m["invariance_index"] >= 0.8
    # hard winner-take-all: about one responsive neuron per cue (0 if nothing responded, more if several did)
    n = m["n_concept_neurons"]
    assert 0.7 / n <= m["population_sparseness"] <= 1.5 / n
    assert m["picture_cue_no_response_fraction"] == 0.0
    assert abs(m["picture_to_name_network_recall_at_1"] - m["picture_to_name_recall_at_1"]) <= 0.05


@pytest.mark.slow
def test_fashion_mnist_one_shot(tmp_path):
    """One presentation per concept on Fashion-MNIST: picture->name recall@1 >= 0.7."""
    from neuromem.data import load_dataset
    from neuromem.encoders import encode_dataset

    space = encode_dataset(load_dataset("fashion-mnist", seed=0), seed=0, progress=False).space
    m = run_engram_formation(space, engine="brian2", presentations=1, seed=0, out_dir=tmp_path, progress=False,
                             dataset="fashion-mnist")
    assert m["picture_to_name_recall_at_1"] >= 0.7
    assert m["concepts_with_engram"] == 1.0
