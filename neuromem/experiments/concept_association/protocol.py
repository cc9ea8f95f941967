"""The pairing protocol: which concepts are paired, and the trials of one pairing round.

A pairing trial shows concept A's picture and concept B's written name in
one stimulus window (one picture population cannot show two pictures at
once), B's name ``name_onset_ms`` after A's picture. Control pairs (C, D)
are never shown together: in the same round C's picture and D's written
name are each shown alone, so every concept of a control pair gets the same
exposure as a paired concept and only the co-occurrence differs.
"""

from __future__ import annotations

import numpy as np

from neuromem.protocols import StimulusWindow, TrialSequence

__all__ = ["choose_pairs", "pairing_round"]


def choose_pairs(n_available: int, n_pairs: int, rng: np.random.Generator) -> tuple[list, list, list]:
    """Draw ``4 * n_pairs`` of ``n_available`` concepts: the paired pairs, then the control pairs.

    Returns
    -------
    chosen : list of int
        Indices into the dataset's concepts, in the order of the experiment's concepts.
    pairs, controls : list of (int, int)
        ``(A, B)`` and ``(C, D)`` as indices into ``chosen``.

    Raises
    ------
    ValueError
        When the dataset has fewer than ``4 * n_pairs`` concepts.
    """
    need = 4 * int(n_pairs)
    if n_available < need:
        raise ValueError(f"{n_pairs} pairs and as many control pairs need {need} concepts; the dataset has "
                         f"{n_available}: lower --pairs")
    chosen = [int(k) for k in rng.permutation(n_available)[:need]]
    pairs = [(2 * i, 2 * i + 1) for i in range(n_pairs)]
    controls = [(2 * n_pairs + 2 * i, 2 * n_pairs + 2 * i + 1) for i in range(n_pairs)]
    return chosen, pairs, controls


def pairing_round(plan, pairs, controls, round_index: int, *, name_onset_ms: float,
                  stimulus_ms: float) -> TrialSequence:
    """The trials of one pairing round (kind ``pairing``, ``picture`` or ``name``; label: the picture's concept).

    Parameters
    ----------
    plan : TrainingPlan
        The single-concept learning plan: its train pictures and name forms are the ones shown.
    pairs, controls : list of (int, int)
    round_index : int
        0 for the first round; selects which of the K learned pictures / forms is shown.
    name_onset_ms, stimulus_ms : float
        The name's onset after the picture's; both end at ``stimulus_ms``.
    """
    if not 0 <= name_onset_ms < stimulus_ms:
        raise ValueError(f"name_onset_ms={name_onset_ms} must lie in [0, stimulus_ms={stimulus_ms})")
    kinds, labels, pic, name = [], [], [], []

    def item(k, m):
        forms = plan.chosen[k][m]
        return int(forms[round_index % len(forms)])

    for a, b in pairs:
        kinds.append("pairing"), labels.append(a), pic.append(item(a, "picture")), name.append(item(b, "name"))
    for c, d in controls:
        kinds.append("picture"), labels.append(c), pic.append(item(c, "picture")), name.append(-1)
        kinds.append("name"), labels.append(d), pic.append(-1), name.append(item(d, "name"))
    windows = {"picture": StimulusWindow(onset_ms=0.0, duration_ms=float(stimulus_ms)),
               "name": StimulusWindow(onset_ms=float(name_onset_ms), duration_ms=float(stimulus_ms - name_onset_ms))}
    return TrialSequence(kind=np.array(kinds), labels=np.array(labels, dtype=np.int64),
                         items={"picture": np.array(pic, dtype=np.int64), "name": np.array(name, dtype=np.int64)},
                         windows=windows)
