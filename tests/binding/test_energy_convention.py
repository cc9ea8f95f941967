"""One energy convention: the counters of one binder of each family match a count made by hand.

The hand counts below follow the rules of :mod:`neuromem.binding.cost`
(written out per line), not the binders' code.
"""

from __future__ import annotations

import numpy as np
import pytest

from neuromem.binding import BindingPresentation, make_binder
from neuromem.binding.cost import energy_estimate

M, D = 2, 4  # modalities, latent dimensions


def _presentations(n):
    rng = np.random.default_rng(0)
    return [BindingPresentation(concept=k, latents={"picture": rng.standard_normal(D), "name": rng.standard_normal(D)})
            for k in range(n)]


def test_hopfield_counts_and_energy_match_a_hand_count():
    b = make_binder("hopfield", modalities=("picture", "name"), latent_dim=D, n_units=10, seed=0)
    b.learn(_presentations(3))
    b.recall("picture", np.zeros((5, D)) + 0.1, "name")
    # learn: 3 presentations x 2 modalities x (key + value) x 4 dims = 48 values stored, 4 bytes each
    assert b.cost.to_dict()["learn"] == {"memory_writes": 48}
    # recall: 5 cues x 3 stored patterns x 4 dims x 2 (similarities, weighted sum of values) = 120 MACs
    assert b.cost.to_dict()["recall"] == {"macs": 120}
    e = energy_estimate(b.cost.to_dict()["learn"])
    assert e["bytes_moved"] == 192 and e["adds"] == 0 and e["energy_pj_estimate"] == pytest.approx(192 * 10 / 8)
    e = energy_estimate(b.cost.to_dict()["recall"])
    # 120 adds x 0.9 + 120 multiplies x 3.7 + 120 x 4 bytes read x 10 / 8 pJ
    assert e["energy_pj_estimate"] == pytest.approx(120 * 0.9 + 120 * 3.7 + 480 * 1.25)


def test_softmax_counts_forward_backward_and_adam_the_same_way_and_match_a_hand_count():
    pytest.importorskip("torch")
    from neuromem.binding._backprop import BackpropConfig

    b = make_binder("softmax", modalities=("picture", "name"), latent_dim=D, n_units=3, seed=0,
                    config=BackpropConfig(epochs=2, learning_rate=0.01))
    b.learn(_presentations(3))
    # forward + weight gradient: 2 x 2 epochs x (3 presentations x 2 modalities rows) x 4 dims x 3 units
    macs = 2 * 2 * 6 * 4 * 3
    # Adam: 3 values (w, m, v) x 2 epochs x 2 x (4 + 1) x 3 trained parameters; association sums: 3 x 2 x 4
    updates = 3 * 2 * 30 + 3 * 2 * 4
    assert b.cost.to_dict()["learn"] == {"macs": macs, "weight_updates": updates}
    assert (macs, updates) == (288, 204)
    e = energy_estimate(b.cost.to_dict()["learn"])
    assert e["adds"] == 492 and e["multiplies"] == 492 and e["bytes_moved"] == 288 * 4 + 204 * 8
    assert e["energy_pj_estimate"] == pytest.approx(492 * 0.9 + 492 * 3.7 + 2784 * 1.25)
    # every stored number is a parameter: trained maps and biases (30) + association sums (24) + counts (3)
    assert b.n_plastic == 57


def test_the_spiking_kinds_are_priced_by_hand():
    """The kinds the spiking binders count (their counts: tests/binding/test_binders.py) priced by hand."""
    e = energy_estimate({"synaptic_events": 10, "neuron_updates": 10, "weight_updates": 10})
    # an event: 1 add, 4 bytes read; a neuron update: 2 adds, 2 multiplies, 16 bytes; a weight update: read,
    # multiply-add, write (1 add, 1 multiply, 8 bytes)
    assert (e["adds"], e["multiplies"], e["bytes_moved"]) == (40, 30, 280)
    assert e["energy_pj_estimate"] == pytest.approx(40 * 0.9 + 30 * 3.7 + 280 * 1.25)


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown operation kind 'flops'"):
        energy_estimate({"flops": 3})
