"""compare-binding's references: named for what they are, from what was presented, and what a binder adds.

A binder that copies the no-binder lookup must be credited with zero in every
cell; one that copies the nearest-prototype reference with exactly that
reference minus the lookup (so the measure can be non-zero).
"""

from __future__ import annotations

import numpy as np
import pytest

from neuromem.binding import BINDERS, Binder, BinderTraits, RecallResult, register_binder
from neuromem.experiments.compare_binding import GridConfig, run_compare_binding, synthetic_concepts
from neuromem.latents import LatentSpace


class _Prototypes(Binder):
    """Keeps each concept's mean presented latent per modality."""

    traits = BinderTraits(family="other", n_units_counts="prototype slots", colour="tab:brown", capacity=None)
    #: Whose prototypes the cue is compared with: the target modality's (the lookup) or its own.
    compare_in = "target"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sum_ = {m: np.zeros((self.n_units, self.latent_dim)) for m in self.modalities}
        self.count_ = np.zeros(self.n_units)

    def _learn(self, presentations) -> None:
        for p in presentations:
            for m in self.modalities:
                self.sum_[m][p.concept] += p.latents[m]
            self.count_[p.concept] += 1

    def recall(self, cue_modality, latents, target_modality) -> RecallResult:
        z = self._check_cue(cue_modality, latents, target_modality)
        have = np.nonzero(self.count_)[0]
        space = target_modality if self.compare_in == "target" else cue_modality
        protos = self.sum_[space][have] / self.count_[have, None]
        nearest = have[((z[:, None, :] - protos[None]) ** 2).sum(axis=2).argmin(axis=1)]
        out = self.sum_[target_modality][nearest] / self.count_[nearest, None]
        return RecallResult(target_latents=out, no_response=np.zeros(len(z), bool))

    @property
    def n_plastic(self) -> int:
        return len(self.modalities) * self.n_units * self.latent_dim


class LookupCopy(_Prototypes):
    name = "lookup-copy"


class PrototypeCopy(_Prototypes):
    name = "prototype-copy"
    compare_in = "cue"


@pytest.fixture()
def copies():
    register_binder("lookup-copy", f"{__name__}:LookupCopy")
    register_binder("prototype-copy", f"{__name__}:PrototypeCopy")
    try:
        yield ("lookup-copy", "prototype-copy")
    finally:
        BINDERS.pop("lookup-copy", None)
        BINDERS.pop("prototype-copy", None)


def _space(seed=3):
    base = synthetic_concepts(6, 8, 0.6, n_train=6, n_test=4, seed=seed)
    return LatentSpace(concepts=base.concepts, modalities=base.modalities, seed=seed, fit_concepts=base.concepts[:3])


def test_a_binder_copying_the_lookup_adds_zero_and_one_copying_the_prototype_reference_adds_its_difference(
        tmp_path, copies):
    from neuromem.experiments.compare_binding.results import read_rows

    grid = GridConfig(shots=(1, 3), seeds=(3, 4), n_units=12, test_per_concept=4, word_repeats=1)
    m = run_compare_binding({3: _space(3), 4: _space(4)}, dataset="toy", out_dir=tmp_path, binders=copies,
                            grid=grid, experiments=("shots",), progress=False)
    rows = read_rows(tmp_path / "results.csv")
    assert {r["binder"] for r in rows} == {"lookup-copy", "prototype-copy", "no_binder_lookup",
                                           "nearest_prototype_reference", "chance"}
    added = [r for r in rows if r["metric"].endswith("_added_over_lookup")]
    assert {r["binder"] for r in added} == set(copies)  # the references are not credited with anything
    assert len([r for r in added if r["binder"] == "lookup-copy"]) == 2 * 2 * 2 * 2  # conds x K x seeds x dirs
    assert all(r["value"] == 0.0 for r in added if r["binder"] == "lookup-copy")
    nonzero = 0
    for cond in ("fitted", "novel"):
        for K in (1, 3):
            for d in ("picture_to_name", "name_to_picture"):
                key = f"shots/{cond}/{{}}/k={K}/{d}"
                ref = m[key.format("nearest_prototype_reference") + "_recall_at_1"]
                lookup = m[key.format("no_binder_lookup") + "_recall_at_1"]
                assert m[key.format("prototype-copy") + "_recall_at_1"] == pytest.approx(ref)
                assert m[key.format("prototype-copy") + "_added_over_lookup"] == pytest.approx(ref - lookup)
                assert m[key.format("lookup-copy") + "_added_over_lookup"] == 0.0
                nonzero += abs(ref - lookup) > 0
    assert nonzero > 0, "the two references agree everywhere: the test could not tell them apart"


def test_prototypes_use_only_the_presented_name_forms():
    """At K = 1 one name form per concept is presented: its latent is the prototype, not all forms' mean."""
    from neuromem.experiments.compare_binding.protocol import build_presentations, prototypes
    from neuromem.latents import ModalityLatents

    base = synthetic_concepts(3, 4, 0.5, n_train=2, n_test=1, seed=0)  # two train name forms per concept
    space = LatentSpace(concepts=base.concepts, modalities=base.modalities, seed=0)
    assert isinstance(space["name"], ModalityLatents)
    pres, chosen = build_presentations(space, 1, np.random.default_rng(0))
    protos = prototypes(space, chosen)
    for p in pres:
        np.testing.assert_allclose(protos["name"][p.concept], p.latents["name"])
        np.testing.assert_allclose(protos["picture"][p.concept], p.latents["picture"])
    assert not np.allclose(protos["name"], space.centroids("name", "train"))
