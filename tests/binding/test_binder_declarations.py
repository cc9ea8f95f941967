"""Binders declare themselves; a new binder is one module + one registry line and joins the comparison.

The toy binder below (nearest prototype per concept, family ``other``) is
registered here with one ``register_binder`` line and then appears in
compare-binding's results.csv, metrics.json, summary table and figures,
with the colour and capacity limit it declared.
"""

from __future__ import annotations

import csv
import math
from argparse import Namespace

import numpy as np
import pytest

from neuromem.binding import (
    BINDERS,
    Binder,
    BinderTraits,
    CapacityLimit,
    RecallResult,
    binder_names,
    binder_traits,
    register_binder,
)
from neuromem.experiments.compare_binding import GridConfig, run_compare_binding, summary_table, synthetic_concepts
from neuromem.latents import LatentSpace

TOY = "nearest-prototype"
TOY_COLOUR = "tab:brown"


class NearestPrototypeBinder(Binder):
    """Keeps each concept's mean latent per modality; recalls the target mean of the nearest cue mean."""

    name = TOY
    traits = BinderTraits(family="other", n_units_counts="prototype slots", colour=TOY_COLOUR,
                          capacity=CapacityLimit(reason="one prototype slot per concept", refuses_more=True))

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sum_ = {m: np.zeros((self.n_units, self.latent_dim)) for m in self.modalities}
        self.count_ = np.zeros(self.n_units)

    def _learn(self, presentations) -> None:
        for p in presentations:
            if p.concept >= self.n_units:
                raise ValueError(f"concept {p.concept} needs more than {self.n_units} prototype slots")
            for m in self.modalities:
                self.sum_[m][p.concept] += p.latents[m]
            self.count_[p.concept] += 1
            self.cost.add("learn", "memory_writes", len(self.modalities) * self.latent_dim)

    def recall(self, cue_modality, latents, target_modality) -> RecallResult:
        z = self._check_cue(cue_modality, latents, target_modality)
        have = np.nonzero(self.count_)[0]
        protos = self.sum_[cue_modality][have] / self.count_[have, None]
        nearest = have[((z[:, None, :] - protos[None]) ** 2).sum(axis=2).argmin(axis=1)]
        self.cost.add("recall", "macs", len(z) * len(have) * self.latent_dim)
        out = self.sum_[target_modality][nearest] / self.count_[nearest, None]
        return RecallResult(target_latents=out, no_response=np.zeros(len(z), bool))

    @property
    def n_plastic(self) -> int:
        return len(self.modalities) * self.n_units * self.latent_dim


@pytest.fixture()
def toy_binder():
    register_binder(TOY, f"{__name__}:NearestPrototypeBinder")  # the one registry line
    try:
        yield TOY
    finally:
        BINDERS.pop(TOY, None)


def _split_space(seed=3):
    base = synthetic_concepts(6, 8, 0.4, n_train=6, n_test=4, seed=seed)
    return LatentSpace(concepts=base.concepts, modalities=base.modalities, seed=seed, fit_concepts=base.concepts[:3])


def test_every_registered_binder_declares_valid_traits():
    expected = {"stdp": ("hebbian", "concept neurons"), "hopfield": ("hebbian", "pattern slots"),
                "surrogate": ("backprop", "concept neurons"), "contrastive": ("backprop", "shared dimensions"),
                "softmax": ("backprop", "concept units"), "stdp-human-mtl": ("hebbian", "concept neurons"),
                "surrogate-matched": ("backprop", "concept neurons"),
                "surrogate-matched-100": ("backprop", "concept neurons")}
    for name in binder_names():
        t = binder_traits(name)
        assert isinstance(t, BinderTraits), name
        if name in expected:
            assert (t.family, t.n_units_counts) == expected[name], name
    # limits by construction: FIFO slots, one softmax unit per concept; stdp's winner-take-all is lateral
    # inhibition (soft at the tuned 25 mV), so it declares none; the surrogate shares stdp's neurons
    assert binder_traits("stdp").capacity is None and binder_traits("stdp-human-mtl").capacity is None
    assert binder_traits("hopfield").capacity.max_concepts(50) == 50
    assert binder_traits("surrogate").same_units_as == "stdp" and not binder_traits("surrogate").in_capacity_sweep
    assert binder_traits("contrastive").capacity is None
    assert binder_traits("softmax").capacity.refuses_more  # one softmax unit per concept
    assert len({binder_traits(n).colour for n in binder_names()}) == len(binder_names())  # distinct colours
    # the matched BPTT binders run only when named; label-assigned units are declared
    from neuromem.experiments.compare_binding import default_binders

    assert "surrogate-matched" not in default_binders() and "stdp-human-mtl" in default_binders()
    assert [n for n in binder_names() if binder_traits(n).units_assigned_by_label] == ["softmax"]


def test_traits_are_checked_and_a_binder_without_them_is_refused():
    with pytest.raises(ValueError, match="BinderTraits.family='hebb'"):
        BinderTraits(family="hebb", n_units_counts="x", capacity=None, colour="k")
    with pytest.raises(ValueError, match="concepts_per_unit=0"):
        CapacityLimit(reason="r", concepts_per_unit=0)

    class Undeclared(NearestPrototypeBinder):
        traits = None

    with pytest.raises(TypeError, match="declares no traits"):
        Undeclared(modalities=("picture", "name"), latent_dim=2, n_units=2)


def test_toy_binder_joins_the_comparison_table_and_figures(toy_binder, tmp_path):
    """One module + one registry line: the toy appears in every output of compare-binding, as it declared."""
    from neuromem.experiments.compare_binding.cli import _binders
    from neuromem.experiments.compare_binding.results import read_rows
    from neuromem.viz.compare_binding import draw_figures

    assert TOY in _binders(Namespace(binders=None))  # in the default binders of the command line
    grid = GridConfig(shots=(1, 3), seeds=(3,), n_units=12, interference_k=2, capacity_sizes=(12,),
                      capacity_max_per_unit=2, test_per_concept=4, word_repeats=1)
    m = run_compare_binding({3: _split_space()}, dataset="toy", out_dir=tmp_path, binders=("hopfield", TOY),
                            grid=grid, progress=False)
    with open(tmp_path / "results.csv") as fh:
        rows = [r for r in csv.DictReader(fh) if r["binder"] == TOY]
    assert {r["experiment"] for r in rows} == {"shots", "interference", "capacity", "cost"}  # no units declared
    # capacity: the search stops at its 12 declared slots (no larger set is run) and says it is at that limit
    tested = {int(r["n_concepts"]) for r in rows if r["experiment"] == "capacity" and r["phase"] == "recall"}
    assert max(tested) == 12 and 2 in tested
    found = {r["metric"]: float(r["value"]) for r in rows if r["experiment"] == "capacity" and r["phase"] == "bisection"}
    assert found["searched_up_to"] == 12 and found["declared_limit"] == 12
    assert found["at_declared_limit"] == float(found["capacity"] == 12)
    cap4 = {r["metric"]: float(r["value"]) for r in rows if r["experiment"] == "capacity" and r["n_concepts"] == "4"}
    assert cap4["picture_to_name_recall_at_1"] > 0.5 and cap4["n_plastic"] == 2 * 12 * 8
    # metrics.json: its numbers and what it declared
    assert m[f"shots/fitted/{TOY}/k=3/picture_to_name_recall_at_1"] >= 0.5
    assert m["_meta"]["binder_traits"][TOY]["family"] == "other"
    assert m["_meta"]["binder_traits"][TOY]["colour"] == TOY_COLOUR
    # the summary table: its own column, values as in metrics.json, outside the Hebbian-vs-backprop verdict
    table = summary_table(m, shots=(1, 3)).splitlines()
    head = [c.strip() for c in table[0].strip("|").split("|")]
    assert head[:3] == ["measurement", "hopfield", TOY]
    row = next(line for line in table if line.startswith("| novel, picture -> name, K=3 |"))
    cell = [c.strip() for c in row.strip("|").split("|")][2]
    assert cell.startswith(f"{m[f'shots/novel/{TOY}/k=3/picture_to_name_recall_at_1']:.2f}")
    # the figures: its line in its declared colour with its data, its bars, its capacity curve
    figs = draw_figures(read_rows(tmp_path / "results.csv"), m)
    from matplotlib.colors import to_rgba

    ax = figs["shots"].axes[0]  # fitted concepts, picture -> name
    handles, labels = ax.get_legend_handles_labels()
    toy_line = handles[labels.index(TOY)].lines[0]
    assert to_rgba(toy_line.get_color()) == to_rgba(TOY_COLOUR)
    np.testing.assert_allclose(toy_line.get_ydata(), [m[f"shots/fitted/{TOY}/k={k}/picture_to_name_recall_at_1"]
                                                      for k in (1, 3)])
    assert TOY in [t.get_text() for t in figs["interference"].axes[0].get_xticklabels()]
    assert TOY in [t.get_text() for t in figs["cost"].axes[0].get_xticklabels()]
    cap_labels = figs["capacity"].axes[0].get_legend_handles_labels()[1]
    assert f"{TOY} N=12" in cap_labels
    note = " ".join(" ".join(t.get_text().split()) for t in figs["capacity"].texts)
    assert f"{TOY}: at most N concepts held (one prototype slot per concept)" in note
    assert "units" not in figs or TOY not in figs["units"].axes[0].get_legend_handles_labels()[1]
    assert (tmp_path / "binding_shots.png").stat().st_size > 1000
    import matplotlib.pyplot as plt

    for f in figs.values():
        plt.close(f)
    assert not math.isnan(m[f"capacity/synthetic/{TOY}/n_units=12/capacity"])
