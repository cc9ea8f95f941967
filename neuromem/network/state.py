"""The learned state of a network as plain data, and its seeded initial value."""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

__all__ = ["NetworkState", "initial_state"]


@dataclass(frozen=True)
class NetworkState:
    """The learned state of a network as plain numpy data.

    Parameters
    ----------
    w_in_mv : dict of str -> ndarray (n_inputs_m, n_concept)
        Latent->concept weights per modality, mV.
    w_fb : dict of str -> ndarray (n_concept, n_inputs_m)
        Concept->latent feedback weights per modality (dimensionless).
    theta_mv : ndarray (n_concept,)
        Adaptive threshold increments, mV.
    """

    w_in_mv: dict
    w_fb: dict
    theta_mv: np.ndarray

    def copy(self) -> "NetworkState":
        return NetworkState(w_in_mv={k: v.copy() for k, v in self.w_in_mv.items()},
                            w_fb={k: v.copy() for k, v in self.w_fb.items()}, theta_mv=self.theta_mv.copy())

    def check(self, spec) -> None:
        """Raise if shapes or values do not fit ``spec`` (a :class:`~neuromem.network.spec.NetworkSpec`)."""
        nc = spec.concept.n_neurons
        for p in spec.populations:
            m = p.modality
            if m not in self.w_in_mv or m not in self.w_fb:
                raise ValueError(f"state has no weights for modality {m!r}")
            if self.w_in_mv[m].shape != (p.n_neurons, nc):
                raise ValueError(f"w_in_mv[{m!r}] has shape {self.w_in_mv[m].shape}; expected {(p.n_neurons, nc)}")
            if self.w_fb[m].shape != (nc, p.n_neurons):
                raise ValueError(f"w_fb[{m!r}] has shape {self.w_fb[m].shape}; expected {(nc, p.n_neurons)}")
        if self.theta_mv.shape != (nc,):
            raise ValueError(f"theta_mv has shape {self.theta_mv.shape}; expected {(nc,)}")
        for name, arrs in (("w_in_mv", self.w_in_mv.values()), ("w_fb", self.w_fb.values()),
                           ("theta_mv", [self.theta_mv])):
            for a in arrs:
                if not np.all(np.isfinite(a)):
                    raise ValueError(f"state {name} contains NaN or inf")


def initial_state(spec, seed: int | np.random.SeedSequence) -> NetworkState:
    """Seeded initial weights, identical for every engine.

    Latent->concept weights are uniform in ``mean * [1 - spread, 1 + spread]``
    (mean from :meth:`NetworkSpec.w_mean_mv`, spread from the input-plasticity
    rule); feedback weights are uniform in ``[0, HebbianFeedback.init_weight_max]``
    (drawn after every latent->concept weight; zero without feedback); theta
    starts at 0. A mechanism that draws random numbers of its own (e.g.
    :class:`~neuromem.network.ThresholdSpread`) uses a named child of the same
    seed (:func:`~neuromem.network.mechanisms.mechanism_seed`), so these
    weights do not depend on it.
    """
    ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    rng = np.random.default_rng(ss)
    nc = spec.concept.n_neurons
    w_in, w_fb = {}, {}
    for p in spec.populations:
        mean = spec.w_mean_mv(p.modality)
        s = spec.stdp.init_weight_spread
        w_in[p.modality] = rng.uniform(mean * (1 - s), mean * (1 + s), size=(p.n_neurons, nc))
    fb = spec.feedback
    for p in spec.populations:  # after every latent->concept weight, so those do not depend on this
        f0 = fb.init_weight_max if fb is not None else 0.0
        w_fb[p.modality] = rng.uniform(0.0, f0, size=(nc, p.n_neurons)) if f0 > 0 else np.zeros((nc, p.n_neurons))
    return NetworkState(w_in_mv=w_in, w_fb=w_fb, theta_mv=np.zeros(nc))
