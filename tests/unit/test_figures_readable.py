"""Every figure neuromem draws is readable and says only what it shows.

Checked on the matplotlib objects as each figure is saved: every panel that
draws data has a y-label (pictures shown without axes are not data panels);
every tick label is at least 8 pt; the spike raster's time axis is in ms; a
figure of one seed mentions no confidence interval; a title names only what is
plotted.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

MIN_TICK_PT = 8.0


def _is_picture(ax) -> bool:
    """A panel showing a picture (an image with neither x nor y ticks): not a data panel."""
    return bool(ax.images) and not len(ax.get_xticks()) and not len(ax.get_yticks())


def _has_data(ax) -> bool:
    return bool(ax.lines or ax.collections or ax.patches or ax.images or ax.containers)


def figure_problems(fig) -> list[str]:
    """What makes ``fig`` hard to read: panels without a y-label, tick labels under 8 pt."""
    fig.canvas.draw()  # tick labels get their text when drawn
    problems = []
    for ax in fig.axes:
        if not ax.get_visible() or not ax.axison:
            continue
        name = ax.get_title() or ax.get_label() or "panel"
        if _has_data(ax) and not _is_picture(ax) and not ax.get_ylabel().strip():
            problems.append(f"{name!r}: no y-label")
        for a in [ax] + list(ax.child_axes):
            for minor in (False, True):
                for lab in a.get_xticklabels(minor=minor) + a.get_yticklabels(minor=minor):
                    if lab.get_visible() and lab.get_text().strip() and lab.get_fontsize() < MIN_TICK_PT:
                        problems.append(f"{name!r}: tick label {lab.get_text()!r} at {lab.get_fontsize():g} pt")
    return problems


def figure_texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


@pytest.fixture
def saved(monkeypatch):
    """Every figure saved during the test, as ``(file name or title, problems, texts, figure)``."""
    out = []
    original = Figure.savefig

    def record(self, fname, *args, **kwargs):
        name = getattr(fname, "name", None) or str(fname) if not hasattr(fname, "write") else \
            (self._suptitle.get_text() if self._suptitle else "figure")
        out.append((str(name), figure_problems(self), figure_texts(self), self))
        return original(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", record)
    return out


def _assert_readable(saved, *, expected: int):
    assert len(saved) == expected, [s[0] for s in saved]
    problems = {name: p for name, p, _, _ in saved if p}
    assert not problems, problems


def test_the_checks_catch_an_unreadable_figure():
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2)
    a.plot([0, 1], [0, 1])
    b.bar([0, 1], [1, 2])
    b.set_ylabel("count")
    b.set_xticks([0, 1], ["x", "y"], fontsize=6)
    problems = figure_problems(fig)
    plt.close(fig)
    assert any("no y-label" in p for p in problems)
    assert any("at 6 pt" in p for p in problems)


@pytest.fixture(scope="module")
def engram_results(tmp_path_factory):
    pytest.importorskip("numba")
    from neuromem.experiments.engram_formation import EngramConfig, run
    from neuromem.validation import synthetic_latent_space

    space = synthetic_latent_space(n_concepts=4, latent_dim=8, pictures_per_concept=12, seed=0)
    cfg = EngramConfig(engine="numba", presentations=1, seed=0, controls=(), max_test_pictures_per_concept=3,
                       engine_options={"threads": 1})
    return run(space, cfg, progress=False, dataset="synthetic")


def test_engram_figures_are_readable_and_the_raster_has_a_time_axis_in_ms(engram_results, saved, tmp_path):
    from neuromem.viz.engram import write_all

    names = write_all(engram_results, tmp_path)
    by_name = {s[0].rsplit("/", 1)[-1]: s for s in saved}
    # concepts-per-neuron (human data) is redrawn elsewhere; every other figure is held to the rules
    checked = [s for n, s in by_name.items() if n != "concepts_per_neuron_vs_human.png"]
    _assert_readable(checked, expected=len(names) - 1)
    raster = by_name["raster_concept_neurons.png"][3]
    ax = raster.axes[0]
    assert "ms" in ax.get_xlabel()
    lo, hi = ax.get_xlim()
    period = engram_results.spec.sim.trial_period_ms
    assert hi - lo == pytest.approx(period * round((hi - lo) / period))  # whole trials, in ms
    title = ax.get_title()
    for modality, colour in (("picture", "blue"), ("name", "red")):
        assert f"{modality} ({colour})" in title
    assert "spoken" not in title  # not plotted: no spoken names in this space


def _compare_rows(tmp_path, seeds):
    from neuromem.experiments.compare_binding import GridConfig, run_compare_binding, synthetic_concepts
    from neuromem.latents import LatentSpace

    spaces = {}
    for s in seeds:
        base = synthetic_concepts(6, 8, 0.4, n_train=4, n_test=3, seed=s)
        spaces[s] = LatentSpace(concepts=base.concepts, modalities=base.modalities, seed=s,
                                fit_concepts=base.concepts[:3])
    grid = GridConfig(shots=(1, 2), seeds=seeds, n_units=12, interference_k=1, capacity_sizes=(12,),
                      capacity_max_per_unit=2, test_per_concept=3, word_repeats=1)
    return run_compare_binding(spaces, dataset="toy", out_dir=tmp_path, binders=("hopfield", "softmax"),
                               grid=grid, progress=False)


@pytest.mark.parametrize("seeds", [(3,), (3, 4)])
def test_compare_binding_figures_are_readable_and_one_seed_promises_no_interval(seeds, saved, tmp_path):
    m = _compare_rows(tmp_path, seeds)
    _assert_readable(saved, expected=len(m["_meta"]["figures"]))
    texts = " ".join(t for _, _, ts, _ in saved for t in ts)
    if len(seeds) == 1:
        assert "CI" not in texts and "confidence interval" not in texts.replace("no confidence interval", "")
        assert "one seed: no confidence interval" in texts
    else:
        assert f"95 % CI over {len(seeds)} seeds" in texts
    cost = [ts for name, _, ts, _ in saved if any(t.startswith("Cost of binding") for t in ts)]
    assert cost and not any("energy:" in t.lower() and "metrics.json" not in t for t in cost[0])


@pytest.mark.parametrize("seeds", [[3], [3, 4]])
def test_binding_window_figure_is_readable_and_one_seed_promises_no_interval(seeds, saved, tmp_path):
    from neuromem.network.spec import STDP
    from neuromem.viz.binding import plot_binding_window

    offsets = [-100.0, 0.0, 100.0]
    ci = [np.nan] * 3 if len(seeds) == 1 else [0.1] * 3
    metrics = {"onset_asynchrony_ms": offsets, "seeds": seeds, "dataset": "toy", "preset": "default",
               "presentations": 3, "stdp": dataclasses.asdict(STDP()), "stimulus_ms": 200.0,
               "binding_half_width_ms": [-50.0, 50.0]}
    for key in ("invariance_index", "binding_index", "picture_to_name_recall_at_1"):
        metrics[key] = [0.1, 0.9, 0.1]
        metrics[f"{key}_ci95"] = ci
    plot_binding_window(metrics, tmp_path / "bw.png")
    _assert_readable(saved, expected=1)
    texts = " ".join(saved[0][2])
    assert ("CI" in texts) == (len(seeds) > 1)
    assert ("seeds 3,4" in texts) == (len(seeds) > 1)


def test_encoding_figures_are_readable(saved, tmp_path):
    from neuromem.validation import synthetic_latent_space
    from neuromem.viz.encoding import plot_confusion, plot_reconstruction

    space = synthetic_latent_space(n_concepts=5, latent_dim=8, pictures_per_concept=8, seed=0)
    plot_confusion(space, tmp_path / "confusion.png")
    rng = np.random.default_rng(0)
    pics = rng.random((4, 16, 16))
    recon = {"heldout_pictures": pics, "heldout_reconstructions": pics, "novel_pictures": pics,
             "novel_reconstructions": pics, "error_heldout": rng.random(20) * 0.1, "error_novel": rng.random(20)}
    plot_reconstruction(recon, {"recon_novelty_auc": 0.9, "compression_factor": 48, "dataset": "toy"},
                        tmp_path / "recon.png")
    _assert_readable(saved, expected=2)
