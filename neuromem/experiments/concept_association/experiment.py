"""Every seed of the concept-association experiment, summarised and written (metrics.json and figures)."""

from __future__ import annotations

import time
from pathlib import Path

from neuromem.experiments.concept_association.config import AssociationConfig
from neuromem.experiments.concept_association.run import run_seed
from neuromem.experiments.concept_association.summary import check_targets, summarise

__all__ = ["run_concept_association"]


def run_concept_association(cfg: AssociationConfig, space_of, *, out_dir=None, dataset: str | None = None,
                            progress: bool = True, figures: bool = True) -> dict:
    """Run every seed of ``cfg`` on ``space_of(seed)`` (a LatentSpace), summarise, write into ``out_dir``.

    Parameters
    ----------
    cfg : AssociationConfig
    space_of : callable
        ``space_of(seed) -> LatentSpace``: the seed's encoded split (e.g. ``lambda s: request.encode(s).space``).
    out_dir : path, optional
        Where ``metrics.json`` and the figures go (nothing written if None).
    dataset : str, optional
        Recorded in the metrics.
    progress, figures : bool

    Returns
    -------
    dict
        The metrics (see :mod:`neuromem.experiments.concept_association`).
    """
    from neuromem.experiments.concept_association.results import AssociationResults

    if not isinstance(cfg, AssociationConfig):
        raise TypeError(f"cfg must be an AssociationConfig; got {type(cfg).__name__}")
    t0 = time.perf_counter()
    per_seed, encode_s = [], 0.0
    for seed in cfg.seeds:
        t = time.perf_counter()
        space = space_of(seed)
        encode_s += time.perf_counter() - t
        r = run_seed(cfg, space, seed, progress=False)
        per_seed.append(r)
        if progress:
            print(f"seed {seed}: paired {_fmt(r['paired_response_fraction'])}; control "
                  f"{_fmt(r['control_response_fraction'])}; own {_fmt(r['own_response_retained'])} "
                  f"({r['timings_s']['total_s']:.0f} s)", flush=True)
    metrics = {"dataset": dataset, "preset": cfg.preset, "engine": cfg.engine, "seeds": list(cfg.seeds),
               "pairing_counts": list(range(cfg.max_pairings + 1)), "n_pairs": cfg.n_pairs,
               "n_concepts": cfg.n_concepts, "pairing_plastic": bool(cfg.pairing_plastic),
               **summarise(per_seed, cfg.seeds)}
    metrics["targets"] = check_targets(metrics)
    metrics["config"] = cfg.to_dict()
    metrics["timings_s"] = {"encode_s": encode_s, "total_s": time.perf_counter() - t0}
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        if figures:
            from neuromem.viz.concept_association import plot_concept_association

            metrics["figures"] = [p.name for p in plot_concept_association(metrics, out)]
        AssociationResults(metrics=metrics).save(out)
    return metrics


def _fmt(values) -> str:
    return " ".join("-" if v != v else f"{v:.2f}" for v in values)
