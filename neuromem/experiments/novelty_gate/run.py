"""One seed of the novelty-gate measurement: learn the known concepts, score held-out pictures, AUCs over seeds."""

from __future__ import annotations

import numpy as np

from neuromem.analysis.novelty import auc, engram_response, fit_gate
from neuromem.analysis.statistics import t_ci95
from neuromem.experiments.novelty_gate.config import MATCH_WEIGHT_GRID, NoveltyConfig
from neuromem.seeds import SeedTree

__all__ = ["PER_SEED_KEYS", "run_novelty", "run_seed", "seed_metrics", "summarise"]

#: The per-seed metrics averaged over seeds (each with ``_ci95``).
PER_SEED_KEYS = ("novelty_auc_match_error", "novelty_auc_network", "novelty_auc_combined", "wrong_recall_auc",
                 "gate_decision_accuracy", "gate_new_recall", "gate_known_false_new", "network_recall_known",
                 "nearest_prototype_recall_known")


def run_seed(result, cfg: NoveltyConfig, seed: int, *, progress: bool = False, log=print) -> dict:
    """Learn the known (fit) concepts of ``result``'s split, then score every held-out picture.

    Parameters
    ----------
    result : EncodeResult
        An encoding with a concept split (``space.fit_concepts``): its decoder
        and heads were fitted on the fit concepts' train pictures only, and
        ``recon["error_heldout"]`` holds every held-out picture's match error.
    cfg : NoveltyConfig
    seed : int
        Root of the seed tree (the same seed as the encoding).

    Returns
    -------
    dict
        Per held-out picture (arrays): ``match_error``, ``response``, ``known``,
        ``calibration``, ``answer_correct``; and the gate's calibration.

    Raises
    ------
    ValueError
        The encoding has no concept split, or too few held-out pictures.
    """
    from neuromem.store.learning import LearnConfig, concept_layer_size, form_engrams
    from neuromem.network import load_preset

    space = result.space
    if space.fit_concepts is None or not space.novel_concepts:
        raise ValueError("the novelty gate needs known and new concepts: encode with a concept split "
                         "(--fit-concepts 0.5)")
    pics = space["picture"]
    held = np.flatnonzero(pics.split == "heldout")
    err = np.asarray(result.recon["error_heldout"], dtype=np.float64)
    if len(err) != len(held):
        raise ValueError(f"the encoding holds {len(err)} held-out match errors for {len(held)} held-out pictures; "
                         "re-encode it (--no-cache)")
    fit_ids = [space.concepts.index(c) for c in space.fit_concepts]
    known = np.isin(pics.labels[held], fit_ids)
    seeds = SeedTree(int(seed))
    rng = seeds.rng("novelty", "calibration")
    calib = np.zeros(len(held), bool)
    kn = np.flatnonzero(known)
    calib[rng.choice(kn, size=max(2, int(round(cfg.calibration_fraction * len(kn)))), replace=False)] = True
    if (known & ~calib).sum() < 1 or (~known).sum() < 1:
        raise ValueError("too few held-out pictures to evaluate the gate; encode with a larger --heldout-fraction")

    sub = space.subset(list(space.fit_concepts))
    learn_cfg = LearnConfig(presentations=cfg.presentations, engine=cfg.engine, preset=cfg.preset, seed=int(seed))
    mods = tuple(m for m in sub.modalities)
    preset_n = load_preset(cfg.preset, modalities=mods, latent_dim=sub.latent_dim).concept.n_neurons
    n_neurons = concept_layer_size(len(sub.concepts), preset_n, None)
    net, _, mean_counts = form_engrams(sub, learn_cfg, n_neurons, preset_n, seeds, progress=progress,
                                       log=log if progress else (lambda *_: None))
    engrams = [np.flatnonzero(m >= 1.0) for m in mean_counts]
    counts = net.present({"picture": pics.latents[held]}, plastic=False,
                         seed=seeds.rng("input_spikes", "novelty_cue")).counts
    answer, response = engram_response(counts, engrams)
    answered = np.array([space.concepts.index(sub.concepts[a]) if a >= 0 else -1 for a in answer])
    train = pics.split == "train"
    protos = np.stack([pics.latents[train & (pics.labels == k)].mean(0) for k in fit_ids])
    nearest = np.asarray(fit_ids)[np.argmin(((pics.latents[held][:, None] - protos[None]) ** 2).sum(-1), axis=1)]
    return {"match_error": err, "response": response, "known": known, "calibration": calib,
            "answer_correct": answered == pics.labels[held], "prototype_correct": nearest == pics.labels[held],
            "n_concept_neurons": int(n_neurons), "engram_sizes": [int(len(e)) for e in engrams],
            "fit_concepts": list(space.fit_concepts), "novel_concepts": list(space.novel_concepts)}


def seed_metrics(scored: dict, cfg: NoveltyConfig) -> dict:
    """The metrics of one seed from :func:`run_seed`'s arrays (evaluated on the non-calibration pictures).

    ``novelty_auc_*``: AUC for "new concept" (held-out pictures of the novel
    concepts) vs "known" (held-out pictures of the fit concepts not used for
    calibration) of the log match error, of minus the network response and
    of the calibrated combined score. ``wrong_recall_auc``: AUC of the match
    error for the network answering a known picture wrongly (None when it
    never or always does). ``gate_decision_accuracy``: share of evaluated
    pictures the gate decides rightly (new for a novel concept, familiar for
    a known one).
    """
    e, r, known, calib = (np.asarray(scored[k]) for k in ("match_error", "response", "known", "calibration"))
    ev = ~calib
    new = ~known[ev]
    by_w = {}
    for w in MATCH_WEIGHT_GRID:
        g = fit_gate(e[calib], r[calib], match_weight=w, quantile=cfg.quantile)
        by_w[f"{w:g}"] = auc(new, g.score(e[ev], r[ev]))
    gate = fit_gate(e[calib], r[calib], match_weight=cfg.match_weight, quantile=cfg.quantile)
    decided_new = gate.is_new(e[ev], r[ev])
    kev = known & ev
    wrong = ~np.asarray(scored["answer_correct"])[kev]
    return {
        "novelty_auc_match_error": auc(new, np.log(e[ev])),
        "novelty_auc_network": auc(new, -r[ev]),
        "novelty_auc_combined": auc(new, gate.score(e[ev], r[ev])),
        "novelty_auc_combined_by_match_weight": by_w,
        "wrong_recall_auc": auc(wrong, np.log(e[kev])),
        "wrong_recall_n": int(wrong.sum()),
        "gate_decision_accuracy": float(np.mean(decided_new == new)),
        "gate_new_recall": float(np.mean(decided_new[new])),
        "gate_known_false_new": float(np.mean(decided_new[~new])),
        "network_recall_known": float(np.mean(np.asarray(scored["answer_correct"])[kev])),
        "nearest_prototype_recall_known": float(np.mean(np.asarray(scored["prototype_correct"])[kev])),
        "n_known_evaluated": int((~new).sum()), "n_new_evaluated": int(new.sum()), "n_calibration": int(calib.sum()),
        "gate": gate.to_dict(),
    }


def summarise(per_seed: dict) -> dict:
    """Seed means and 95 % t-interval half-widths (``<key>_ci95``) of :data:`PER_SEED_KEYS`."""
    out = {}
    for k in PER_SEED_KEYS:
        vals = [m[k] for m in per_seed.values() if m.get(k) is not None]
        out[k] = float(np.mean(vals)) if vals else None
        ci = t_ci95(vals) if len(vals) >= 2 else float("nan")
        out[f"{k}_ci95"] = float(ci) if np.isfinite(ci) else None
        out[f"{k}_n_seeds"] = len(vals)
    return out


def run_novelty(encode, cfg: NoveltyConfig, *, progress: bool = False, log=print) -> tuple[dict, dict]:
    """Every seed of ``cfg``: ``encode(seed)`` gives the EncodeResult; returns ``(metrics, per-item arrays)``."""
    per_seed, items = {}, {}
    for s in cfg.seeds:
        scored = run_seed(encode(s), cfg, s, progress=progress, log=log)
        per_seed[str(s)] = seed_metrics(scored, cfg)
        items[str(s)] = {k: scored[k] for k in ("match_error", "response", "known", "calibration")}
        log(f"seed {s}: AUC match {per_seed[str(s)]['novelty_auc_match_error']:.3f}, network "
            f"{per_seed[str(s)]['novelty_auc_network']:.3f}, combined {per_seed[str(s)]['novelty_auc_combined']:.3f}")
    return {**summarise(per_seed), "per_seed": per_seed, "seeds": list(cfg.seeds), "engine": cfg.engine,
            "preset": cfg.preset, "presentations": cfg.presentations, "match_weight": cfg.match_weight,
            "quantile": cfg.quantile, "calibration_fraction": cfg.calibration_fraction}, items
