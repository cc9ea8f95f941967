"""compare-binding's verdict: summary.md is written from metrics.json, which is the summary of results.csv,
and the README's table is generated from summary.md (and refused when they disagree)."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest

from neuromem.experiments.compare_binding import GridConfig, run_compare_binding, synthetic_concepts
from neuromem.latents import LatentSpace

ROOT = Path(__file__).resolve().parents[2]


def _tables():
    spec = importlib.util.spec_from_file_location("docs_tables", ROOT / "tools" / "docs_tables.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp")
    spaces = {}
    for s in (3, 4):
        base = synthetic_concepts(6, 8, 0.5, n_train=4, n_test=3, seed=s)
        spaces[s] = LatentSpace(concepts=base.concepts, modalities=base.modalities, seed=s,
                                fit_concepts=base.concepts[:3])
    grid = GridConfig(shots=(1, 2), seeds=(3, 4), n_units=8, interference_k=1, capacity_sizes=(8,),
                      capacity_max_per_unit=2, units_k=1, test_per_concept=3, word_repeats=1)
    m = run_compare_binding(spaces, dataset="toy", out_dir=out, binders=("hopfield", "softmax"), grid=grid,
                            progress=False)
    return out, m


def test_every_summary_number_is_the_summary_of_results_csv(run):
    from neuromem.experiments.compare_binding.results import read_rows
    from neuromem.experiments.compare_binding.statistics import summarise

    out, m = run
    again = summarise(read_rows(out / "results.csv"))
    stored = json.loads((out / "metrics.json").read_text())
    keys = [k for k in again if not k.startswith("_")]
    assert len(keys) > 50
    for k in keys:
        a, b = again[k], stored.get(k)
        assert (b is None and math.isnan(a)) or a == pytest.approx(b, nan_ok=True), k


def test_summary_md_holds_the_verdict_and_the_readme_table_comes_from_it(run, tmp_path):
    from neuromem.experiments.compare_binding.summary import headline_table

    out, m = run
    text = (out / "summary.md").read_text()
    for part in ("no_binder_lookup", "nearest_prototype_reference", "added over lookup", "## Cost", "## Capacity",
                 "## Interference", "## Units on 94 synthetic concepts", "Set by construction", "Horowitz",
                 "softmax`: its units are assigned to concepts by the training label"):
        assert part in text, part
    assert "cannot hold 1.5 N concepts (by construction)" in text  # softmax: 12 concepts > 8 units
    tables = _tables()
    assert tables.compare_binding_summary_table(out / "summary.md") == headline_table(m).strip()
    # the README's view: the same rows less the fitted-concept ones, every other row unchanged
    full, novel = headline_table(m).strip().splitlines(), tables.compare_binding_novel_table(out / "summary.md")
    assert novel.splitlines() == [r for r in full if not r.startswith("| fitted,")]
    assert any(r.startswith("| fitted,") for r in full) and any(r.startswith("| novel,") for r in novel.splitlines())
    # a summary.md that disagrees with the metrics.json beside it is refused
    doctored = tmp_path / "summary.md"
    doctored.write_text(text.replace(headline_table(m).splitlines()[2], "| doctored |"))
    (tmp_path / "metrics.json").write_text((out / "metrics.json").read_text())
    with pytest.raises(ValueError, match="disagrees"):
        tables.compare_binding_summary_table(doctored)


def _hand_metrics():
    """Two binders, three seeds' worth of means and CIs, written by hand (no run)."""
    meta = {"binders": ["stdp", "contrastive"], "dataset": "toy", "seeds": [3, 4, 5],
            "grid": {"shots": [1], "n_units": 100, "interference_k": 1, "capacity_sizes": [], "units_k": 3},
            "binder_traits": {"stdp": {"family": "hebbian"}, "contrastive": {"family": "backprop"}}}
    m = {"_meta": meta}
    k = "interference/synthetic/{b}/k=1/"
    for b, before, second, retention in (("stdp", 0.3, 0.02, 1.0), ("contrastive", 1.0, 0.99, 0.6)):
        for key, v in (("recall_first_group_before", before), ("recall_second_group_after", second),
                       ("retention", retention)):
            m[k.format(b=b) + key], m[k.format(b=b) + key + "_ci95"] = v, 0.05
    for b, n_resp, one in (("stdp", 40.0, 0.1), ("contrastive", 0.0, 0.0)):
        u = f"units/synthetic-94/{b}/k=3/"
        m.update({u + "population_sparseness": 0.05, u + "n_responsive_units": n_resp,
                  u + "concepts_per_responsive_unit_1": one})
    return m


def test_retention_is_not_judged_the_recalls_it_divides_are():
    """A binder that hardly learned group 1 keeps all of it (retention 1.0): it must not win on retention."""
    from neuromem.experiments.compare_binding.table import RATIO, summary_table

    rows = {r.split(" | ")[0].lstrip("| "): r for r in summary_table(_hand_metrics(), shots=(1,)).splitlines()}
    retention = next(v for k, v in rows.items() if k.startswith("retention of group 1"))
    assert retention.rstrip(" |").endswith(RATIO) and "Hebbian" not in retention
    before = next(v for k, v in rows.items() if k.startswith("recall of group 1 before"))
    assert before.rstrip(" |").endswith("backprop")  # 1.00 vs 0.30, CIs apart
    assert rows["recall of group 2 after it is learned"].rstrip(" |").endswith("backprop")


def test_a_binder_without_responsive_units_has_no_concepts_per_unit_share():
    from neuromem.experiments.compare_binding.summary import _many_lines

    lines = {ln.split(" | ")[0].lstrip("| "): ln.split(" | ") for ln in
             _many_lines(_hand_metrics(), ["stdp", "contrastive"], _hand_metrics()["_meta"]["grid"])
             if ln.startswith("| stdp |") or ln.startswith("| contrastive |")}
    assert lines["stdp"][4] == "0.90" and lines["contrastive"][4] == "-"


def test_units_figure_draws_no_histogram_for_a_binder_without_responsive_units():
    """hopfield at beta 4 has no responsive unit: its all-zero 'histogram' must not be drawn as a measured line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from neuromem.viz.compare_binding import _units

    rows = []
    for b, n_resp, one in (("stdp", 40.0, 0.1), ("hopfield", 0.0, 0.0)):
        for seed in (3, 4):
            vals = {"n_responsive_units": n_resp, "population_sparseness": 0.05, "lifetime_sparseness": 0.05,
                    "invariance_index": 0.5, "not_representable": 0.0, "units_assigned_by_label": 0.0,
                    "human_histogram_total_variation": 0.4 if n_resp else math.nan,
                    **{f"concepts_per_responsive_unit_{j}": (one if j == 1 else 0.0) for j in range(1, 7)}}
            rows += [{"experiment": "units", "condition": "synthetic-94", "binder": b, "k": 3, "seed": seed,
                      "metric": k, "value": v} for k, v in vals.items()]
    fig = _units(rows, {"_meta": {"binder_traits": {"stdp": {"colour": "tab:red"},
                                                     "hopfield": {"colour": "tab:purple"}}}}, plt)
    left, right = fig.axes[:2]
    assert any("hopfield (no responsive unit)" in t.get_text() for t in left.get_legend().get_texts())
    labels = [ln.get_label() for ln in right.get_lines()]
    assert any(lab.startswith("stdp") for lab in labels) and not any(lab.startswith("hopfield") for lab in labels)
    plt.close(fig)


def test_paired_verdict_finds_a_consistent_difference_that_overlapping_intervals_hide():
    """Seeds differ a lot, the two binders by +0.05 on every seed: paired says which is better, overlap cannot."""
    from neuromem.analysis.statistics import t_ci95
    from neuromem.experiments.compare_binding.table import overlap_verdict, paired_verdict

    base = {"3": 0.40, "4": 0.70, "5": 0.55, "6": 0.90, "7": 0.60}
    better = {s: v + 0.05 + 0.01 * (i % 2) for i, (s, v) in enumerate(base.items())}
    names = ("Hebbian", "backprop")
    assert paired_verdict(better, base, names) == "Hebbian"
    assert paired_verdict(base, better, names) == "backprop"
    as_mean_ci = [(sum(d.values()) / 5, t_ci95(list(d.values()))) for d in (better, base)]
    assert overlap_verdict(*as_mean_ci, names) == "tie"
    # no consistent sign: a tie; identical values: a tie; one shared seed: no interval
    noisy = {s: v + (0.05 if i % 2 else -0.05) for i, (s, v) in enumerate(base.items())}
    assert paired_verdict(noisy, base, names) == "tie"
    assert paired_verdict(base, dict(base), names) == "tie"
    assert paired_verdict({"3": 0.9}, {"3": 0.1, "4": 0.2}, names) == "no CI (one seed)"


def test_summary_table_judges_per_seed_values_when_stored_and_says_which_rule():
    from neuromem.experiments.compare_binding.statistics import PER_SEED
    from neuromem.experiments.compare_binding.summary import summary_markdown
    from neuromem.experiments.compare_binding.table import OVERLAP_RULE, PAIRED_RULE, summary_table

    m = _hand_metrics()
    k = "interference/synthetic/{b}/k=1/recall_first_group_before"
    # the means and CIs say backprop (1.00 vs 0.30); per seed the Hebbian binder is ahead on every seed
    m[PER_SEED] = {k.format(b="stdp"): {"3": 0.9, "4": 0.5, "5": 0.7},
                   k.format(b="contrastive"): {"3": 0.8, "4": 0.4, "5": 0.6}}
    rows = {r.split(" | ")[0].lstrip("| "): r for r in summary_table(m, shots=(1,)).splitlines()}
    before = next(v for kk, v in rows.items() if kk.startswith("recall of group 1 before"))
    assert before.rstrip(" |").endswith("Hebbian")
    # a row without per-seed values for a binder gets no verdict rather than the unpaired one
    assert rows["recall of group 2 after it is learned"].rstrip(" |").endswith("-")
    assert PAIRED_RULE in summary_markdown(m)
    del m[PER_SEED]
    assert OVERLAP_RULE in summary_markdown(m)


def test_stored_per_seed_values_are_the_rows_of_results_csv(run):
    from neuromem.experiments.compare_binding.results import read_rows
    from neuromem.experiments.compare_binding.statistics import PER_SEED

    out, m = run
    stored = json.loads((out / "metrics.json").read_text())[PER_SEED]
    rows = [r for r in read_rows(out / "results.csv") if r["experiment"] == "shots" and r["binder"] == "softmax"
            and r["metric"] == "picture_to_name_recall_at_1" and r["condition"] == "novel" and int(r["k"]) == 2]
    assert len(rows) == 2
    assert stored["shots/novel/softmax/k=2/picture_to_name_recall_at_1"] == {
        str(int(r["seed"])): pytest.approx(r["value"]) for r in rows}
    assert m[PER_SEED] == stored


def test_capacity_and_interference_rows_show_both_references(run):
    from neuromem.experiments.compare_binding.summary import headline_table

    out, m = run
    rows = {r.split(" | ")[0].lstrip("| "): r.split(" | ") for r in headline_table(m).splitlines()}
    cap = next(v for k, v in rows.items() if k.startswith("capacity"))
    before = next(v for k, v in rows.items() if k.startswith("recall of group 1 before"))
    for row in (cap, before):  # columns: label, 2 binders, then the two references
        assert row[3] != "-" and row[4] != "-", row
    assert m["capacity/synthetic/no_binder_lookup/n_units=8/capacity"] < \
        m["capacity/synthetic/nearest_prototype_reference/n_units=8/capacity"]
    text = (out / "summary.md").read_text()
    assert "nearest_prototype_reference (reference; overwrites nothing) | 8 |" in text
    # the lookup overwrites nothing and learns nothing: no replay baseline is run for a reference
    assert "interference/synthetic/nearest_prototype_reference/k=1/retention_with_replay" not in m


def test_adding_the_references_to_a_stored_run_gives_what_a_full_run_gives(run, tmp_path):
    """A comparison stored before the references ran the synthetic experiments gets exactly their rows."""
    from neuromem.experiments.compare_binding.reference_learners import REFERENCE_LEARNERS
    from neuromem.experiments.compare_binding.results import read_rows, write_metrics, write_rows
    from neuromem.experiments.compare_binding.run import add_reference_learners
    from neuromem.experiments.compare_binding.statistics import summarise

    out, m = run
    old = [r for r in read_rows(out / "results.csv")
           if not (r["binder"] in REFERENCE_LEARNERS and r["experiment"] in ("capacity", "interference"))]
    assert len(old) < len(read_rows(out / "results.csv"))
    write_rows(tmp_path / "results.csv", old)
    write_metrics(tmp_path / "metrics.json", {**summarise(old), "_meta": dict(m["_meta"])})
    spaces = {}
    for s in (3, 4):  # the fixture's spaces
        base = synthetic_concepts(6, 8, 0.5, n_train=4, n_test=3, seed=s)
        spaces[s] = LatentSpace(concepts=base.concepts, modalities=base.modalities, seed=s,
                                fit_concepts=base.concepts[:3])
    with pytest.raises(ValueError, match="exactly those seeds"):
        add_reference_learners(tmp_path, {3: spaces[3]}, progress=False)
    again = add_reference_learners(tmp_path, spaces, progress=False)
    for k, v in m.items():
        if not k.startswith("_"):
            assert again[k] == pytest.approx(v, nan_ok=True), k
    assert set(again) - {"_meta"} == set(m) - {"_meta"}
    assert (tmp_path / "summary.md").read_text() == (out / "summary.md").read_text()
    with pytest.raises(ValueError, match="already holds"):
        add_reference_learners(tmp_path, spaces, progress=False)


def test_paired_verdict_uses_the_t_interval_of_the_mean_difference_over_seeds():
    """Pins the interval: Student t with n - 1 degrees of freedom on the standard error of the mean difference.

    Differences with t = 2.83 (> t_0.975,4 = 2.776) are a difference; with t = 2.0 (> 1.96, a normal interval
    would call it) a tie; the first set has SD 0.079 > mean / 2.776, so an interval on the SD would tie it.
    """
    from neuromem.experiments.compare_binding.table import paired_verdict

    zero = {str(s): 0.5 for s in range(3, 8)}
    names = ("Hebbian", "backprop")
    clear = dict(zip(zero, (0.6, 0.7, 0.5, 0.65, 0.55)))  # differences 0.1, 0.2, 0.0, 0.15, 0.05: t = 2.83
    borderline = dict(zip(zero, (0.6, 0.75, 0.45, 0.65, 0.55)))  # 0.1, 0.25, -0.05, 0.15, 0.05: t = 2.0
    assert paired_verdict(clear, zero, names) == "Hebbian"
    assert paired_verdict(zero, clear, names) == "backprop"
    assert paired_verdict(borderline, zero, names) == "tie"
