"""compare-binding's capacity: integer bisection from 1 to 16 N finds a limit planted in a toy binder."""

from __future__ import annotations

import numpy as np
import pytest

from neuromem.binding import BINDERS, Binder, BinderTraits, RecallResult, register_binder
from neuromem.experiments.compare_binding import GridConfig
from neuromem.experiments.compare_binding.capacity import run_capacity_cell

PLANTED = 23


class Planted(Binder):
    """Recalls every concept exactly while it holds at most ``limit`` concepts; beyond, nothing at all."""

    name = "planted"
    traits = BinderTraits(family="other", n_units_counts="slots", colour="tab:brown", capacity=None)
    limit = PLANTED

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.targets_: dict = {}

    def _learn(self, presentations) -> None:
        for p in presentations:
            self.targets_[p.concept] = {m: np.asarray(p.latents[m]) for m in self.modalities}

    def recall(self, cue_modality, latents, target_modality) -> RecallResult:
        z = self._check_cue(cue_modality, latents, target_modality)
        keys = sorted(self.targets_)
        cues = np.stack([self.targets_[k][cue_modality] for k in keys])
        nearest = [keys[i] for i in ((z[:, None] - cues[None]) ** 2).sum(axis=2).argmin(axis=1)]
        out = np.stack([self.targets_[k][target_modality] for k in nearest])
        empty = np.full(len(z), len(keys) > self.limit)
        return RecallResult(target_latents=np.where(empty[:, None], np.nan, out), no_response=empty)

    @property
    def n_plastic(self) -> int:
        return 10 * len(self.targets_)  # grows with what it stores


class Unlimited(Planted):
    name = "unlimited"
    limit = 10 ** 9


@pytest.fixture()
def toys():
    register_binder("planted", f"{__name__}:Planted")
    register_binder("unlimited", f"{__name__}:Unlimited")
    try:
        yield
    finally:
        BINDERS.pop("planted", None)
        BINDERS.pop("unlimited", None)


def _rows(name, N):
    grid = GridConfig(shots=(1,), seeds=(3,), n_units=N, capacity_sizes=(N,))
    rows = run_capacity_cell(name, N, 0.05, 8, 3, dataset="toy", grid=grid, binder_options={})
    found = {r["metric"]: r["value"] for r in rows if r["phase"] == "bisection"}
    tested = sorted(r["n_concepts"] for r in rows if r["phase"] == "recall" and r["metric"] == "n_plastic")
    return found, tested


def test_bisection_finds_the_planted_limit_and_counts_the_parameters_there(toys):
    found, tested = _rows("planted", 4)  # search 1 .. 64
    assert found["capacity"] == PLANTED and found["capacity_is_lower_bound"] == 0.0
    assert found["searched_up_to"] == 64 and np.isnan(found["declared_limit"]) and found["at_declared_limit"] == 0
    assert found["n_plastic"] == 10 * PLANTED  # the parameters of the binder holding the capacity
    assert found["bits_per_parameter"] == pytest.approx(PLANTED * np.log2(PLANTED) / (10 * PLANTED))
    assert PLANTED in tested and PLANTED + 1 in tested and max(tested) <= 64
    assert len(tested) <= 12  # galloping 1, 2, 4, ..., then bisection: not every size


def test_a_capacity_at_the_top_of_the_search_is_a_lower_bound(toys):
    found, tested = _rows("unlimited", 2)
    assert found["capacity"] == 32 and found["capacity_is_lower_bound"] == 1.0 and max(tested) == 32


def test_a_two_concept_capacity_set_is_recalled_with_independent_reference_statistics():
    """Seed 4's two-concept set: with its own two train items as reference statistics the rate binders
    recalled it at 0.0-0.25 (capacity 1); with the independent reference set every one recalls it."""
    pytest.importorskip("torch")
    from neuromem.binding.tuned import comparison_options
    from neuromem.experiments.compare_binding.capacity import recall_one_set

    opts = comparison_options("numba")
    for name in ("hopfield", "softmax", "contrastive"):
        assert recall_one_set(name, 100, 2, 0.35, 64, 4, opts)[0] >= 0.9, name


def test_the_references_run_the_same_search_lookup_at_chance_prototypes_far_above_it():
    """On synthetic concepts the modalities are independent: the no-binder lookup cannot pass two concepts
    (capacity 1); the nearest-prototype reference stores every presented item and holds many more."""
    from neuromem.experiments.compare_binding.capacity import recall_one_set

    grid = GridConfig(shots=(1,), seeds=(3,), n_units=4, capacity_sizes=(4,))
    found = {}
    for name in ("no_binder_lookup", "nearest_prototype_reference"):
        rows = run_capacity_cell(name, 4, 0.3, 16, 3, dataset="toy", grid=grid, binder_options={})
        found[name] = {r["metric"]: r["value"] for r in rows if r["phase"] == "bisection"}
    assert found["no_binder_lookup"]["capacity"] < 4
    assert found["nearest_prototype_reference"]["capacity"] == 64  # the top of the search: a lower bound
    assert found["nearest_prototype_reference"]["capacity_is_lower_bound"] == 1.0
    # it stores one mean latent per concept and modality: 2 x 16 numbers per concept
    assert found["nearest_prototype_reference"]["n_plastic"] == 64 * 2 * 16
    # the lookup's recall of a large set is near chance, the reference's near 1 (ratio 0.3 in 16 dimensions)
    assert recall_one_set("no_binder_lookup", 4, 200, 0.3, 16, 3, {})[0] < 0.05
    assert recall_one_set("nearest_prototype_reference", 4, 200, 0.3, 16, 3, {})[0] > 0.9


def test_the_prototype_reference_answers_only_with_concepts_it_has_learned():
    from neuromem.binding import BindingPresentation
    from neuromem.experiments.compare_binding.reference_learners import ReferenceLearner

    ref = ReferenceLearner("nearest_prototype_reference", ("picture", "name"), 2)
    pred, empty = ref.predict("picture", np.zeros((3, 2)), "name", np.zeros((5, 2)))
    assert empty.all() and (pred == -1).all()
    far = np.array([10.0, 10.0])
    ref.learn([BindingPresentation(concept=4, latents={"picture": far, "name": -far}),
               BindingPresentation(concept=1, latents={"picture": -far, "name": far})])
    pred, empty = ref.predict("picture", np.array([[9.0, 9.0], [-9.0, -8.0]]), "name", np.zeros((5, 2)))
    assert pred.tolist() == [4, 1] and not empty.any()
    with pytest.raises(ValueError, match="unknown reference"):
        ReferenceLearner("ceiling", ("picture",), 2)
