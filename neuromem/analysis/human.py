"""Human concept-cell data: how many concepts a responsive MTL neuron answers.

Source
------
De Falco, Ison, Fried & Quian Quiroga (2016), "Long-term coding of personal
and universal associations underlying the memory web in the human brain",
Nat. Commun. 7:13408: 4,066 units recorded in 100 screening sessions of
about 94 pictures each. The distribution of the number of stimuli each unit
answered is the vector ``full_data_vector`` in the public code of Gastaldi,
Schwalger, De Falco, Quian Quiroga & Gerstner (2021), "When shared concept
cells support associations: theory of overlapping memory engrams", PLoS
Comput. Biol. 17:e1009691 (repository ``pub_Gastaldi_2021_AttractorNetwork``,
file ``Data_analysis/Compare_theory_probs_and_DeFalco2016.py``, with
``TOT_NEUS = 4066``). **Index 0 of that vector is the share of units that
answer no stimulus** (83.1 %); index ``i >= 1`` the share answering ``i``
stimuli. The code rescales indices 1.. by ``1 / (1 - vector[0])`` to get the
distribution over responsive units (688 of 4,066), which is what
:func:`human_concepts_per_neuron_histogram` returns.

Gastaldi et al. fit these data with a sparseness ``gamma = 0.002`` (the
probability that a neuron answers a given concept) and a shared fraction
``c = 0.04`` between associated concepts (:data:`GASTALDI_GAMMA`,
:data:`GASTALDI_C`).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "DEFALCO2016_FULL_DATA_VECTOR", "DEFALCO2016_TOTAL_UNITS", "DEFALCO2016_STIMULI_PER_SESSION",
    "HUMAN_CONCEPTS_PER_NEURON",
    "GASTALDI_GAMMA", "GASTALDI_C", "HISTOGRAM_BINS", "human_concepts_per_neuron_histogram",
    "concepts_per_neuron_histogram", "total_variation",
]

#: Share of the 4,066 units answering 0, 1, 2, ..., 40 stimuli (De Falco et al. 2016 data, as published in the
#: code of Gastaldi et al. 2021; see the module docstring). Index 0: units answering no stimulus.
DEFALCO2016_FULL_DATA_VECTOR = (
    8.30791933e-01, 8.38662076e-02, 3.07427447e-02, 1.67240531e-02,
    8.85391048e-03, 6.88637482e-03, 5.41072307e-03, 4.18101328e-03,
    1.47565175e-03, 1.96753566e-03, 4.91883915e-04, 1.22970979e-03,
    1.22970979e-03, 9.83767831e-04, 9.83767831e-04, 7.37825873e-04,
    7.37825873e-04, 7.37825873e-04, 2.45941958e-04, 2.45941958e-04,
    2.45941958e-04, 0.00000000e+00, 4.91883915e-04, 0.00000000e+00,
    0.00000000e+00, 4.91883915e-04, 0.00000000e+00, 0.00000000e+00,
    0.00000000e+00, 0.00000000e+00, 0.00000000e+00, 0.00000000e+00,
    0.00000000e+00, 0.00000000e+00, 0.00000000e+00, 0.00000000e+00,
    0.00000000e+00, 0.00000000e+00, 0.00000000e+00, 0.00000000e+00,
    2.45941958e-04,
)
#: Units recorded (``TOT_NEUS``).
DEFALCO2016_TOTAL_UNITS = 4066
#: Stimuli shown per screening session (about 94): a neuron's count of answered concepts grows with this number,
#: so model comparisons show the same number of concepts.
DEFALCO2016_STIMULI_PER_SESSION = 94
#: Gastaldi et al. (2021): sparseness (probability that a neuron answers a concept) and shared fraction between
#: associated concepts, fitted to these data.
GASTALDI_GAMMA = 0.002
GASTALDI_C = 0.04
#: Bins of the histogram: 1, 2, 3, 4, 5 and 6 or more concepts.
HISTOGRAM_BINS = ("1", "2", "3", "4", "5", "6+")


def human_concepts_per_neuron_histogram() -> np.ndarray:
    """Fractions of RESPONSIVE human MTL units answering 1, 2, 3, 4, 5, 6+ stimuli, shape (6,).

    Recomputed from :data:`DEFALCO2016_FULL_DATA_VECTOR` the way Gastaldi et
    al.'s code does (drop index 0, rescale by ``1 / (1 - vector[0])``):
    0.496, 0.182, 0.099, 0.052, 0.041, 0.131.
    """
    v = np.asarray(DEFALCO2016_FULL_DATA_VECTOR, dtype=np.float64)
    responsive = v[1:] / (1.0 - v[0])
    return np.concatenate([responsive[:5], [responsive[5:].sum()]])


#: Fractions of RESPONSIVE human MTL units answering 1, 2, 3, 4, 5, 6+ stimuli (the six bins of
#: :data:`HISTOGRAM_BINS`), recomputed from :data:`DEFALCO2016_FULL_DATA_VECTOR`: the one human reference
#: every metric and figure uses.
HUMAN_CONCEPTS_PER_NEURON = tuple(float(x) for x in human_concepts_per_neuron_histogram())


def concepts_per_neuron_histogram(resp) -> np.ndarray:
    """Fractions of responsive neurons answering 1, 2, 3, 4, 5, 6+ concepts, shape (6,).

    Parameters
    ----------
    resp : ndarray of bool (n_neurons, n_concepts)
        Which neuron responds to which concept (:func:`neuromem.analysis.responsive`).

    Returns
    -------
    ndarray (6,)
        All zeros when no neuron responds.
    """
    r = np.asarray(resp, dtype=bool)
    if r.ndim != 2:
        raise ValueError(f"resp must be (n_neurons, n_concepts); got shape {r.shape}")
    n = r.sum(axis=1)
    n = n[n > 0]
    if len(n) == 0:
        return np.zeros(len(HISTOGRAM_BINS))
    counts = np.bincount(np.minimum(n, 6), minlength=7)[1:]
    return counts / len(n)


def total_variation(p, q) -> float:
    """Total-variation distance ``0.5 * sum |p - q|`` of two distributions of equal length, in [0, 1].

    Raises
    ------
    ValueError
        For different lengths, negative entries, or entries not summing to 1 (within 1e-6).
    """
    a = np.asarray(p, dtype=np.float64)
    b = np.asarray(q, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"p and q must be 1-d of equal length; got {a.shape}, {b.shape}")
    for name, x in (("p", a), ("q", b)):
        if (x < 0).any() or abs(x.sum() - 1.0) > 1e-6:
            raise ValueError(f"{name} is not a distribution (entries >= 0 summing to 1); sum = {x.sum():.6f}")
    return float(0.5 * np.abs(a - b).sum())
