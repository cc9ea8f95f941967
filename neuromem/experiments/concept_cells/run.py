"""Running the concept-cells experiment: every seed's code at N and 2N, capacity, the trade-off sweep; summaries."""

from __future__ import annotations

import functools
import time
from pathlib import Path

import numpy as np

from neuromem.analysis import human_concepts_per_neuron_histogram, summarise_seeds, total_variation
from neuromem.experiments.concept_cells.capacity import capacity_seed
from neuromem.experiments.concept_cells.code import run_code_seed
from neuromem.experiments.concept_cells.config import ConceptCellsConfig
from neuromem.experiments.concept_cells.targets import best_point, check_targets

__all__ = ["SEED_MEANS", "pool_histogram", "run_cell", "run_concept_cells", "run_seed", "run_seeds", "run_tradeoff",
           "summarise"]

#: Per-seed values summarised as a mean over seeds with ``_ci95`` beside it.
SEED_MEANS = ("population_sparseness", "population_sparseness_at_2n", "sparseness_ratio_2n_to_n",
              "related_coresponse_ratio", "concepts_per_neuron_tv_to_human", "neurons_per_concept_mean",
              "n_responsive_neurons", "multi_concept_fraction", "invariance_index", "picture_to_name_recall_at_1",
              "nearest_prototype_reference_recall_at_1", "no_binder_lookup_recall_at_1", "capacity_concepts")


def _merge(overrides: dict, extra: dict) -> dict:
    out = {k: dict(v) for k, v in overrides.items()}
    for sec, vals in extra.items():
        out.setdefault(sec, {}).update(vals)
    return out


def run_seed(cfg: ConceptCellsConfig, seed: int, *, binders=None, progress: bool = False) -> dict:
    """Every measure of one seed (see :mod:`neuromem.experiments.concept_cells`).

    ``binders``: whose capacity is measured beside the spiking layer (default ``cfg.capacity_binders``).
    """
    binders = cfg.capacity_binders if binders is None else tuple(binders)
    out = run_code_seed(cfg, seed, progress=progress)
    if cfg.at_2n:
        two = run_code_seed(cfg, seed, 2 * cfg.n_neurons, progress=progress)
        out["population_sparseness_at_2n"] = two["population_sparseness"]
        out["sparseness_ratio_2n_to_n"] = two["population_sparseness"] / out["population_sparseness"] \
            if out["population_sparseness"] > 0 else float("nan")
        out["at_2n"] = {k: two[k] for k in ("concepts_per_neuron_histogram", "concepts_per_neuron_tv_to_human",
                                            "neurons_per_concept_mean", "n_responsive_neurons", "n_neurons")}
    if cfg.capacity:
        cap = capacity_seed(seed, cfg.capacity_n_neurons, preset=cfg.preset, engine=cfg.engine,
                            overrides=cfg.spec_overrides, binders=binders, below=cfg.capacity_below_half_n)
        out["capacity"] = cap
        out["capacity_concepts"] = cap["spiking"]["capacity_concepts"]
        for b in binders:
            out[f"capacity_concepts_{b}"] = cap[b]["capacity_concepts"]
        out["capacity_reference_min_recall"] = cap["reference_min_recall"]
    return out


def pool_histogram(per_seed: list[dict]) -> tuple[list, float, list]:
    """Histogram pooled over seeds (responsive neurons of every seed together), its TV to the human one, counts."""
    counts = np.sum([r["concepts_per_neuron_counts"] for r in per_seed], axis=0)
    if counts.sum() == 0:
        return [0.0] * len(counts), float("nan"), counts.tolist()
    hist = counts / counts.sum()
    return hist.tolist(), total_variation(hist, human_concepts_per_neuron_histogram()), counts.astype(int).tolist()


def summarise(per_seed: list[dict], seeds) -> dict:
    """Pooled histogram and TV, seed means with ``_ci95``, and every seed's values under ``seed_<S>``."""
    hist, tv, counts = pool_histogram(per_seed)
    keys = [k for k in SEED_MEANS if k in per_seed[0]] + [k for k in per_seed[0] if k.startswith("capacity_concepts_")
                                                          or k == "capacity_reference_min_recall"]
    summary = summarise_seeds([{k: r[k] for k in keys} for r in per_seed])
    out = {"concepts_per_neuron_histogram": hist, "concepts_per_neuron_tv_to_human": tv,
           "concepts_per_neuron_counts": counts,
           "human_concepts_per_neuron_histogram": human_concepts_per_neuron_histogram().tolist()}
    for k in keys:
        name = "concepts_per_neuron_tv_to_human_seed_mean" if k == "concepts_per_neuron_tv_to_human" else k
        out[name], out[f"{name}_ci95"] = summary[k], summary[f"{k}_ci95"]
    for s, r in zip(seeds, per_seed):
        out[f"seed_{s}"] = r
    return out


def run_seeds(cfg: ConceptCellsConfig, *, binders=None, jobs: int = 1,
              progress: bool = False) -> list[dict]:
    """:func:`run_seed` for every seed of ``cfg``, in ``jobs`` processes (the results do not depend on ``jobs``)."""
    one = functools.partial(run_seed, binders=binders, progress=progress and jobs <= 1)
    if jobs <= 1 or len(cfg.seeds) == 1:
        return [one(cfg, s) for s in cfg.seeds]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(min(jobs, len(cfg.seeds)), mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(one, [cfg] * len(cfg.seeds), cfg.seeds))


def preset_active_fraction(cfg: ConceptCellsConfig) -> float | None:
    """The k-winners-take-all active fraction of ``cfg``'s network (None without that mechanism)."""
    from neuromem.network import load_preset

    spec = load_preset(cfg.preset, modalities=("picture",), latent_dim=1, **cfg.spec_overrides)
    kwta = [m for m in spec.mechanisms if hasattr(m, "active_fraction")]
    return kwta[0].active_fraction if kwta else None


def _active_neurons(cfg: ConceptCellsConfig) -> int | None:
    """Winners per trial of the k-winners-take-all at the capacity size (its sparseness there: k / N)."""
    f = preset_active_fraction(cfg)
    return None if f is None else max(1, round(f * cfg.capacity_n_neurons))


def run_tradeoff(cfg: ConceptCellsConfig, fractions, *, jobs: int = 1, progress: bool = False,
                 known: dict | None = None) -> dict:
    """The sweep over ``k_winners_take_all.active_fraction``: every seed's code (and the spiking capacity) per value.

    ``known``: ``{fraction: per-seed results}`` already measured (the main run's own fraction), reused as they are.
    """
    rows = []
    for f in sorted(set(float(x) for x in fractions) | set(known or {})):
        if known and f in known:
            per_seed = known[f]
        else:
            sub = ConceptCellsConfig(**{**{k: getattr(cfg, k) for k in cfg.__dataclass_fields__}, "at_2n": False,
                                        "spec_overrides": _merge(cfg.spec_overrides,
                                                            {"k_winners_take_all": {"active_fraction": f}})})
            per_seed = run_seeds(sub, binders=(), jobs=jobs, progress=progress)
        rows.append({"active_fraction": float(f), "seeds": list(cfg.seeds), **summarise(per_seed, cfg.seeds)})
    n_cap = cfg.capacity_n_neurons if cfg.capacity else None
    return {"parameter": "k_winners_take_all.active_fraction", "rows": rows, "best": best_point({"rows": rows}, n_cap)}


def run_concept_cells(cfg: ConceptCellsConfig | None = None, *, tradeoff_fractions=(), out_dir=None,
                      jobs: int = 1, progress: bool = True, figures: bool = True) -> dict:
    """Run every seed (and the trade-off sweep), summarise, write ``metrics.json`` and the figures into ``out_dir``.

    Returns
    -------
    dict
        The metrics (see :mod:`neuromem.experiments.concept_cells`).
    """
    from neuromem.experiments.concept_cells.results import ConceptCellsResults
    from neuromem.network import load_preset

    t0 = time.perf_counter()
    cfg = cfg or ConceptCellsConfig()
    per_seed = run_seeds(cfg, jobs=jobs, progress=progress)
    if progress:
        for s, r in zip(cfg.seeds, per_seed):
            print(f"seed {s}: TV {r['concepts_per_neuron_tv_to_human']:.3f}, sparseness "
                  f"{r['population_sparseness']:.4f}, related ratio {r['related_coresponse_ratio']:.2f}", flush=True)
    spec = load_preset(cfg.preset, modalities=("picture",), latent_dim=1)
    metrics = {"preset": spec.name, "engine": cfg.engine, "n_concepts": cfg.n_concepts, "n_neurons": cfg.n_neurons,
               "seeds": list(cfg.seeds), "capacity_n_neurons": cfg.capacity_n_neurons if cfg.capacity else None,
               "capacity_active_neurons": _active_neurons(cfg) if cfg.capacity else None,
               **summarise(per_seed, cfg.seeds)}
    if len(tradeoff_fractions):
        own = preset_active_fraction(cfg)
        metrics["tradeoff"] = run_tradeoff(cfg, tradeoff_fractions, jobs=jobs, progress=progress,
                                           known={float(own): per_seed} if own is not None else None)
    metrics["targets"] = check_targets(metrics)
    metrics["config"] = cfg.to_dict()
    metrics["timings_s"] = {"total_s": time.perf_counter() - t0}
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        if figures:
            from neuromem.viz.concept_cells import plot_concept_cells

            metrics["figures"] = [p.name for p in plot_concept_cells(metrics, out)]
        ConceptCellsResults(metrics=metrics).save(out)
    return metrics


def run_cell(config: ConceptCellsConfig, space=None, *, dataset: str | None = None) -> dict:
    """One cell of a sweep (:mod:`neuromem.sweep`): the experiment on ``config``'s one seed, nothing written.

    The experiment makes its own concept set from the config and seed, so ``space`` must be None
    (``dataset`` is not used). The histogram becomes one number per bin
    (``concepts_per_neuron_histogram.1`` ... ``.6+``); the per-seed copy, the config and the lists are left
    out, so every number is a row of the sweep's table.

    Raises
    ------
    ValueError
        If ``config`` holds more than one seed, or a latent space is given.
    """
    from neuromem.analysis.human import HISTOGRAM_BINS

    if len(config.seeds) != 1:
        raise ValueError(f"a sweep cell runs one seed; the config has seeds {list(config.seeds)}")
    if space is not None:
        raise ValueError("concept-cells makes its own synthetic concept set; give no latent space")
    m = run_concept_cells(config, out_dir=None, progress=False, figures=False)
    cell = {k: v for k, v in m.items() if k != "config" and not k.startswith("seed_") and not isinstance(v, list)}
    cell["concepts_per_neuron_histogram"] = dict(zip(HISTOGRAM_BINS, m["concepts_per_neuron_histogram"]))
    return cell
