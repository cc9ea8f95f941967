"""
The LIF rate against its closed form
====================================

A leaky integrate-and-fire neuron driven by a constant input ``R I`` (mV)
fires at

.. math:: f = \\left[t_\\mathrm{ref} + \\tau_m \\ln\\frac{R I + v_\\mathrm{rest} - v_\\mathrm{reset}}
          {R I + v_\\mathrm{rest} - v_\\mathrm{thresh}}\\right]^{-1}

above rheobase and not at all below it. Every engine is held to this curve
(within 2 %); here the ``reference`` engine, the plain NumPy loop that states
the discrete model, is measured against it.
"""

import matplotlib.pyplot as plt
import numpy as np

from neuromem.network import ConceptLayer
from neuromem.validation import lif_rate_hz, measure_lif_rates

concept = ConceptLayer()
multiples = np.array([0.5, 0.9, 1.1, 1.5, 2.0, 3.0, 5.0])
drive_mv = multiples * concept.rheobase_mv
measured = measure_lif_rates("reference", drive_mv, concept=concept, duration_ms=1000.0)
expected = lif_rate_hz(drive_mv, concept)

above = multiples > 1
error = np.abs(measured[above] - expected[above]) / expected[above]
print(f"rheobase {concept.rheobase_mv:.1f} mV; largest relative error above it: {error.max():.4f}")
assert error.max() < 0.02 and np.all(measured[~above] == 0)

curve = np.linspace(0, 5.2, 200) * concept.rheobase_mv
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.plot(curve, lif_rate_hz(curve, concept), "k-", lw=1, label="closed form")
ax.plot(drive_mv, measured, "o", color="tab:blue", label="reference engine")
ax.set_xlabel("constant drive R I (mV)")
ax.set_ylabel("firing rate (Hz)")
ax.legend(frameon=False)
fig.tight_layout()
