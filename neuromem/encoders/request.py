"""What a run encodes: a dataset by name, its options and the encoder options, one split per seed.

An experiment that runs several seeds encodes each seed's own split. It
receives an :class:`EncodeRequest` (built by the command line from the
dataset and encoder options, or by user code) and calls :meth:`EncodeRequest.encode`
per seed, so experiments never read command-line option names and the
command line hangs no callback on its arguments.

>>> request = EncodeRequest(dataset="digits", fit_concepts="0.5")   # doctest: +SKIP
>>> space = request.encode(seed=3).space                            # doctest: +SKIP
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from typing import Callable

from neuromem._checks import is_int
from neuromem._timing import StageClock
from neuromem.encoders.pipeline import EncodeResult, EncoderConfig, backbone_features, encode_dataset

__all__ = ["EncodeRequest"]


@dataclass(frozen=True, kw_only=True)
class EncodeRequest:
    """A dataset and the options to encode it with.

    Parameters
    ----------
    dataset : str
        ``"digits"``, ``"fashion-mnist"`` or ``"folder:PATH"`` (see :func:`neuromem.data.load_dataset`).
    per_concept : int, optional
        Fashion-MNIST: pictures per concept (None: the default subset; 0: all).
    data_dir : str, optional
        Fashion-MNIST: folder with the idx files.
    min_train : int
        Training pictures each concept needs (an experiment's presentations), >= 1.
    encoder : EncoderConfig
        Encoder options (its ``heldout_fraction`` also checks picture folders before decoding).
    fit_concepts : str, float, sequence of str or None
        Concept split as :func:`neuromem.data.concept_split.resolve_fit_concepts`
        reads it, resolved per seed (a fraction picks different concepts per seed).
    use_cache : bool
        Reuse cached features and encodings.
    progress : bool
        Progress bars and messages.
    log : callable, optional
        Receives one-line progress messages (default: ``print`` when ``progress``).
    clock : StageClock, optional
        Counts the time of :meth:`encode` and :meth:`backbone_features` under the stage ``encoding``, also
        when an experiment asks for them inside its own stage (so a run's stage timings add up).

    Raises
    ------
    ValueError
        For ``min_train`` below 1 or a ``per_concept`` of 1 or below 0.
    """

    dataset: str = "digits"
    per_concept: int | None = None
    data_dir: str | None = None
    min_train: int = 1
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    fit_concepts: object = None
    use_cache: bool = True
    progress: bool = True
    log: Callable | None = field(default=None, compare=False, repr=False)
    clock: StageClock | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        if not is_int(self.min_train) or self.min_train < 1:
            raise ValueError(f"EncodeRequest.min_train={self.min_train!r} must be an int >= 1")
        if self.per_concept is not None and (not is_int(self.per_concept) or self.per_concept < 0
                                             or self.per_concept == 1):
            raise ValueError(f"per_concept={self.per_concept!r} must be 0 (all) or at least 2")
        if not isinstance(self.encoder, EncoderConfig):
            raise TypeError(f"EncodeRequest.encoder must be an EncoderConfig; got {type(self.encoder).__name__}")
        if self.clock is not None and not isinstance(self.clock, StageClock):
            raise TypeError(f"EncodeRequest.clock must be a StageClock or None; got {type(self.clock).__name__}")

    def _encoding(self):
        return nullcontext() if self.clock is None else self.clock.stage("encoding")

    def _log(self):
        if self.log is not None:
            return self.log
        return print if self.progress else (lambda *_: None)

    def load(self, seed: int):
        """The dataset of ``seed`` (picture folders are checked before any picture is decoded)."""
        from neuromem.data import load_dataset

        return load_dataset(self.dataset, per_concept=self.per_concept, seed=int(seed), data_dir=self.data_dir,
                            heldout_fraction=self.encoder.heldout_fraction, min_train=self.min_train)

    def config_for(self, dataset, seed: int) -> EncoderConfig:
        """The encoder options with the concept split of ``seed`` resolved against ``dataset``."""
        from neuromem.data.concept_split import resolve_fit_concepts

        fit = resolve_fit_concepts(self.fit_concepts, dataset.concepts, seed=int(seed))
        return self.encoder if fit is None else replace(self.encoder, fit_concepts=fit)

    def encode(self, seed: int) -> EncodeResult:
        """Encode ``seed``'s split (cached); counted under ``encoding`` by :attr:`clock`."""
        with self._encoding():
            dataset = self.load(seed)
            return encode_dataset(dataset, seed=int(seed), config=self.config_for(dataset, seed),
                                  progress=self.progress, use_cache=self.use_cache, log=self._log())

    def backbone_features(self, seed: int):
        """Frozen backbone features of ``seed``'s pictures, shape (n_pictures, n_features); counted as encoding."""
        with self._encoding():
            return backbone_features(self.load(seed), config=self.encoder, progress=self.progress,
                                     use_cache=self.use_cache, log=lambda *_: None)

    def with_options(self, **changes) -> "EncodeRequest":
        """A copy with some fields changed (e.g. ``min_train``)."""
        return replace(self, **changes)
