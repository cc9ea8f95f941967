"""compare-binding on the command line: the printed summary, one seed, the concept-split option."""

from __future__ import annotations

import math
import types
import unicodedata

import pytest

from neuromem.data.concept_split import resolve_fit_concepts
from neuromem.analysis.statistics import ONE_SEED
from neuromem.experiments.compare_binding.table import recall_lines


def _metrics(seeds, binders=("hopfield",), shots=(1, 5)):
    m = {"_meta": {"seeds": list(seeds)}}
    for cond in ("fitted", "novel"):
        for K in shots:
            for b in ("no_binder_lookup", "nearest_prototype_reference", "chance") + tuple(binders):
                for direction, v in (("picture_to_name", 0.8), ("name_to_picture", 0.6)):
                    key = f"shots/{cond}/{b}/k={K}/{direction}_recall_at_1"
                    m[key] = v + 0.01 * K
                    m[f"{key}_ci95"] = math.nan if len(seeds) == 1 else 0.05
    return m


def test_summary_has_both_directions_per_condition_with_intervals():
    text = "\n".join(recall_lines(_metrics((3, 4, 5)), shots=(1, 5), binders=("hopfield",)))
    assert "picture -> name" in text and "name -> picture" in text
    assert "mean ± 95 % CI over 3 seeds" in text
    for cond in ("fitted", "novel"):
        for K in (1, 5):
            assert f"{cond} K={K}" in text
    assert "0.810 ± 0.050" in text and "0.650 ± 0.050" in text  # K=5 of each direction, with its interval
    assert len([ln for ln in text.splitlines() if "hopfield" in ln]) == 4  # 2 conditions x 2 K


def test_one_seed_says_so_and_prints_no_nan():
    text = "\n".join(recall_lines(_metrics((3,)), shots=(1, 5), binders=("hopfield",)))
    assert ONE_SEED in text
    assert "nan" not in text.lower() and "±" not in text
    assert "0.810" in text and "0.650" in text


class _Recorded:
    """Stands in for the encoding and the comparison: records the split asked for, returns fixed metrics."""

    def __init__(self, monkeypatch):
        import neuromem.experiments.compare_binding.cli as cb_cli
        from neuromem.encoders.request import EncodeRequest

        self.fit = []
        self.seeds = ()
        test = self

        def encode(request, seed):
            test.fit.append(request.config_for(request.load(seed), seed).fit_concepts)
            return types.SimpleNamespace(space=None)

        def run(spaces, **kw):
            test.seeds = tuple(spaces)
            return _metrics(tuple(spaces), binders=kw["binders"], shots=kw["grid"].shots)

        monkeypatch.setattr(EncodeRequest, "encode", encode)
        monkeypatch.setattr(cb_cli, "run_compare_binding", run)


def _run(tmp_path, *options):
    from neuromem.cli import main

    return main(["run", "compare-binding", "--dataset", "digits", "--binders", "hopfield", "--quiet",
                 "--out", str(tmp_path / "out"), *options])


def test_cli_prints_both_directions_and_warns_for_one_seed(monkeypatch, tmp_path, capsys):
    rec = _Recorded(monkeypatch)
    assert _run(tmp_path, "--seeds", "3") == 0
    out, err = capsys.readouterr()
    assert rec.seeds == (3,)
    assert "one seed: no confidence interval" in err
    assert "name -> picture" in out and "novel K=5" in out
    assert "nan" not in out.lower() and "±" not in out
    assert _run(tmp_path, "--seeds", "3,4") == 0
    out, err = capsys.readouterr()
    assert "one seed" not in err
    assert "mean ± 95 % CI over 2 seeds" in out and "0.650 ± 0.050" in out


def test_fit_fraction_is_a_deprecated_spelling_of_fit_concepts(monkeypatch, tmp_path, capsys):
    rec = _Recorded(monkeypatch)
    assert _run(tmp_path, "--seeds", "3", "--fit-fraction", "0.3") == 0
    err = capsys.readouterr().err
    assert "--fit-fraction is deprecated; use --fit-concepts 0.3" in err
    assert _run(tmp_path, "--seeds", "3", "--fit-concepts", "0.3") == 0
    assert rec.fit[0] == rec.fit[1] and len(rec.fit[0]) == 3  # the same split (3 of the 10 digits)
    assert _run(tmp_path, "--seeds", "3", "--fit-concepts", "ONE, two") == 0
    assert rec.fit[2] == ("one", "two")


@pytest.mark.parametrize("option", ["--fit-fraction", "--fit-concepts"])
def test_a_split_of_zero_is_a_clear_error(option, monkeypatch, tmp_path, capsys):
    _Recorded(monkeypatch)
    assert _run(tmp_path, "--seeds", "3", option, "0") == 2
    err = capsys.readouterr().err
    assert "unknown concept" not in err
    assert "fraction in (0, 1)" in err and "0.5" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_fit_concepts_names_are_normalised_like_every_user_given_name():
    concepts = ("café", "cat", "ice cream")
    decomposed = unicodedata.normalize("NFD", "café")
    assert decomposed != "café"
    assert resolve_fit_concepts(decomposed, concepts, seed=0) == ("café",)
    assert resolve_fit_concepts(" Ice_Cream ", concepts, seed=0) == ("ice cream",)
    with pytest.raises(ValueError, match="names no concept and is no fraction"):
        resolve_fit_concepts("0", concepts, seed=0)
    assert resolve_fit_concepts("0", ("0", "1", "2"), seed=0) == ("0",)  # a concept named 0 is a name


def test_every_experiment_can_redraw_its_figures_from_its_results_folder():
    """``neuromem figures --results DIR`` finds a results folder through each experiment's own two functions."""
    from neuromem.experiments.registry import experiment_names, load_experiment

    for name in experiment_names():
        exp = load_experiment(name)
        assert callable(getattr(exp, "results_exist", None)), name
        assert callable(getattr(exp, "make_figures", None)), name
