"""Tuning of the concept-association experiment on seeds 0-2: why A's own response falls, and the pairing protocol.

    python tools/association_tuning.py OUT.json [--seeds 0,1,2]

Runs the experiment's protocol (:func:`neuromem.experiments.concept_association.run.run_seed`'s
steps, the digits latents of each seed, preset ``human-mtl``) with the pairing trials on a
session variant whose adaptive threshold is changed, and records per pairing count the own
response of A's and of B's neurons (any cue; pictures; written names), the mean adaptive
threshold theta of A's, B's and the control concepts' neurons, and the paired / control
response fractions. Variants: the threshold as the preset has it (never decays), frozen
during pairing (``theta_plus_mv = 0``), a smaller increment (0.1 mV), and recovery time
constants of 2 s and 10 s; then, with the 2 s recovery, K = 1-3 learning presentations x
name onsets 0 / 20 / 50 ms. Writes every curve to OUT.json (``docs/results/concept-association.md``).
"""

from __future__ import annotations

import argparse

import numpy as np

THETA_VARIANTS = {"preset (never decays)": {}, "frozen in pairing": {"theta_plus_mv": 0.0},
                  "theta_plus 0.1 mV": {"theta_plus_mv": 0.1}, "tau 10 s": {"tau_theta_ms": 10_000.0},
                  "tau 2 s": {"tau_theta_ms": 2_000.0}}
PROTOCOLS = [(k, onset) for k in (1, 2, 3) for onset in (0.0, 20.0, 50.0)]


def curves(space, seed: int, threshold: dict, presentations: int, onset_ms: float) -> dict:
    """One seed's pairing curves with the pairing trials' adaptive threshold changed by ``threshold``."""
    from neuromem.analysis import responsive
    from neuromem.experiments.concept_association.config import MODALITIES, AssociationConfig
    from neuromem.experiments.concept_association.measures import responses
    from neuromem.experiments.concept_association.protocol import choose_pairs, pairing_round
    from neuromem.protocols import choose_training, heldout_trials, training_trials
    from neuromem.seeds import SeedTree
    from neuromem.session import Session

    cfg = AssociationConfig(seeds=(seed,), presentations=presentations, name_onset_ms=onset_ms)
    seeds = SeedTree(seed)
    chosen, pairs, controls = choose_pairs(len(space.concepts), cfg.n_pairs, seeds.rng("pairing"))
    sub = space.subset([space.concepts[k] for k in chosen])
    session = Session(sub, cfg.preset, modalities=MODALITIES, engine=cfg.engine, seeds=seeds)
    plan = choose_training(sub, presentations, seeds.rng("training"), MODALITIES)
    session.train(training_trials(sub, plan, MODALITIES))
    test = heldout_trials(sub, MODALITIES, seeds.rng("test_items", "test"),
                          max_pictures_per_concept=cfg.test_pictures_per_concept,
                          min_word_trials_per_concept=cfg.test_names_per_concept, blank_trials=cfg.blank_trials)
    drive = session.drive(test, phase="test")
    if threshold:
        learned = session.get_state()
        session = session.variant(adaptive_threshold=threshold)
        session.set_state(learned)
    n_c, blank = len(chosen), test.kind == "blank"
    roles = {"A": [a for a, _ in pairs], "B": [b for _, b in pairs], "control": [k for p in controls for k in p]}
    out, first = {"paired": [], "control": []}, None
    for n in range(cfg.max_pairings + 1):
        if n:
            session.run(pairing_round(plan, pairs, controls, n - 1, name_onset_ms=onset_ms,
                                      stimulus_ms=session.spec.sim.stimulus_ms), plastic=True, phase=f"pairing/{n}")
        counts = session.test(test, drive=drive).counts
        r = {"any": responses(counts, test, n_c, cfg.criterion)}
        for m in MODALITIES:
            sel = test.kind == m
            r[m] = responsive(counts[sel], test.labels[sel], n_c, cfg.criterion, counts[blank])
        first = first or r
        theta = session.get_state().theta_mv
        for role, ks in roles.items():
            for cue, rn in r.items():
                own = [rn[first[cue][:, k], k].mean() for k in ks if first[cue][:, k].any()]
                out.setdefault(f"{role}_own_{cue}", []).append(float(np.mean(own)) if own else None)
            out.setdefault(f"{role}_theta_mv", []).append(float(np.mean([theta[first["any"][:, k]].mean()
                                                                           for k in ks])))
        r0, rn = first["any"], r["any"]
        out["paired"].append(float(np.mean([rn[r0[:, a] & ~r0[:, b], b].mean() for a, b in pairs])))
        out["control"].append(float(np.mean([rn[r0[:, c] & ~r0[:, d], d].mean() for c, d in controls])))
    out["own"] = [(a + b) / 2 for a, b in zip(out["A_own_any"], out["B_own_any"])]  # = own_response_retained
    return out


def main(argv=None) -> int:
    from neuromem._io import atomic_write_json
    from neuromem.encoders.request import EncodeRequest

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--seeds", default="0,1,2")
    args = p.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    result = {"command": f"python tools/association_tuning.py OUT.json --seeds {args.seeds}", "seeds": seeds,
              "threshold": {}, "protocol": {}}
    request = EncodeRequest(dataset="digits", progress=False)
    for seed in seeds:
        space = request.encode(seed).space
        runs = [("threshold", name, th, 2, 20.0) for name, th in THETA_VARIANTS.items()]
        runs += [("protocol", f"K={k}, onset {o:g} ms", THETA_VARIANTS["tau 2 s"], k, o) for k, o in PROTOCOLS]
        for group, name, th, k, onset in runs:
            c = curves(space, seed, th, k, onset)
            result[group].setdefault(name, {})[str(seed)] = c
            print(f"seed {seed} {name}: own[10] {c['own'][10]:.3f}, paired[2] {c['paired'][2]:.2f}, paired[5] "
                  f"{c['paired'][5]:.2f}, control[10] {c['control'][10]:.2f}", flush=True)
        atomic_write_json(args.out, result)
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
