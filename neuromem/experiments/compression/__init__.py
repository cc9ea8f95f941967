"""The compression study: which latent size and which reconstruction loss "make sense" (the seed's question).

The seed builds its latent spaces from autoencoders and asks what level of
compression and what loss are appropriate. neuromem's latent comes from a
classification-trained head, with a decoder trained on top of it, so there
the reconstruction loss cannot change recall. This experiment studies both
on equal terms (:mod:`~neuromem.experiments.compression.run`): (a) the head
at latent sizes 8-256, (b) autoencoders trained by reconstruction alone on
the same pictures at the same sizes with pixel MSE, L1, SSIM and an
uncalibrated feature loss (:mod:`~neuromem.experiments.compression.models`).

Metrics (``metrics.json``)
--------------------------
``head_<measure>``, ``autoencoder_<measure>`` (per loss)
    Per latent size (``sizes``), mean over seeds with ``_ci95``:
    ``recall_fitted`` / ``recall_novel`` (K-shot nearest-prototype recall@1,
    no spiking network), ``psnr_db``, ``ssim``, ``novelty_auc``.
``backbone_features_recall_*``, ``pixels_recall_*``, ``chance_recall_at_1``
    The same recall without a trained latent, and chance.
``knee_head_fitted``, ``knee_head_novel``, ``knee_autoencoder``, ``knee_autoencoder_any_loss``
    Smallest size within 0.02 of the best mean recall (autoencoders: the
    mean of fitted and novel recall).
``best_loss``, ``best_loss_at_knee``
    The loss with the best recall at the autoencoders' knee, and its numbers there.
``per_seed``
    Every seed's own numbers.

Nothing is chosen on the report seeds: sizes, losses, epochs and K are fixed
in advance; the knee and the best loss are reported statistics.
"""

from neuromem.experiments.compression.cli import (
    DESCRIPTION,
    ENCODES,
    EXAMPLE,
    HELP,
    add_arguments,
    check_args,
    config_from_args,
    main,
    make_figures,
    results_exist,
)
from neuromem.experiments.compression.config import LOSSES, CompressionConfig
from neuromem.experiments.compression.results import CompressionResults
from neuromem.experiments.compression.run import knee, run_compression, run_seed, summarise

__all__ = ["CONFIG", "DESCRIPTION", "ENCODES", "EXAMPLE", "HELP", "LOSSES", "CompressionConfig", "CompressionResults",
           "add_arguments", "check_args", "config_from_args", "knee", "main", "make_figures", "results_exist",
           "run_compression", "run_seed", "summarise"]

#: The options' dataclass.
CONFIG = CompressionConfig
