"""The seed tree: one root seed per run, every consumer asks for a named child.

After Nengo's ``seed_network`` (every object's seed derived from the network
seed): a run has one root seed; each part of the run that needs randomness
asks the tree for a child by name, and a child can have children of its own.
A child's seed depends only on the root and on the names on its path, never
on the order in which children are asked for, so adding a consumer never
changes the numbers of another.

>>> tree = SeedTree(3)
>>> rng = tree.rng("input_spikes", "train")     # doctest: +SKIP
>>> tree.child("binder", "stdp").seed_sequence  # doctest: +SKIP

Names used by neuromem (:data:`SEED_NAMES` lists them with what they seed;
the root is the seed a user gives: ``--seed`` / ``--seeds``, a config's
``seed``, ``LearnConfig.seed``):

==============================  ==============================================================
path                            used by
==============================  ==============================================================
``split``                       :func:`neuromem.data.base.split_pictures` (train / held out)
``subsample``                   :func:`neuromem.data.base.subsample_per_concept`
``concept_split``               :func:`neuromem.data.concept_split.resolve_fit_concepts`
``encoder/novel_pictures``      :func:`neuromem.encoders.novel.novel_pictures`
``weights``                     initial weights of an :class:`~neuromem.engram.EngramNetwork`
                                (every session, the stdp binder, ``learn``, engine benchmarks)
``stream``                      an EngramNetwork's own stream (calls that pass no seed)
``training``                    :func:`neuromem.protocols.choose_training` (experiments, ``learn``)
``test_items/test``,            held-out test cues of engram formation and the binding
``test_items/control``          window; the control networks' test cues
``input_spikes/<phase>``        Poisson drive of a session phase: ``train``, ``test``,
                                ``control_test``, ``asynchronous``, ``blank_period`` (engram
                                formation's continuous blank period), ``assign`` (``learn``'s
                                engram assignment), ``learn/<i>`` and ``cue/<i>`` (the stdp
                                binder's i-th learn / cue call), ``cue/<item>`` and
                                ``one_shot/<item>/{learn,assign}`` (a memory's cues and
                                one-shot concepts, ``<item>`` the item's hash),
                                ``strengthen/<item>/{learn,assign}`` (a familiar picture
                                added to a memory), ``novelty_cue`` (the novelty-gate
                                measurement's cues), ``gate_cue/<i>`` (engram formation's
                                gated learning), ``benchmark``
``shuffle``                     partners of the shuffled-pairing control
``pairing``                     which concepts are paired and which are control pairs
                                (concept-association; its drives: ``input_spikes/pairing/<n>``)
``recall_guess``                the seeded guess when a recall pattern is empty
``binder/<name>``               a binder's own tree (given to the binder by its caller;
                                below it ``weights``, ``input_spikes``, ``training``)
``cue_noise``, ``synthetic``    noise added to cues; synthetic concept sets
                                (compare-binding: ``synthetic/capacity/<n concepts>``)
``novelty/calibration``,        the novelty gate's calibration pictures; the known vs new
``novelty/user_split``          concepts of the user-like folder measurement
``data/photo_folder/<c>``       crops of :func:`neuromem.data.photo_folder.write_photo_folder`
``thesaurus_route_split``       the thesaurus-route measurement's pictures per concept
==============================  ==============================================================

The shuffled-pairing control reuses ``input_spikes/train``: it differs from
the trained network in the pairing only, not in the input noise.

Derivation: the child at path ``(n_1, ..., n_k)`` is
``SeedSequence(entropy=root, spawn_key=(h(n_1), ..., h(n_k)))`` where ``h``
is the first 32 bits of the SHA-256 of the name (an int in the path is hashed
as ``"#<int>"``, so the name ``"3"`` and the int ``3`` differ).
"""

from __future__ import annotations

import hashlib

import numpy as np

from neuromem._checks import is_int

__all__ = ["SEED_NAMES", "SeedTree", "as_seed_tree"]

#: The named children neuromem asks for, and what each seeds.
SEED_NAMES = {
    "split": "train / held-out split of a dataset",
    "subsample": "which pictures of a large dataset are kept (per_concept)",
    "concept_split": "which concepts fit the encoder parts and which stay novel",
    "encoder": "encoder heads, projections and decoder (child novel_pictures: the match signal's foreign pictures)",
    "weights": "initial synaptic weights and per-neuron parameters",
    "stream": "a network's own random stream (calls that pass no seed)",
    "training": "choice and order of the learning presentations",
    "test_items": "choice of test cues (children: test, control)",
    "input_spikes": "Poisson input spikes (children: the session phase: train, test, control_test, asynchronous, "
                    "blank_period, pairing/<n>, assign, learn/<i>, cue/<i>, cue/<item>, one_shot/<item>, "
                    "strengthen/<item>, novelty_cue, gate_cue/<i>, benchmark)",
    "shuffle": "the shuffled-pairing control's partners",
    "pairing": "which concepts are paired and which are control pairs (concept-association)",
    "recall_guess": "the seeded guess when a recall pattern is empty",
    "binder": "a binder's own randomness (child: the binder name; below it weights, input_spikes, training)",
    "cue_noise": "noise added to cues",
    "synthetic": "synthetic concept sets (compare-binding: synthetic/capacity/<n concepts>)",
    "novelty": "the novelty gate (children: calibration, the calibration pictures; user_split, known vs new concepts)",
    "data": "generated example data (child photo_folder/<concept>: the crops of a user-like photo folder)",
    "thesaurus_route_split": "the pictures per concept of the thesaurus-route measurement (neuromem.experiments."
                             "thesaurus_route)",
}


def _key(name) -> int:
    if is_int(name):
        text = f"#{int(name)}"
    elif isinstance(name, str) and name:
        text = name
    else:
        raise TypeError(f"a seed-tree name must be a non-empty str or an int; got {name!r}")
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little")


class SeedTree:
    """A node of the seed tree (see the module docstring).

    Parameters
    ----------
    root : int
        The run's root seed, >= 0.
    path : tuple of str or int
        Names from the root to this node (empty: the root itself).

    Raises
    ------
    TypeError, ValueError
        For a root that is not an int >= 0, or a name that is not a non-empty str / int.
    """

    __slots__ = ("root", "path")

    def __init__(self, root: int, path: tuple = ()):
        if not is_int(root) or root < 0:
            raise ValueError(f"SeedTree root={root!r} must be an int >= 0")
        for n in path:
            _key(n)
        self.root = int(root)
        self.path = tuple(path)

    def child(self, *names) -> "SeedTree":
        """The node under this one at ``names`` (one or more levels)."""
        if not names:
            raise ValueError("child() needs at least one name")
        return SeedTree(self.root, self.path + tuple(names))

    @property
    def seed_sequence(self) -> np.random.SeedSequence:
        """This node's ``numpy.random.SeedSequence``."""
        return np.random.SeedSequence(entropy=self.root, spawn_key=tuple(_key(n) for n in self.path))

    def rng(self, *names) -> np.random.Generator:
        """A fresh ``numpy.random.Generator`` for the child at ``names`` (this node if none)."""
        node = self.child(*names) if names else self
        return np.random.default_rng(node.seed_sequence)

    def int_seed(self, *names) -> int:
        """A 32-bit int seed of the child at ``names``, for libraries that take an int (e.g. torch)."""
        node = self.child(*names) if names else self
        return int(node.seed_sequence.generate_state(1, dtype=np.uint32)[0])

    def __eq__(self, other) -> bool:
        return isinstance(other, SeedTree) and (self.root, self.path) == (other.root, other.path)

    def __hash__(self) -> int:
        return hash((self.root, self.path))

    def __repr__(self) -> str:
        return f"SeedTree({self.root}{', ' + repr(self.path) if self.path else ''})"


def as_seed_tree(seed) -> SeedTree:
    """``seed`` as a :class:`SeedTree` (an int becomes a root; a tree is returned as it is).

    Raises
    ------
    TypeError
        For anything else.
    """
    if isinstance(seed, SeedTree):
        return seed
    if is_int(seed):
        return SeedTree(int(seed))
    raise TypeError(f"seed must be an int >= 0 or a SeedTree; got {seed!r}")
