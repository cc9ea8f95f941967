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


def test_stdp_counts_match_a_hand_count_from_the_spikes_of_its_runs():
    """The spiking family: counts from the recorded spike numbers by the rules written out here."""
    rng = np.random.default_rng(0)
    ref = {m: rng.standard_normal((20, D)) for m in ("picture", "name")}
    b = make_binder("stdp", modalities=("picture", "name"), latent_dim=D, n_units=5, seed=0, reference=ref,
                    engine="numba")
    runs = []
    run = b.session.run

    def recorded(*args, **kwargs):
        out = run(*args, **kwargs)
        runs.append(out)
        return out

    b.session.run = recorded
    b.learn(_presentations(3))
    b.recall("picture", rng.standard_normal((2, D)), "name")
    (learn, cue), n_in, n_c = runs, b.spec.n_inputs, b.spec.concept.n_neurons
    steps = b.spec.sim.steps_per_trial
    s_in, s_c = len(learn.drive.indices), len(learn.spikes.spike_indices)
    assert s_in > 0 and s_c > 0  # a count of nothing would match any rule
    # each input spike reaches the n_c concept neurons; each concept spike inhibits the n_c - 1 others;
    # learning: STDP depresses an input spike's n_c weights and potentiates a concept spike's n_in weights,
    # the Hebbian feedback grows a concept spike's n_in weights; every neuron advances every step
    assert b.cost.to_dict()["learn"] == {"synaptic_events": s_in * n_c + s_c * (n_c - 1),
                                         "weight_updates": s_in * n_c + 2 * s_c * n_in,
                                         "neuron_updates": 3 * steps * n_c}
    c_in, c_c = len(cue.drive.indices), len(cue.spikes.spike_indices)
    assert b.cost.to_dict()["recall"] == {"synaptic_events": c_in * n_c + c_c * (n_c - 1), "weight_updates": 0,
                                          "neuron_updates": 2 * steps * n_c}
    e = energy_estimate({"synaptic_events": 10, "neuron_updates": 10, "weight_updates": 10})
    # an event: 1 add, 4 bytes read; a neuron update: 2 adds, 2 multiplies, 16 bytes; a weight update: read,
    # multiply-add, write (1 add, 1 multiply, 8 bytes)
    assert e["energy_pj_estimate"] == pytest.approx(40 * 0.9 + 30 * 3.7 + 280 * 1.25)


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown operation kind 'flops'"):
        energy_estimate({"flops": 3})
