"""One seed of the concept-association experiment: learn single concepts, pair, test after every pairing count."""

from __future__ import annotations

import math
import time

import numpy as np

from neuromem.analysis.association import cued_recall_rank_fraction, gastaldi_band, paired_response_fraction
from neuromem.experiments.concept_association.config import MODALITIES, AssociationConfig
from neuromem.experiments.concept_association.measures import PER_COUNT_KEYS, count_measures, responses
from neuromem.experiments.concept_association.protocol import choose_pairs, pairing_round
from neuromem.latents import LatentSpace
from neuromem.protocols import choose_training, heldout_trials, training_trials
from neuromem.seeds import SeedTree
from neuromem.session import Session

__all__ = ["run_seed", "raster_data"]


def _check(space) -> None:
    if not isinstance(space, LatentSpace):
        raise TypeError(f"space must be a neuromem.latents.LatentSpace; got {type(space).__name__}")
    missing = [m for m in MODALITIES if m not in space.modalities]
    if missing:
        raise ValueError(f"concept association needs {list(MODALITIES)} modalities; the space lacks {missing}")


def _trial_spikes(res, per: int, dt_ms: float, neuron: int, rows) -> list:
    """Spike times (ms from trial start) of ``neuron`` in each trial of ``rows``."""
    mine = res.steps[res.indices == neuron]
    return [((mine[(mine >= r * per) & (mine < (r + 1) * per)] - r * per) * dt_ms).round(2).tolist() for r in rows]


def raster_data(before, after, r0, rn, test, pair, control, per: int, dt_ms: float, names) -> dict:
    """One neuron's spikes to A, B and a control concept before and after pairing (the Ison-style raster).

    The neuron: the first of A's neurons (not B's) before pairing that answers B after it, else the
    first of A's neurons.
    """
    a, b = pair
    cand = np.nonzero(r0[:, a] & ~r0[:, b])[0]
    moved = [int(n) for n in cand if rn[n, b]]
    if not len(cand):
        return {}
    neuron = moved[0] if moved else int(cand[0])
    out = {"neuron": neuron, "answers_b_after": bool(moved), "stimulus_ms": None,
           "concepts": {"A": names[a], "B": names[b], "control": names[control]}}
    for when, res in (("before", before), ("after", after)):
        out[when] = {}
        for role, k in (("A", a), ("B", b), ("control", control)):
            rows = np.nonzero((test.labels == k) & (test.kind != "blank"))[0]
            out[when][role] = {"kind": test.kind[rows].tolist(),
                               "spikes_ms": _trial_spikes(res, per, dt_ms, neuron, rows)}
    return out


def run_seed(cfg: AssociationConfig, space: LatentSpace, seed: int, *, progress: bool = False) -> dict:
    """Learn ``4 * n_pairs`` concepts of ``space``, pair ``n_pairs`` of them, test after every pairing count.

    Returns
    -------
    dict
        Every key of :data:`PER_COUNT_KEYS` as a list indexed by pairing count (0 .. ``max_pairings``),
        ``concepts_per_neuron_counts_before`` / ``_after``, ``gamma`` (the measured sparseness: mean
        fraction of neurons answering one concept before pairing), ``shared_fraction_band``
        (:func:`neuromem.analysis.association.gastaldi_band`), the references of the cued recall, the
        raster of one neuron, the concept names and the timings.
    """
    _check(space)
    t0 = time.perf_counter()
    seeds = SeedTree(seed)
    chosen, pairs, controls = choose_pairs(len(space.concepts), cfg.n_pairs, seeds.rng("pairing"))
    names = [space.concepts[k] for k in chosen]
    sub = space.subset(names)
    session = Session(sub, cfg.preset, overrides=cfg.overrides, modalities=MODALITIES, engine=cfg.engine,
                      engine_options=cfg.engine_options, seeds=seeds, progress=progress)
    spec = session.spec
    plan = choose_training(sub, cfg.presentations, seeds.rng("training"), MODALITIES)
    session.train(training_trials(sub, plan, MODALITIES))
    t_learn = time.perf_counter() - t0
    test = heldout_trials(sub, MODALITIES, seeds.rng("test_items", "test"),
                          max_pictures_per_concept=cfg.test_pictures_per_concept,
                          min_word_trials_per_concept=cfg.test_names_per_concept, blank_trials=cfg.blank_trials)
    drive = session.drive(test, phase="test")  # one drive: every test sees the same input noise
    if not math.isinf(cfg.pairing_tau_theta_ms) and spec.homeostasis is not None:  # the pairing trials' threshold recovers (config docstring)
        learned = session.get_state()
        session = session.variant(adaptive_threshold={"tau_theta_ms": cfg.pairing_tau_theta_ms})
        session.set_state(learned)
    proto = plan.prototypes(sub, MODALITIES)
    n_c = len(names)
    per_count = {k: [] for k in PER_COUNT_KEYS}
    r0 = first = last = None
    for n in range(cfg.max_pairings + 1):
        if n > 0:
            trials = pairing_round(plan, pairs, controls, n - 1, name_onset_ms=cfg.name_onset_ms,
                                   stimulus_ms=spec.sim.stimulus_ms)
            session.run(trials, plastic=cfg.pairing_plastic, phase=f"pairing/{n}")
        run = session.test(test, drive=drive)
        rn = responses(run.counts, test, n_c, cfg.criterion)
        if r0 is None:
            r0, first = rn, run
        last, r_last = run, rn
        m = count_measures(r0, rn, run.counts, test, pairs, controls, w_fb_name=session.get_state().w_fb["name"],
                           name_prototypes=proto["name"], code=spec.coding, squash=session.squash["name"])
        for k in PER_COUNT_KEYS:
            per_count[k].append(m[k])
        if n == 0:
            hist_before = m["concepts_per_neuron_counts"]
    hist_after = m["concepts_per_neuron_counts"]
    n_neurons = spec.concept.n_neurons
    gamma = float(r0.sum(axis=0).mean() / n_neurons)
    pic = (test.kind == "picture")
    z_pic = sub["picture"].latents[np.where(pic, test.items["picture"], 0)]
    lookup = [cued_recall_rank_fraction(z_pic[pic & (test.labels == a)], proto["name"], a, b) for a, b in pairs]
    nearest = [cued_recall_rank_fraction(z_pic[pic & (test.labels == a)], proto["picture"], a, b) for a, b in pairs]
    per, dt = spec.sim.steps_per_trial, spec.sim.dt_ms
    raster = raster_data(first.spikes, last.spikes, r0, r_last, test, pairs[0], controls[0][0], per, dt, names)
    if raster:
        raster["stimulus_ms"] = spec.sim.stimulus_ms
    return {
        **per_count,
        "concepts": names, "pairs": [[names[a], names[b]] for a, b in pairs],
        "control_pairs": [[names[c], names[d]] for c, d in controls],
        "pair_strengths": {f"{names[a]}|{names[b]}": paired_response_fraction(r0, r_last, a, b) for a, b in pairs},
        "concepts_per_neuron_counts_before": hist_before, "concepts_per_neuron_counts_after": hist_after,
        "gamma": gamma, "neurons_per_concept_before": float(r0.sum(axis=0).mean()),
        "shared_fraction_band": gastaldi_band(gamma, n_neurons) if 0 < gamma < 1 else None,
        "cued_recall_a_to_b_no_binder_lookup": float(np.mean(lookup)),
        "cued_recall_a_to_b_nearest_prototype_reference": float(np.mean(nearest)),
        "n_neurons": n_neurons, "n_test_trials": int(len(test)),
        "raster": raster,
        "timings_s": {"learn_s": t_learn, "total_s": time.perf_counter() - t0},
    }
