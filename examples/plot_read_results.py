"""
Read a results folder and check it against the literature
=========================================================

Every experiment writes a results folder: ``metrics.json`` (strict JSON with a
schema stamp) and its arrays. This example writes a small one the way an
experiment does, reads it back, and compares its numbers with published ones
(:mod:`neuromem.analysis.literature`, the same table ``neuromem check
--results DIR`` prints). The numbers here are made up for the example.
"""

import json
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt

from neuromem.analysis.human import HISTOGRAM_BINS, human_concepts_per_neuron_histogram
from neuromem.analysis.literature import check_literature, format_check_table
from neuromem.io import Results

folder = Path(tempfile.mkdtemp()) / "engram-run"
Results(metrics={"dataset": "digits", "presentations": 3, "n_concepts": 10, "population_sparseness": 0.01,
                 "invariance_index": 0.9, "binding_index": 0.85,
                 "concepts_per_responsive_neuron": [1.0, 0.0, 0.0]}).save(folder)

metrics = json.loads((folder / "metrics.json").read_text())
print(sorted(metrics))
rows = check_literature(metrics)
print(format_check_table(rows))

human = human_concepts_per_neuron_histogram()
fig, ax = plt.subplots(figsize=(5, 3))
bins = list(range(len(human)))
ax.bar([b - 0.2 for b in bins], human, width=0.4, color="0.6", label="human MTL (De Falco et al. 2016)")
ax.bar([b + 0.2 for b in bins], [1.0] + [0.0] * (len(bins) - 1), width=0.4, color="tab:blue",
       label="this run: one concept per neuron")
ax.set_xticks(bins, HISTOGRAM_BINS)
ax.set_xlabel("concepts a responsive neuron answers")
ax.set_ylabel("fraction of responsive neurons")
ax.legend(frameon=False, fontsize=8)
fig.tight_layout()
