"""The two non-spiking references every network or binder number is shown beside.

Both answer a cue with a concept, on the same latents the network sees, with
no network at all; together they say what each stage contributes.

``no_binder_lookup``
    What the ENCODER alone already gives: the cue's latent is compared
    directly with the prototypes of the TARGET modality in the shared latent
    space (a picture latent's nearest name prototype). On concepts whose
    training items fitted the encoder heads this is high (the heads put a
    concept's pictures and names near each other); on novel concepts it is
    near chance. A binder is credited only with what it adds over this.
``nearest_prototype_reference``
    A K-shot nearest-prototype classifier inside the CUE modality: the cue's
    nearest prototype among the means of what was presented of each concept
    in that modality (the K presented pictures; for a name cue, the presented
    name forms only), answered with that concept. It is a reference, not an
    upper bound: a binder that shapes its own similarity can beat it.

Prototypes come only from what was presented (:func:`presented_prototypes`).
"""

from __future__ import annotations

import numpy as np

from neuromem.analysis.recall import nearest_prototype

__all__ = ["presented_prototypes", "no_binder_lookup", "nearest_prototype_reference"]


def presented_prototypes(latents, labels, n_concepts: int) -> np.ndarray:
    """Mean latent of the presented items of each concept, shape (n_concepts, latent_dim).

    Parameters
    ----------
    latents : ndarray (n_items, latent_dim)
        Latents of the presented items of one modality.
    labels : ndarray of int (n_items,)
        Concept of each item, in ``[0, n_concepts)``.
    n_concepts : int

    Raises
    ------
    ValueError
        For mismatched shapes, labels out of range, or a concept with no presented item.
    """
    z = np.asarray(latents, dtype=np.float64)
    y = np.asarray(labels)
    if z.ndim != 2 or y.shape != (len(z),):
        raise ValueError(f"latents must be (n_items, latent_dim) with one label each; got {z.shape}, {y.shape}")
    if len(y) and (y.min() < 0 or y.max() >= n_concepts):
        raise ValueError(f"labels must lie in [0, {n_concepts})")
    missing = sorted(set(range(n_concepts)) - set(y.tolist()))
    if missing:
        raise ValueError(f"concepts {missing} have no presented item, so they have no prototype")
    return np.stack([z[y == k].mean(axis=0) for k in range(n_concepts)])


def no_binder_lookup(cue_latents, target_prototypes) -> np.ndarray:
    """Answer each cue with the concept whose TARGET-modality prototype is nearest (see the module docstring).

    Parameters
    ----------
    cue_latents : ndarray (n_cues, latent_dim)
        Latents of the cues (e.g. held-out pictures).
    target_prototypes : ndarray (n_concepts, latent_dim)
        Prototypes of the target modality from what was presented (e.g. name forms).

    Returns
    -------
    ndarray of int (n_cues,)
    """
    return nearest_prototype(np.asarray(cue_latents, np.float64), np.asarray(target_prototypes, np.float64))


def nearest_prototype_reference(cue_latents, cue_prototypes) -> np.ndarray:
    """Answer each cue with the concept whose CUE-modality prototype is nearest (K-shot; see the module docstring).

    Parameters
    ----------
    cue_latents : ndarray (n_cues, latent_dim)
    cue_prototypes : ndarray (n_concepts, latent_dim)
        Prototypes of the cue modality from what was presented (the K pictures' mean per concept).

    Returns
    -------
    ndarray of int (n_cues,)
    """
    return nearest_prototype(np.asarray(cue_latents, np.float64), np.asarray(cue_prototypes, np.float64))
