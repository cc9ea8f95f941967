"""The human reference every metric and figure uses, recomputed from the published vector.

Source: De Falco, Ison, Fried & Quian Quiroga (2016), Nat. Commun. 7:13408 (4,066 units, ~94 stimuli per
session), as published in the public code of Gastaldi, Schwalger, De Falco, Quian Quiroga & Gerstner (2021),
PLoS Comput. Biol. 17:e1009691: repository ``pub_Gastaldi_2021_AttractorNetwork``, file
``Data_analysis/Compare_theory_probs_and_DeFalco2016.py``, variable ``full_data_vector`` (quoted below, to the
digits published). Index 0 is the share of units answering NO stimulus; index i >= 1 the share answering i.
"""

from __future__ import annotations

import numpy as np

from neuromem.analysis import HISTOGRAM_BINS, HUMAN_CONCEPTS_PER_NEURON

# full_data_vector of the source above, quoted (index 0: units answering no stimulus; TOT_NEUS = 4066)
PUBLISHED = (
    8.30791933e-01, 8.38662076e-02, 3.07427447e-02, 1.67240531e-02, 8.85391048e-03, 6.88637482e-03,
    5.41072307e-03, 4.18101328e-03, 1.47565175e-03, 1.96753566e-03, 4.91883915e-04, 1.22970979e-03,
    1.22970979e-03, 9.83767831e-04, 9.83767831e-04, 7.37825873e-04, 7.37825873e-04, 7.37825873e-04,
    2.45941958e-04, 2.45941958e-04, 2.45941958e-04, 0.0, 4.91883915e-04, 0.0, 0.0, 4.91883915e-04,
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.45941958e-04,
)
TOTAL_UNITS = 4066


def test_reference_is_the_histogram_over_responsive_units():
    v = np.asarray(PUBLISHED)
    responsive_units = v[1:] * TOTAL_UNITS  # unit counts answering 1, 2, ... stimuli
    assert round(responsive_units.sum()) == 688
    counts = np.round(responsive_units).astype(int)
    expected = np.concatenate([counts[:5], [counts[5:].sum()]]) / counts.sum()
    assert len(HUMAN_CONCEPTS_PER_NEURON) == len(HISTOGRAM_BINS) == 6
    np.testing.assert_allclose(HUMAN_CONCEPTS_PER_NEURON, expected, atol=1e-6)
    # half of the responsive human units answer one stimulus, not 83 % (index 0 read as "one stimulus")
    assert 0.49 < HUMAN_CONCEPTS_PER_NEURON[0] < 0.50
    assert abs(HUMAN_CONCEPTS_PER_NEURON[0] - v[0]) > 0.3
    assert 0.13 < HUMAN_CONCEPTS_PER_NEURON[5] < 0.132  # 6 or more stimuli: 90 of 688 units
