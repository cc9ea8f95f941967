"""Add the references' capacity and interference rows to stored compare-binding results.

    python tools/add_reference_learners.py results-21/digits [more folders ...]

For comparisons stored before the no-binder lookup and the nearest-prototype
reference ran the synthetic experiments beside the binders
(``neuromem/experiments/compare_binding/reference_learners.py``). Only the
references' cells run, on each stored seed's latent space (encoded as
``neuromem run compare-binding`` encodes it: no spoken names, the default
concept split, the stored grid's largest K as the minimum of training
pictures); the binders' rows are kept as stored
(:func:`neuromem.experiments.compare_binding.run.add_reference_learners`).
Rewrites each folder's ``results.csv``, ``metrics.json``, figures and
``summary.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv=None) -> int:
    from neuromem.encoders import EncodeRequest, EncoderConfig
    from neuromem.experiments.compare_binding.cli import DEFAULT_FIT_CONCEPTS
    from neuromem.experiments.compare_binding.results import read_metrics, results_exist
    from neuromem.experiments.compare_binding.run import add_reference_learners

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("folders", nargs="+", type=Path, help="compare-binding output folders")
    args = p.parse_args(argv)
    for folder in args.folders:
        if not results_exist(folder):
            p.error(f"{folder} holds no compare-binding results (results.csv + metrics.json)")
    for folder in args.folders:
        meta = read_metrics(folder / "metrics.json")["_meta"]
        request = EncodeRequest(dataset=meta["dataset"], encoder=EncoderConfig(spoken=False),
                                fit_concepts=DEFAULT_FIT_CONCEPTS, min_train=max(meta["grid"]["shots"]),
                                progress=False)
        spaces = {int(s): request.encode(int(s)).space for s in meta["seeds"]}
        for s, sp in spaces.items():
            stored = meta.get("fit_concepts", {}).get(str(s))
            if stored is not None and list(sp.fit_concepts) != list(stored):
                raise SystemExit(f"{folder}: seed {s}'s fitted concepts {list(sp.fit_concepts)} are not the stored "
                                 f"{stored}; this folder was not made with the default concept split")
        add_reference_learners(folder, spaces)
        print(f"{folder}: references added ({folder / 'summary.md'})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
