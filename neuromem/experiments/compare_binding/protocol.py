"""What every binder is shown and tested on: presentations, held-out cues, prototypes, reference latents.

The presentations are the public trial protocol's training plan
(:func:`neuromem.protocols.choose_training`): K presentations per concept in
K rounds, every concept once per round in a seeded order, each a different
train picture with the concept's train name forms cycled. The comparison and
the tuning of the backprop binders (:mod:`neuromem.experiments.binding_tuning`)
draw from here.
"""

from __future__ import annotations

import numpy as np

from neuromem.binding import BindingPresentation
from neuromem.experiments.compare_binding.config import MODALITIES

__all__ = ["build_presentations", "choose_test_cues", "fewest_train_pictures", "prototypes", "reference_latents",
           "within_between"]


def fewest_train_pictures(space) -> int:
    """The smallest number of train pictures of any concept of ``space``."""
    pic = space["picture"]
    return min(int(((pic.split == "train") & (pic.labels == k)).sum()) for k in range(len(space.concepts)))


def build_presentations(space, K: int, rng: np.random.Generator, modalities=MODALITIES):
    """K presentations per concept in rounds (every concept once per round, seeded order).

    Parameters
    ----------
    space : LatentSpace
    K : int
        Presentations per concept, at most :func:`fewest_train_pictures`.
    rng : numpy.random.Generator
        Chooses the pictures and the order.
    modalities : tuple of str

    Returns
    -------
    presentations : list of BindingPresentation
    chosen : dict concept -> {modality: item indices (K,)}

    Raises
    ------
    ValueError
        If a concept has fewer than K train pictures.
    """
    from neuromem.protocols import choose_training

    n_train = fewest_train_pictures(space)
    if K > n_train:
        raise ValueError(f"K={K} presentations per concept need {K} train pictures per concept; the smallest "
                         f"concept has {n_train}; choose K <= {n_train}")
    plan = choose_training(space, K, rng, modalities)
    chosen = plan.chosen
    pres = [BindingPresentation(concept=int(k), latents={m: space[m].latents[chosen[k][m][r]] for m in modalities},
                                items={m: int(chosen[k][m][r]) for m in modalities}) for k, r in plan.order]
    return pres, chosen


def choose_test_cues(space, rng: np.random.Generator, *, per_concept: int, word_repeats: int) -> dict:
    """Held-out test cues per modality: at most ``per_concept`` pictures per concept, every held-out name form.

    Returns
    -------
    dict modality -> ndarray of item indices (name forms repeated ``word_repeats`` times)

    Raises
    ------
    ValueError
        If a modality has no held-out items.
    """
    out = {}
    idx = np.nonzero(space["picture"].split == "heldout")[0]
    y = space["picture"].labels[idx]
    keep = np.sort(np.concatenate([rng.permutation(idx[y == k])[:per_concept] for k in range(len(space.concepts))]))
    out["picture"] = keep
    idx = np.nonzero(space["name"].split == "heldout")[0]
    out["name"] = np.repeat(idx, max(1, word_repeats))
    for m, ix in out.items():
        if len(ix) == 0:
            raise ValueError(f"the latent space has no held-out {m} items to test")
    return out


def prototypes(space, chosen) -> dict:
    """Prototypes per modality from what was presented only: each concept's mean presented latent.

    With K presentations a concept's picture prototype is the mean of its K
    presented pictures and its name prototype the mean of the name forms
    presented with them (at K = 1 one form, even when the concept has more
    train forms): no binder and no reference sees an item it was not shown.
    """
    from neuromem.analysis.references import presented_prototypes

    n_c = len(space.concepts)
    out = {}
    for m in MODALITIES:
        items = np.concatenate([np.asarray(chosen[k][m]) for k in range(n_c)])
        labels = np.concatenate([np.full(len(chosen[k][m]), k) for k in range(n_c)])
        out[m] = presented_prototypes(space[m].latents[items], labels, n_c)
    return out


def reference_latents(space) -> dict:
    """Unlabelled train latents per modality (every binder of one cell normalises its inputs with them)."""
    return {m: space[m].select("train")[0] for m in MODALITIES}


def within_between(space) -> float:
    """Within / between concept distance ratio of the held-out pictures of ``space``."""
    from neuromem.encoders.quality import within_between_ratio

    z, y = space["picture"].select("heldout")
    return within_between_ratio(z, y)
