"""Running the binding window through the runtime session: one network per seed, retrained at every offset."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from neuromem.analysis import summarise_seeds
from neuromem.experiments.binding_window.analysis import PER_OFFSET, binding_half_width_ms, binding_measures
from neuromem.experiments.binding_window.config import BindingWindowConfig
from neuromem.experiments.binding_window.results import FIGURE_FILE, BindingWindowResults
from neuromem.latents import LatentSpace
from neuromem.network import load_preset
from neuromem.protocols import StimulusWindow, choose_training, heldout_trials, training_trials, \
    trial_period_on_grid
from neuromem.seeds import SeedTree
from neuromem.session import Session

__all__ = ["run_seed", "run_binding_window", "run_cell", "stimulus_windows"]


def stimulus_windows(offset_ms: float, stimulus_ms: float, modalities) -> dict:
    """Stimulus windows of picture and words for one onset asynchrony (the earlier one starts the trial)."""
    pic_on, word_on = max(0.0, -offset_ms), max(0.0, offset_ms)
    return {m: StimulusWindow(onset_ms=pic_on if m == "picture" else word_on, duration_ms=stimulus_ms)
            for m in modalities}


def run_seed(space: LatentSpace, cfg: BindingWindowConfig, seed: int, *, progress: bool = False) -> dict:
    """Every offset of ``cfg`` for one seed: ``{measure: list over offsets}`` and ``trial_period_ms``.

    Raises
    ------
    TypeError
        If ``space`` is not a LatentSpace.
    ValueError
        If it lacks the picture or name modality.
    """
    if not isinstance(space, LatentSpace):
        raise TypeError(f"space must be a neuromem.latents.LatentSpace; got {type(space).__name__}")
    for m in ("picture", "name"):
        if m not in space.modalities:
            raise ValueError(f"the binding window needs a {m!r} modality; the space has {sorted(space.modalities)}")
    modalities = ("picture", "name") + (("spoken",) if cfg.use_spoken and "spoken" in space.modalities else ())
    base = load_preset(cfg.preset, modalities=modalities, latent_dim=space.latent_dim, **cfg.spec_overrides)
    stim = base.sim.stimulus_ms
    period = trial_period_on_grid(stim + max(abs(x) for x in cfg.offsets_ms) + float(cfg.pause_ms), base.sim.dt_ms)
    seeds = SeedTree(seed)  # every child named in neuromem.seeds
    overrides = {k: dict(v) for k, v in cfg.spec_overrides.items()}
    overrides.setdefault("sim", {})["trial_period_ms"] = period
    session = Session(space, cfg.preset, overrides=overrides, modalities=modalities,
                      engine=cfg.engine, engine_options=cfg.engine_options, seeds=seeds)
    plan = choose_training(space, cfg.presentations, seeds.rng("training"), modalities)
    together = training_trials(space, plan, modalities)
    test = heldout_trials(space, ("picture", "name"), seeds.rng("test_items", "test"),
                          max_pictures_per_concept=cfg.max_test_pictures_per_concept,
                          min_word_trials_per_concept=cfg.min_word_trials_per_concept, blank_trials=cfg.blank_trials)
    test_drive = session.drive(test, phase="test")  # one test drive for every offset
    proto = plan.prototypes(space, modalities)
    out = {k: [] for k in PER_OFFSET}
    offsets = cfg.offsets_ms
    from neuromem._progress import progress as reported

    offsets = reported(offsets, desc=f"seed {seed}: offsets", leave=False, enabled=progress)
    for off in offsets:
        session.reset()  # the same seeded initial weights for every offset
        session.train(dataclasses.replace(together, windows=stimulus_windows(off, stim, modalities)))
        state = session.get_state()
        counts = session.test(test, drive=test_drive).counts
        measures = binding_measures(test, counts, len(space.concepts), state.w_fb["name"], proto["name"],
                                    session.spec, session.squash["name"], cfg.criterion, seeds.rng("recall_guess"))
        for k in PER_OFFSET:
            out[k].append(measures[k])
    out["trial_period_ms"] = period
    return out


def run_binding_window(spaces, cfg: BindingWindowConfig | None = None, *, out_dir=None, progress: bool = True,
                       figures: bool = True, dataset: str | None = None) -> dict:
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
        The metrics (see :mod:`neuromem.experiments.binding_window`).
    """
    t0 = time.perf_counter()
    cfg = cfg or BindingWindowConfig()
    get = spaces if callable(spaces) else spaces.__getitem__
    per_seed = [run_seed(get(seed), cfg, seed, progress=progress) for seed in cfg.seeds]
    summary = summarise_seeds([{k: r[k] for k in PER_OFFSET} for r in per_seed])
    halves = [binding_half_width_ms(cfg.offsets_ms, r["binding_index"]) for r in per_seed]
    spec = load_preset(cfg.preset, modalities=("picture", "name"), latent_dim=1, **cfg.spec_overrides)
    metrics = {
        "dataset": dataset, "engine": cfg.engine, "preset": spec.name, "presentations": cfg.presentations,
        "seeds": list(cfg.seeds), "trial_period_ms": per_seed[0]["trial_period_ms"],
        "onset_asynchrony_ms": list(cfg.offsets_ms),
        **{k: summary[k] for k in PER_OFFSET}, **{f"{k}_ci95": summary[f"{k}_ci95"] for k in PER_OFFSET},
        "binding_half_width_ms": list(binding_half_width_ms(cfg.offsets_ms, summary["binding_index"])),
        "binding_half_width_ms_per_seed": [list(h) for h in halves],
        "stdp": dataclasses.asdict(spec.stdp), "feedback": dataclasses.asdict(spec.feedback),
        "stimulus_ms": spec.sim.stimulus_ms,
        "per_seed": {str(s): {k: r[k] for k in PER_OFFSET} for s, r in zip(cfg.seeds, per_seed)},
        "config": cfg.to_dict(),
        "timings_s": {"total_s": time.perf_counter() - t0},
    }
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        if figures:
            from neuromem.viz.binding import plot_binding_window

            metrics["figures"] = [plot_binding_window(metrics, out / FIGURE_FILE).name]
        BindingWindowResults(metrics=metrics).save(out)
    return metrics


def _offset_name(offset_ms: float) -> str:
    return f"at_{offset_ms:+g}ms"


def run_cell(config: BindingWindowConfig, space: LatentSpace, *, dataset: str | None = None) -> dict:
    """One cell of a sweep (:mod:`neuromem.sweep`): the curve of ``config``'s one seed on ``space``, nothing written.

    The per-offset lists become one number per offset (``binding_index.at_+50ms``, ...) and the half
    widths ``binding_half_width_ms.word_first`` / ``.word_after``, so every number is a row of the sweep's
    table; the rest are the experiment's metrics.

    Raises
    ------
    ValueError
        If ``config`` holds more than one seed (a cell is one seed).
    """
    if len(config.seeds) != 1:
        raise ValueError(f"a sweep cell runs one seed; the config has seeds {list(config.seeds)}")
    m = run_binding_window(lambda seed: space, config, out_dir=None, progress=False, figures=False, dataset=dataset)
    cell = {k: v for k, v in m.items() if k not in ("per_seed", "binding_half_width_ms_per_seed", "config")
            and not (isinstance(v, list) and k != "binding_half_width_ms")}
    for k in PER_OFFSET:
        cell[k] = {_offset_name(off): v for off, v in zip(config.offsets_ms, m[k])}
    cell["binding_half_width_ms"] = dict(zip(("word_first", "word_after"), m["binding_half_width_ms"]))
    return cell
