"""Running the engram-formation experiment through the runtime session: learn, test, controls."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np

from neuromem.analysis import HUMAN_CONCEPTS_PER_NEURON, chance_interval, isi_cv
from neuromem.coding import SpikeTrains
from neuromem.experiments.engram_formation.analysis import analyse, criterion_sensitivity, references, \
    relative_change
from neuromem.experiments.engram_formation.config import EngramConfig
from neuromem.experiments.engram_formation.results import EngramResults
from neuromem.latents import LatentSpace
from neuromem.protocols import StimulusWindow, choose_training, heldout_trials, training_trials, \
    trial_period_on_grid
from neuromem.seeds import SeedTree
from neuromem.session import Session

__all__ = ["BLANK_ISI_MIN_SPIKES", "blank_period", "run", "run_cell", "run_engram_formation", "demo"]

#: Silence after the words of an asynchronous trial, ms.
_ASYNC_PAUSE_MS = 50.0
#: Spikes a neuron needs in the continuous blank period for its inter-spike intervals to count.
BLANK_ISI_MIN_SPIKES = 10


def _progress(iterable, enabled, **kw):
    from neuromem._progress import progress as reported

    return reported(iterable, enabled=enabled, **kw)


def _check(space, cfg, backbone_features) -> None:
    if not isinstance(cfg, EngramConfig):
        raise TypeError(f"config must be an EngramConfig; got {type(cfg).__name__}")
    if not isinstance(space, LatentSpace):
        raise TypeError(f"space must be a neuromem.latents.LatentSpace; got {type(space).__name__}")
    for m in ("picture", "name"):
        if m not in space.modalities:
            raise ValueError(f"engram formation needs a {m!r} modality; the space has {sorted(space.modalities)}")
    if backbone_features is not None and np.shape(backbone_features)[0] != len(space["picture"].latents):
        raise ValueError(f"backbone_features has {np.shape(backbone_features)[0]} rows; the space has "
                         f"{len(space['picture'].latents)} pictures (pass the features of the same dataset)")


def _asynchronous(session: Session, cfg: EngramConfig, modalities):
    """The asynchronous control's session (trials long enough for the word offset) and its stimulus windows."""
    stim = session.spec.sim.stimulus_ms
    period = trial_period_on_grid(cfg.asynchronous_offset_ms + stim + _ASYNC_PAUSE_MS, session.spec.sim.dt_ms)
    windows = {m: StimulusWindow(onset_ms=0.0 if m == "picture" else float(cfg.asynchronous_offset_ms),
                                 duration_ms=stim) for m in modalities}
    return session.variant(sim={"trial_period_ms": period}), windows


def blank_period(session: Session, state, duration_ms: float) -> dict:
    """Irregularity of spontaneous firing: one continuous blank period (background input only) of the network.

    The network with ``state`` (learning off) runs ``duration_ms`` without a
    stimulus and without trial boundaries (no reset, the k-winners set of
    the whole period is one), on its own input noise
    (``input_spikes/blank_period``). ``blank_isi_cv`` is the median CV of the
    inter-spike intervals over neurons with at least
    :data:`BLANK_ISI_MIN_SPIKES` spikes (:func:`neuromem.analysis.isi_cv`);
    None, with ``blank_isi_cv_note`` saying why, when no neuron has that many
    (or ``duration_ms`` is 0: not run).
    """
    if duration_ms <= 0:
        return {"blank_isi_cv": None, "blank_isi_cv_n_neurons": 0, "blank_period_max_rate_hz": None,
                "blank_isi_cv_note": "no continuous blank period was run (blank_period_ms = 0)"}
    long = session.variant(sim={"stimulus_ms": float(duration_ms), "trial_period_ms": float(duration_ms)})
    long.set_state(state)
    res = long.test(long.network.background()[None, :], phase="blank_period").spikes
    spikes = SpikeTrains(indices=res.indices, steps=res.steps, n_neurons=res.n_neurons, n_steps=res.n_steps,
                         dt_ms=res.dt_ms)
    n_spikes = np.bincount(spikes.indices, minlength=spikes.n_neurons)
    cv = isi_cv(spikes, min_spikes=BLANK_ISI_MIN_SPIKES)
    out = {"blank_isi_cv": cv, "blank_isi_cv_n_neurons": int((n_spikes >= BLANK_ISI_MIN_SPIKES).sum()),
           "blank_period_max_rate_hz": float(n_spikes.max(initial=0) / (duration_ms * 1e-3)),
           "blank_isi_cv_note": None}
    if cv is None:
        out["blank_isi_cv_note"] = (f"no concept neuron fired {BLANK_ISI_MIN_SPIKES} spikes in the {duration_ms / 1e3:g} s "
                                    f"blank period ({int(n_spikes.sum())} spikes in all): irregularity undefined")
    return out


def run(space: LatentSpace, config: EngramConfig | None = None, *, progress: bool = True,
        dataset: str | None = None, backbone_features=None) -> EngramResults:
    """Run the engram-formation experiment on a latent space.

    Parameters
    ----------
    space : LatentSpace
        Needs ``"picture"`` and ``"name"``; ``"spoken"`` is used when present
        and ``config.use_spoken``. With a concept split (``space.fit_concepts``),
        only the novel concepts are learned and tested; ``fit_concepts`` and
        ``novel_concepts`` are written into the metrics, and every other
        metric refers to the novel concepts.
    config : EngramConfig, optional
        Every option (defaults if None).
    progress : bool
        Show progress bars.
    dataset : str, optional
        Dataset name recorded in the metrics.
    backbone_features : ndarray (n_pictures, n_features), optional
        Frozen backbone features of every picture of ``space`` (same order,
        :func:`neuromem.encoders.backbone_features`): adds the reference
        without the fitted head.

    Returns
    -------
    EngramResults

    Raises
    ------
    TypeError
        If ``space`` is not a LatentSpace.
    ValueError
        If the space lacks a modality, train pictures or held-out forms the protocol needs.
    """
    t_start = time.perf_counter()
    cfg = EngramConfig() if config is None else config
    _check(space, cfg, backbone_features)
    K = int(cfg.presentations)
    split = None
    if space.fit_concepts is not None:  # concept split: learn and test the novel concepts only
        split = {"fit_concepts": list(space.fit_concepts), "novel_concepts": list(space.novel_concepts)}
        if not split["novel_concepts"]:
            raise ValueError("the latent space's concept split leaves no novel concept to learn; encode with fewer "
                             "--fit-concepts")
        space = space.subset(space.novel_concepts)
    modalities = ("picture", "name") + (("spoken",) if cfg.use_spoken and "spoken" in space.modalities else ())
    n_c = len(space.concepts)

    seeds = SeedTree(cfg.seed)  # every child named in neuromem.seeds
    targets = tuple(m for m in ("name", "picture") if m in modalities) if cfg.network_recall else ()
    session = Session(space, cfg.preset, overrides=cfg.spec_overrides, modalities=modalities, engine=cfg.engine,
                      engine_options=cfg.engine_options, seeds=seeds, readout_targets=targets,
                      readout_layer=cfg.readout, progress=progress, test_engine=cfg.test_engine,
                      test_engine_options=cfg.test_engine_options)
    spec = session.spec
    plan = choose_training(space, K, seeds.rng("training"), modalities)
    train = training_trials(space, plan, modalities)
    test = heldout_trials(space, modalities, seeds.rng("test_items", "test"),
                          max_pictures_per_concept=cfg.max_test_pictures_per_concept,
                          min_word_trials_per_concept=cfg.min_word_trials_per_concept, blank_trials=cfg.blank_trials)
    proto = plan.prototypes(space, modalities)
    init = session.initial_state
    timings = {}

    t0 = time.perf_counter()
    gate_metrics = {}
    if cfg.novelty_gate:  # one presentation at a time through the novelty gate (gated.py)
        from neuromem.experiments.engram_formation.gated import gated_train

        train_counts, train_spikes, gate_metrics = gated_train(session, space, train, seeds)
    else:
        learned = session.train(train)  # input_spikes/train
        train_counts, train_spikes = learned.counts, learned.spikes
    timings["train_s"] = time.perf_counter() - t0
    trained = session.get_state()
    t0 = time.perf_counter()
    tested = session.test(test, readout=bool(targets))  # input_spikes/test; test run + readout populations
    timings["test_s"] = time.perf_counter() - t0
    metrics, resp = analyse(space, spec, session.squash, test, tested.counts, trained, proto, cfg.criterion,
                            seeds.rng("recall_guess"), modalities, tested.readout_counts)
    metrics.update(references(space, test, train, modalities, backbone_features))
    t0 = time.perf_counter()
    metrics.update(blank_period(session, trained, cfg.blank_period_ms))
    timings["blank_period_s"] = time.perf_counter() - t0

    # controls: the same initial weights, the same test cues
    ctrl_test = heldout_trials(space, modalities, seeds.rng("test_items", "control"),
                               max_pictures_per_concept=cfg.control_test_pictures_per_concept,
                               min_word_trials_per_concept=cfg.min_word_trials_per_concept,
                               blank_trials=cfg.blank_trials)
    ctrl_drive = session.drive(ctrl_test, phase="control_test")
    ctrl_out, ctrl_counts = {}, {}
    for name in _progress(list(cfg.controls), progress, desc="controls", leave=False):
        t0 = time.perf_counter()
        c_session, c_drive = session, ctrl_drive
        if name == "asynchronous":  # picture and words in one trial, the words beyond the binding window
            c_session, windows = _asynchronous(session, cfg, modalities)
            c_session.set_state(init)
            c_session.train(dataclasses.replace(train, windows=windows), phase="asynchronous")
            c_drive = c_session.drive(ctrl_test, phase="control_test")  # the same noise, longer trials
        else:
            session.set_state(init)
            if name == "shuffled_pairing":
                shuffled = training_trials(space, plan, modalities, shuffle_rng=seeds.rng("shuffle"))
                session.train(shuffled)  # the trained network's input noise (input_spikes/train)
        state = c_session.get_state()
        c_run = c_session.test(ctrl_test, drive=c_drive, readout=bool(targets))
        ctrl_out[name], _ = analyse(space, spec, session.squash, ctrl_test, c_run.counts, state, proto,
                                    cfg.criterion, seeds.rng("recall_guess"), modalities, c_run.readout_counts)
        ctrl_counts[name] = c_run.counts
        timings[f"control_{name}_s"] = time.perf_counter() - t0

    sensitivity = criterion_sensitivity(space, test, tested.counts, modalities)
    metrics = {
        "dataset": dataset,
        "engine": getattr(session.engine, "name", cfg.engine),
        **({"test_engine": session.test_engine.name} if cfg.test_engine is not None else {}),
        "preset": spec.name,
        "presentations": K,
        "seed": int(cfg.seed),
        "split_seed": int(space.seed),
        "modalities": list(modalities),
        "n_concepts": n_c,
        **(split or {}),
        "n_concept_neurons": spec.concept.n_neurons,
        "latent_dim": space.latent_dim,
        "n_test_trials": {m: int((test.kind == m).sum()) for m in modalities + ("blank",)},
        "n_control_test_trials": {m: int((ctrl_test.kind == m).sum()) for m in modalities + ("blank",)},
        **metrics,
        "human_concepts_per_responsive_neuron": list(HUMAN_CONCEPTS_PER_NEURON),
        "criterion": cfg.criterion.to_dict(),
        "criterion_sensitivity": sensitivity,
        "criterion_sensitivity_n_responsive_change": relative_change(
            [r["n_responsive_neurons"] for r in sensitivity]),
        "chance_recall_at_1_interval95": list(chance_interval(int((ctrl_test.kind == "picture").sum()), 1.0 / n_c)),
        "asynchronous_offset_ms": float(cfg.asynchronous_offset_ms),
        "controls": ctrl_out,
        "training_spikes_per_presentation": float(train_counts.sum(axis=1).mean()),
        **({"novelty_gate": True, **gate_metrics} if cfg.novelty_gate else {}),
        "timings_s": {**timings, "total_s": time.perf_counter() - t_start},
    }
    return EngramResults(metrics=metrics, spec=spec, concepts=tuple(space.concepts), train_trials=train,
                         test_trials=test, control_test_trials=ctrl_test, train_spikes=train_spikes,
                         test_spikes=tested.spikes, test_counts=tested.counts, initial=init, trained=trained,
                         responsive=resp, control_test_counts=ctrl_counts)


def run_engram_formation(space: LatentSpace, config: EngramConfig | None = None, *, out_dir=None,
                         progress: bool = True, figures: bool = True, dataset: str | None = None,
                         backbone_features=None, **options) -> dict:
    """Run the experiment (see :func:`run`), write results and figures to ``out_dir``; return the metrics.

    Parameters
    ----------
    space : LatentSpace
    config : EngramConfig, optional
        The options; alternatively give its fields as keyword ``options``
        (e.g. ``engine="numba", presentations=1``), not both.
    out_dir : path, optional
        Where ``metrics.json``, ``engram_results.npz`` and figures go (nothing written if None).
    progress : bool
    figures : bool
        Write PNG figures into ``out_dir``.
    dataset : str, optional
        Dataset name recorded in the metrics.
    backbone_features : ndarray (n_pictures, n_features), optional
        Frozen backbone features of the pictures (see :func:`run`).

    Returns
    -------
    dict
        The metrics (also written to ``out_dir/metrics.json``).

    Raises
    ------
    TypeError
        If both ``config`` and keyword options are given.
    """
    t_start = time.perf_counter()
    if config is not None and options:
        raise TypeError("give either config or keyword options, not both")
    cfg = config if config is not None else EngramConfig.from_dict(options)
    results = run(space, cfg, progress=progress, dataset=dataset, backbone_features=backbone_features)
    metrics = results.metrics
    if out_dir is not None:
        out = Path(out_dir)
        if figures:
            from neuromem.viz.engram import write_all

            if progress:
                print("drawing figures (up to half a minute) ...", flush=True)
            metrics["figures"] = write_all(results, out)
        metrics["timings_s"]["total_s"] = time.perf_counter() - t_start
        results.save(out)
    return metrics


def run_cell(config: EngramConfig, space: LatentSpace, *, dataset: str | None = None) -> dict:
    """One cell of a sweep (:mod:`neuromem.sweep`): the experiment on ``space`` with ``config``, nothing written;
    returns the metrics."""
    return run_engram_formation(space, config, out_dir=None, progress=False, figures=False, dataset=dataset)


def demo(out_dir, *, seed: int = 3, progress: bool = True, engine: str = "brian2") -> dict:
    """The default experiment on digits (latents from the encoder cache), written to ``out_dir``."""
    from neuromem.encoders.request import EncodeRequest

    space = EncodeRequest(dataset="digits", progress=progress).encode(seed).space
    return run_engram_formation(space, EngramConfig(engine=engine, presentations=3, seed=seed), out_dir=out_dir,
                                progress=progress, dataset="digits")
