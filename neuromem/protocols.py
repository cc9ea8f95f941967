"""The trial protocol shared by every experiment: who sees what, when.

A protocol is plain data (item indices into a
:class:`~neuromem.latents.LatentSpace`), independent of any network, so
every learner of a comparison (a spiking network, a binder) can be shown
to have seen identical presentations and tests (:meth:`TrialSequence.sha256`).
This module imports nothing above the latent space and calls no runtime
object: the runtime session (:mod:`neuromem.session`) turns trials into input
rates and spikes (``tests/test_layers_and_sizes.py`` holds both).

Trials
------
Time is cut into trials of ``SimConfig.trial_period_ms``. In a trial each
presented modality's stimulus occupies its window ``[onset_ms, onset_ms +
duration_ms)`` (by default ``[0, SimConfig.stimulus_ms)`` for every modality;
a :class:`TrialSequence` may shift one modality against another); inputs fire
at background rate otherwise. What is reset between trials
(:data:`RESET_RULE`): at each trial start the membrane potentials (to
v_rest), synaptic currents, refractoriness, every plasticity trace and the
k-winners-take-all winner set are reset; latent->concept weights, feedback
weights, adaptive thresholds and threshold offsets persist across trials and
runs.

Training (:func:`choose_training`, :func:`training_trials`)
    Per concept, ``K`` distinct train-split pictures are drawn; presentation
    ``r`` of a concept shows its ``r``-th picture with its train name (and
    spoken) form number ``r mod n_forms``. Presentations come in ``K``
    rounds, every concept once per round, in a seeded random order.
Test (:func:`heldout_trials`)
    ``blank_trials`` background-only trials first (the response baseline),
    then held-out pictures (optionally at most ``max_pictures_per_concept``
    per concept, drawn at random), then each word modality's held-out forms,
    repeated to reach ``min_word_trials_per_concept`` trials per concept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from neuromem._hashing import sha256_hex

__all__ = ["RESET_RULE", "StimulusWindow", "TrainingPlan", "TrialSequence", "choose_training", "training_trials",
           "heldout_trials", "trial_period_on_grid"]

#: What is reset at every trial start: the one statement of the rule. Every engine implements it (the step
#: order of :mod:`neuromem.engines.discrete`, step 1) and the engine contract, the network description and
#: the docs cite it instead of restating it.
RESET_RULE = ("At each trial start the membrane potentials (to v_rest), synaptic currents, refractoriness, every "
              "plasticity trace and the k-winners-take-all winner set are reset; latent->concept weights, "
              "feedback weights, adaptive thresholds and threshold offsets persist across trials and runs.")


def trial_period_on_grid(period_ms: float, dt_ms: float) -> float:
    """``period_ms`` rounded up to a whole number of simulation steps of ``dt_ms``, ms."""
    return float(np.ceil(period_ms / dt_ms - 1e-9) * dt_ms)


@dataclass(frozen=True, kw_only=True)
class StimulusWindow:
    """Where a modality's stimulus sits inside a trial.

    Parameters
    ----------
    onset_ms : float
        Start after the trial start, ms, >= 0.
    duration_ms : float
        Length, ms, > 0; ``onset_ms + duration_ms`` must not exceed the trial period.
    """

    onset_ms: float = 0.0
    duration_ms: float

    def __post_init__(self):
        if not (np.isfinite(self.onset_ms) and self.onset_ms >= 0):
            raise ValueError(f"StimulusWindow.onset_ms={self.onset_ms!r} must be finite and >= 0")
        if not (np.isfinite(self.duration_ms) and self.duration_ms > 0):
            raise ValueError(f"StimulusWindow.duration_ms={self.duration_ms!r} must be finite and > 0")


@dataclass(frozen=True)
class TrainingPlan:
    """Which train items each concept shows in which presentation.

    Parameters
    ----------
    chosen : dict of int -> dict of str -> ndarray (K,)
        Per concept and modality, the item index (into ``space[m]``) shown in presentation ``r``.
    order : list of (int, int)
        ``(concept, presentation number)`` of every learning trial, in order.
    """

    chosen: dict
    order: list

    @property
    def presentations(self) -> int:
        return len(next(iter(self.chosen.values()))["picture"])

    def prototypes(self, space, modalities) -> dict:
        """Non-spiking references on the same latents.

        The mean of the K shown pictures per concept; the train-form centroid per word modality. Returns ``{modality: ndarray (n_concepts, latent_dim)}``.
        """
        n_c = len(space.concepts)
        proto = {"picture": np.stack([space["picture"].latents[self.chosen[k]["picture"]].mean(axis=0)
                                      for k in range(n_c)])}
        for m in modalities:
            if m != "picture":
                proto[m] = space.centroids(m, "train")
        return proto


@dataclass(frozen=True)
class TrialSequence:
    """A sequence of trials as item indices (plain data).

    Parameters
    ----------
    kind : ndarray of str (n_trials,)
        ``"together"`` (learning: all modalities), ``"picture"`` / ``"words"``
        (asynchronous learning), ``"blank"``, or the cue modality of a test trial.
    labels : ndarray of int (n_trials,)
        Concept of each trial (-1: none).
    items : dict of str -> ndarray of int (n_trials,)
        Per modality, the item index shown in each trial (-1: absent).
    windows : dict of str -> StimulusWindow, optional
        Stimulus window per modality inside the trial (default: ``[0, stimulus_ms)``).
    """

    kind: np.ndarray
    labels: np.ndarray
    items: dict
    windows: dict | None = None

    def __len__(self) -> int:
        return len(self.labels)

    def cue_items(self) -> np.ndarray:
        """Per trial, the item of the first present modality in ``items`` order (-1 for blank trials)."""
        out = np.full(len(self), -1, dtype=np.int64)
        for m in self.items:
            fill = (out < 0) & (self.items[m] >= 0)
            out[fill] = self.items[m][fill]
        return out

    def stimuli(self, space, rows) -> dict:
        """``{modality: latents (len(rows), latent_dim)}`` of the given trials (which must show the same modalities)."""
        rows = np.asarray(rows)
        return {m: space[m].latents[it[rows]] for m, it in self.items.items() if np.all(it[rows] >= 0)}

    def windows_ms(self) -> dict | None:
        """``{modality: (onset_ms, duration_ms)}`` of the stimulus windows, or None for the default."""
        if not self.windows:
            return None
        return {m: (w.onset_ms, w.duration_ms) for m, w in self.windows.items()}

    def sha256(self) -> str:
        """Fingerprint of the whole sequence (what was shown when): equal for learners that saw the same trials."""
        chunks = [self.kind.astype("U16"), self.labels.astype(np.int64)]
        for m in sorted(self.items):
            chunks += [m, self.items[m].astype(np.int64)]
        chunks += [f"{m}:{w.onset_ms}:{w.duration_ms}" for m, w in sorted((self.windows or {}).items())]
        return sha256_hex(*chunks)


def choose_training(space, presentations: int, rng: np.random.Generator, modalities) -> TrainingPlan:
    """Per concept: K distinct train pictures; name / spoken train forms cycled (see the module docstring).

    Raises
    ------
    ValueError
        If a concept has fewer than K train pictures or no train form of a modality.
    """
    K = int(presentations)
    n_c = len(space.concepts)
    _, y_p = space["picture"].select("train")
    idx_p = np.nonzero(space["picture"].split == "train")[0]
    chosen = {}
    for k in range(n_c):
        cand = idx_p[y_p == k]
        if len(cand) < K:
            raise ValueError(f"concept {space.concepts[k]!r} has {len(cand)} train pictures; "
                             f"{K} presentations need {K}: add pictures or lower the presentations")
        chosen[k] = {"picture": rng.choice(cand, size=K, replace=False)}
        for m in modalities:
            if m == "picture":
                continue
            forms = np.nonzero((space[m].split == "train") & (space[m].labels == k))[0]
            if len(forms) == 0:
                raise ValueError(f"concept {space.concepts[k]!r} has no train {m} forms")
            chosen[k][m] = forms[np.arange(K) % len(forms)]
    rounds = [rng.permutation(n_c) for _ in range(K)]
    order = [(int(k), r) for r, perm in enumerate(rounds) for k in perm]
    return TrainingPlan(chosen=chosen, order=order)


def training_trials(space, plan: TrainingPlan, modalities, *, shuffle_rng=None,
                    asynchronous: bool = False) -> TrialSequence:
    """Learning trials of ``plan``.

    Parameters
    ----------
    shuffle_rng : numpy.random.Generator, optional
        Pair every picture with the word forms of a random concept (the shuffled-pairing control).
    asynchronous : bool
        Picture alone, then the word forms alone in the next trial (beyond any STDP window, since state is
        reset between trials).
    """
    n_c = len(space.concepts)
    order = plan.order
    partner = {m: np.array([k for k, _ in order]) for m in modalities}
    if shuffle_rng is not None:
        for m in modalities:
            if m != "picture":
                partner[m] = shuffle_rng.integers(0, n_c, size=len(order))
    kinds, labels = [], []
    items = {m: [] for m in modalities}
    for t, (k, r) in enumerate(order):
        shown = {"picture": int(plan.chosen[k]["picture"][r])}
        for m in modalities:
            if m != "picture":
                shown[m] = int(plan.chosen[int(partner[m][t])][m][r])
        if asynchronous:
            kinds += ["picture", "words"]
            labels += [k, k]
            for m in modalities:
                items[m] += [shown[m], -1] if m == "picture" else [-1, shown[m]]
        else:
            kinds.append("together")
            labels.append(k)
            for m in modalities:
                items[m].append(shown[m])
    return TrialSequence(kind=np.array(kinds), labels=np.array(labels),
                         items={m: np.array(v, dtype=np.int64) for m, v in items.items()})


def heldout_trials(space, modalities, rng: np.random.Generator, *, max_pictures_per_concept: int | None,
                min_word_trials_per_concept: int, blank_trials: int) -> TrialSequence:
    """Blank trials, held-out pictures, then held-out word forms (see the module docstring).

    Raises
    ------
    ValueError
        If a concept has no held-out form of a word modality, or a modality has no held-out items.
    """
    n = int(blank_trials)
    kinds = ["blank"] * n
    labels = [np.full(n, -1)]
    cols = {m: [np.full(n, -1)] for m in modalities}
    for m in modalities:
        idx = np.nonzero(space[m].split == "heldout")[0]
        y = space[m].labels[idx]
        if m == "picture":
            if max_pictures_per_concept is not None:
                keep = np.concatenate([rng.permutation(idx[y == k])[:max_pictures_per_concept]
                                       for k in range(len(space.concepts))])
                idx = np.sort(keep)
        else:
            reps = []
            for k in range(len(space.concepts)):
                forms = idx[y == k]
                if len(forms) == 0:
                    raise ValueError(f"concept {space.concepts[k]!r} has no held-out {m} forms to test")
                n_rep = int(np.ceil(min_word_trials_per_concept / len(forms)))
                reps.append(np.tile(forms, n_rep))
            idx = np.concatenate(reps)
        if len(idx) == 0:
            raise ValueError(f"the latent space has no held-out {m} items to test")
        kinds += [m] * len(idx)
        labels.append(space[m].labels[idx])
        for mm in modalities:
            cols[mm].append(idx if mm == m else np.full(len(idx), -1))
    return TrialSequence(kind=np.array(kinds), labels=np.concatenate(labels),
                         items={m: np.concatenate(v).astype(np.int64) for m, v in cols.items()})
