"""The binding window: how far apart in time may a picture and its name be and still bind?

For each onset asynchrony ``Delta = t_word - t_picture`` (negative: the word
comes first), a fresh network (the same seeded initial weights for every
``Delta``) learns every concept from K presentations in which the picture and
its written name (and, with ``use_spoken``, its spoken name) are shown inside one
trial, each for ``SimConfig.stimulus_ms``, the words shifted by ``Delta``
against the picture. Nothing is reset between the two stimuli of a trial
(state is reset only at trial starts, :data:`neuromem.protocols.RESET_RULE`);
the trial period is lengthened to ``stimulus_ms + max |Delta| + pause_ms`` for
every ``Delta`` alike. Then, learning off, held-out pictures and held-out
written names are presented alone (both at trial start) and the concept
layer's responses are analysed.

Binding is measured three ways per ``Delta``:

``invariance_index``
    Among (neuron, concept) pairs responsive to the concept's pictures or to
    its names, the fraction responsive to both
    (:func:`neuromem.analysis.invariance_index`).
``binding_index``
    Overlap of the evoked responses to a concept's pictures and to its names
    (:func:`neuromem.analysis.binding_index`): 0 when they drive disjoint
    neurons, 1 when they drive the same neurons in the same proportions.
``picture_to_name_recall_at_1``
    Recall of the name from a held-out picture through the learned feedback
    (:func:`neuromem.analysis.recall_from_counts`). It can stay high without
    binding (a concept's picture and name each forming their own engram,
    with the feedback of the picture engram still growing from the name's
    trace), which is why it is reported beside the two binding measures.

Metrics (``metrics.json``)
--------------------------
``onset_asynchrony_ms`` (list) and, per offset in lists of the same length,
``invariance_index``, ``binding_index``, ``picture_to_name_recall_at_1``
(means over seeds) with ``..._ci95`` lists beside them (95 % t-interval
half-widths over seeds); ``binding_half_width_ms`` (the positive and negative
offsets at which the seed-mean ``binding_index`` has fallen to half its value
at ``Delta = 0``, linearly interpolated; NaN if it never does inside the
measured range); ``stdp`` and ``feedback`` (the preset's plasticity windows,
for the figure); ``per_seed`` (every seed's lists); ``seeds``, ``engine``,
``preset``, ``presentations``, ``dataset``, ``trial_period_ms``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from neuromem._io import atomic_write_json
from neuromem.analysis import (
    REPORT_SEEDS,
    ResponseCriterion,
    binding_index,
    invariance_index,
    recall_at_1,
    recall_from_counts,
    responsive,
    summarise_seeds,
)
from neuromem.coding import LatentSquash
from neuromem.engram import EngramNetwork
from neuromem.latents import LatentSpace
from neuromem.network import load_preset
from neuromem.protocols import StimulusWindow, choose_training, heldout_trials, training_trials
from neuromem.session import trial_rates

__all__ = ["DESCRIPTION", "HELP", "EXAMPLE", "ENCODES", "DEFAULT_OFFSETS_MS", "BindingWindowConfig",
           "run_seed",
           "run_binding_window", "binding_half_width_ms", "add_arguments", "main", "results_exist",
           "make_figures", "METRICS_FILE", "FIGURE_FILE"]

DESCRIPTION = "binding of pictures and names vs their onset asynchrony inside one trial (the binding window)"
HELP = ("For every onset asynchrony t_word - t_picture a fresh network (the same initial weights) learns every "
        "concept from K presentations with the word shifted against the picture inside one trial; held-out "
        "pictures and names then test it. Invariance, binding index and picture -> name recall per offset, mean "
        "and 95 % t-interval over seeds, and the offsets where binding falls to half; results: metrics.json, "
        "binding_window.png.")
EXAMPLE = "neuromem run binding-window --dataset digits --offsets-ms -150,-100,-50,0,50,100,150 --seeds 3,4,5,6,7"
ENCODES = True
DEFAULT_OFFSETS_MS = tuple(float(x) for x in range(-150, 151, 25))
METRICS_FILE = "metrics.json"
FIGURE_FILE = "binding_window.png"
_PER_OFFSET = ("invariance_index", "binding_index", "picture_to_name_recall_at_1")


@dataclass(frozen=True, kw_only=True)
class BindingWindowConfig:
    """Every option of the binding-window experiment.

    Parameters
    ----------
    offsets_ms : tuple of float
        Onset asynchronies ``t_word - t_picture``, ms, each in [-1000, 1000] and a multiple of ``dt_ms``.
    seeds : tuple of int
        Network and split seeds (report seeds 3-7 by default), each >= 0.
    engine : str
        Engine name.
    presentations : int
        Learning presentations per concept (K), 1 to 100.
    preset : str
        Network preset name or TOML path.
    use_spoken : bool
        Add the spoken names as a third population, shifted together with the
        written names (default False: the word is the written name, so both
        sides of the window test one modality against one modality).
    pause_ms : float
        Silence after the later stimulus before the next trial, ms, [0, 1000].
    max_test_pictures_per_concept : int, optional
        Cap on held-out test pictures per concept (all if None).
    min_word_trials_per_concept : int
        Held-out name forms are repeated to reach this many test trials per concept, >= 1.
    blank_trials : int
        Background-only test trials (response baseline), >= 2.
    criterion : ResponseCriterion
    engine_options : dict
        Extra keyword arguments for the engine.
    """

    offsets_ms: tuple = DEFAULT_OFFSETS_MS
    seeds: tuple = REPORT_SEEDS
    engine: str = "numba"
    presentations: int = 3
    preset: str = "default"
    use_spoken: bool = False
    pause_ms: float = 50.0
    max_test_pictures_per_concept: int | None = 20
    min_word_trials_per_concept: int = 8
    blank_trials: int = 20
    criterion: ResponseCriterion = field(default_factory=ResponseCriterion)
    engine_options: dict = field(default_factory=dict)

    def __post_init__(self):
        offs = tuple(float(x) for x in self.offsets_ms)
        if not offs:
            raise ValueError("BindingWindowConfig.offsets_ms is empty; give at least one offset, e.g. (0,)")
        bad = [x for x in offs if not (np.isfinite(x) and -1000 <= x <= 1000)]
        if bad:
            raise ValueError(f"BindingWindowConfig.offsets_ms has {bad}; allowed [-1000, 1000] ms")
        object.__setattr__(self, "offsets_ms", offs)
        seeds = tuple(self.seeds)
        if not seeds or any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0 for s in seeds):
            raise ValueError(f"BindingWindowConfig.seeds={self.seeds!r} must be a non-empty list of ints >= 0")
        object.__setattr__(self, "seeds", tuple(int(s) for s in seeds))
        p = self.presentations
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or not 1 <= p <= 100:
            raise ValueError(f"BindingWindowConfig.presentations={p!r} must be an int in [1, 100]")
        if not 0 <= float(self.pause_ms) <= 1000:
            raise ValueError(f"BindingWindowConfig.pause_ms={self.pause_ms!r} is out of range; allowed [0, 1000]")
        if not isinstance(self.blank_trials, (int, np.integer)) or self.blank_trials < 2:
            raise ValueError(f"BindingWindowConfig.blank_trials={self.blank_trials!r} must be an int >= 2")
        if not isinstance(self.engine_options, dict):
            raise TypeError("BindingWindowConfig.engine_options must be a dict")

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["offsets_ms"], d["seeds"] = list(self.offsets_ms), list(self.seeds)
        return d


def _windows(offset_ms: float, stimulus_ms: float, modalities) -> dict:
    """Stimulus windows of picture and words for one onset asynchrony (the earlier one starts the trial)."""
    pic_on, word_on = max(0.0, -offset_ms), max(0.0, offset_ms)
    return {m: StimulusWindow(onset_ms=pic_on if m == "picture" else word_on, duration_ms=stimulus_ms)
            for m in modalities}


def run_seed(space: LatentSpace, cfg: BindingWindowConfig, seed: int, *, progress: bool = False) -> dict:
    """Every offset of ``cfg`` for one seed: ``{metric: list over offsets}`` (see the module docstring)."""
    if not isinstance(space, LatentSpace):
        raise TypeError(f"space must be a neuromem.latents.LatentSpace; got {type(space).__name__}")
    for m in ("picture", "name"):
        if m not in space.modalities:
            raise ValueError(f"the binding window needs a {m!r} modality; the space has {sorted(space.modalities)}")
    modalities = ("picture", "name") + (("spoken",) if cfg.use_spoken and "spoken" in space.modalities else ())
    base = load_preset(cfg.preset, modalities=modalities, latent_dim=space.latent_dim)
    stim = base.sim.stimulus_ms
    period = stim + max(abs(x) for x in cfg.offsets_ms) + float(cfg.pause_ms)
    period = float(np.ceil(period / base.sim.dt_ms - 1e-9) * base.sim.dt_ms)
    spec = load_preset(cfg.preset, modalities=modalities, latent_dim=space.latent_dim,
                       sim={"trial_period_ms": period})
    n_c = len(space.concepts)
    ss = np.random.SeedSequence(seed)
    s_init, s_choose, s_train, s_test, s_recall = ss.spawn(5)
    squash = {m: LatentSquash.fit(space[m].select("train")[0]) for m in modalities}
    net = EngramNetwork(spec, squash, engine=cfg.engine, seed=s_init, **cfg.engine_options)
    eng = net.engine
    init = net.initial_state
    plan = choose_training(space, cfg.presentations, np.random.default_rng(s_choose), modalities)
    together = training_trials(space, plan, modalities)
    test_rng = np.random.default_rng(s_test)
    test = heldout_trials(space, ("picture", "name"), test_rng,
                          max_pictures_per_concept=cfg.max_test_pictures_per_concept,
                          min_word_trials_per_concept=cfg.min_word_trials_per_concept, blank_trials=cfg.blank_trials)
    test_drive = net.drive(trial_rates(net, space, test), seed=test_rng)
    proto = plan.prototypes(space, modalities)
    per, win = spec.sim.steps_per_trial, spec.sim.stimulus_steps
    out = {k: [] for k in _PER_OFFSET}
    offsets = cfg.offsets_ms
    if progress:
        from tqdm.auto import tqdm

        offsets = tqdm(offsets, desc=f"seed {seed}: offsets", leave=False)
    for off in offsets:
        train = dataclasses.replace(together, windows=_windows(off, stim, modalities))
        eng.set_state(init)
        eng.run(net.drive(trial_rates(net, space, train), seed=np.random.default_rng(s_train),
                          windows_ms=train.windows_ms()), plastic=True)
        state = eng.get_state()
        counts = eng.run(test_drive, plastic=False).counts(per, window_steps=win)
        blank = counts[test.kind == "blank"]
        sel = {m: test.kind == m for m in ("picture", "name")}
        resp = {m: responsive(counts[s], test.labels[s], n_c, cfg.criterion, blank) for m, s in sel.items()}
        out["invariance_index"].append(invariance_index(resp["picture"], resp["name"]))
        out["binding_index"].append(binding_index(counts[sel["picture"]], test.labels[sel["picture"]],
                                                  counts[sel["name"]], test.labels[sel["name"]], n_c, blank))
        pred, _ = recall_from_counts(counts[sel["picture"]], state.w_fb["name"], proto["name"], spec.coding,
                                     squash["name"], np.random.default_rng(s_recall))
        out["picture_to_name_recall_at_1"].append(recall_at_1(pred, test.labels[sel["picture"]]))
    out["trial_period_ms"] = period
    return out


def binding_half_width_ms(offsets_ms, values) -> tuple[float, float]:
    """Offsets (negative side, positive side) at which ``values`` fall to half their value at offset 0.

    Linear interpolation between the measured offsets, walking outwards from
    0; NaN on a side where the values never fall below half (or where there
    is no offset 0 to refer to).
    """
    x = np.asarray(offsets_ms, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    order = np.argsort(x)
    x, y = x[order], y[order]
    zero = np.nonzero(x == 0)[0]
    if len(zero) == 0 or not np.isfinite(y[zero[0]]) or y[zero[0]] <= 0:
        return float("nan"), float("nan")
    i0, half = zero[0], y[zero[0]] / 2
    sides = []
    for step in (-1, 1):
        found = float("nan")
        i = i0
        while 0 <= i + step < len(x):
            j = i + step
            if np.isfinite(y[j]) and y[j] <= half:
                yi, yj = y[i], y[j]
                frac = (yi - half) / (yi - yj) if yi != yj else 0.0
                found = float(x[i] + frac * (x[j] - x[i]))
                break
            i = j
        sides.append(found)
    return sides[0], sides[1]


def run_binding_window(spaces: dict, cfg: BindingWindowConfig | None = None, *, out_dir=None,
                       progress: bool = True, figures: bool = True, dataset: str | None = None) -> dict:
    """Run every seed, summarise over seeds, write ``metrics.json`` (and the figure) into ``out_dir``.

    Parameters
    ----------
    spaces : dict of int -> LatentSpace, or callable
        The latent space of each seed of ``cfg.seeds`` (split seed = seed),
        or a function ``seed -> LatentSpace``.
    cfg : BindingWindowConfig, optional
    out_dir : path, optional
    progress, figures : bool
    dataset : str, optional
        Recorded in the metrics.

    Returns
    -------
    dict
        The metrics (see the module docstring).
    """
    t0 = time.perf_counter()
    cfg = cfg or BindingWindowConfig()
    get = spaces if callable(spaces) else spaces.__getitem__
    per_seed = []
    for seed in cfg.seeds:
        per_seed.append(run_seed(get(seed), cfg, seed, progress=progress))
    summary = summarise_seeds([{k: r[k] for k in _PER_OFFSET} for r in per_seed])
    halves = [binding_half_width_ms(cfg.offsets_ms, r["binding_index"]) for r in per_seed]
    spec = load_preset(cfg.preset, modalities=("picture", "name"), latent_dim=1)
    metrics = {
        "dataset": dataset, "engine": cfg.engine, "preset": spec.name, "presentations": cfg.presentations,
        "seeds": list(cfg.seeds), "trial_period_ms": per_seed[0]["trial_period_ms"],
        "onset_asynchrony_ms": list(cfg.offsets_ms),
        **{k: summary[k] for k in _PER_OFFSET}, **{f"{k}_ci95": summary[f"{k}_ci95"] for k in _PER_OFFSET},
        "binding_half_width_ms": list(binding_half_width_ms(cfg.offsets_ms, summary["binding_index"])),
        "binding_half_width_ms_per_seed": [list(h) for h in halves],
        "stdp": dataclasses.asdict(spec.stdp), "feedback": dataclasses.asdict(spec.feedback),
        "stimulus_ms": spec.sim.stimulus_ms,
        "per_seed": {str(s): {k: r[k] for k in _PER_OFFSET} for s, r in zip(cfg.seeds, per_seed)},
        "config": cfg.to_dict(),
    }
    metrics["config"]["criterion"] = cfg.criterion.to_dict()
    metrics["timings_s"] = {"total_s": time.perf_counter() - t0}
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        if figures:
            from neuromem.viz.binding import plot_binding_window

            metrics["figures"] = [plot_binding_window(metrics, out / FIGURE_FILE).name]
        atomic_write_json(out / METRICS_FILE, metrics)
    return metrics


def results_exist(folder) -> bool:
    """Whether ``folder`` holds binding-window results."""
    p = Path(folder) / METRICS_FILE
    if not p.is_file():
        return False
    try:
        return "onset_asynchrony_ms" in json.loads(p.read_text())
    except (OSError, ValueError):
        return False


def make_figures(results, out=None) -> list[Path]:
    """Rebuild the figure from ``results/metrics.json``."""
    from neuromem.viz.binding import plot_binding_window

    results = Path(results)
    out = Path(out) if out is not None else results
    out.mkdir(parents=True, exist_ok=True)
    metrics = json.loads((results / METRICS_FILE).read_text())
    return [plot_binding_window(metrics, out / FIGURE_FILE)]


# ---- command line ---------------------------------------------------------------------
def _comma_list(text: str, cast, kind: str, example: str) -> tuple:
    """``"a,b,c"`` -> tuple of ``cast`` values; empty, repeated or unreadable entries are argparse errors."""
    parts = [x.strip() for x in text.split(",")]
    if any(not x for x in parts):
        raise argparse.ArgumentTypeError(f"{text!r} has an empty entry; write e.g. {example}")
    try:
        vals = tuple(cast(x) for x in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of {kind}, e.g. {example}")
    if len(set(vals)) != len(vals):
        raise argparse.ArgumentTypeError(f"{text!r} repeats a value; give each once")
    return vals


def _float_list(text: str) -> tuple:
    return _comma_list(text, float, "numbers", "-50,0,50")


def _int_list(text: str) -> tuple:
    return _comma_list(text, int, "ints", "3,4,5,6,7")


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the experiment's options (the CLI adds the dataset options) to ``parser``."""
    import re

    # "--offsets-ms -150,-125,..." : a value starting with a minus sign and a digit is a value, not an option
    # (argparse's own test only accepts single negative numbers)
    parser._negative_number_matcher = re.compile(r"^-\d[\d.,\s-]*$")
    parser.add_argument("--offsets-ms", type=_float_list, default=DEFAULT_OFFSETS_MS,
                        help="onset asynchronies t_word - t_picture in ms (default -150,-125,...,150)")
    parser.add_argument("--seeds", type=_int_list, default=REPORT_SEEDS,
                        help="network and split seeds (default: report seeds 3,4,5,6,7)")
    parser.add_argument("--seed", type=int, default=None, help="one seed only (same as --seeds S)")
    parser.add_argument("--engine", default="numba", help="engine name (default numba)")
    parser.add_argument("--presentations", type=int, default=3, help="learning presentations per concept (K)")
    parser.add_argument("--preset", default="default", help="network preset name in models/ or a TOML path")
    parser.add_argument("--spoken", action="store_true",
                        help="shift the spoken names together with the written names (a third population)")
    parser.add_argument("--no-figures", action="store_true", help="do not write the figure")
    return parser


def _config(args) -> "BindingWindowConfig":
    seeds = (args.seed,) if getattr(args, "seed", None) is not None else args.seeds
    cfg = BindingWindowConfig(offsets_ms=args.offsets_ms, seeds=seeds, engine=args.engine,
                              presentations=args.presentations, preset=args.preset,
                              use_spoken=args.spoken)
    from neuromem.engines import engine_names

    if cfg.engine not in engine_names():  # before the long encoding
        raise ValueError(f"unknown engine {cfg.engine!r}; known engines: {engine_names()}")
    return cfg


def check_args(args) -> None:
    """The options checked before ``neuromem run`` creates ``--out`` (raises ``ValueError``)."""
    _config(args)


def main(args: argparse.Namespace, request, out) -> int:
    """Encode each seed's split (``request.encode``), run every offset, print the curve.

    Returns the exit status (0).
    """
    cfg = _config(args)
    if cfg.use_spoken and not request.encoder.spoken:
        raise ValueError("--spoken shifts the spoken names too, but the dataset is encoded without spoken names "
                         "(--no-spoken); give one of them")
    request = request.with_options(min_train=cfg.presentations)
    m = run_binding_window(lambda seed: request.encode(seed).space, cfg, out_dir=out, progress=not args.quiet,
                           figures=not args.no_figures, dataset=request.dataset)
    print(f"{'offset ms':>10s} {'invariance':>12s} {'binding':>12s} {'pic->name':>12s}")
    for i, off in enumerate(m["onset_asynchrony_ms"]):
        print(f"{off:10.0f} " + " ".join(f"{m[k][i]:6.3f}±{m[k + '_ci95'][i]:.3f}" for k in _PER_OFFSET))
    lo, hi = m["binding_half_width_ms"]
    side = [f"{v:+.0f} ms" if np.isfinite(v) else "not reached" for v in (lo, hi)]
    print(f"binding index falls to half at {side[0]} (word first) and {side[1]} (word after)")
    print(f"results: {Path(out) / METRICS_FILE}")
    return 0
