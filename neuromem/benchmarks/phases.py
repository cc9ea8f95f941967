"""The engram experiment's simulation phases in the shape of the digits run, from synthetic latents.

Encoding is left out on purpose: these are the spiking network's phases only,
with inputs drawn from latents shaped as the digits dataset's (10 concepts,
64-d latents for pictures, written and spoken names; 180 pictures per
concept, a fifth held out), coded by the default preset's population code:

``learning``
    ``K`` paired presentations per concept (pictures, names and spoken names
    together, :func:`neuromem.protocols.training_trials` order), plastic;
``test``
    the frozen test phase of :func:`neuromem.protocols.heldout_trials`:
    blank trials, every held-out picture, word forms repeated to 12 trials per
    concept and modality (360 pictures + 240 word trials + 20 blank).

The latents are Gaussian clusters (one centre per concept, items scattered
around it) drawn from one seed; nothing is downloaded or encoded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neuromem.coding import LatentSquash, encode_rates, poisson_trials
from neuromem.coding.spikes import SpikeTrains
from neuromem.latents import LatentSpace, ModalityLatents
from neuromem.network import NetworkSpec, load_preset
from neuromem.protocols import choose_training, heldout_trials, training_trials

__all__ = ["DIGITS_SHAPE", "EngramPhases", "digits_shaped_space", "engram_phases"]

#: digits: 10 concepts, ~180 pictures each, 20 % held out; 2 train + 3 held-out name forms, 2 + 2 spoken forms
DIGITS_SHAPE = {"n_concepts": 10, "latent_dim": 64, "pictures_per_concept": 180, "heldout_pictures": 36,
                "name_forms": (2, 3), "spoken_forms": (2, 2)}


@dataclass(frozen=True)
class EngramPhases:
    """One seed's network and its phases' input spikes (plain data).

    Parameters
    ----------
    spec : NetworkSpec
        The default preset for the space's modalities.
    learning, test : SpikeTrains
        Input spikes of the learning presentations and of the frozen test trials.
    n_learning_trials, n_test_trials : int
    """

    spec: NetworkSpec
    learning: SpikeTrains
    test: SpikeTrains
    n_learning_trials: int
    n_test_trials: int


def digits_shaped_space(seed: int = 0, *, scale: float = 1.0, spread: float = 0.35) -> LatentSpace:
    """Gaussian concept clusters in the digits' shape (:data:`DIGITS_SHAPE`; ``scale`` < 1 shrinks the counts)."""
    d = DIGITS_SHAPE
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    n_c, dim = d["n_concepts"], d["latent_dim"]
    centres = rng.normal(size=(n_c, dim))
    n_held = max(1, int(round(d["heldout_pictures"] * scale)))
    n_pic = max(n_held + 3, int(round(d["pictures_per_concept"] * scale)))

    def modality(n_train, n_test, sd):
        n = n_train + n_test
        z = np.concatenate([centres[k] + sd * rng.normal(size=(n, dim)) for k in range(n_c)]).astype(np.float32)
        split = np.array((["train"] * n_train + ["heldout"] * n_test) * n_c)
        labels = np.repeat(np.arange(n_c), n)
        return ModalityLatents(latents=z, labels=labels, split=split, descriptions=tuple(map(str, range(len(z)))))

    mods = {"picture": modality(n_pic - n_held, n_held, spread), "name": modality(*d["name_forms"], 0.15),
            "spoken": modality(*d["spoken_forms"], 0.15)}
    return LatentSpace(concepts=tuple(f"c{k}" for k in range(n_c)), modalities=mods, seed=seed,
                       encoder={"kind": "synthetic"})


def _rates(space: LatentSpace, spec: NetworkSpec, squash: dict, trials) -> np.ndarray:
    out = np.full((len(trials), spec.n_inputs), spec.coding.rate_background_hz)
    for m in spec.modalities:
        shown = trials.items[m] >= 0
        if shown.any():
            out[np.ix_(shown, np.arange(spec.n_inputs)[spec.input_slice(m)])] = encode_rates(
                space[m].latents[trials.items[m][shown]], spec.coding, squash[m])
    return out


def engram_phases(seed: int = 0, *, presentations: int = 3, scale: float = 1.0,
                  modalities=("picture", "name", "spoken"), concept_neurons: int | None = None) -> EngramPhases:
    """The digits-shaped learning and test phases of one seed (see the module docstring).

    Parameters
    ----------
    seed : int
        Seed of the latents, the trial choice and the input spikes.
    presentations : int
        Learning presentations per concept (K).
    scale : float
        Fraction of the digits' item counts (1: the full test set; smaller for quick checks).
    modalities : tuple of str
        Populations of the network.
    concept_neurons : int, optional
        Concept neurons (default: the preset's).
    """
    space = digits_shaped_space(seed, scale=scale)
    over = {} if concept_neurons is None else {"concept": {"n_neurons": int(concept_neurons)}}
    spec = load_preset("default", modalities=tuple(modalities), latent_dim=space.latent_dim, **over)
    ss = np.random.SeedSequence(seed).spawn(3)
    squash = {m: LatentSquash.fit(space[m].select("train")[0]) for m in spec.modalities}
    plan = choose_training(space, presentations, np.random.default_rng(ss[0]), spec.modalities)
    learn = training_trials(space, plan, spec.modalities)
    test_rng = np.random.default_rng(ss[1])
    test = heldout_trials(space, spec.modalities, test_rng, max_pictures_per_concept=None,
                          min_word_trials_per_concept=12, blank_trials=20)
    sim = spec.sim

    def drive(trials, rng):
        return poisson_trials(_rates(space, spec, squash, trials), stimulus_ms=sim.stimulus_ms,
                              trial_period_ms=sim.trial_period_ms, background_hz=spec.coding.rate_background_hz,
                              dt_ms=sim.dt_ms, rng=rng)

    return EngramPhases(spec=spec, learning=drive(learn, np.random.default_rng(ss[2])), test=drive(test, test_rng),
                        n_learning_trials=len(learn), n_test_trials=len(test))
