"""``neuromem encode``: a dataset -> a latent space, its quality report and figures."""

from __future__ import annotations

import time

from neuromem.cli.common import (add_dataset_args, check_dataset_args, check_out_dir, encode_request,
                                 out_dir_removed_if_unused)

SUMMARY = "encode a dataset into a latent space and report its quality"
DESCRIPTION = ("Load a dataset, encode its pictures, written names and spoken names into one latent space (frozen "
               "backbone + fitted heads, cached), print the latent-space quality report (held-out pictures and "
               "names nearest their own concept, reconstruction, novelty) and write metrics.json, latents.npz, "
               "encoder_state.npz, reconstructions.npz and the figures into --out.")
EXAMPLE = "neuromem encode --dataset digits --seed 3 --out results/encode-digits"

REPORT_KEYS = (
    ("heldout_picture_accuracy", "held-out pictures nearest own centroid"),
    ("name_to_picture_centroid_fraction", "held-out written name variants nearest own picture centroid"),
    ("spoken_to_picture_centroid_fraction", "spoken names (held-out voices) nearest own picture centroid"),
    ("within_between_distance_ratio", "within / between concept distance (held-out pictures)"),
    ("recon_error_heldout", "reconstruction error, held-out pictures (MSE/pixel)"),
    ("recon_error_novel", "reconstruction error, novel pictures (MSE/pixel)"),
    ("recon_novelty_auc", "ROC AUC of the match signal, novel vs familiar"),
    ("compression_factor", "compression factor (input values / latent size)"),
    ("pictures_per_second", "backbone throughput (pictures/s)"),
)


def add_arguments(p) -> None:
    add_dataset_args(p)
    p.add_argument("--out", required=True, help="output folder (metrics.json, latents.npz, figures)")
    p.add_argument("--no-figures", action="store_true", help="skip the figures")


def encode_from_args(args):
    """Load the dataset named by ``args`` (folder checks first) and encode it; returns the ``EncodeResult``."""
    if not args.quiet:
        what = "reading pictures of" if args.dataset.startswith("folder:") else "loading dataset"
        print(f"{what} {args.dataset}", flush=True)
    return encode_request(args).encode(args.seed)


def print_report(metrics: dict) -> None:
    print(f"\nlatent-space quality: {metrics['dataset']}, seed {metrics['seed']}, {metrics['backbone']} "
          f"@{metrics['input_size_px']}px -> {metrics['latent_dim']}-d "
          f"({metrics['n_train_pictures']} train / {metrics['n_heldout_pictures']} held-out pictures)")
    for key, label in REPORT_KEYS:
        v = metrics.get(key)
        txt = "n/a" if v is None else (f"{v:.4f}" if isinstance(v, float) and abs(v) < 10 else f"{v:.1f}")
        print(f"  {label:62s} {txt:>9s}   [{key}]")
    if metrics.get("features_from_cache"):
        print("  (features came from the cache; pictures_per_second is from the run that computed them)")


def run(args) -> int:
    t0 = time.perf_counter()
    check_dataset_args(args)
    with out_dir_removed_if_unused(args.out):
        check_out_dir(args.out)
        result = encode_from_args(args)
    t_enc = time.perf_counter() - t0
    paths = result.save(args.out)
    print_report(result.metrics)
    t_fig = 0.0
    if not args.no_figures:
        from neuromem.viz.encoding import make_encoding_figures

        print("\ndrawing figures (up to half a minute) ...", flush=True)
        t1 = time.perf_counter()
        figs = make_encoding_figures(args.out)
        t_fig = time.perf_counter() - t1
        print("figures: " + ", ".join(str(f) for f in figs))
    print(f"results: {paths['metrics']} (+ latents.npz, encoder_state.npz)")
    print(f"time: encoding {t_enc:.1f} s, figures {t_fig:.1f} s, total {time.perf_counter() - t0:.1f} s")
    return 0
