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
    mean of fitted and novel recall), as chosen on ``choice.seeds``.
``best_loss``, ``best_loss_at_knee``, ``head_at_knee``
    The loss with the best recall at the autoencoders' knee; the numbers of
    that loss and of the head at their knees, on the reported seeds (with ``_ci95``).
``choice``, ``choice_on_these_seeds``
    The knees and the loss used (with the seeds they were chosen on: a
    ``--choose-on`` run of tuning seeds 0-2, else the run's own seeds), and
    the choice these seeds would make themselves (a check of the tuning choice).
``per_seed``
    Every seed's own numbers.

Sizes, losses, epochs and K are fixed in advance. The knees and the best loss
are choices: ``--choose-on DIR`` takes them from a run on tuning seeds 0-2 and
reports their numbers on the report seeds; without it they are chosen on the
run's own seeds (a warning says so when those are report seeds).
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
