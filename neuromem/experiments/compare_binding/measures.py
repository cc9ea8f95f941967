"""What is measured on a trained binder: recall@1, concept-unit statistics, counted cost and its energy estimate."""

from __future__ import annotations

import numpy as np

from neuromem.experiments.compare_binding.config import MODALITIES

__all__ = ["ENERGY_LABEL", "ENERGY_PJ", "cost_metrics", "median_latency_ms", "recall_metrics", "unit_metrics"]

#: Energy per counted operation (pJ), as quoted in the design notes (Horowitz, ISSCC 2014, 45 nm).
ENERGY_PJ = {"macs": 3.7 + 0.9, "synaptic_events": 0.9, "memory_writes": 10.0}
ENERGY_LABEL = "estimate, as quoted: Horowitz ISSCC 2014 (45 nm): MAC 4.6 pJ, synaptic event 0.9 pJ, write 10 pJ"


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

    Spiking units use the engram experiment's response criterion on spike
    counts; rate units (probabilities in [0, 1]) the same criterion scaled by
    1/10 (median >= 0.2, baseline s.d. floor 0.05).
    """
    from neuromem.analysis import (
        ResponseCriterion,
        concepts_per_neuron_distribution,
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
    dist = concepts_per_neuron_distribution(union)
    out = {"population_sparseness": population_sparseness(np.concatenate(tr)),
           "lifetime_sparseness": lifetime_sparseness(union),
           "invariance_index": invariance_index(resp["picture"], resp["name"]),
           "n_responsive_units": float(union.any(axis=1).sum())}
    for j, f in enumerate(dist[:4]):
        out[f"concepts_per_responsive_unit_{j + 1}"] = float(f)
    return out


def median_latency_ms(latency) -> float:
    """Median of the finite recall latencies, ms (NaN when no cue was answered)."""
    lat = np.asarray(latency, dtype=float)
    return float(np.nanmedian(lat)) if np.isfinite(lat).any() else float("nan")


def cost_metrics(binder, n_learn: int, n_cues: int, learn_s: float, recall_s: float) -> dict:
    """Counted operations and the energy estimate per presentation (``learn/``) and per cue (``recall/``)."""
    out = {}
    for phase, n in (("learn", n_learn), ("recall", n_cues)):
        energy = 0.0
        for kind, count in binder.cost.to_dict()[phase].items():
            out[f"{phase}/{kind}_per_item"] = count / max(n, 1)
            energy += count * ENERGY_PJ[kind]
        out[f"{phase}/energy_pj_estimate_per_item"] = energy / max(n, 1)
    out["learn/wall_s_per_item"] = learn_s / max(n_learn, 1)
    out["recall/wall_s_per_item"] = recall_s / max(n_cues, 1)
    return out
