"""CPU vs GPU side by side: the surrogate, surrogate-matched and contrastive binders and the norse engine; the
batched engine's cases.

Run on a machine with CUDA after ``bash tools/setup.sh`` (``bash tools/gpu_check.sh`` does both). Writes
``$OUT/gpu_check.json`` (or ``gpu_check.json`` here without ``$OUT``) with wall seconds per device (median of
repeats) and the GPU speed-up = CPU seconds / GPU seconds. Synthetic latents only: nothing is downloaded or
encoded. Budget: a few minutes.

The batched engine's cases (:mod:`neuromem.benchmarks.gpu_batched`) go to ``$OUT/gpu_check_batched.json``:
synaptic events per second at 4,096 x 16,000 over B plastic networks (B = 1, 16, 64; fewer if the GPU's
memory is short), and the default engram experiment's simulation phases over seeds 3-7 batched on the GPU vs
the numba engine on this machine's CPU. Copy it to ``docs/measurements/`` and run
``python -m neuromem.benchmarks.report`` to put the numbers into ``docs/results/scale.md``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

warnings.simplefilter("ignore")


def _time(fn, repeats):
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out), out


def main() -> int:
    import torch

    from neuromem.binding import BindingPresentation, make_binder
    from neuromem.binding._backprop import BackpropConfig
    from neuromem.experiments.compare_binding import build_presentations, synthetic_concepts

    dry = os.environ.get("GPU_CHECK_DRY") == "1"  # CPU only, to check the script on a machine without CUDA
    devices = ("cpu",) if dry else ("cpu", "cuda")
    if not dry and not torch.cuda.is_available():
        print("gpu_check: CUDA is not available here; nothing to compare", file=sys.stderr)
        return 2
    cores = os.cpu_count() or 1
    small = dry  # the dry run uses tiny sizes
    n_concepts, n_sur, n_con, n_norse, ep = (4, 20, 16, 100, 2) if small else (20, 400, 256, 4000, 10)
    space = synthetic_concepts(n_concepts, 64, 0.44, n_train=5, n_test=4, seed=0)
    pres, _ = build_presentations(space, 5, np.random.default_rng(0), ("picture", "name"))
    ref = {m: space[m].select("train")[0] for m in ("picture", "name")}
    cues = space["picture"].select("heldout")[0]
    report = {"host": platform.node(), "gpu": None if dry else torch.cuda.get_device_name(0), "cpu_cores": cores,
              "torch": torch.__version__, "results": {}}

    def binder_case(name, n_units, config, extra):
        def run(device):
            b = make_binder(name, modalities=("picture", "name"), latent_dim=64, n_units=n_units, seed=0,
                            reference=ref, config=config, device=device, threads=cores, **extra)
            b.learn(pres)
            b.recall("picture", cues, "name")
            if device == "cuda":
                torch.cuda.synchronize()
        return run

    n_match = 20 if small else 100  # the comparison's binder size
    cases = {
        f"surrogate_{n_sur}_neurons_learn_recall_{len(pres)}_presentations_{ep}_epochs": binder_case(
            "surrogate", n_sur, BackpropConfig(epochs=ep, learning_rate=0.01), {}),
        # stdp's time grid (0.1 ms, 200 ms stimuli: 2,000 BPTT steps per trial), joint trials, adaptive threshold
        f"surrogate_matched_{n_match}_neurons_learn_recall_{len(pres)}_presentations_{ep}_epochs": binder_case(
            "surrogate-matched", n_match, BackpropConfig(epochs=ep, learning_rate=0.05),
            {"epochs": ep, "batch_size": 5, "lr_w_mv": 0.02, **({"stimulus_ms": 20.0} if small else {})}),
        f"contrastive_{n_con}_dims_learn_recall_{len(pres)}_presentations_{30 * ep}_epochs": binder_case(
            "contrastive", n_con, BackpropConfig(epochs=30 * ep, learning_rate=0.01), {}),
    }

    def norse_case(device):
        from neuromem.coding.spikes import poisson_trials
        from neuromem.engines import make_engine
        from neuromem.network import load_preset

        spec = load_preset("default", modalities=("picture", "name"), latent_dim=64, concept={"n_neurons": n_norse})
        eng = make_engine("norse", spec, seed=0, device=device)
        rates = np.full((4, spec.n_inputs), 20.0)
        drive = poisson_trials(rates, stimulus_ms=spec.sim.stimulus_ms, trial_period_ms=spec.sim.trial_period_ms,
                               background_hz=1.0, dt_ms=spec.sim.dt_ms, rng=np.random.default_rng(0))
        eng.run(drive, plastic=True)
        if device == "cuda":
            torch.cuda.synchronize()

    cases[f"norse_engine_1280x{n_norse}_1s_biology_plastic"] = norse_case
    for name, fn in cases.items():
        row = {}
        for device in devices:
            if device == "cuda":
                fn(device)  # warm-up (CUDA context, kernels, allocator); the CPU has nothing to warm up
            med, all_s = _time(lambda: fn(device), 2)
            row[f"{device}_s"] = med
            row[f"{device}_s_all"] = all_s
        if dry:
            print(f"{name:58s} cpu {row['cpu_s']:8.2f} s (dry run, no GPU)", flush=True)
            continue
        row["gpu_speedup"] = row["cpu_s"] / row["cuda_s"]
        report["results"][name] = row
        print(f"{name:58s} cpu {row['cpu_s']:8.2f} s  gpu {row['cuda_s']:8.2f} s  speed-up {row['gpu_speedup']:6.2f}x",
              flush=True)
    out = Path(os.environ.get("OUT", ".")) / "gpu_check.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"written: {out}")
    return batched_cases(dry, report)


def batched_cases(dry: bool, report: dict) -> int:
    """The torch-batched engine on the GPU (tiny sizes on the CPU in a dry run); ``gpu_check_batched.json``."""
    import torch

    from neuromem.benchmarks.gpu_batched import engram_seeds, synaptic_events

    device = "cpu" if dry else "cuda"
    size = {"n_in": 64, "n_c": 200} if dry else {}
    per_net = 2 * 4 * 4096 * 16000  # W and F, float32
    free = 1 << 40 if dry else torch.cuda.mem_get_info()[0]
    rows = []
    for b in (1, 2) if dry else (1, 16, 64):
        if b * per_net * 1.5 > free:
            print(f"synaptic events, B={b}: skipped ({b * per_net * 1.5 / 1e9:.0f} GB needed, {free / 1e9:.0f} free)")
            continue
        rows.append(synaptic_events(b, device=device, **size))
        print(f"synaptic events, B={b}: {rows[-1]['events_per_s']:.3g} per s ({rows[-1]['wall_s']:.2f} s)", flush=True)
        if not dry:
            torch.cuda.empty_cache()
    eng = engram_seeds((3, 4) if dry else (3, 4, 5, 6, 7), device=device, scale=0.02 if dry else 1.0,
                       presentations=1 if dry else 3)
    print(f"engram phases, seeds {eng['seeds']}: batched {eng['batched_s']:.2f} s vs numba {eng['numba_s']:.2f} s "
          f"({eng['speedup']:.2f}x); test counts identical in {100 * eng['same_test_counts_fraction']:.1f} %")
    out = Path(os.environ.get("OUT", ".")) / "gpu_check_batched.json"
    out.write_text(json.dumps({"gpu": report["gpu"] or "none (dry run on the CPU)", "host": report["host"],
                               "cpu_cores": report["cpu_cores"], "torch": report["torch"], "dry_run": dry,
                               "command": "bash tools/gpu_check.sh", "synaptic_events": rows, "engram_seeds": eng},
                              indent=2))
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
