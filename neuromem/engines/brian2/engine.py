"""Brian2 translation of :class:`~neuromem.network.NetworkSpec` (the only module importing brian2).

Two modes:

``runtime``
    Brian2's numpy code-generation target; one ``Network`` kept in memory
    and run call after call (for tests and small networks).
``standalone``
    Brian2 ``cpp_standalone``: the network is generated and compiled once per
    structure (spec + block length) into a project folder under
    ``cache_dir("brian2", "standalone")`` and then re-run as a separate
    process with new inputs, weights and flags passed through
    ``device.run(run_args=...)``; no recompilation. A long drive is cut into
    blocks of whole trials (the compiled run length); weights and thresholds
    are carried from block to block, and since every trial starts from reset
    dynamic variables the result equals one long run.

Concept neurons are integrated with exponential Euler (exact for a constant
drive within a step, so the f-I curve matches the closed form up to spike-time
discretisation; the synaptic currents enter as piecewise constant), with
parameters as shared run-time variables so one compiled structure serves
every parameter value.

Input spikes are neuromem's own (:class:`~neuromem.coding.SpikeTrains`), fed
through a spike-table lookup: input neuron ``k`` fires when the step counter
reaches ``nextbin``, then reads its next spike step from a flat table
(a ``TimedArray`` used as an array; fixed size, so it can be replaced by
``run_args``).
"""

from __future__ import annotations

import atexit
import math
import os
import shutil
import time
from dataclasses import dataclass

import numpy as np

try:
    import brian2 as b2
    from brian2 import mV, ms
except ImportError as exc:  # pragma: no cover - depends on the environment
    from neuromem.engines.base import EngineUnavailable

    raise EngineUnavailable("the brian2 engine needs brian2 (pip install 'neuromem[brian2]')") from exc

from neuromem._hashing import json_digest
from neuromem.coding.spikes import SpikeTrains
from neuromem.config import cache_dir
from neuromem.engines.base import Engine, RunFlags, RunResult
from neuromem.network.spec import NetworkSpec, NetworkState

__all__ = ["Brian2Engine", "standalone_build_count"]

_SENTINEL = 2.0 ** 50  # "never": a spike step no run reaches
_MODES = ("runtime", "standalone")


def _configure_prefs():
    b2.prefs.codegen.target = "numpy"
    b2.prefs.codegen.runtime.cython.cache_dir = str(cache_dir("brian2", "cython"))
    b2.prefs.logging.file_log = False
    b2.prefs.logging.std_redirection = False
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    # quiet, parallel make; on failure the output is in the project's make.log
    b2.prefs.devices.cpp_standalone.extra_make_args_unix = [f"-j{os.cpu_count() or 1}", "-s", ">make.log", "2>&1"]
    b2.BrianLogger.suppress_name("brian2.codegen.generators.base")
    b2.BrianLogger.log_level_error()


@dataclass
class _Objects:
    net: "b2.Network"
    inp: "b2.NeuronGroup"
    conc: "b2.NeuronGroup"
    table: "b2.TimedArray"
    syn_in: dict
    syn_fb: dict
    mon: "b2.SpikeMonitor"
    lat: "b2.Synapses | None" = None


def _structure(spec: NetworkSpec) -> dict:
    """What the compiled code depends on; every other parameter is a variable set at run time."""
    return {"populations": [(p.modality, p.n_neurons) for p in spec.populations],
            "n_concept": spec.concept.n_neurons, "dt_ms": spec.sim.dt_ms,
            "trial_period_ms": spec.sim.trial_period_ms, "normalisation": spec.stdp.normalisation,
            "inhibition": spec.inhibition.w_inh_mv > 0, "self_inhibition": spec.inhibition.self_inhibition,
            "theta_decays": not math.isinf(spec.homeostasis.tau_theta_ms)}


def _build_objects(spec: NetworkSpec, n_table: int) -> _Objects:
    """Create the Brian2 objects for the structure of ``spec`` (fixed names: reproducible generated code).

    Parameters (time constants, potentials, learning rates, bounds) are
    shared constant variables, so one compiled structure serves any values;
    :func:`_parameter_values` gives their values for a spec.
    """
    sim = spec.sim
    period = sim.trial_period_ms * ms
    table = b2.TimedArray(np.full(n_table, _SENTINEL), dt=1 * ms, name="nm_spiketable")
    # input neurons replay the table; xl is each input neuron's coincidence trace for feedback learning
    inp = b2.NeuronGroup(spec.n_inputs, """ptr : 1
nextbin : 1
dxl/dt = -xl / tau_fb : 1
tau_fb : second (shared, constant)""", threshold="t_in_timesteps >= nextbin",
                         reset="ptr += 1\nnextbin = nm_spiketable(ptr * ms)\nxl += 1",
                         namespace={"nm_spiketable": table}, method="exact", name="nm_input", dt=sim.dt_ms * ms)
    inp.nextbin = _SENTINEL
    inp.run_regularly("xl = 0", dt=period, when="start", name="nm_input_trialreset")
    subtractive = spec.stdp.normalisation == "subtractive"
    decays = not math.isinf(spec.homeostasis.tau_theta_ms)
    theta_eq = "dtheta/dt = -theta / tau_theta : volt\ntau_theta : second (shared, constant)" if decays \
        else "theta : volt"
    xpop_eqs = "".join(f"dxpop_{m}/dt = -xpop_{m} / tau_plus : 1\n" for m in spec.modalities) if subtractive else ""
    eqs = f"""
dv/dt = (v_rest - v + isyn_exc - isyn_inh + bias) / tau_m : volt (unless refractory)
disyn_exc/dt = -isyn_exc / tau_e : volt
disyn_inh/dt = -isyn_inh / tau_i : volt
{theta_eq}
{xpop_eqs}
bias : volt
learn_on : 1 (shared)
adapt_on : 1 (shared)
tau_m : second (shared, constant)
tau_e : second (shared, constant)
tau_i : second (shared, constant)
tau_plus : second (shared, constant)
t_ref : second (shared, constant)
v_rest : volt (shared, constant)
v_reset : volt (shared, constant)
v_thresh : volt (shared, constant)
theta_plus : volt (shared, constant)
"""
    conc = b2.NeuronGroup(spec.concept.n_neurons, eqs, threshold="v > v_thresh + adapt_on * theta",
                          reset="v = v_reset\ntheta += learn_on * theta_plus", refractory="t_ref",
                          method="exponential_euler", name="nm_concept", dt=sim.dt_ms * ms)
    reset = "v = v_rest\nisyn_exc = 0*mV\nisyn_inh = 0*mV\nlastspike = -1e4*second\nnot_refractory = True\n"
    reset += "".join(f"xpop_{m} = 0\n" for m in spec.modalities) if subtractive else ""
    conc.run_regularly(reset, dt=period, when="start", name="nm_concept_trialreset")

    objs = [inp, conc]
    syn_in, syn_fb = {}, {}
    for p in spec.populations:
        m = p.modality
        sl = spec.input_slice(m)
        src = inp[sl.start:sl.stop]
        on_pre = "isyn_exc_post += w\napre += 1\n"
        if subtractive:
            on_pre += f"xpop_{m}_post += {1.0 / p.n_neurons!r}\n"
        on_pre += "w = clip(w - learn_on_post * a_minus * w_max * apost, 0*mV, w_max)"
        pot = f"(apre - xpop_{m}_post)" if subtractive else "apre"
        on_post = f"apost += 1\nw = clip(w + learn_on_post * a_plus * w_max * {pot}, 0*mV, w_max)"
        s = b2.Synapses(src, conc, model="""w : volt
dapre/dt = -apre / tau_ltp : 1 (event-driven)
dapost/dt = -apost / tau_minus : 1 (event-driven)
w_max : volt (shared, constant)
a_plus : 1 (shared, constant)
a_minus : 1 (shared, constant)
tau_ltp : second (shared, constant)
tau_minus : second (shared, constant)""", on_pre=on_pre, on_post=on_post,
                        delay={"pre": 0 * ms, "post": 0 * ms}, name=f"nm_in_{m}")
        s.connect()
        s.run_regularly("apre = 0\napost = 0", dt=period, when="start", name=f"nm_in_{m}_trialreset")
        # feedback learning is driven by concept spikes only (cheap: they are rare): each concept
        # spike grows its feedback weights by the latent neurons' recent activity (trace xl)
        f = b2.Synapses(conc, src, model="""f : 1
a_fb : 1 (shared, constant)
f_max : 1 (shared, constant)""", on_pre="f = f + learn_on_pre * a_fb * xl_post * (f_max - f)",
                        delay=0 * ms, name=f"nm_fb_{m}")
        f.connect()
        syn_in[m], syn_fb[m] = s, f
        objs += [s, f]
    lat = None
    if spec.inhibition.w_inh_mv > 0:
        lat = b2.Synapses(conc, conc, model="w_inh : volt (shared, constant)", on_pre="isyn_inh_post += w_inh",
                          delay=0 * ms, name="nm_inhibition")
        lat.connect(condition=None if spec.inhibition.self_inhibition else "i != j")
        objs.append(lat)
    mon = b2.SpikeMonitor(conc, name="nm_concept_spikes")
    objs.append(mon)
    net = b2.Network(*objs, name="nm_network")
    o = _Objects(net=net, inp=inp, conc=conc, table=table, syn_in=syn_in, syn_fb=syn_fb, mon=mon, lat=lat)
    for (obj, var), value in _parameter_values(spec, o).items():
        setattr(obj, var, value)
    conc.v = spec.concept.v_rest_mv * mV
    return o


def _parameter_values(spec: NetworkSpec, o: "_Objects") -> dict:
    """``{(brian_object, variable): quantity}`` for every run-time parameter of ``spec``."""
    c, inh, st, ho, fb = spec.concept, spec.inhibition, spec.stdp, spec.homeostasis, spec.feedback
    vals = {(o.conc, "tau_m"): c.tau_m_ms * ms, (o.conc, "tau_e"): c.tau_syn_exc_ms * ms,
            (o.conc, "tau_i"): inh.tau_syn_inh_ms * ms, (o.conc, "tau_plus"): st.tau_plus_ms * ms,
            (o.conc, "t_ref"): c.refractory_ms * ms, (o.conc, "v_rest"): c.v_rest_mv * mV,
            (o.conc, "v_reset"): c.v_reset_mv * mV, (o.conc, "v_thresh"): c.v_thresh_mv * mV,
            (o.conc, "theta_plus"): ho.theta_plus_mv * mV}
    if not math.isinf(ho.tau_theta_ms):
        vals[(o.conc, "tau_theta")] = ho.tau_theta_ms * ms
    for m in spec.modalities:
        s, f = o.syn_in[m], o.syn_fb[m]
        vals.update({(s, "w_max"): spec.w_max_mv(m) * mV, (s, "a_plus"): st.a_plus, (s, "a_minus"): st.a_minus,
                     (s, "tau_ltp"): st.tau_plus_ms * ms, (s, "tau_minus"): st.tau_minus_ms * ms,
                     (f, "a_fb"): fb.a_fb, (f, "f_max"): fb.f_max})
    vals[(o.inp, "tau_fb")] = fb.tau_fb_ms * ms
    if o.lat is not None:
        vals[(o.lat, "w_inh")] = inh.w_inh_mv * mV
    return vals


def _spike_table(drive: SpikeTrains, n_table: int, step_offset: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flat per-neuron table of spike steps (each neuron's steps then a sentinel).

    Returns ``(table, ptr, nextbin)``: ``ptr[k]`` is the table position of
    neuron k's first spike and ``nextbin[k]`` that spike's step.
    """
    n = drive.n_neurons
    order = np.lexsort((drive.steps, drive.indices))
    idx = drive.indices[order]
    steps = drive.steps[order] + step_offset
    counts = np.bincount(idx, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts + 1)[:-1]])  # +1: one sentinel per neuron
    need = int(counts.sum() + n)
    if need > n_table:
        raise ValueError(f"spike table too small: {need} > {n_table}")
    table = np.full(n_table, _SENTINEL)
    rank = np.arange(len(idx)) - np.concatenate([[0], np.cumsum(counts)[:-1]])[idx]
    table[starts[idx] + rank] = steps
    return table, starts.astype(np.float64), table[starts]


# ---- standalone build management -------------------------------------------------
# Processes share one compiled project per structure in the cache. Three rules keep any number of overlapping
# processes safe: (1) a build holds the project's lock exclusively and every run of the compiled program holds it
# shared, so the program and its static arrays are never rewritten under a running process; (2) run-argument
# files carry a per-process token in their names (Brian2 names them by content, so two processes with equal
# arguments would share, and delete, one file); (3) each process writes its own results folder.
_ACTIVE: dict = {"key": None, "objects": None, "device": None}
_BUILD_COUNT = [0]
_TOKEN: dict = {}


_CLEANUP: set = set()


def _process_token() -> str:
    """A name part unique to this process (recomputed after a fork)."""
    pid = os.getpid()
    if _TOKEN.get("pid") != pid:
        _TOKEN.update(pid=pid, token=f"p{pid}x{os.urandom(3).hex()}")
    return _TOKEN["token"]


class _ProjectLock:
    """Shared (run) / exclusive (build) lock on a standalone project folder (``flock``; exclusive-only elsewhere)."""

    def __init__(self, project, exclusive: bool):
        self.path, self.exclusive, self._fh, self._fallback = str(project) + ".rwlock", exclusive, None, None

    def __enter__(self):
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: one process at a time
            from brian2.utils.filelock import FileLock

            self._fallback = FileLock(self.path)
            self._fallback.acquire()
            return self
        self._fh = open(self.path, "a+")
        fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX if self.exclusive else fcntl.LOCK_SH)
        return self

    def __exit__(self, *exc):
        if self._fallback is not None:  # pragma: no cover
            self._fallback.release()
        if self._fh is not None:
            import fcntl

            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
        return False


def _private_run_arg_files(dev, token: str) -> None:
    """Make Brian2 name this process's run-argument files ``<token>_<name>`` (see rule 2 above)."""
    cls = type(dev)

    def wrap(prepare):
        def prepare_private(key, value):
            name, string_value, value_name, value_ar = prepare(dev, key, value)
            if value_name:
                value_name = f"{token}_{value_name}"
                string_value = os.path.join("static_arrays", value_name)
            return name, string_value, value_name, value_ar
        return prepare_private

    dev._prepare_variableview_run_arg = wrap(cls._prepare_variableview_run_arg)
    dev._prepare_timed_array_run_arg = wrap(cls._prepare_timed_array_run_arg)


def _remove_results_dirs():
    """Remove this process's standalone result folders (they only hold the last block's outputs)."""
    for d in _CLEANUP:
        shutil.rmtree(d, ignore_errors=True)


def standalone_build_count() -> int:
    """How many cpp_standalone builds (code generation + make) this process has done."""
    return _BUILD_COUNT[0]


def _standalone_objects(spec: NetworkSpec, block_steps: int, n_table: int, *, announce: bool = False):
    import json
    import sys

    key = json_digest([_structure(spec), block_steps, n_table], length=16)
    if _ACTIVE["key"] == key:
        return _ACTIVE["objects"], _ACTIVE["device"]
    from brian2.devices.device import all_devices

    _configure_prefs()
    project = cache_dir("brian2", "standalone", key)
    token = _process_token()
    results = f"results_{token}"
    dev = all_devices["cpp_standalone"]
    if _ACTIVE["key"] is not None or dev.has_been_run or dev.build_on_run is False:
        dev.reinit()
    b2.set_device("cpp_standalone", build_on_run=False, directory=str(project), with_output=False)
    marker = project / "neuromem_built.json"
    stamp = {"brian2": b2.__version__, "key": key}
    try:
        objs = _build_objects(spec, n_table)
        objs.net.run(block_steps * spec.sim.dt_ms * ms)
        with _ProjectLock(project, exclusive=True):  # never while another process runs the program
            try:
                built = json.loads(marker.read_text()) == stamp and (project / "main").is_file()
            except (OSError, ValueError):
                built = False
            if announce and not built:
                print("building the Brian2 network once (C++ code generation and compilation, about a minute; "
                      "later runs reuse it) ...", file=sys.stderr, flush=True)
            # Brian2's generated main.cpp differs from process to process in the order of its clock set-up
            # lines (set iteration order), so compiling again would relink the program every time: once built,
            # the code is only regenerated (Brian2 needs that to run it), never compiled again
            dev.build(directory=str(project), results_directory=results, compile=not built, run=False,
                      with_output=False)
            if not built:
                from neuromem._io import atomic_write_json

                atomic_write_json(marker, stamp)
    except RuntimeError as exc:
        raise RuntimeError(f"building the Brian2 cpp_standalone project failed ({exc}); the compiler output is in "
                           f"{project / 'make.log'}; a C++ compiler (g++) and make are needed, or use the "
                           f"'brian2-runtime' engine") from exc
    finally:
        b2.set_device("runtime")
    _private_run_arg_files(dev, token)
    if not _CLEANUP:
        atexit.register(_remove_results_dirs)
    _CLEANUP.add(os.path.join(str(project), results))
    _BUILD_COUNT[0] += 1
    _ACTIVE.update(key=key, objects=objs, device=dev, project=project, results=results)
    return objs, dev


class Brian2Engine(Engine):
    """Brian2 implementation of the neuromem engine contract.

    Parameters
    ----------
    spec : NetworkSpec
    seed : int
        Seed of the initial state.
    progress : bool
        Progress bar over standalone blocks.
    mode : {"runtime", "standalone"}
        Brian2 device (numpy runtime or compiled cpp_standalone).
    block_trials : int
        Standalone only: trials per compiled run (a longer drive is cut into
        blocks; a shorter last block is padded with silent trials).
    table_rate_hz : float
        Standalone only: sizes the fixed spike table as
        ``block_trials * trial_period * n_inputs * table_rate_hz`` entries
        (blocks are cut earlier if a block has more input spikes).
    """

    name = "brian2"

    def __init__(self, spec: NetworkSpec, *, seed=0, progress: bool = False, mode: str = "standalone",
                 block_trials: int = 40, table_rate_hz: float = 25.0):
        super().__init__(spec, seed=seed, progress=progress)
        if mode not in _MODES:
            raise ValueError(f"mode={mode!r}; allowed {_MODES}")
        if not (isinstance(block_trials, int) and 1 <= block_trials <= 100_000):
            raise ValueError(f"block_trials={block_trials!r} must be an int in [1, 100000]")
        if not (0 < table_rate_hz <= 1000):
            raise ValueError(f"table_rate_hz={table_rate_hz!r} must lie in (0, 1000]")
        self.mode = mode
        self.name = f"brian2-{mode}"
        self.block_trials = block_trials
        per = spec.sim.steps_per_trial
        self._block_steps = block_trials * per
        self._n_table = int(block_trials * spec.sim.trial_period_ms * 1e-3 * spec.n_inputs * table_rate_hz) \
            + spec.n_inputs + 1
        self._rt = None
        self._state = None  # NetworkState (float64); written into the Brian2 objects at each run
        if mode == "runtime":
            _configure_prefs()
            b2.set_device("runtime")
            self._rt = _build_objects(spec, 1)
            self._rt_step = 0

    # ---- state -----------------------------------------------------------------
    def _read_state(self) -> NetworkState:
        return self._state.copy()

    def _write_state(self, state: NetworkState) -> None:
        self._state = state.copy()

    # ---- helpers ---------------------------------------------------------------
    def _flat_weights(self, objs: _Objects, m: str, runtime: bool):
        W = self._state.w_in_mv[m]
        F = self._state.w_fb[m]
        if runtime:
            s, f = objs.syn_in[m], objs.syn_fb[m]
            return W[s.i[:], s.j[:]], F[f.i[:], f.j[:]]
        return W.reshape(-1), F.reshape(-1)  # connect() creates synapses pre-major

    def _read_weights(self, objs: _Objects) -> None:
        for m in self.spec.modalities:
            s, f = objs.syn_in[m], objs.syn_fb[m]
            si, sj, fi, fj = s.i[:], s.j[:], f.i[:], f.j[:]
            W = np.empty_like(self._state.w_in_mv[m])
            W[si, sj] = np.asarray(s.w_[:]) / 1e-3
            F = np.empty_like(self._state.w_fb[m])
            F[fi, fj] = np.asarray(f.f_[:])
            self._state.w_in_mv[m] = W
            self._state.w_fb[m] = F
        self._state = NetworkState(w_in_mv=self._state.w_in_mv, w_fb=self._state.w_fb,
                                   theta_mv=np.asarray(objs.conc.theta_[:]) / 1e-3)

    # ---- runtime ---------------------------------------------------------------
    def _run_runtime(self, drive: SpikeTrains, flags: RunFlags, bias) -> RunResult:
        _configure_prefs()
        b2.set_device("runtime")
        o = self._rt
        table, ptr, nextbin = _spike_table(drive, len(drive.indices) + drive.n_neurons + 1, self._rt_step)
        ta = b2.TimedArray(table, dt=1 * ms, name="nm_spiketable")
        o.inp.namespace["nm_spiketable"] = ta
        o.inp.ptr = ptr
        o.inp.nextbin = nextbin
        for m in self.spec.modalities:
            w, f = self._flat_weights(o, m, runtime=True)
            o.syn_in[m].w = w * mV
            o.syn_fb[m].f = f
        o.conc.theta = self._state.theta_mv * mV
        o.conc.bias = bias * mV
        o.conc.learn_on, o.conc.adapt_on = float(flags.learn), float(flags.adapt)
        for (obj, var), value in _parameter_values(self.spec, o).items():
            setattr(obj, var, value)
        n_before = o.mon.num_spikes
        t_run = time.perf_counter()
        o.net.run(drive.n_steps * self.spec.sim.dt_ms * ms)
        wall = time.perf_counter() - t_run
        i = np.asarray(o.mon.i[n_before:])
        steps = np.round(np.asarray(o.mon.t_[n_before:]) / (self.spec.sim.dt_ms * 1e-3)).astype(np.int64)
        steps -= self._rt_step
        self._rt_step += drive.n_steps
        if flags.keep_theta:  # frozen otherwise (reading back would only add unit-conversion rounding)
            self._read_weights(o)
        return RunResult(indices=i, steps=steps, n_neurons=self.spec.concept.n_neurons,
                         n_steps=drive.n_steps, dt_ms=self.spec.sim.dt_ms, wall_s=wall)

    # ---- standalone --------------------------------------------------------------
    def _blocks(self, drive: SpikeTrains):
        """Cut the drive into whole-trial blocks that fit the compiled run and the spike table."""
        per = self.spec.sim.steps_per_trial
        n_trials = drive.n_steps // per
        per_trial = np.bincount(drive.steps // per, minlength=n_trials)
        room = self._n_table - self.spec.n_inputs - 1
        if per_trial.max(initial=0) > room:
            raise ValueError(f"one trial has {per_trial.max()} input spikes, more than the spike table holds "
                             f"({room}); raise table_rate_hz")
        start = 0
        while start < n_trials:
            stop, tot = start, 0
            while stop < n_trials and stop - start < self.block_trials and tot + per_trial[stop] <= room:
                tot += per_trial[stop]
                stop += 1
            yield start, stop
            start = stop

    def _run_standalone(self, drive: SpikeTrains, flags: RunFlags, bias) -> RunResult:
        objs, dev = _standalone_objects(self.spec, self._block_steps, self._n_table, announce=self.progress)
        per = self.spec.sim.steps_per_trial
        learn, adapt = float(flags.learn), float(flags.adapt)
        plastic = flags.keep_theta
        all_i, all_s = [], []
        wall = 0.0
        blocks = list(self._blocks(drive))
        if self.progress and len(blocks) > 1:
            from tqdm.auto import tqdm

            blocks = tqdm(blocks, desc=f"brian2 standalone ({'learning' if plastic else 'test'})", unit="block",
                          leave=False)
        for t0, t1 in blocks:
            block = drive.window(t0 * per, t1 * per)
            block = SpikeTrains(indices=block.indices, steps=block.steps, n_neurons=block.n_neurons,
                                n_steps=self._block_steps, dt_ms=block.dt_ms)
            table, ptr, nextbin = _spike_table(block, self._n_table)
            args = {objs.table: table, objs.inp.ptr: ptr, objs.inp.nextbin: nextbin,
                    objs.conc.theta: self._state.theta_mv * mV, objs.conc.bias: bias * mV,
                    objs.conc.learn_on: learn, objs.conc.adapt_on: adapt}
            for (obj, var), value in _parameter_values(self.spec, objs).items():
                args[getattr(obj, var)] = value
            for m in self.spec.modalities:
                w, f = self._flat_weights(objs, m, runtime=False)
                args[objs.syn_in[m].w] = w * mV
                args[objs.syn_fb[m].f] = f
            t_block = time.perf_counter()
            with _ProjectLock(_ACTIVE["project"], exclusive=False):
                dev.run(results_directory=_ACTIVE["results"], with_output=False, run_args=args)
            # the compiled program's own simulation time (Brian2 records it); the whole call otherwise
            own = getattr(dev, "_last_run_time", None)
            wall += float(own) if own is not None else time.perf_counter() - t_block
            for fname in list(dev.run_args_arrays):  # this process's own files (token in the name)
                for f in (fname, fname + ".lock"):
                    try:
                        os.remove(os.path.join(dev.project_dir, "static_arrays", f))
                    except FileNotFoundError:
                        pass
            i = np.asarray(objs.mon.i[:])
            s = np.round(np.asarray(objs.mon.t_[:]) / (self.spec.sim.dt_ms * 1e-3)).astype(np.int64)
            keep = s < (t1 - t0) * per  # padded silent trials produce no spikes; be strict anyway
            all_i.append(i[keep])
            all_s.append(s[keep] + t0 * per)
            if not plastic:
                continue
            self._read_weights(objs)
            pad_ms = (self._block_steps - (t1 - t0) * per) * self.spec.sim.dt_ms
            tau_theta = self.spec.homeostasis.tau_theta_ms
            if pad_ms > 0 and not math.isinf(tau_theta):  # undo the decay during the silent padding
                self._state.theta_mv[:] *= math.exp(pad_ms / tau_theta)
        return RunResult(indices=np.concatenate(all_i), steps=np.concatenate(all_s),
                         n_neurons=self.spec.concept.n_neurons, n_steps=drive.n_steps, dt_ms=self.spec.sim.dt_ms,
                         wall_s=wall)

    def _run(self, drive: SpikeTrains, flags: RunFlags, bias_mv: np.ndarray) -> RunResult:
        if self.mode == "runtime":
            return self._run_runtime(drive, flags, bias_mv)
        return self._run_standalone(drive, flags, bias_mv)
