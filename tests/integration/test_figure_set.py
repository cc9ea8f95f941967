"""``neuromem figures --all``: the cache (a second run redoes nothing; a code change reruns), the metrics
sections, and figures whose plotted data equal the results they were drawn from."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from neuromem.cli.figure_set import collect, run as run_mod
from neuromem.cli.figure_set.jobs import Job, code_version, jobs


def _fake_world(monkeypatch, calls):
    """Two tiny jobs whose 'commands' write a metrics.json from their seed; figures are one small PNG each."""
    monkeypatch.setattr(run_mod, "jobs", lambda quick=False: [
        Job(name="engram_formation", argv=("run", "engram-formation"), seeds=(3, 4), per_seed=True),
        Job(name="binding_window", argv=("run", "binding-window"), seeds=(3, 4), per_seed=False)])

    def fake_unit(argv, log_path):
        calls.append(list(argv))
        out = argv[argv.index("--out") + 1]
        seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 0
        collect.write_metrics(f"{out}/metrics.json", {"picture_to_name_recall_at_1": 0.5 + 0.1 * seed,
                                                      "onset_asynchrony_ms": [-50.0, 0.0, 50.0],
                                                      "binding_index": [0.1, 0.8, 0.2], "seeds": [3, 4]})
        return 0

    def fake_maker(name):
        def make(folder, out):
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt

            fig, ax = plt.subplots()
            ax.plot([0, 1], [0, 1])
            fig.savefig(out / f"{name}.png")
            plt.close(fig)
            return [out / f"{name}.png"]
        return make

    monkeypatch.setattr(run_mod, "_run_unit", fake_unit)
    monkeypatch.setattr(run_mod, "_figure_maker", fake_maker)


def test_second_run_redoes_nothing_and_a_code_change_reruns(tmp_path, monkeypatch):
    calls = []
    _fake_world(monkeypatch, calls)
    lines = []
    first = run_mod.run_figure_set(tmp_path, log=lines.append)
    assert first["n_run"] == 3 and len(calls) == 3  # two seeds of the per-seed job, one pooled unit
    m = collect.read_folder_metrics(tmp_path)
    ef = m["engram_formation"]
    assert ef["picture_to_name_recall_at_1"] == pytest.approx(0.5 + 0.1 * 3.5)
    assert ef["picture_to_name_recall_at_1_ci95"] > 0 and ef["seed_4"]["picture_to_name_recall_at_1"] == 0.9
    assert m["binding_window"]["binding_index"] == [0.1, 0.8, 0.2]
    assert "literature_check" in m and (tmp_path / "summary.png").is_file()
    assert any("[1/3] engram_formation seed_3: running" in line for line in lines)
    second = run_mod.run_figure_set(tmp_path, log=lines.append)
    assert second["n_run"] == 0 and second["n_cached"] == 3 and len(calls) == 3
    monkeypatch.setattr(run_mod, "code_version", lambda: "changed-code")
    third = run_mod.run_figure_set(tmp_path, log=lines.append)
    assert third["n_run"] == 3 and len(calls) == 6


def test_an_interrupted_set_resumes_with_the_finished_units(tmp_path, monkeypatch):
    calls = []
    _fake_world(monkeypatch, calls)
    plain = run_mod._run_unit

    def failing_on_pooled(argv, log_path):
        if "binding-window" in argv:
            return 1
        return plain(argv, log_path)

    monkeypatch.setattr(run_mod, "_run_unit", failing_on_pooled)
    with pytest.raises(RuntimeError, match="binding-window"):
        run_mod.run_figure_set(tmp_path, log=lambda *_: None)
    assert len(calls) == 2
    monkeypatch.setattr(run_mod, "_run_unit", plain)
    report = run_mod.run_figure_set(tmp_path, log=lambda *_: None)
    assert report["n_cached"] == 2 and report["n_run"] == 1


def test_mean_over_seeds_means_cis_and_lists():
    m = collect.mean_over_seeds({3: {"a": 1.0, "h": [0.2, 0.8], "c": {"x": 2.0}, "s": "digits"},
                                 4: {"a": 3.0, "h": [0.4, 0.6], "c": {"x": 4.0}, "s": "digits"}})
    assert m["a"] == 2.0 and m["a_ci95"] == pytest.approx(12.706 * 1.0, rel=1e-3)
    assert m["h"] == pytest.approx([0.3, 0.7]) and m["c"]["x"] == 3.0 and m["s"] == "digits"
    one = collect.mean_over_seeds({3: {"a": 1.0}})
    assert one["a"] == 1.0 and "a_ci95" not in one


def test_quick_set_is_report_seed_3_and_full_set_report_seeds():
    quick, full = jobs(quick=True), jobs(quick=False)
    assert {j.seeds for j in quick} == {(3,)}
    assert {j.seeds for j in full if j.name != "compression_tuning"} == {(3, 4, 5, 6, 7)}
    assert [j.name for j in quick] == [j.name for j in full if j.name != "compression_tuning"]
    # the full set's compression choice is made on the tuning seeds' run, which draws nothing
    tuning = next(j for j in full if j.name == "compression_tuning")
    assert tuning.seeds == (0, 1, 2) and not tuning.draws
    names = [j.name for j in full]
    assert names.index("compression_tuning") < names.index("compression")
    argv = next(j for j in full if j.name == "compression").argv
    assert argv[argv.index("--choose-on") + 1] == "{runs}/compression_tuning/all_seeds"


def test_code_version_ignores_figure_code_but_not_model_code(tmp_path):
    (tmp_path / "viz").mkdir()
    (tmp_path / "engines").mkdir()
    (tmp_path / "viz" / "a.py").write_text("x = 1\n")
    (tmp_path / "engines" / "b.py").write_text("y = 1\n")
    v0 = code_version(tmp_path)
    (tmp_path / "viz" / "a.py").write_text("x = 2\n")
    assert code_version(tmp_path) == v0
    (tmp_path / "engines" / "b.py").write_text("y = 2\n")
    assert code_version(tmp_path) != v0


def _metrics():
    return {"engram_formation": {"picture_to_name_network_recall_at_1": 0.91, "picture_to_name_recall_at_1": 0.95,
                                 "picture_to_name_recall_at_1_ci95": 0.02,
                                 "nearest_prototype_reference_recall_at_1": 0.97, "no_binder_lookup_recall_at_1": 0.99,
                                 "chance_recall_at_1": 0.1, "presentations": 3, "seeds": [3, 4],
                                 "invariance_index": 0.9},
            "concept_cells": {"concepts_per_neuron_histogram": [0.5, 0.2, 0.1, 0.1, 0.05, 0.05],
                              "human_concepts_per_neuron_histogram": [0.496, 0.182, 0.099, 0.052, 0.041, 0.131],
                              "n_concepts": 94, "n_neurons": 1000, "concepts_per_neuron_tv_to_human": 0.2,
                              "population_sparseness": 0.01},
            "compression": {"sizes": [8, 32], "head_recall_fitted": [0.8, 0.97], "head_recall_novel": [0.5, 0.6],
                            "autoencoder_recall_fitted": {"ssim": [0.6, 0.7]}, "knee_head_fitted": 32,
                            "best_loss": "ssim"}}


def test_summary_bars_and_curves_are_the_results():
    from neuromem.viz.summary import ENGRAM_BARS, draw_summary

    metrics = _metrics()
    fig = draw_summary(metrics)
    axes = {ax.get_label(): ax for ax in fig.axes}
    heights = [p.get_height() for p in axes["engram_formation"].patches]
    assert heights == pytest.approx([metrics["engram_formation"][k] for k, _ in ENGRAM_BARS])
    cc = [p.get_height() for p in axes["concept_cells"].patches]
    assert cc == pytest.approx(metrics["concept_cells"]["human_concepts_per_neuron_histogram"]
                               + metrics["concept_cells"]["concepts_per_neuron_histogram"])
    lines = {ln.get_label(): list(ln.get_ydata()) for ln in axes["compression"].lines}
    assert lines["supervised head"] == pytest.approx([0.8, 0.97])
    assert lines["autoencoder, ssim"] == pytest.approx([0.6, 0.7])
    assert "not in these results" in " ".join(t.get_text() for t in axes["binding_window"].texts)


def test_figure1_links_and_points_are_the_run():
    from neuromem.viz.palette import concept_colours
    from neuromem.viz.scheme import draw_model_scheme

    rng = np.random.default_rng(0)
    pts = rng.normal(size=(30, 2))
    labels = np.repeat(np.arange(3), 10)
    protos = np.stack([pts[labels == k].mean(axis=0) for k in range(3)])
    scheme = {"concepts": ["a", "b", "c"], "seed": 3, "n_concept_neurons": 50, "engram_neurons": [[1], [2, 3], [4]],
              "decoder_layers": [64, 256, 64],
              "modalities": {m: {"encoder": "enc", "layers": [100, 64], "latent_dim": 64, "code_neurons": 640,
                                 "points": pts, "labels": labels, "prototypes": protos} for m in ("picture", "name")},
              "links": {"picture": np.array([0.1, 0.3, 0.2]), "name": np.array([0.05, 0.0, 0.4])}}
    fig = draw_model_scheme(scheme)
    links = {a.get_gid(): a for a in fig.artists if (a.get_gid() or "").startswith("link:")}
    assert {g: a.weight_mv for g, a in links.items()} == {
        "link:picture:a": 0.1, "link:picture:b": 0.3, "link:picture:c": 0.2, "link:name:a": 0.05,
        "link:name:c": 0.4}  # a link that learning did not strengthen is not drawn
    assert links["link:name:c"].get_linewidth() > links["link:picture:b"].get_linewidth()
    assert tuple(links["link:picture:b"].get_edgecolor()[:3]) == pytest.approx(concept_colours(3)[1][:3])
    ax = next(a for a in fig.axes if a.get_title().startswith("picture latent space"))
    offsets = [c.get_offsets() for c in ax.collections]
    assert np.allclose(offsets[1 * 2 + 1], protos[1:2])  # concept b's marked mean point
    assert math.isclose(offsets[0][:, 0].sum(), pts[labels == 0, 0].sum())


def test_figures_all_refuses_bad_option_combinations(tmp_path, capsys):
    from neuromem.cli.main import main

    assert main(["figures", "--all"]) == 2
    assert "--all needs --out" in capsys.readouterr().err
    assert main(["figures", "--all", "--results", str(tmp_path), "--out", str(tmp_path)]) == 2
    assert main(["figures", "--quick", "--results", str(tmp_path)]) == 2
    assert "--quick belongs to --all" in capsys.readouterr().err


@pytest.mark.slow
def test_quick_figure_set_end_to_end(tmp_path):
    """The real quick set (minutes): every figure, the sections, the check, then a second run runs nothing."""
    report = run_mod.run_figure_set(tmp_path, quick=True)
    m = collect.read_folder_metrics(tmp_path)
    for section in ("encoding", "engram_formation", "binding_window", "compare_binding", "concept_cells",
                    "compression", "literature_check"):
        assert section in m, section
    assert (tmp_path / "figure1.png").is_file() and (tmp_path / "summary.png").is_file()
    assert report["n_run"] == len(report["units"])
    again = run_mod.run_figure_set(tmp_path, quick=True)
    assert again["n_run"] == 0
    json.loads((tmp_path / "metrics.json").read_text())


def test_a_job_that_names_another_jobs_folder_gets_this_sets_path_and_a_tuning_job_draws_nothing(
        tmp_path, monkeypatch):
    calls = []
    _fake_world(monkeypatch, calls)
    monkeypatch.setattr(run_mod, "jobs", lambda quick=False: [
        Job(name="tuning", argv=("run", "binding-window"), seeds=(0,), per_seed=False, draws=False),
        Job(name="binding_window", argv=("run", "binding-window", "--choose-on", "{runs}/tuning/all_seeds"),
            seeds=(3, 4), per_seed=False)])
    report = run_mod.run_figure_set(tmp_path, log=lambda _: None)
    assert calls[1][calls[1].index("--choose-on") + 1] == str(tmp_path / "runs" / "tuning" / "all_seeds")
    assert "tuning" not in report["figures"] and "binding_window" in report["figures"]
    assert report["units"][1]["command"].endswith("--choose-on {runs}/tuning/all_seeds --seeds 3,4")
