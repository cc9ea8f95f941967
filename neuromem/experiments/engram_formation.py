"""Multimodal engram formation and recall.

For each concept, its picture latent and name latent (and spoken-name latent,
when the latent space has one) are presented together for ``presentations``
trials with learning on; each presentation uses a different train-split
picture and cycles through the concept's train name forms. Presentations come
in rounds (every concept once per round, in a seeded random order). Then,
with learning off, held-out pictures, held-out written names (and held-out
spoken names) are presented alone and the concept neurons' responses are
analysed (:mod:`neuromem.analysis`).

Controls, run on the same engine with the same initial weights and test
stimuli: a non-spiking nearest-prototype classifier built from the same K
pictures (``prototype_ceiling_recall_at_1``), chance (1 / n_concepts), an
untrained network, shuffled picture/name pairings during learning (every
presentation gets the name of a random concept), and asynchronous
presentation (picture and name in consecutive trials, one trial period apart,
far beyond the STDP window).

Metrics (``metrics.json``)
--------------------------
``picture_to_name_recall_at_1``, ``name_to_picture_recall_at_1`` (and
``spoken_to_name_recall_at_1``, ``spoken_to_picture_recall_at_1``)
    Recall@1 through the concept layer and the learned feedback (see
    :mod:`neuromem.analysis.recall`) for held-out pictures / held-out name forms.
``<cue>_cue_no_response_fraction``
    Cue trials on which no concept neuron fired (answered by a seeded guess).
``prototype_ceiling_recall_at_1``
    Non-spiking nearest-prototype classifier from the same K pictures, on the
    same latents; ``prototype_ceiling_name_recall_at_1`` (``..._spoken_...``)
    the same for word cues against the train name forms.
``chance_recall_at_1``
    ``1 / n_concepts``.
``population_sparseness``, ``lifetime_sparseness``, ``concepts_with_engram``,
``invariance_index`` (picture vs written name), ``invariance_index_spoken``
(picture vs spoken name), ``n_responsive_neurons``,
``concepts_per_responsive_neuron`` (fractions answering 1, 2, ... concepts)
next to ``human_concepts_per_responsive_neuron``
    See :mod:`neuromem.analysis.responses`; ``criterion`` holds the thresholds
    used and ``criterion_sensitivity`` the same metrics for other thresholds.
``controls``
    ``untrained``, ``shuffled_pairing``, ``asynchronous``: the same metrics
    (on at most ``control_test_pictures_per_concept`` pictures per concept).
``timings_s``
    Wall-clock seconds per phase (the first standalone run includes the build).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from neuromem._io import atomic_write_json, atomic_write_npz
from neuromem.analysis import (
    HUMAN_CONCEPTS_PER_NEURON,
    ResponseCriterion,
    concepts_per_neuron_distribution,
    concepts_with_engram,
    invariance_index,
    lifetime_sparseness,
    nearest_prototype,
    population_sparseness,
    recall_at_1,
    recall_from_counts,
    responsive,
    trial_responses,
)
from neuromem.coding import LatentSquash
from neuromem.latents import LatentSpace
from neuromem.network import EngramNetwork, load_preset

__all__ = ["run_engram_formation", "add_cli_arguments", "main_from_args", "make_figures", "demo", "CONTROLS",
           "RESULTS_FILE"]

CONTROLS = ("untrained", "shuffled_pairing", "asynchronous")
#: Raw results written next to ``metrics.json``.
RESULTS_FILE = "engram_results.npz"
_CUE_MODALITIES = ("picture", "name", "spoken")


def _progress(iterable, enabled, **kw):
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, **kw)


@dataclass
class _Stimuli:
    """Rates of a sequence of trials plus what each trial was."""

    rates: np.ndarray       # (n_trials, n_inputs) Hz during the stimulus window
    labels: np.ndarray      # concept per trial (-1: none)
    modality: np.ndarray    # cue modality per trial ("both" for learning trials)
    item: np.ndarray        # index of the item inside its modality (-1: none)


def _choose_training(space, K, rng, modalities):
    """Per concept: K distinct train pictures; name / spoken train forms cycled."""
    n_c = len(space.concepts)
    z_p, y_p = space["picture"].select("train")
    idx_p = np.nonzero(space["picture"].split == "train")[0]
    chosen = {}
    for k in range(n_c):
        cand = idx_p[y_p == k]
        if len(cand) < K:
            raise ValueError(f"concept {space.concepts[k]!r} has {len(cand)} train pictures; "
                             f"{K} presentations need {K}")
        chosen[k] = {"picture": rng.choice(cand, size=K, replace=False)}
        for m in modalities:
            if m == "picture":
                continue
            forms = np.nonzero((space[m].split == "train") & (space[m].labels == k))[0]
            if len(forms) == 0:
                raise ValueError(f"concept {space.concepts[k]!r} has no train {m} forms")
            chosen[k][m] = forms[np.arange(K) % len(forms)]
    rounds = [rng.permutation(n_c) for _ in range(K)]
    order = [(int(k), r) for r, perm in enumerate(rounds) for k in perm]  # (concept, presentation number)
    return chosen, order


def _training_stimuli(space, coder, chosen, order, modalities, *, shuffle_rng=None, asynchronous=False):
    """Learning trials; ``shuffle_rng`` pairs every picture with a random concept's name (and spoken) form."""
    n_c = len(space.concepts)
    partner = {m: np.array([k for k, _ in order]) for m in modalities}
    if shuffle_rng is not None:
        for m in modalities:
            if m != "picture":
                partner[m] = shuffle_rng.integers(0, n_c, size=len(order))
    rows, labels, kinds, items = [], [], [], []
    for t, (k, r) in enumerate(order):
        parts = {"picture": space["picture"].latents[[chosen[k]["picture"][r]]]}
        for m in modalities:
            if m != "picture":
                kk = partner[m][t]
                parts[m] = space[m].latents[[chosen[kk][m][r]]]
        if asynchronous:  # picture alone, then the word(s) alone one trial period later
            rows.append(coder.rates({"picture": parts["picture"]}))
            rows.append(coder.rates({m: v for m, v in parts.items() if m != "picture"}))
            labels += [k, k]
            kinds += ["picture", "words"]
            items += [int(chosen[k]["picture"][r]), -1]
        else:
            rows.append(coder.rates(parts))
            labels.append(k)
            kinds.append("together")
            items.append(int(chosen[k]["picture"][r]))
    return _Stimuli(rates=np.concatenate(rows), labels=np.array(labels), modality=np.array(kinds),
                    item=np.array(items))


def _test_stimuli(space, coder, modalities, rng, *, max_pictures_per_concept, min_word_trials_per_concept,
                  blank_trials):
    """Blank trials (background only: the response baseline), held-out pictures, then held-out names."""
    rows = [np.tile(coder.background(), (blank_trials, 1))]
    labels, kinds, items = [np.full(blank_trials, -1)], ["blank"] * blank_trials, [np.full(blank_trials, -1)]
    for m in modalities:
        idx = np.nonzero(space[m].split == "heldout")[0]
        y = space[m].labels[idx]
        if m == "picture":
            if max_pictures_per_concept is not None:
                keep = np.concatenate([rng.permutation(idx[y == k])[:max_pictures_per_concept]
                                       for k in range(len(space.concepts))])
                idx = np.sort(keep)
        else:
            reps = []
            for k in range(len(space.concepts)):
                forms = idx[y == k]
                if len(forms) == 0:
                    raise ValueError(f"concept {space.concepts[k]!r} has no held-out {m} forms to test")
                n_rep = int(np.ceil(min_word_trials_per_concept / len(forms)))
                reps.append(np.tile(forms, n_rep))
            idx = np.concatenate(reps)
        if len(idx) == 0:
            raise ValueError(f"the latent space has no held-out {m} items to test")
        rows.append(coder.rates({m: space[m].latents[idx]}))
        labels.append(space[m].labels[idx])
        kinds += [m] * len(idx)
        items.append(idx)
    return _Stimuli(rates=np.concatenate(rows), labels=np.concatenate(labels), modality=np.array(kinds),
                    item=np.concatenate(items))


def _drive(stim: _Stimuli, net: EngramNetwork, rng):
    return net.drive(stim.rates, seed=rng)


def _analyse(space, spec, coder, test, counts, state, proto, criterion, rng, modalities):
    """Every metric of one trained network from its test responses."""
    n_c = len(space.concepts)
    resp, tresp = {}, {}
    blank = counts[test.modality == "blank"]
    for m in modalities:
        sel = test.modality == m
        resp[m] = responsive(counts[sel], test.labels[sel], n_c, criterion, blank)
        tresp[m] = trial_responses(counts[sel], test.labels[sel], n_c, criterion, blank)
    union = np.logical_or.reduce([resp[m] for m in modalities])
    out = {
        "population_sparseness": population_sparseness(np.concatenate([tresp[m] for m in modalities])),
        "population_sparseness_by_modality": {m: population_sparseness(tresp[m]) for m in modalities},
        "lifetime_sparseness": lifetime_sparseness(union),
        "concepts_with_engram": concepts_with_engram(union),
        "concepts_with_engram_by_modality": {m: concepts_with_engram(resp[m]) for m in modalities},
        "invariance_index": invariance_index(resp["picture"], resp["name"]),
        "invariance_index_spoken": (invariance_index(resp["picture"], resp["spoken"])
                                    if "spoken" in modalities else None),
        "n_responsive_neurons": int(union.any(axis=1).sum()),
        "concepts_per_responsive_neuron": concepts_per_neuron_distribution(union),
    }
    recall = {}
    for cue, target in (("picture", "name"), ("name", "picture"), ("spoken", "name"), ("spoken", "picture")):
        if cue not in modalities or target not in modalities:
            continue
        sel = test.modality == cue
        pred, empty = recall_from_counts(counts[sel], state.w_fb[target], proto[target], spec.coding,
                                         coder.squash[target], rng)
        recall[f"{cue}_to_{target}_recall_at_1"] = recall_at_1(pred, test.labels[sel])
        recall[f"{cue}_cue_no_response_fraction"] = float(empty.mean())
    out.update(recall)
    return out, resp


def _criterion_sensitivity(space, test, counts, modalities):
    n_c = len(space.concepts)
    blank = counts[test.modality == "blank"]
    rows = []
    for mm in (1.0, 2.0, 3.0):
        for nsd in (3.0, 5.0, 7.0):
            crit = ResponseCriterion(min_median_count=mm, n_sd=nsd)
            resp = {m: responsive(counts[test.modality == m], test.labels[test.modality == m], n_c, crit, blank)
                    for m in modalities}
            tr = np.concatenate([trial_responses(counts[test.modality == m], test.labels[test.modality == m],
                                                 n_c, crit, blank) for m in modalities])
            union = np.logical_or.reduce([resp[m] for m in modalities])
            rows.append({"min_median_count": mm, "n_sd": nsd,
                         "population_sparseness": population_sparseness(tr),
                         "concepts_with_engram": concepts_with_engram(union),
                         "invariance_index": invariance_index(resp["picture"], resp["name"]),
                         "n_responsive_neurons": int(union.any(axis=1).sum())})
    return rows


def run_engram_formation(space: LatentSpace, *, engine: str = "brian2", presentations: int = 3, seed: int = 0,
                         preset: str = "default", out_dir=None, progress: bool = True,
                         use_spoken: bool = True, max_test_pictures_per_concept: int | None = None,
                         control_test_pictures_per_concept: int | None = 30, min_word_trials_per_concept: int = 12,
                         blank_trials: int = 20,
                         controls=CONTROLS, criterion: ResponseCriterion = ResponseCriterion(),
                         spec_overrides: dict | None = None, figures: bool = True, dataset: str | None = None,
                         engine_options: dict | None = None) -> dict:
    """Run the engram-formation experiment on a latent space.

    Parameters
    ----------
    space : LatentSpace
        Needs ``"picture"`` and ``"name"``; ``"spoken"`` is used when present
        and ``use_spoken``.
    engine : str
        Engine name (see :func:`neuromem.engines.engine_names`).
    presentations : int
        Learning presentations per concept (K), 1 to 100; needs K train pictures per concept.
    seed : int
        Seed of everything random in the experiment (initial weights, input
        spikes, choice of pictures, shuffles), split with ``SeedSequence``.
    preset : str
        Network preset name or TOML path.
    out_dir : path, optional
        Where ``metrics.json``, ``results.npz`` and figures go (nothing written if None).
    progress : bool
        Show progress bars.
    use_spoken : bool
        Include the spoken modality when the space has one.
    max_test_pictures_per_concept : int, optional
        Cap on held-out test pictures per concept (all if None).
    control_test_pictures_per_concept : int, optional
        Cap for the control networks (all if None).
    min_word_trials_per_concept : int
        Held-out name / spoken forms are repeated (new Poisson noise) to reach
        at least this many test trials per concept.
    blank_trials : int
        Test trials with background input only (>= 2); their counts are the
        baseline of the responsiveness criterion.
    controls : sequence of str
        Which of ``CONTROLS`` to run.
    criterion : ResponseCriterion
        Responsiveness criterion.
    spec_overrides : dict, optional
        Preset section overrides, e.g. ``{"concept": {"n_neurons": 200}}``.
    figures : bool
        Write PNG figures into ``out_dir``.
    dataset : str, optional
        Dataset name recorded in the metrics.
    engine_options : dict, optional
        Extra keyword arguments for the engine.

    Returns
    -------
    dict
        The metrics (also written to ``out_dir/metrics.json``).
    """
    t_start = time.perf_counter()
    if not isinstance(space, LatentSpace):
        raise TypeError(f"space must be a neuromem.latents.LatentSpace; got {type(space).__name__}")
    for m in ("picture", "name"):
        if m not in space.modalities:
            raise ValueError(f"engram formation needs a {m!r} modality; the space has {sorted(space.modalities)}")
    if isinstance(presentations, bool) or not isinstance(presentations, (int, np.integer)) \
            or not 1 <= presentations <= 100:
        raise ValueError(f"presentations={presentations!r} must be an int in [1, 100]")
    if not isinstance(blank_trials, (int, np.integer)) or blank_trials < 2:
        raise ValueError(f"blank_trials={blank_trials!r} must be an int >= 2")
    unknown = set(controls) - set(CONTROLS)
    if unknown:
        raise ValueError(f"unknown controls {sorted(unknown)}; allowed {CONTROLS}")
    K = int(presentations)
    modalities = ("picture", "name") + (("spoken",) if use_spoken and "spoken" in space.modalities else ())
    spec = load_preset(preset, modalities=modalities, latent_dim=space.latent_dim, **(spec_overrides or {}))
    n_c = len(space.concepts)

    ss = np.random.SeedSequence(seed)
    (s_init, s_choose, s_train, s_test, s_shuffle, s_async, s_recall, s_ctrl_test) = ss.spawn(8)
    squash = {m: LatentSquash.fit(space[m].select("train")[0]) for m in modalities}
    net = EngramNetwork(spec, squash, engine=engine, seed=s_init, progress=progress, **(engine_options or {}))
    coder = net
    chosen, order = _choose_training(space, K, np.random.default_rng(s_choose), modalities)
    train = _training_stimuli(space, coder, chosen, order, modalities)
    test_rng = np.random.default_rng(s_test)
    test = _test_stimuli(space, coder, modalities, test_rng, max_pictures_per_concept=max_test_pictures_per_concept,
                         min_word_trials_per_concept=min_word_trials_per_concept, blank_trials=blank_trials)
    train_drive = _drive(train, net, np.random.default_rng(s_train))
    test_drive = _drive(test, net, test_rng)

    # prototypes: the K training pictures per concept; the train name / spoken forms per concept
    proto = {"picture": np.stack([space["picture"].latents[chosen[k]["picture"]].mean(axis=0) for k in range(n_c)])}
    for m in modalities:
        if m != "picture":
            proto[m] = space.centroids(m, "train")

    init = net.initial_state
    eng = net.engine
    per = spec.sim.steps_per_trial
    stim_steps = spec.sim.stimulus_steps
    timings = {}

    t0 = time.perf_counter()
    train_res = eng.run(train_drive, plastic=True)
    timings["train_s"] = time.perf_counter() - t0
    trained = eng.get_state()
    t0 = time.perf_counter()
    test_res = eng.run(test_drive, plastic=False)
    timings["test_s"] = time.perf_counter() - t0
    counts = test_res.counts(per, window_steps=stim_steps)
    train_counts = train_res.counts(per, window_steps=stim_steps)

    rng_recall = np.random.default_rng(s_recall)
    metrics, resp = _analyse(space, spec, coder, test, counts, trained, proto, criterion, rng_recall, modalities)

    # non-spiking references on the same latents
    sel = test.modality == "picture"
    z_test = space["picture"].latents[test.item[sel]]
    metrics["prototype_ceiling_recall_at_1"] = recall_at_1(nearest_prototype(z_test, proto["picture"]),
                                                           test.labels[sel])
    metrics["chance_recall_at_1"] = 1.0 / n_c
    # the same reference for word cues: nearest train-form prototype of the cue's own modality
    for m in modalities:
        if m != "picture":
            sel = test.modality == m
            z = space[m].latents[test.item[sel]]
            metrics[f"prototype_ceiling_{m}_recall_at_1"] = recall_at_1(nearest_prototype(z, proto[m]),
                                                                        test.labels[sel])

    # controls -----------------------------------------------------------------
    ctrl_rng = np.random.default_rng(s_ctrl_test)
    ctrl_test = _test_stimuli(space, coder, modalities, ctrl_rng,
                              max_pictures_per_concept=control_test_pictures_per_concept,
                              min_word_trials_per_concept=min_word_trials_per_concept, blank_trials=blank_trials)
    ctrl_drive = _drive(ctrl_test, net, ctrl_rng)
    ctrl_out, ctrl_raw = {}, {}
    for name in _progress(list(controls), progress, desc="controls", leave=False):
        t0 = time.perf_counter()
        eng.set_state(init)
        if name == "shuffled_pairing":
            st = _training_stimuli(space, coder, chosen, order, modalities,
                                   shuffle_rng=np.random.default_rng(s_shuffle))
            eng.run(_drive(st, net, np.random.default_rng(s_train)), plastic=True)
        elif name == "asynchronous":
            st = _training_stimuli(space, coder, chosen, order, modalities, asynchronous=True)
            eng.run(_drive(st, net, np.random.default_rng(s_async)), plastic=True)
        state = eng.get_state()
        res = eng.run(ctrl_drive, plastic=False)
        c = res.counts(per, window_steps=stim_steps)
        m_ctrl, _ = _analyse(space, spec, coder, ctrl_test, c, state, proto, criterion,
                             np.random.default_rng(s_recall), modalities)
        ctrl_out[name] = m_ctrl
        ctrl_raw[name] = (c, state)
        timings[f"control_{name}_s"] = time.perf_counter() - t0

    metrics = {
        "dataset": dataset,
        "engine": getattr(eng, "name", engine),
        "preset": spec.name,
        "presentations": K,
        "seed": int(seed),
        "split_seed": int(space.seed),
        "modalities": list(modalities),
        "n_concepts": n_c,
        "n_concept_neurons": spec.concept.n_neurons,
        "latent_dim": space.latent_dim,
        "n_test_trials": {m: int((test.modality == m).sum()) for m in modalities + ("blank",)},
        **metrics,
        "human_concepts_per_responsive_neuron": list(HUMAN_CONCEPTS_PER_NEURON),
        "criterion": criterion.to_dict(),
        "criterion_sensitivity": _criterion_sensitivity(space, test, counts, modalities),
        "controls": ctrl_out,
        "training_spikes_per_presentation": float(train_counts.sum(axis=1).mean()),
        "timings_s": {**timings, "total_s": time.perf_counter() - t_start},
    }

    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        arrays = {
            "train_spike_indices": train_res.spike_indices, "train_spike_steps": train_res.spike_steps,
            "train_labels": train.labels, "train_picture_items": train.item,
            "test_spike_indices": test_res.spike_indices, "test_spike_steps": test_res.spike_steps,
            "test_labels": test.labels, "test_modality": test.modality.astype("U8"), "test_items": test.item,
            "test_counts": counts, "dt_ms": np.array(spec.sim.dt_ms),
            "trial_period_steps": np.array(per), "stimulus_steps": np.array(stim_steps),
            "theta_mv_after": trained.theta_mv, "spec_json": np.array(json.dumps(spec.to_dict())),
            "concepts": np.array(space.concepts, dtype=str),
        }
        for m in modalities:
            arrays[f"w_in_mv_before__{m}"] = init.w_in_mv[m].astype(np.float32)
            arrays[f"w_in_mv_after__{m}"] = trained.w_in_mv[m].astype(np.float32)
            arrays[f"w_fb_after__{m}"] = trained.w_fb[m].astype(np.float32)
            arrays[f"responsive__{m}"] = resp[m]
        for name, (c, _) in ctrl_raw.items():
            arrays[f"control_{name}_test_counts"] = c
        arrays["control_test_labels"] = ctrl_test.labels
        arrays["control_test_modality"] = ctrl_test.modality.astype("U8")
        atomic_write_npz(out / RESULTS_FILE, arrays)
        if figures:
            from neuromem.experiments import engram_figures

            if progress:
                print("drawing figures (up to half a minute) ...", flush=True)

            metrics["figures"] = engram_figures.write_all(
                out, concepts=space.concepts, spec=spec, test_res=test_res, test_labels=test.labels,
                test_modality=test.modality, counts=counts, resp=resp, init=init, trained=trained,
                metrics=metrics)
        metrics["timings_s"]["total_s"] = time.perf_counter() - t_start
        atomic_write_json(out / "metrics.json", metrics)
    return metrics


def make_figures(results, out=None) -> list[Path]:
    """Rebuild the figures from a results folder (``metrics.json`` + ``engram_results.npz``)."""
    from neuromem.engines.base import RunResult
    from neuromem.experiments import engram_figures
    from neuromem.network import NetworkState, spec_from_dict

    results = Path(results)
    out = Path(out) if out is not None else results
    out.mkdir(parents=True, exist_ok=True)
    metrics = json.loads((results / "metrics.json").read_text())
    with np.load(results / RESULTS_FILE, allow_pickle=False) as f:
        d = {k: f[k] for k in f.files}
    sd = json.loads(str(d["spec_json"]))
    mods = tuple(p["modality"] for p in sd["populations"])
    spec = spec_from_dict({k: v for k, v in sd.items() if k not in ("populations", "name")}, modalities=mods,
                          latent_dim=sd["populations"][0]["latent_dim"], name=sd.get("name", "custom"))
    w_fb = {m: d[f"w_fb_after__{m}"] for m in mods}
    init = NetworkState(w_in_mv={m: d[f"w_in_mv_before__{m}"] for m in mods}, w_fb=w_fb,
                        theta_mv=np.zeros_like(d["theta_mv_after"]))
    trained = NetworkState(w_in_mv={m: d[f"w_in_mv_after__{m}"] for m in mods}, w_fb=w_fb,
                           theta_mv=d["theta_mv_after"])
    n_trials = len(d["test_labels"])
    test_res = RunResult(spike_indices=d["test_spike_indices"], spike_steps=d["test_spike_steps"],
                         n_neurons=spec.concept.n_neurons, n_steps=n_trials * int(d["trial_period_steps"]),
                         dt_ms=float(d["dt_ms"]))
    names = engram_figures.write_all(out, concepts=tuple(str(c) for c in d["concepts"]), spec=spec,
                                     test_res=test_res, test_labels=d["test_labels"],
                                     test_modality=d["test_modality"].astype(str), counts=d["test_counts"],
                                     resp={m: d[f"responsive__{m}"] for m in mods}, init=init, trained=trained,
                                     metrics=metrics)
    return [out / n for n in names]


def demo(out_dir, *, seed: int = 0, progress: bool = True, engine: str = "brian2") -> dict:
    """The default experiment on digits (latents from the encoder cache), written to ``out_dir``."""
    from neuromem.data import load_dataset
    from neuromem.encoders import encode_dataset

    space = encode_dataset(load_dataset("digits", seed=seed), seed=seed, progress=progress).space
    return run_engram_formation(space, engine=engine, presentations=3, seed=seed, out_dir=out_dir,
                                progress=progress, dataset="digits")


# ---- command line ---------------------------------------------------------------------
def add_cli_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the experiment's options (all but the dataset / latent space) to ``parser``."""
    parser.add_argument("--engine", default="brian2", help="engine name (default: brian2 = cpp_standalone)")
    parser.add_argument("--presentations", type=int, default=3, help="learning presentations per concept (K)")
    parser.add_argument("--seed", type=int, default=0, help="split and simulation seed")
    parser.add_argument("--preset", default="default", help="network preset name in models/ or a TOML path")
    parser.add_argument("--out", default=None, help=f"output directory for metrics.json, {RESULTS_FILE}, figures")
    parser.add_argument("--no-spoken", action="store_true", help="ignore the spoken-name modality")
    parser.add_argument("--max-test-pictures", type=int, default=None,
                        help="cap on held-out test pictures per concept (default: all)")
    parser.add_argument("--controls", default=",".join(CONTROLS),
                        help=f"comma-separated controls to run (default: {','.join(CONTROLS)}; '' for none)")
    parser.add_argument("--no-figures", action="store_true", help="do not write figures")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    return parser


def main_from_args(space: LatentSpace, args: argparse.Namespace, *, dataset: str | None = None) -> int:
    """Run the experiment from parsed :func:`add_cli_arguments` options, print the main metrics.

    Returns the exit status (0); the metrics are in ``args.out/metrics.json``.
    """
    controls = tuple(c for c in args.controls.split(",") if c.strip())
    metrics = run_engram_formation(
        space, engine=args.engine, presentations=args.presentations, seed=args.seed, preset=args.preset,
        out_dir=args.out, progress=not args.quiet, use_spoken=not args.no_spoken,
        max_test_pictures_per_concept=args.max_test_pictures, controls=controls, figures=not args.no_figures,
        dataset=dataset or getattr(args, "dataset", None))
    keys = ("picture_to_name_recall_at_1", "name_to_picture_recall_at_1", "prototype_ceiling_recall_at_1",
            "chance_recall_at_1", "concepts_with_engram", "invariance_index", "invariance_index_spoken",
            "population_sparseness", "lifetime_sparseness")
    for k in keys:
        v = metrics.get(k)
        print(f"{k:34s} {v:.3f}" if isinstance(v, float) else f"{k:34s} {v}")
    for name, m in metrics["controls"].items():
        print(f"control {name:24s} picture->name {m['picture_to_name_recall_at_1']:.3f}  "
              f"concepts_with_engram {m['concepts_with_engram']:.2f}")
    print(f"experiment time (encoding not included) {metrics['timings_s']['total_s']:.1f} s")
    if args.out:
        print(f"results: {Path(args.out) / 'metrics.json'} (+ {RESULTS_FILE}, figures)")
    return 0
