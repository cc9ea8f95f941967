"""``surrogate``: the spiking concept layer of ``stdp``, trained by backprop through time.

Same neurons, different plasticity. The architecture is ``stdp``'s: each modality's latent is population-coded
(:func:`neuromem.coding.encode_rates` with the squash fitted on the
reference latents) and drawn as Poisson spikes (Bernoulli per step with
probability ``rate x dt``); they drive ``n_units`` LIF concept neurons with the
preset's neuron parameters and lateral inhibition, integrated step by step
with the norse engine's neuron step (:func:`neuromem.engines.norse.step.lif_step`,
Norse's ``lif_refrac_feed_forward_step`` over named tuples with an injectable spike function, see
:mod:`neuromem.engines.norse.engine`). The only difference is the spike function: in the backward pass
the Heaviside step is replaced by
Norse's SuperSpike surrogate gradient (Zenke & Ganguli 2018),
``d z / d v = 1 / (alpha |v - v_th| + 1)^2``.

Learning: every presentation gives one cue trial per modality (that modality
alone, the others at background rate); the concept layer's spike counts in
the stimulus window are mapped linearly onto every *other* modality's
standardised latent (the completed target), and the input weights (clipped
to ``[0, w_max]``, excitatory as in the STDP network) and these completion maps are
trained by Adam for ``epochs`` passes over the presentations of one
``learn`` call, in shuffled mini-batches of ``batch_size`` presentations,
with the step sizes decayed to zero along a half cosine (backprop through
every time step), and at least ``min_steps`` steps per call. The steps of the
input weights are centred per neuron and modality, so each step keeps a
neuron's summed input weight per modality (up to the clipping): the
subtractive normalisation the preset's STDP rule applies to its potentiation
steps. Two losses: ``"mse"``, the mean squared error between the
completed and the presented target latent; ``"prototype_ce"``, cross-entropy
over the concepts of the ``learn`` call with logits ``-d^2 / tau``, ``d^2``
the mean squared distance of the completed latent to each concept's target
prototype (the mean of its presented target latents), which trains for what
recall asks: the completed latent nearest its own concept's prototype.
No adaptive threshold; dt 0.25 ms (the largest step at which the spec keeps
winner-take-all) and 50 ms stimuli: BPTT over the preset's 2,000 steps of 0.1 ms
is beyond two cores (``surrogate-matched`` removes these differences). The neuron step is the engine's (``tests/binding``
checks identical voltages and spikes against the norse engine).

Cost (:mod:`neuromem.binding.cost`, the same convention as ``stdp``'s):
forward, ``synaptic_events`` counted from the spikes (input spike x
``n_units`` deliveries, concept spike x ``n_units - 1`` inhibitory ones) and
``neuron_updates`` (every neuron every simulated step); backward, the weight
gradient of the binary input spikes as ``synaptic_events`` (input spike x
``n_units`` accumulates) and the gradient through every neuron step as
``neuron_updates`` again; the completion map in ``macs`` (forward ``n_units x
latent_dim`` per trial and target, backward twice that); 3 ``weight_updates``
per parameter and Adam step.

Seeds (children of the binder's seed tree): ``weights/input`` (input weights, as the preset draws them),
``weights/completion`` (the completion map), ``input_spikes/#i`` (the i-th Poisson draw), ``training/#i``
(mini-batch order of the i-th ``learn`` call).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from neuromem._checks import is_int
from neuromem.binding._backprop import BackpropConfig, Standardise, torch_generator, torch_threads
from neuromem.binding.base import Binder, RecallResult
from neuromem.binding.concept_layer import check_supported, simulate_concept_layer
from neuromem.binding.traits import BinderTraits, CapacityLimit

__all__ = ["SurrogateBinder", "simulate_concept_layer", "LOSSES"]

#: Training losses of the completed target latent (see the module docstring).
LOSSES = ("mse", "prototype_ce")


class SurrogateBinder(Binder):
    """Spiking concept layer trained by BPTT with a surrogate gradient (see the module docstring).

    Parameters
    ----------
    config : BackpropConfig, optional
        Epochs, learning rate, weight decay.
    threads : int
        torch intra-op threads while learning and recalling (default 1, see
        :class:`~neuromem.binding._backprop.torch_threads`).
    preset : str
        Network preset; ``n_units`` sets the concept-layer size.
    dt_ms, stimulus_ms : float
        Simulation grid and stimulus window of every trial, ms.
    alpha : float
        SuperSpike sharpness on the dimensionless voltage ``(v - v_rest) /
        (v_thresh - v_rest)`` (threshold at 1); Norse's default 100 would pass
        a gradient of ~1e-4 at half-way to threshold, 2 passes ~0.25 there.
    lr_w_mv : float
        Adam step size of the input weights, mV.
    batch_size : int or None
        Presentations per Adam step (``None``: all of one ``learn`` call).
    loss : str
        ``"mse"`` or ``"prototype_ce"`` (see the module docstring).
    tau : float
        Temperature of ``"prototype_ce"`` (mean squared distance units of the standardised latents).
    normalisation : str
        ``"preset"`` (default: the preset's ``stdp.normalisation``), ``"subtractive"`` or ``"none"``.
        Subtractive: every Adam step of the input weights is centred per neuron and modality, so a
        neuron's summed input weight from each modality is kept (up to the clipping to ``[0, w_max]``),
        as the STDP rule's subtractive normalisation does for its potentiation steps. Without it one neuron's
        weights grow until it wins every cue (measured on tuning seed 0: one neuron won all 25 validation
        cues).
    min_steps : int
        Fewest Adam steps per ``learn`` call: with few presentations the passes over them are repeated
        (``epochs = max(epochs, ceil(min_steps / batches per epoch))``); every pass is counted.
    device : str
        ``"cpu"`` or ``"cuda"``.
    **kwargs
        See :class:`~neuromem.binding.base.Binder`; ``reference`` is required.
    """

    name = "surrogate"
    detach_reset = False  #: True: no gradient through the reset (lif_step); 200-step trials pass it
    traits = BinderTraits(family="backprop", n_units_counts="concept neurons", colour="tab:orange", spiking=True,
                          has_units=True, same_units_as="stdp", in_capacity_sweep=False,
                          capacity=CapacityLimit(reason="hard winner-take-all: one concept neuron per concept"))

    def __init__(self, *, config: BackpropConfig | None = None, threads: int = 1, preset: str = "default",
                 dt_ms: float = 0.25, stimulus_ms: float = 50.0, alpha: float = 2.0, lr_w_mv: float = 0.05,
                 batch_size: int | None = None, loss: str = "mse", tau: float = 0.1,
                 normalisation: str = "preset", min_steps: int = 0, device: str = "cpu",
                 **kwargs):
        super().__init__(**kwargs)
        import torch

        self.threads = int(threads)

        from neuromem.coding import LatentSquash
        from neuromem.engines.discrete import step_constants
        from neuromem.network import initial_state, load_preset

        if self.reference is None:
            raise ValueError("the surrogate binder needs reference latents (they fit the population code's squash)")
        self.config = config or BackpropConfig(epochs=30, learning_rate=0.01)
        self.spec = load_preset(preset, modalities=self.modalities, latent_dim=self.latent_dim,
                                concept={"n_neurons": self.n_units},
                                sim={"dt_ms": dt_ms, "stimulus_ms": stimulus_ms, "trial_period_ms": stimulus_ms})
        self.k = step_constants(self.spec, seed=self.seeds.child("weights", "input").seed_sequence)
        check_supported(self.k)  # before any training: a mechanism the layer would ignore is refused
        self.alpha = float(alpha)
        if not 0 < float(lr_w_mv) <= 10:
            raise ValueError(f"SurrogateBinder.lr_w_mv={lr_w_mv!r} is out of range; allowed (0, 10] mV")
        self.lr_w_mv = float(lr_w_mv)
        self.device = torch.device(device)
        self.squash = {m: LatentSquash.fit(self.reference[m]) for m in self.modalities}
        self._std = {m: Standardise(self.reference[m], self.latent_dim) for m in self.modalities}
        self._n_spike_draws = 0
        self._n_learn_calls = 0
        if batch_size is not None and (not is_int(batch_size) or batch_size < 1):
            raise ValueError(f"SurrogateBinder.batch_size={batch_size!r}; allowed a positive integer or None (all)")
        self.batch_size = None if batch_size is None else int(batch_size)
        if loss not in LOSSES:
            raise ValueError(f"SurrogateBinder.loss={loss!r}; allowed {', '.join(LOSSES)}")
        if not 0 < float(tau) <= 10:
            raise ValueError(f"SurrogateBinder.tau={tau!r} is out of range; allowed (0, 10]")
        self.loss, self.tau = loss, float(tau)
        if not is_int(min_steps) or not 0 <= min_steps <= 100_000:
            raise ValueError(f"SurrogateBinder.min_steps={min_steps!r}; allowed an integer in [0, 100000]")
        self.min_steps = int(min_steps)
        if normalisation not in ("preset", "subtractive", "none"):
            raise ValueError(f"SurrogateBinder.normalisation={normalisation!r}; "
                             "allowed 'preset', 'subtractive', 'none'")
        # the weight steps follow the normalisation of the network's plasticity rule (or the one asked for)
        self._rule = self.spec.stdp if normalisation == "preset" else replace(self.spec.stdp,
                                                                               normalisation=normalisation)
        self.subtractive = self._rule.subtractive
        self._rows = tuple(self.spec.input_slice(m) for m in self.modalities)  # input rows per modality
        st = initial_state(self.spec, self.seeds.child("weights", "input").seed_sequence)
        W0 = np.concatenate([st.w_in_mv[m] for m in self.modalities], axis=0)
        self.W = torch.tensor(W0, dtype=torch.float32, device=self.device, requires_grad=True)
        self.w_max = torch.tensor(self.k.w_max_row[:, None], dtype=torch.float32, device=self.device)
        g = torch_generator(self.seeds.child("weights", "completion"))
        self.R = {m: (0.01 * torch.randn(self.n_units, self.latent_dim, generator=g)).to(self.device).requires_grad_()
                  for m in self.modalities}
        self.r0 = {m: torch.zeros(self.latent_dim, device=self.device, requires_grad=True) for m in self.modalities}

    # ---- input --------------------------------------------------------------------------
    def _spikes(self, stimuli: dict, n_trials: int):
        """Poisson spikes (n_steps, n_trials, n_in) of trials showing ``stimuli`` (modality -> latents); the
        other modalities at background (``{}``: blank trials)."""
        import torch

        from neuromem.coding import encode_rates

        s = self.spec
        rates = np.full((n_trials, s.n_inputs), s.coding.rate_background_hz)
        for modality, z in stimuli.items():
            rates[:, s.input_slice(modality)] = encode_rates(z, s.coding, self.squash[modality])
        p = torch.tensor(rates * s.sim.dt_ms * 1e-3, dtype=torch.float32, device=self.device)
        g = torch_generator(self.seeds.child("input_spikes", self._n_spike_draws))
        self._n_spike_draws += 1
        T = s.sim.stimulus_steps
        u = torch.rand((T, n_trials, s.n_inputs), generator=g).to(self.device)
        return (u < p[None]).float()

    def _forward(self, stimuli: dict, n_trials: int, *, method: str, theta_mv=None):
        x = self._spikes(stimuli, n_trials)
        spikes, _ = simulate_concept_layer(x, self.W, self.k, method=method, alpha=self.alpha,
                                           theta_mv=theta_mv, detach_reset=self.detach_reset)
        n_in_spk = int(x.sum().item())
        n_c_spk = int(spikes.detach().sum().item())
        return spikes, n_in_spk, n_c_spk

    def _count_forward(self, phase: str, n_trials: int, n_in_spk: int, n_c_spk: int) -> None:
        self.cost.add(phase, "synaptic_events", n_in_spk * self.n_units + n_c_spk * (self.n_units - 1))
        self.cost.add(phase, "neuron_updates", n_trials * self.spec.sim.stimulus_steps * self.n_units)

    # ---- training hooks (the matched binder changes them) -----------------------------------
    def _training_views(self, lat: dict, idx) -> list[tuple[dict, tuple]]:
        """The training trials of one batch: ``(stimuli shown, modalities completed)`` (one cue modality each)."""
        return [({cue: lat[cue][idx]}, tuple(t for t in self.modalities if t != cue)) for cue in self.modalities]

    def _readout(self, counts):
        """What the completion map reads: the concept layer's spike counts (n_trials, n_units)."""
        return counts

    def _after_step(self, spikes) -> None:
        """Called with every training trial's spikes after each Adam step (nothing here)."""

    # ---- interface ----------------------------------------------------------------------
    def _learn(self, presentations) -> None:
        with torch_threads(self.threads):
            self._learn_torch(presentations)

    def _learn_torch(self, presentations) -> None:
        import torch

        # weights are in mV (mean ~0.3 mV per synapse): their own step size, lr_w_mv
        opt = torch.optim.Adam([{"params": [self.W], "lr": self.lr_w_mv},
                                {"params": [*self.R.values(), *self.r0.values()]}],
                               lr=self.config.learning_rate, weight_decay=self.config.weight_decay)
        lat = {m: np.stack([p.latents[m] for p in presentations]) for m in self.modalities}
        tgt = {m: torch.from_numpy(self._std[m](lat[m])).to(self.device) for m in self.modalities}
        T, N, D = self.spec.sim.stimulus_steps, self.n_units, self.latent_dim
        P = len(presentations)
        concepts = sorted({p.concept for p in presentations})
        cid = torch.tensor([concepts.index(p.concept) for p in presentations], device=self.device)
        protos = {m: torch.stack([tgt[m][cid == c].mean(dim=0) for c in range(len(concepts))])
                  for m in self.modalities}
        order_rng = self.seeds.rng("training", self._n_learn_calls)
        self._n_learn_calls += 1
        bs = self.batch_size or P
        n_batches = -(-P // bs)
        epochs = max(self.config.epochs, -(-self.min_steps // n_batches))  # few presentations: more passes
        n_steps = epochs * n_batches
        sched = torch.optim.lr_scheduler.LambdaLR(  # half-cosine decay of every step size to zero
            opt, lambda i: 0.5 * (1 + np.cos(np.pi * min(i, n_steps) / n_steps)))
        for _ in range(epochs):
            order = order_rng.permutation(P)
            for b0 in range(0, P, bs):
                idx = order[b0:b0 + bs]
                opt.zero_grad()
                loss, seen = 0.0, []
                for stimuli, targets in self._training_views(lat, idx):
                    spikes, n_in_spk, n_c_spk = self._forward(stimuli, len(idx), method="super",
                                                              theta_mv=getattr(self, "theta_mv", None))
                    seen.append(spikes.detach())
                    self._count_forward("learn", len(idx), n_in_spk, n_c_spk)
                    # backward: the weight gradient of the binary input spikes, the gradient through every
                    # neuron step, the completion map (forward once, backward twice per target)
                    self.cost.add("learn", "synaptic_events", n_in_spk * self.n_units)
                    self.cost.add("learn", "neuron_updates", len(idx) * T * self.n_units)
                    self.cost.add("learn", "macs", 3 * len(targets) * len(idx) * N * D)
                    counts = self._readout(spikes.sum(dim=0))
                    for t in targets:
                        pred = counts @ self.R[t] + self.r0[t]
                        if self.loss == "prototype_ce":
                            d2 = ((pred[:, None, :] - protos[t][None]) ** 2).mean(dim=2)
                            loss = loss + torch.nn.functional.cross_entropy(-d2 / self.tau, cid[idx])
                        else:
                            loss = loss + torch.mean((pred - tgt[t][idx]) ** 2)
                loss.backward()
                w_before = self.W.detach().clone() if self.subtractive else None
                opt.step()
                sched.step()
                with torch.no_grad():
                    if self.subtractive:  # each neuron's summed input weight per modality is kept
                        self.W.copy_(w_before + self._rule.normalise_step(self.W - w_before, self._rows))
                    self.W.clamp_(min=0.0)
                    torch.minimum(self.W, self.w_max, out=self.W)
                self._after_step(seen)
        self.cost.add("learn", "weight_updates", 3 * n_steps * self.n_plastic)  # Adam: w, m, v

    def _counts(self, modality: str, z: np.ndarray):
        import torch

        with torch.no_grad(), torch_threads(self.threads):
            spikes, n_in_spk, n_c_spk = self._forward({} if modality is None else {modality: z}, len(z),
                                                      method="heaviside")
        self._count_forward("recall", len(z), n_in_spk, n_c_spk)
        return spikes

    def recall(self, cue_modality, latents, target_modality) -> RecallResult:
        with torch_threads(self.threads):
            return self._recall(cue_modality, latents, target_modality)

    def _recall(self, cue_modality, latents, target_modality) -> RecallResult:
        import torch

        z = self._check_cue(cue_modality, latents, target_modality)
        spikes = self._counts(cue_modality, z)
        counts = spikes.sum(dim=0)
        with torch.no_grad():
            out_std = (self._readout(counts) @ self.R[target_modality] + self.r0[target_modality]).cpu().double().numpy()
        self.cost.add("recall", "macs", len(z) * self.n_units * self.latent_dim)
        st = self._std[target_modality]
        out = out_std * st.std + st.mean
        empty = counts.sum(dim=1).cpu().numpy() <= 0
        return RecallResult(target_latents=out, no_response=empty, latency_ms=self._latency(spikes))

    def _latency(self, spikes) -> np.ndarray:
        any_t = spikes.sum(dim=2).cpu().numpy() > 0  # (T, n)
        first = np.where(any_t.any(axis=0), any_t.argmax(axis=0).astype(float), np.nan)
        return first * self.spec.sim.dt_ms  # the engines' convention: a spike at step t is at t x dt

    def answers_over_time(self, cue_modality, latents, target_modality, prototypes, grid_ms) -> np.ndarray:
        from neuromem.binding.latency import answers_over_grid
        from neuromem.latents import nearest_centroid

        z = self._check_cue(cue_modality, latents, target_modality)
        step, trial, unit = np.nonzero(self._counts(cue_modality, z).cpu().numpy())  # (T, n, N) spikes
        R, r0 = (x.detach().cpu().double().numpy() for x in (self.R[target_modality], self.r0[target_modality]))
        st = self._std[target_modality]
        protos = np.asarray(prototypes, dtype=np.float64)
        return answers_over_grid(step * self.spec.sim.dt_ms, trial, unit, n_trials=len(z), n_units=self.n_units,
                                 grid_ms=grid_ms, answer=lambda c: nearest_centroid((self._readout(c) @ R + r0) * st.std + st.mean,
                                                                                    protos))

    def blank_answer_fraction(self, n_trials: int) -> float:
        spikes = self._counts(None, np.zeros((int(n_trials), self.latent_dim)))
        return float((spikes.sum(dim=(0, 2)) > 0).float().mean())

    def recall_latency_ms(self, cue_modality, latents) -> np.ndarray:
        return self._latency(self._counts(cue_modality, self._check_cue(cue_modality, latents)))

    def unit_activations(self, modality, latents) -> np.ndarray:
        return self._counts(modality, self._check_cue(modality, latents)).sum(dim=0).cpu().double().numpy()

    @property
    def n_plastic(self) -> int:
        return self.spec.n_inputs * self.n_units + len(self.modalities) * (self.n_units + 1) * self.latent_dim

    def describe(self) -> dict:
        return {**super().describe(), **self.config.to_dict(), "dt_ms": self.spec.sim.dt_ms,
                "stimulus_ms": self.spec.sim.stimulus_ms, "surrogate": "SuperSpike", "alpha_dimensionless": self.alpha,
                "lr_w_mv": self.lr_w_mv, "batch_size": self.batch_size, "loss": self.loss, "tau": self.tau,
                "normalisation": "subtractive" if self.subtractive else "none", "min_steps": self.min_steps,
                "device": str(self.device)}
