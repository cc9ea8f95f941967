"""``docs/results/scale.md`` written from the saved measurements (never by hand).

``python -m neuromem.benchmarks.report [--check]`` reads
``docs/measurements/bench_batched_cpu.json`` (``neuromem bench --batched``),
``docs/measurements/bench_scale_cpu.json`` (``neuromem bench --scale``), any further scale runs
``docs/measurements/bench_scale_*_cpu.json`` (e.g. the brian2 rows, measured in a run of their own; each
run's command, time and load are written beside its rows) and
``docs/measurements/gpu_check_batched.json`` when present
(``tools/gpu_check.py`` on a CUDA machine) and writes the MyST page;
``--check`` fails when the page differs from what the JSON gives.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["MEASUREMENTS", "PAGE", "scale_page", "main"]

MEASUREMENTS = Path("docs/measurements")
PAGE = Path("docs/results/scale.md")
_FILES = {"batched": "bench_batched_cpu.json", "scale": "bench_scale_cpu.json", "gpu": "gpu_check_batched.json"}
#: further scale runs (their rows join the table, their conditions get a sentence each)
_MORE_SCALE = "bench_scale_*_cpu.json"


def _g(v, fmt=".3g"):
    return "–" if v is None else format(v, fmt)


def _when(m: dict) -> str:
    """When and under which load (start and / or end, as recorded)."""
    parts = []
    if "started_utc" in m:
        parts.append(f"started {m['started_utc']} (load average {_g(m['load_average_at_start'][0], '.1f')})")
    if "finished_utc" in m:
        parts.append(f"finished {m['finished_utc']} (load average {_g(m['load_average_at_end'][0], '.1f')})")
    return ", ".join(parts) + " on a shared machine"


def _batched_section(b: dict) -> list[str]:
    m = b["meta"]
    out = ["## The engram test phase, batched vs trial by trial (CPU)", "",
           f"`{m['command']}` on {m['cpu_count']} CPU cores (PyTorch {m['torch']}, {m['torch_threads']} "
           f"thread(s); numba on 1 thread), started {m['started_utc']} with a load average of "
           f"{_g(m['load_average_at_start'][0], '.1f')} (a shared machine): {m['n_test_trials']} test trials "
           f"({m['bio_s']:.0f} s of biology) of a {m['n_inputs']} x {m['n_concept_neurons']} network after "
           f"learning, medians of {m['repeats']} interleaved rounds.", "",
           "| case | wall s (median) | all rounds, s | time / numba's | numba's counts |", "|---|---|---|---|---|"]
    for c in b["cases"]:
        rounds = ", ".join(_g(x) for x in c["wall_s_all"])
        out.append(f"| {c['case']} | {_g(c['wall_s'])} | {rounds} | {_g(c['over_numba'])} | "
                   f"{'identical' if c['same_counts_as_numba'] else 'differ'} |")
    r = m["batched_over_trial_by_trial"]
    out += ["", f"Batched vs trial by trial (the same engine and arithmetic): time ratio **{_g(r)}**, i.e. "
                f"**{_g(1 / r)}x faster**; batched vs the numba engine: time ratio **{_g(m['batched_over_numba'])}**"
                f" (numba, one compiled loop per run, stays the fast CPU path; batching is meant for a GPU).", ""]
    return out


def _scale_run(m: dict) -> str:
    return (f"`{m['command']}` on {m['cpu_count']} CPU cores, every engine on {m['engine_threads']} thread(s), "
            f"{m['n_inputs']} inputs, 1 s of biology with learning on (the benchmark network: pair STDP, "
            f"feedback, adaptive threshold, lateral inhibition), {_when(m)}; "
            f"{_g(m['free_memory_gb_at_start'], '.1f')} GB free at the start; expected memory: "
            f"{m.get('memory_estimate', 'its weights at 24 bytes per synapse')}.")


def _scale_section(s: dict, more=()) -> list[str]:
    """The scale table: the rows of ``s`` and of every further run in ``more``, sizes ascending."""
    runs = [s, *more]
    m = s["meta"]
    out = ["## The concept layer at scale (CPU)", "", _scale_run(m) + " A combination is skipped when its "
           f"expected time (the previous size's, times the size ratio) exceeds {m['max_s_per_run']:.0f} s per run "
           "or its expected memory exceeds 80 % of the memory free at the start."]
    for i, r in enumerate(more, 2):
        engines = ", ".join(dict.fromkeys(row["engine"] for row in r["rows"]))
        out[-1] += f" Rows marked (run {i}), {engines}: " + _scale_run(r["meta"])
    if more:
        out[-1] += " The runs met different loads on the shared machine: compare engines within one run."
    out += ["", "| engine | concept neurons | s per biological s | peak memory, MB | build s | note |",
            "|---|---|---|---|---|---|"]
    rows = sorted(((row["n_c"], i, k, row) for i, run in enumerate(runs, 1) for k, row in enumerate(run["rows"])),
                  key=lambda t: t[:3])
    for _, i, _, r in rows:
        run = f" (run {i})" if i > 1 else ""
        if r.get("skipped") or r.get("error"):
            note = ("skipped: " + r["skipped"]) if r.get("skipped") else r["error"]
            out.append(f"| {r['engine']} | {r['n_c']:,} | – | – | – | {note}{run} |")
        else:
            out.append(f"| {r['engine']} | {r['n_c']:,} | {_g(r['wall_s_per_bio_s'])} | {_g(r['peak_rss_mb'], '.0f')} "
                       f"| {_g(r['build_s'])} | median of {len(r['wall_s_all'])}{run} |")
    return out + [""]


def _gpu_section(g: dict | None) -> list[str]:
    out = ["## On a GPU", ""]
    if g is None:
        return out + ["Not measured yet: no CUDA machine was available when these numbers were taken. The prepared "
                      "script is `tools/gpu_check.py`; `OUT=docs/measurements bash tools/gpu_check.sh` on one (about 5 minutes) writes "
                      "`gpu_check_batched.json` with synaptic events per second at 4,096 x 16,000 over B plastic "
                      "networks and the default engram simulation phases over 5 seeds batched vs numba; "
                      "`python -m neuromem.benchmarks.report` then adds them here.", ""]
    out += [f"{g['gpu']} (`{g.get('command', 'tools/gpu_check.py')}`, torch {g['torch']}).", "",
            "| networks B | synaptic events per s | wall s | biological s |", "|---|---|---|---|"]
    for r in g["synaptic_events"]:
        out.append(f"| {r['n_networks']} | {_g(r['events_per_s'])} | {_g(r['wall_s'])} | {_g(r['bio_s'])} |")
    e = g["engram_seeds"]
    out += ["", f"Engram simulation phases, seeds {e['seeds']}: batched {_g(e['batched_s'])} s (learning "
                f"{_g(e['batched_learning_s'])}, test {_g(e['batched_test_s'])}) vs numba {_g(e['numba_s'])} s: "
                f"**{_g(e['speedup'])}x**; test counts identical to numba's in "
                f"{100 * e['same_test_counts_fraction']:.1f} % of the trials.", ""]
    return out


def scale_page(batched: dict | None, scale: dict | None, gpu: dict | None, more_scale=()) -> str:
    """The MyST page from the measurements (any may be None; ``more_scale``: further scale runs)."""
    lines = ["# Scale: batched networks and the concept layer", "",
             "Generated by `python -m neuromem.benchmarks.report` from `docs/measurements/` (do not edit by hand).",
             ""]
    if batched is not None:
        lines += _batched_section(batched)
    if scale is not None:
        lines += _scale_section(scale, more_scale)
    lines += _gpu_section(gpu)
    return "\n".join(lines).rstrip() + "\n"


def _load(root: Path, key: str):
    p = root / MEASUREMENTS / _FILES[key]
    return json.loads(p.read_text()) if p.is_file() else None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m neuromem.benchmarks.report", description=__doc__.splitlines()[0])
    ap.add_argument("--root", default=".", help="repository root")
    ap.add_argument("--check", action="store_true", help="fail if the page differs from the measurements")
    args = ap.parse_args(argv)
    root = Path(args.root)
    more = [json.loads(p.read_text()) for p in sorted((root / MEASUREMENTS).glob(_MORE_SCALE))]
    text = scale_page(*(_load(root, k) for k in ("batched", "scale", "gpu")), more_scale=more)
    page = root / PAGE
    if args.check:
        same = page.is_file() and page.read_text() == text
        print(f"{page}: {'up to date' if same else 'differs from the measurements; run without --check'}")
        return 0 if same else 1
    from neuromem._io import atomic_write_bytes

    atomic_write_bytes(page, text.encode())
    print(f"wrote {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
