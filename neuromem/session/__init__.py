"""The runtime session: one object that runs the concept network for an experiment, a binder or ``learn``.

The train -> test -> analyse skeleton every user of the network needs, written
once. A session takes a latent space, a network description (a preset name or
path with overrides, or a :class:`~neuromem.network.NetworkSpec`), an engine
name and a seed tree (:mod:`neuromem.seeds`); it fits the population code of
each modality on the train latents, builds the network with initial weights
from the tree's ``weights`` child, turns trials of the public protocol
(:mod:`neuromem.protocols`, plain data) into seeded Poisson drives, runs them
with learning on or off, counts the concept spikes in each stimulus window
and records what it is asked to record.

>>> session = Session(space, "default", engine="numba", seeds=SeedTree(3))      # doctest: +SKIP
>>> plan = choose_training(space, 3, session.seeds.rng("training"), ("picture", "name"))  # doctest: +SKIP
>>> session.train(training_trials(space, plan, ("picture", "name")))            # doctest: +SKIP
>>> run = session.test(test_trials, record=RecordRequest(input_spikes=True))   # doctest: +SKIP
>>> run.counts.shape, sorted(run.recording.spikes)                            # doctest: +SKIP
((n_trials, n_concept), ['concept', 'input/name', 'input/picture'])

Analysis stays with its owner (the experiment): a session returns plain
arrays (:class:`TrialRun`, :class:`SessionRecording`).
"""

from neuromem.session.core import Session, TrialRun
from neuromem.session.recording import RecordRequest, SessionRecording, as_record_request
from neuromem.session.stimuli import trial_rates

__all__ = ["RecordRequest", "Session", "SessionRecording", "TrialRun", "as_record_request", "trial_rates"]
