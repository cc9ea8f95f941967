"""``neuromem demo``: the main job on the embedded digits: encode, report, engram formation, figures."""

from __future__ import annotations

import argparse
import time

from neuromem.cli.common import check_out_dir

SUMMARY = "main job on the embedded digits data: encode, report, figures"
DESCRIPTION = ("Encode the embedded digits, report the latent-space quality, run engram formation (brian2) and "
               "draw every figure; one sub-folder per stage (encode-digits/, engram-formation-digits/).")
EXAMPLE = "neuromem demo --out results/demo"


def add_arguments(p) -> None:
    p.add_argument("--out", default="results/demo",
                   help="output folder (default results/demo): encode-digits/ and engram-formation-digits/")
    p.add_argument("--seed", type=int, default=3, help="split and simulation seed (default 3, a report seed)")
    p.add_argument("--quiet", action="store_true", help="no progress bars or progress messages")


def run(args) -> int:
    from neuromem.cli import encode
    from neuromem.experiments.registry import load_experiment

    t0 = time.perf_counter()
    out = check_out_dir(args.out)
    enc = argparse.Namespace(dataset="digits", seed=args.seed, quiet=args.quiet, backbone="efficientnet_lite0",
                             weights=None, input_size=64, latent_dim=64, heldout_fraction=0.2, no_spoken=False,
                             fit_concepts=None, no_cache=False, no_figures=False, out=out / "encode-digits")
    encode.run(enc)
    t_enc = time.perf_counter() - t0
    exp = load_experiment("engram-formation")
    ef_out = out / "engram-formation-digits"
    print(f"\nengram formation on digits (brian2, 3 presentations per concept, seed {args.seed}) ...", flush=True)
    m = exp.demo(ef_out, seed=args.seed, progress=not args.quiet)
    for key in ("picture_to_name_recall_at_1", "nearest_prototype_reference_recall_at_1",
                "no_binder_lookup_recall_at_1", "name_to_picture_recall_at_1", "concepts_with_engram",
                "invariance_index", "population_sparseness"):
        value = m.get(key)
        print(f"  {key:40s} " + (f"{value:.3f}" if isinstance(value, (int, float)) else "undefined (see metrics.json)"))
    print(f"results and figures: {ef_out}")
    total = time.perf_counter() - t0
    print(f"time: encoding stage {t_enc:.1f} s, engram formation {total - t_enc:.1f} s, total {total:.1f} s")
    return 0
