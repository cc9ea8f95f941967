"""Every option of the engram-formation experiment, in one frozen dataclass (CLI, tests and TOML files share it)."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from neuromem._checks import is_int
from neuromem.analysis import ResponseCriterion
from neuromem.readout import ReadoutLayer

__all__ = ["CONTROLS", "EngramConfig"]

#: The control networks the experiment can run (see the package docstring).
CONTROLS = ("untrained", "shuffled_pairing", "asynchronous")


def _optional_int(name, value, lo):
    if value is not None and (not is_int(value) or value < lo):
        raise ValueError(f"EngramConfig.{name}={value!r} must be None or an int >= {lo}")


@dataclass(frozen=True, kw_only=True)
class EngramConfig:
    """Every option of the engram-formation experiment.

    Parameters
    ----------
    engine : str
        Engine name (see :func:`neuromem.engines.engine_names`).
    test_engine : str, optional
        Engine of the frozen test runs (the test phase and the controls' tests; default: ``engine``), given
        the learned weights; ``"torch-batched"`` runs all test cues of a phase side by side.
    presentations : int
        Learning presentations per concept (K), 1 to 100; needs K train pictures per concept.
    seed : int
        Root of the run's seed tree (initial weights, input spikes, choice of
        pictures, shuffles; :mod:`neuromem.seeds`), >= 0.
    preset : str
        Network preset name or TOML path.
    use_spoken : bool
        Include the spoken modality when the space has one.
    max_test_pictures_per_concept : int, optional
        Cap on held-out test pictures per concept (all if None), >= 1.
    control_test_pictures_per_concept : int, optional
        Cap for the control networks (all if None), >= 1.
    min_word_trials_per_concept : int
        Held-out name / spoken forms are repeated (new Poisson noise) to reach
        at least this many test trials per concept, >= 1.
    blank_trials : int
        Test trials with background input only (>= 2); their counts are the
        baseline of the responsiveness criterion (the blank-trial statistics
        need >= 3).
    blank_period_ms : float
        Length of the continuous blank period of the trained network whose
        inter-spike intervals give ``blank_isi_cv``, ms, 0 (not run) or in
        [1000, 600000] (default 20 s).
    controls : tuple of str
        Which of ``CONTROLS`` to run.
    criterion : ResponseCriterion
        Responsiveness criterion.
    spec_overrides : dict
        Preset section overrides, e.g. ``{"concept": {"n_neurons": 200}}``.
    engine_options : dict
        Extra keyword arguments for the engine.
    test_engine_options : dict
        Extra keyword arguments for ``test_engine``.
    asynchronous_offset_ms : float
        Asynchronous control: onset of the words after the picture's onset
        inside one trial, ms, in (0, 5000] (default 300: the words start 100 ms
        after a 200 ms picture ends, beyond the measured binding window).
    network_recall : bool
        Also recall through the readout populations (a second network per
        target modality on the same engine).
    readout : ReadoutLayer
        Parameters of the readout populations.
    novelty_gate : bool
        Learn through the novelty gate: presentations one at a time, a new one recruiting free neurons, a
        familiar one strengthening the engram that answered
        (:mod:`neuromem.experiments.engram_formation.gated`). Off by default, so results stay comparable.

    Raises
    ------
    ValueError, TypeError
        For a value out of range (the message names the field, the value and the range).
    """

    engine: str = "brian2"
    test_engine: str | None = None
    presentations: int = 3
    seed: int = 0
    preset: str = "default"
    use_spoken: bool = True
    max_test_pictures_per_concept: int | None = None
    control_test_pictures_per_concept: int | None = 30
    min_word_trials_per_concept: int = 12
    blank_trials: int = 20
    blank_period_ms: float = 20000.0
    controls: tuple = CONTROLS
    criterion: ResponseCriterion = field(default_factory=ResponseCriterion)
    spec_overrides: dict = field(default_factory=dict)
    engine_options: dict = field(default_factory=dict)
    test_engine_options: dict = field(default_factory=dict)
    asynchronous_offset_ms: float = 300.0
    network_recall: bool = True
    readout: ReadoutLayer = field(default_factory=ReadoutLayer)
    novelty_gate: bool = False

    def __post_init__(self):
        p = self.presentations
        if not is_int(p) or not 1 <= p <= 100:
            raise ValueError(f"EngramConfig.presentations={p!r} must be an int in [1, 100]")
        if not is_int(self.blank_trials) or self.blank_trials < 2:
            raise ValueError(f"EngramConfig.blank_trials={self.blank_trials!r} must be an int >= 2")
        if not is_int(self.seed) or self.seed < 0:
            raise ValueError(f"EngramConfig.seed={self.seed!r} must be an int >= 0")
        bp = self.blank_period_ms
        if isinstance(bp, bool) or not isinstance(bp, (int, float)) or not (bp == 0 or 1000 <= bp <= 600000):
            raise ValueError(f"EngramConfig.blank_period_ms={bp!r} is out of range; allowed 0 (not run) or "
                             f"[1000, 600000] ms")
        _optional_int("max_test_pictures_per_concept", self.max_test_pictures_per_concept, 1)
        _optional_int("control_test_pictures_per_concept", self.control_test_pictures_per_concept, 1)
        _optional_int("min_word_trials_per_concept", self.min_word_trials_per_concept, 1)
        if isinstance(self.controls, str):
            raise TypeError("EngramConfig.controls must be a sequence of control names, not a string")
        object.__setattr__(self, "controls", tuple(self.controls))
        unknown = set(self.controls) - set(CONTROLS)
        if unknown:
            raise ValueError(f"unknown controls {sorted(unknown)}; allowed {CONTROLS}")
        if isinstance(self.criterion, dict):
            object.__setattr__(self, "criterion", ResponseCriterion(**self.criterion))
        if not isinstance(self.criterion, ResponseCriterion):
            raise TypeError(f"EngramConfig.criterion must be a ResponseCriterion; got {type(self.criterion).__name__}")
        if not (np.isfinite(float(self.asynchronous_offset_ms)) and 0 < float(self.asynchronous_offset_ms) <= 5000):
            raise ValueError(f"EngramConfig.asynchronous_offset_ms={self.asynchronous_offset_ms!r} is out of range; "
                             f"allowed (0, 5000]")
        if isinstance(self.readout, dict):
            object.__setattr__(self, "readout", ReadoutLayer(**self.readout))
        if not isinstance(self.readout, ReadoutLayer):
            raise TypeError(f"EngramConfig.readout must be a ReadoutLayer; got {type(self.readout).__name__}")
        if not isinstance(self.novelty_gate, bool):
            raise TypeError(f"EngramConfig.novelty_gate={self.novelty_gate!r} must be True or False")
        if self.test_engine is not None and not isinstance(self.test_engine, str):
            raise TypeError(f"EngramConfig.test_engine={self.test_engine!r} must be None or an engine name")
        for f in ("spec_overrides", "engine_options", "test_engine_options"):
            v = getattr(self, f)
            if v is None:
                object.__setattr__(self, f, {})
            elif not isinstance(v, dict):
                raise TypeError(f"EngramConfig.{f} must be a dict; got {type(v).__name__}")

    def to_dict(self) -> dict:
        """Plain data (TOML / JSON shaped)."""
        d = dataclasses.asdict(self)
        d["controls"] = list(self.controls)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "EngramConfig":
        """Inverse of :meth:`to_dict`; unknown keys are an error naming the allowed ones."""
        allowed = {f.name for f in dataclasses.fields(cls)}
        bad = set(d) - allowed
        if bad:
            raise ValueError(f"unknown engram-formation options {sorted(bad)}; allowed {sorted(allowed)}")
        return cls(**d)

    @classmethod
    def from_toml(cls, path) -> "EngramConfig":
        """Read a TOML file of options (top-level keys; ``[criterion]``, ``[spec_overrides.<section>]``).

        Raises
        ------
        FileNotFoundError
            If ``path`` is not a file.
        """
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no experiment config at {path}")
        with open(path, "rb") as fh:
            return cls.from_dict(tomllib.load(fh))
