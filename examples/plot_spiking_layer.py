"""
A tiny spiking concept layer
============================

Twelve LIF concept neurons with lateral inhibition and pair STDP, driven by
Poisson input from two small latent populations (a picture and a name), run
on the ``reference`` engine: four 200 ms trials with learning on. The raster
shows which concept neurons win each trial.
"""

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator
import numpy as np

from neuromem.coding import poisson_trials
from neuromem.engines import make_engine
from neuromem.network import load_preset

spec = load_preset("default", modalities=("picture", "name"), latent_dim=4, concept={"n_neurons": 12})
rng = np.random.default_rng(3)
rates_hz = rng.uniform(0, 60, size=(4, spec.n_inputs))
drive = poisson_trials(rates_hz, stimulus_ms=spec.sim.stimulus_ms, trial_period_ms=spec.sim.trial_period_ms,
                       background_hz=1.0, dt_ms=spec.sim.dt_ms, rng=rng)

engine = make_engine("reference", spec, seed=3)
before = engine.get_state().w_in_mv["picture"].copy()
result = engine.run(drive, plastic=True)
after = engine.get_state().w_in_mv["picture"]
print(f"{spec.n_inputs} inputs -> {spec.concept.n_neurons} concept neurons; {len(result.spike_steps)} concept "
      f"spikes in {drive.n_steps * spec.sim.dt_ms:.0f} ms; mean |weight change| {np.abs(after - before).mean():.4f} mV")
assert len(result.spike_steps) > 0

fig, ax = plt.subplots(figsize=(6, 2.8))
ax.plot(result.spike_steps * spec.sim.dt_ms, result.spike_indices, "|", color="k", ms=8)
for k in range(1, 4):
    ax.axvline(k * spec.sim.trial_period_ms, color="0.7", lw=0.8)
ax.set_xlabel("time (ms)")
ax.set_ylabel("concept neuron")
ax.yaxis.set_major_locator(MaxNLocator(integer=True))
ax.set_title("concept-layer spikes, four trials (grey: trial boundaries)", fontsize=9)
fig.tight_layout()
