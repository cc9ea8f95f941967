"""Write docs/results/concept-cells-table.md from saved concept-cells metrics (never typed by hand).

usage: python tools/concept_cells_table.py RESULTS_DIR [TRADEOFF_RESULTS_DIR] [OUT.md]
"""

import sys
from pathlib import Path

from neuromem._io import atomic_write_bytes
from neuromem.experiments.concept_cells import ConceptCellsResults
from neuromem.experiments.concept_cells.table import markdown_tables

if __name__ == "__main__":
    main = ConceptCellsResults.load(sys.argv[1]).metrics
    tradeoff = ConceptCellsResults.load(sys.argv[2]).metrics.get("tradeoff") if len(sys.argv) > 2 else None
    out = Path(sys.argv[3]) if len(sys.argv) > 3 else Path("docs/results/concept-cells-table.md")
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out, markdown_tables(main, tradeoff or main.get("tradeoff")).encode())
    print(f"wrote {out}")
