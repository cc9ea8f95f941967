"""Stimulus epochs of a recording: when each trial's stimulus was shown, and what it was (plain data)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["StimulusEpochs", "epochs_from_trials"]


def _strings(name: str, v, n: int) -> np.ndarray:
    a = np.asarray(v)
    if a.shape != (n,) or (n and a.dtype.kind != "U"):
        raise ValueError(f"{name} must be an array of {n} strings; got dtype {a.dtype}, shape {a.shape}")
    return a.astype(str)


def _ints(name: str, v, n: int, low: int) -> np.ndarray:
    a = np.asarray(v)
    if a.shape != (n,) or (n and a.dtype.kind not in "iu"):
        raise ValueError(f"{name} must be an array of {n} integers; got dtype {a.dtype}, shape {a.shape}")
    if n and a.min() < low:
        raise ValueError(f"{name} must be >= {low}; got minimum {a.min()}")
    return a.astype(np.int64)


@dataclass(frozen=True, kw_only=True, eq=False)
class StimulusEpochs:
    """One epoch per trial: the stimulus interval and what was shown (Neo's ``Epoch``, NWB's ``trials``).

    Parameters
    ----------
    start_ms, stop_ms : ndarray of float (n_trials,)
        Start and end of each trial's stimulus, ms from the start of the
        recording; ``0 <= start_ms < stop_ms``.
    kind : ndarray of str (n_trials,)
        ``"together"`` (all modalities), a cue modality (``"picture"``), ``"blank"``, ...
    label : ndarray of int (n_trials,)
        Concept index of each trial (-1: none).
    concept : ndarray of str (n_trials,)
        Concept name of each trial (``""``: none).
    items : dict of str -> ndarray of int (n_trials,)
        Per modality, the item shown in each trial (-1: that modality was not shown).
    phase : ndarray of str (n_trials,), optional
        ``"train"`` / ``"test"`` / ... (default: ``""`` for every trial).

    Raises
    ------
    ValueError
        For arrays of unequal length or the wrong kind, non-finite or
        negative times, an epoch that does not end after it starts, a label
        below -1 or an item below -1.
    """

    start_ms: np.ndarray
    stop_ms: np.ndarray
    kind: np.ndarray
    label: np.ndarray
    concept: np.ndarray
    items: dict = field(default_factory=dict)
    phase: np.ndarray | None = None

    def __post_init__(self):
        start = np.asarray(self.start_ms, dtype=np.float64)
        stop = np.asarray(self.stop_ms, dtype=np.float64)
        if start.ndim != 1 or stop.shape != start.shape:
            raise ValueError(f"start_ms and stop_ms must be 1-D of equal length; got {start.shape}, {stop.shape}")
        n = len(start)
        if not (np.all(np.isfinite(start)) and np.all(np.isfinite(stop))):
            raise ValueError("start_ms and stop_ms must be finite")
        if n and start.min() < 0:
            raise ValueError(f"start_ms must be >= 0; got minimum {start.min()}")
        if np.any(stop <= start):
            k = int(np.argmax(stop <= start))
            raise ValueError(f"epoch {k} ends at {stop[k]} ms, not after its start {start[k]} ms")
        if not isinstance(self.items, dict) or not all(isinstance(m, str) and m for m in self.items):
            raise ValueError("items must be a dict of modality name -> item indices")
        phase = np.full(n, "") if self.phase is None else self.phase
        values = {"start_ms": start, "stop_ms": stop, "kind": _strings("kind", self.kind, n),
                  "label": _ints("label", self.label, n, -1), "concept": _strings("concept", self.concept, n),
                  "items": {m: _ints(f"items[{m!r}]", v, n, -1) for m, v in self.items.items()},
                  "phase": _strings("phase", phase, n)}
        for k, v in values.items():
            object.__setattr__(self, k, v)

    def __len__(self) -> int:
        return len(self.start_ms)

    def shown(self, trial: int) -> dict[str, int]:
        """``{modality: item}`` of the modalities shown in ``trial``."""
        return {m: int(v[trial]) for m, v in self.items.items() if v[trial] >= 0}

    def differences(self, other: "StimulusEpochs") -> list[str]:
        """What differs from ``other`` (empty when equal)."""
        out = [f"epochs.{k} differ" for k in ("start_ms", "stop_ms", "kind", "label", "concept", "phase")
               if not np.array_equal(getattr(self, k), getattr(other, k))]
        if set(self.items) != set(other.items):
            out.append(f"epochs.items modalities {sorted(self.items)} != {sorted(other.items)}")
        else:
            out += [f"epochs.items[{m!r}] differ" for m in self.items
                    if not np.array_equal(self.items[m], other.items[m])]
        return out


def epochs_from_trials(kind, labels, items: dict, *, concepts, trial_period_ms: float,
                       stimulus_ms: float | None = None, onset_ms: float = 0.0, first_trial_ms: float = 0.0,
                       phase: str = "") -> StimulusEpochs:
    """Epochs of consecutive trials of one period (a trial plan's ``kind`` / ``labels`` / ``items``).

    Trial ``k`` starts at ``first_trial_ms + k * trial_period_ms``; its
    stimulus epoch is ``[start + onset_ms, start + onset_ms + stimulus_ms)``
    (the whole trial when ``stimulus_ms`` is None).

    Parameters
    ----------
    kind : array of str (n_trials,)
    labels : array of int (n_trials,)
        Concept index per trial (-1: none).
    items : dict of str -> array of int (n_trials,)
        Item shown per modality and trial (-1: absent).
    concepts : sequence of str
        Concept names, indexed by label.
    trial_period_ms, stimulus_ms, onset_ms, first_trial_ms : float
        Times in ms.
    phase : str
        Phase of every trial (``"train"``, ``"test"``, ...).

    Raises
    ------
    ValueError
        If a label has no concept name, or the stimulus does not fit in the trial period.
    """
    labels = np.asarray(labels)
    names = np.asarray(list(concepts), dtype=str)
    if len(labels) and labels.max(initial=-1) >= len(names):
        raise ValueError(f"label {labels.max()} has no name among the {len(names)} concepts")
    dur = trial_period_ms - onset_ms if stimulus_ms is None else stimulus_ms
    if not (0 <= onset_ms and dur > 0 and onset_ms + dur <= trial_period_ms):
        raise ValueError(f"stimulus [{onset_ms}, {onset_ms + dur}) ms must lie inside the trial period of "
                         f"{trial_period_ms} ms")
    start = first_trial_ms + np.arange(len(labels)) * trial_period_ms + onset_ms
    concept = np.where(labels >= 0, names[np.clip(labels, 0, None)] if len(names) else "", "")
    return StimulusEpochs(start_ms=start, stop_ms=start + dur, kind=np.asarray(kind, dtype=str), label=labels,
                          concept=concept, items=dict(items), phase=np.full(len(labels), phase))
