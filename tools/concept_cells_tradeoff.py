"""The concept-cells trade-off on some seeds of a main run, reusing the main run's own active fraction.

usage: python tools/concept_cells_tradeoff.py MAIN_RESULTS OUT_DIR SEEDS FRACTIONS [KNOWN.json]

SEEDS (e.g. 3,4) must be seeds of the main run; FRACTIONS the k-winners-take-all active fractions to add
(e.g. 0.005,0.02). KNOWN.json, optional: a sweep saved earlier ({"tradeoff": ..., "missing": ...}, strict JSON)
whose rows are reused instead of being run again. Writes OUT_DIR/metrics.json and the trade-off figure.
"""

import json
import sys
from pathlib import Path

from neuromem.experiments.concept_cells import ConceptCellsConfig, ConceptCellsResults
from neuromem.experiments.concept_cells.run import preset_active_fraction, run_tradeoff
from neuromem.io.strict_json import from_strict_json
from neuromem.viz.concept_cells import FILES, plot_tradeoff

if __name__ == "__main__":
    main = ConceptCellsResults.load(sys.argv[1]).metrics
    out, seeds = sys.argv[2], tuple(int(s) for s in sys.argv[3].split(","))
    fractions = [float(f) for f in sys.argv[4].split(",")]
    c = main["config"]
    cfg = ConceptCellsConfig(n_concepts=c["n_concepts"], n_neurons=c["n_neurons"], preset=c["preset"], seeds=seeds,
                             presentations=c["presentations"], test_pictures_per_concept=c["test_pictures_per_concept"],
                             test_words_per_concept=c["test_words_per_concept"], blank_trials=c["blank_trials"],
                             at_2n=False, engine_options={"threads": 1})
    known = {float(preset_active_fraction(cfg)): [main[f"seed_{s}"] for s in seeds]}
    if len(sys.argv) > 5:
        doc = json.load(open(sys.argv[5]))
        for row in from_strict_json(doc["tradeoff"], doc["missing"])["rows"]:
            known[float(row["active_fraction"])] = [row[f"seed_{s}"] for s in seeds]
    tradeoff = run_tradeoff(cfg, fractions, known=known, jobs=len(seeds))
    metrics = {"preset": main["preset"], "engine": main["engine"], "n_concepts": main["n_concepts"],
               "n_neurons": main["n_neurons"], "seeds": list(seeds), "capacity_n_neurons": main["capacity_n_neurons"],
               "tradeoff": tradeoff}
    Path(out).mkdir(parents=True, exist_ok=True)
    plot_tradeoff(metrics, Path(out) / FILES["tradeoff"])
    ConceptCellsResults(metrics=metrics).save(out)
    print(f"wrote {out}; best: {tradeoff['best']}")
