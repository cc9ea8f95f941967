"""The novelty gate as ``memory add`` uses it, measured on a held-out folder of known and new concepts."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from neuromem.analysis.novelty import auc

__all__ = ["memory_add_decisions"]


def memory_add_decisions(memory, heldout: dict, known) -> dict:
    """Decide every held-out file as ``memory add --concept <its concept>`` would, without adding it.

    Each file is decided against the memory as learned (not after the files
    before it), with :func:`neuromem.store.adding.decide_picture`: the right
    decision is ``"link"`` for a concept the memory learned and
    ``"recruit"`` for a new one.

    Parameters
    ----------
    memory : Memory
        A learned memory with a calibrated gate.
    heldout : dict of str -> list of path
        Held-out picture files per concept (known and new concepts).
    known : collection of str
        The concepts the memory learned.

    Returns
    -------
    dict
        The metrics of :func:`neuromem.experiments.novelty_gate.run.seed_metrics` that apply
        (``novelty_auc_*``, ``wrong_recall_auc``, ``gate_decision_accuracy``, ...), the store's and the
        network's recall of the known files and per-file ``items``.
    """
    from neuromem.store.adding import decide_picture

    known = set(known)
    rows = []
    for concept, files in heldout.items():
        for path in files:
            ans, plan = decide_picture(memory, Path(path), concept=concept)
            rows.append({"concept": concept, "known": concept in known, "decision": plan["decision"],
                         "match_error": ans["match_error"], "response": float(ans["network_concept_spikes"]),
                         "novelty_score": ans["novelty_score"], "store_concept": ans["store_concept"],
                         "network_concept": ans["network_concept"], "file": Path(path).name})
    new = np.array([not r["known"] for r in rows])
    e = np.array([r["match_error"] for r in rows])
    resp = np.array([r["response"] for r in rows])
    score = np.array([r["novelty_score"] for r in rows], dtype=float)
    decided_new = np.array([r["decision"] == "recruit" for r in rows])
    kn = ~new
    net_wrong = np.array([r["network_concept"] != r["concept"] for r in rows])[kn]
    return {
        "novelty_auc_match_error": auc(new, np.log(e)),
        "novelty_auc_network": auc(new, -resp),
        "novelty_auc_combined": auc(new, score),
        "wrong_recall_auc": auc(net_wrong, np.log(e[kn])),
        "wrong_recall_n": int(net_wrong.sum()),
        "gate_decision_accuracy": float(np.mean(decided_new == new)),
        "gate_new_recall": float(np.mean(decided_new[new])),
        "gate_known_false_new": float(np.mean(decided_new[kn])),
        "network_recall_known": float(1.0 - net_wrong.mean()),
        "store_recall_known": float(np.mean([r["store_concept"] == r["concept"] for r, k in zip(rows, kn) if k])),
        "n_known_evaluated": int(kn.sum()), "n_new_evaluated": int(new.sum()),
        "gate": memory.meta["thresholds"].get("novelty_gate"),
        "items": rows,
    }
