"""Speed on a shared machine: each experiment phase unloaded vs with one busy process per core beside it.

``neuromem bench --loaded --out DIR`` runs the engram experiment's engine
phases on the default preset network (pictures + written names, 64-d latents,
``10`` neurons per dimension -> 1,280 inputs, 100 concept neurons):

``learning``
    a plastic run of ``n_trials`` paired presentations (STDP on);
``test``
    a frozen run of ``n_trials`` single-cue trials (as the main test and
    every control's test).

Each phase is timed ``repeats`` times from the same initial state, first
alone, then with ``available_cores()`` processes spinning on the CPU beside
it (Python processes spinning in a loop). Reported per engine and phase: the
median wall times and ``loaded_over_unloaded``; the target is at most
:data:`TARGET_RATIO`. The numba engine is measured twice: with its default
(thread count chosen per run from the free cores) and with 2 threads fixed,
the configuration that used to run many times slower under load (that case
runs a tenth of the trials, since under load it can take minutes per run).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from neuromem.seeds import SeedTree

__all__ = ["TARGET_RATIO", "LOADED_CASES", "busy_processes", "measure_phases", "run_loaded_benchmark",
           "format_loaded_table"]

#: Loaded phase time / unloaded phase time that the engines should stay within.
TARGET_RATIO = 3.0
#: (label, engine name, engine options, fraction of the trials)
LOADED_CASES = (
    ("numba", "numba", {}, 1.0),
    ("numba, 2 threads fixed", "numba", {"threads": 2}, 0.1),
    ("brian2-standalone", "brian2-standalone", {}, 1.0),
)


#: A process that keeps one core busy and ends by itself when its parent is gone.
_SPIN = "import os\nparent = os.getppid()\nwhile os.getppid() == parent:\n    for _ in range(200000):\n        pass\n"


class busy_processes:
    """Context manager: ``n`` processes that keep one core each busy until the block ends."""

    def __init__(self, n: int):
        self.n, self.procs = int(n), []

    def __enter__(self):
        self.procs = [subprocess.Popen([sys.executable, "-c", _SPIN], stdin=subprocess.DEVNULL,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(self.n)]
        time.sleep(0.5)  # let them reach the scheduler
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            p.kill()
        for p in self.procs:
            p.wait()
        return False


def _phase_inputs(n_trials: int, seed: int):
    from neuromem.coding import poisson_trials
    from neuromem.network import load_preset

    spec = load_preset("default", modalities=("picture", "name"), latent_dim=64)
    rng = SeedTree(seed).rng("input_spikes", "benchmark")
    rates = rng.uniform(0.0, 60.0, size=(n_trials, spec.n_inputs)) * (rng.random((n_trials, spec.n_inputs)) < 0.2)
    drive = poisson_trials(rates, stimulus_ms=spec.sim.stimulus_ms, trial_period_ms=spec.sim.trial_period_ms,
                           background_hz=1.0, dt_ms=spec.sim.dt_ms, rng=rng)
    return spec, drive


def measure_phases(engine: str, options: dict, *, n_trials: int = 100, repeats: int = 3, seed: int = 0) -> dict:
    """Median wall time of each phase (``learning``, ``test``) of ``engine``, seconds, plus the spike counts."""
    from neuromem.engines import make_engine

    spec, drive = _phase_inputs(n_trials, seed)
    eng = make_engine(engine, spec, seed=SeedTree(seed).child("weights").seed_sequence, **options)
    eng.run(drive.window(0, spec.sim.steps_per_trial), plastic=True)  # compile / build outside the timing
    init = eng.get_state()
    out = {}
    for phase, plastic in (("learning", True), ("test", False)):
        walls, spikes = [], []
        for _ in range(repeats):
            eng.set_state(init)
            t = time.perf_counter()
            res = eng.run(drive, plastic=plastic)
            walls.append(time.perf_counter() - t)
            spikes.append(len(res.spike_steps))
        out[phase] = {"wall_s": statistics.median(walls), "wall_s_all": walls, "concept_spikes": spikes[0]}
    out["threads"] = getattr(eng, "threads", None)
    return out


def run_loaded_benchmark(*, engines=None, repeats: int = 3, n_trials: int = 100, seed: int = 0, log=print) -> dict:
    """Every case of :data:`LOADED_CASES` (installed engines only), alone and beside busy processes."""
    from neuromem.engines import available_engines
    from neuromem.engines.numba.engine import available_cores

    status = available_engines()
    wanted = None if engines is None else {e.strip() for e in engines.split(",") if e.strip()}
    cases = [c for c in LOADED_CASES if status.get(c[1]) == "ok" and (wanted is None or c[1] in wanted)]
    if not cases:
        raise ValueError(f"no installed engine among {sorted(wanted or [])}; installed: "
                         f"{[k for k, v in status.items() if v == 'ok']}")
    n_busy = available_cores()
    rows = []
    for label, engine, options, fraction in cases:
        trials = max(1, int(round(n_trials * fraction)))
        log(f"{label}: phases alone ({trials} trials) ...")
        alone = measure_phases(engine, options, n_trials=trials, repeats=repeats, seed=seed)
        log(f"{label}: phases beside {n_busy} busy process(es) ...")
        with busy_processes(n_busy):
            loaded = measure_phases(engine, options, n_trials=trials, repeats=repeats, seed=seed)
        for phase in ("learning", "test"):
            a, b = alone[phase]["wall_s"], loaded[phase]["wall_s"]
            rows.append({"case": label, "engine": engine, "options": options, "phase": phase, "n_trials": trials,
                         "unloaded_s": a, "loaded_s": b, "loaded_over_unloaded": b / a,
                         "within_target": b / a <= TARGET_RATIO, "threads_unloaded": alone["threads"],
                         "threads_loaded": loaded["threads"], "concept_spikes": alone[phase]["concept_spikes"],
                         "unloaded_s_all": alone[phase]["wall_s_all"], "loaded_s_all": loaded[phase]["wall_s_all"]})
    return {"rows": rows, "busy_processes": n_busy, "n_trials": n_trials, "repeats": repeats,
            "target_ratio": TARGET_RATIO}


def format_loaded_table(result: dict) -> str:
    lines = [f"each phase alone vs beside {result['busy_processes']} busy process(es) "
             f"(medians of {result['repeats']}; target <= {result['target_ratio']:g}x)",
             f"{'case':26s} {'phase':9s} {'trials':>6s} {'alone s':>9s} {'loaded s':>9s} {'ratio':>7s}  threads"]
    for r in result["rows"]:
        lines.append(f"{r['case']:26s} {r['phase']:9s} {r['n_trials']:6d} {r['unloaded_s']:9.3f} {r['loaded_s']:9.3f} "
                     f"{r['loaded_over_unloaded']:7.2f}  {r['threads_unloaded']} / {r['threads_loaded']}"
                     + ("" if r["within_target"] else "   <- above target"))
    return "\n".join(lines)
