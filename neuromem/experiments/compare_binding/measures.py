"""What is measured on a trained binder: recall@1, concept-unit statistics, counted cost and its energy estimate."""

from __future__ import annotations

import numpy as np

from neuromem.experiments.compare_binding.config import MODALITIES

from neuromem.binding.cost import COST_KINDS, ENERGY_LABEL, energy_estimate

__all__ = ["BLANK_TRIALS", "ENERGY_LABEL", "cost_metrics", "latency_metrics", "latency_to_correct_ms",
           "median_latency_ms", "recall_metrics", "unit_metrics"]

#: Blank trials (background input, no cue) per spiking binder and cell.
BLANK_TRIALS = 20


def recall_metrics(binder, space, cues: dict, protos: dict, guess_rngs: dict, tag: str = "") -> dict:
    """Picture -> name and name -> picture recall@1 and the no-response fractions on ``cues``.

    Parameters
    ----------
    binder : Binder
    space : LatentSpace
    cues : dict modality -> item indices
    protos : dict modality -> ndarray (n_concepts, latent_dim)
        Target prototypes (:func:`~neuromem.experiments.compare_binding.protocol.prototypes`).
    guess_rngs : dict cue modality -> seed of the guess for silent cues
    tag : str
        Suffix of every metric name.
    """
    out = {}
    for cue, target in (("picture", "name"), ("name", "picture")):
        z = space[cue].latents[cues[cue]]
        y = space[cue].labels[cues[cue]]
        pred, empty = binder.predict(cue, z, target, protos[target], rng=np.random.default_rng(guess_rngs[cue]))
        out[f"{cue}_to_{target}_recall_at_1{tag}"] = float(np.mean(pred == y))
        out[f"{cue}_cue_no_response_fraction{tag}"] = float(np.mean(empty))
    return out


def unit_metrics(binder, space, cues: dict) -> dict:
    """Population and lifetime sparseness, invariance and concepts per responsive unit of the binder's units.

    ``concepts_per_responsive_unit_<j>`` for j = 1..5 and ``6`` (6 or more),
    the human histogram's bins, and ``human_histogram_total_variation``: its
    distance from :data:`neuromem.analysis.human.HUMAN_CONCEPTS_PER_NEURON`
    (NaN without a responsive unit).

    Spiking units use the engram experiment's response criterion on spike
    counts; rate units (probabilities in [0, 1]) the same criterion scaled by
    1/10 (median >= 0.2, baseline s.d. floor 0.05).
    """
    from neuromem.analysis.human import HUMAN_CONCEPTS_PER_NEURON, concepts_per_neuron_histogram, total_variation
    from neuromem.analysis import (
        ResponseCriterion,
        invariance_index,
        lifetime_sparseness,
        population_sparseness,
        responsive,
        trial_responses,
    )

    crit = ResponseCriterion() if binder.spiking else ResponseCriterion(min_median_count=0.2, sd_floor=0.05)
    n_c = len(space.concepts)
    resp, tr = {}, []
    for m in MODALITIES:
        a = binder.unit_activations(m, space[m].latents[cues[m]])
        y = space[m].labels[cues[m]]
        resp[m] = responsive(a, y, n_c, crit)
        tr.append(trial_responses(a, y, n_c, crit))
    union = resp["picture"] | resp["name"]
    hist = concepts_per_neuron_histogram(union)
    out = {"population_sparseness": population_sparseness(np.concatenate(tr)),
           "lifetime_sparseness": lifetime_sparseness(union),
           "invariance_index": invariance_index(resp["picture"], resp["name"]),
           "n_responsive_units": float(union.any(axis=1).sum())}
    for j, f in enumerate(hist):
        out[f"concepts_per_responsive_unit_{j + 1}"] = float(f)
    out["human_histogram_total_variation"] = (total_variation(hist, HUMAN_CONCEPTS_PER_NEURON) if hist.sum() > 0
                                              else float("nan"))
    return out


def median_latency_ms(latency) -> float:
    """Median of the finite recall latencies, ms (NaN when no cue was answered)."""
    lat = np.asarray(latency, dtype=float)
    return float(np.nanmedian(lat)) if np.isfinite(lat).any() else float("nan")


def latency_to_correct_ms(answers, labels, grid_ms) -> np.ndarray:
    """Per cue, the first grid time at which the readout's answer is the cue's concept (NaN: never in the window).

    Parameters
    ----------
    answers : ndarray of int (n_grid, n_cues)
        :meth:`~neuromem.binding.Binder.answers_over_time` (-1: no answer yet).
    labels : ndarray of int (n_cues,)
    grid_ms : ndarray (n_grid,)
    """
    right = np.asarray(answers) == np.asarray(labels)[None, :]
    first = right.argmax(axis=0)
    return np.where(right.any(axis=0), np.asarray(grid_ms, dtype=float)[first], np.nan)


def latency_metrics(binder, space, cues: dict, protos: dict) -> dict:
    """Cue onset to a correct picture -> name answer on the shared grid, and the blank-trial false answers.

    ``latency_to_correct_answer_ms_median`` (over cues answered correctly
    within the stimulus window), ``correct_within_window_fraction`` and
    ``blank_trial_false_answer_fraction`` (of :data:`BLANK_TRIALS` trials with
    background input only; any answer there is false). Spiking binders only
    (``{}`` otherwise).
    """
    from neuromem.binding.latency import latency_grid_ms

    grid = latency_grid_ms(binder.spec.sim.stimulus_ms) if binder.spiking else None
    ix = cues["picture"]
    answers = None if grid is None else binder.answers_over_time("picture", space["picture"].latents[ix], "name",
                                                                  protos["name"], grid)
    if answers is None:
        return {}
    lat = latency_to_correct_ms(answers, space["picture"].labels[ix], grid)
    return {"latency_to_correct_answer_ms_median": median_latency_ms(lat),
            "correct_within_window_fraction": float(np.mean(np.isfinite(lat))),
            "blank_trial_false_answer_fraction": binder.blank_answer_fraction(BLANK_TRIALS)}


def cost_metrics(binder, n_learn: int, n_cues: int, learn_s: float, recall_s: float) -> dict:
    """Counted operations and the energy estimate per presentation (``learn/``) and per cue (``recall/``).

    Every kind of :data:`neuromem.binding.cost.COST_KINDS` (0 when the binder
    did none), the adds, multiplies and bytes moved they make, and the energy
    estimate split into compute and memory traffic
    (:func:`neuromem.binding.cost.energy_estimate`), each per item.
    """
    out = {}
    for phase, n in (("learn", n_learn), ("recall", n_cues)):
        counts = binder.cost.to_dict()[phase]
        for kind in COST_KINDS:
            out[f"{phase}/{kind}_per_item"] = counts.get(kind, 0) / max(n, 1)
        for name, value in energy_estimate(counts).items():
            out[f"{phase}/{name}_per_item"] = value / max(n, 1)
    out["learn/wall_s_per_item"] = learn_s / max(n_learn, 1)
    out["recall/wall_s_per_item"] = recall_s / max(n_cues, 1)
    return out
