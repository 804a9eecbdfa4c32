"""Lower populations to neuron groups: per-neuron parameters, derived constants, state.

Populations of the same model class and method share one group (their arrays
concatenated along the neuron axis), so a step runs one update per group. Each
population keeps its own random stream: ``rng_neuron`` (index within the
population) and ``rng_stream`` (16 x population index) are per-neuron arrays.
"""

from __future__ import annotations

import numpy as np

from .distributions import Distribution
from .rng import STREAMS_PER_POPULATION
from .validation import broadcast_per_neuron


def concat_neurons(parts: list, batch: int) -> np.ndarray:
    """Join per-population (1|B, n) arrays along the neuron axis (-> (1, N) or (B, N))."""
    rows = max((p.shape[0] for p in parts), default=1)
    if rows > 1:
        parts = [np.broadcast_to(p, (batch, p.shape[1])) for p in parts]
    return np.concatenate(parts, axis=1) if parts else np.zeros((1, 0))


def rng_identity(pops, indices) -> dict:
    """Counter words that name each neuron's random stream, independent of grouping."""
    return dict(rng_neuron=np.concatenate([np.arange(p.size, dtype=np.uint32) for p in pops]
                                          or [np.zeros(0, np.uint32)]),
                rng_stream=np.concatenate([np.full(p.size, i * STREAMS_PER_POPULATION, np.uint32)
                                           for p, i in zip(pops, indices)] or [np.zeros(0, np.uint32)]))


def sample_parameters(model, label: str, values: list, sizes: list, batch: int, rng) -> dict:
    """name -> (1|B, N) float64 of ``model``'s parameters over populations (``values``: each
    one's parameter dict, ``sizes``: its size), in the model's units; distributions drawn
    per neuron and checked. label: the model's name in error messages."""
    out = {}
    for name in model.defaults:
        parts = []
        for params, n in zip(values, sizes):
            value = params[name]
            if isinstance(value, Distribution):
                value = value.sample(rng, (n,))
                model._check(name, value)
            parts.append(broadcast_per_neuron(f"{label}.{name}", value, n, batch))
        out[name] = concat_neurons(parts, batch)
    return out


def model_parameters(pops, batch: int, rng) -> dict:
    """name -> (1|B, N) float64 over the group's populations; distributions drawn per neuron."""
    model = pops[0].model
    return sample_parameters(model, type(model).__name__, [p.model.params for p in pops], [p.size for p in pops],
                             batch, rng)


def refractory_steps(tau_refrac: np.ndarray, dt: float, convention: str) -> np.ndarray:
    """Steps after the spike step during which v is clamped: NEST's round(tau_refrac/dt),
    or Brian2's one fewer (it integrates again once t - t_spike >= tau_refrac)."""
    steps = np.round(tau_refrac / dt).astype(np.int32)
    return np.maximum(steps - 1, 0) if convention == "brian2" else steps


# what lif_parameters derives (a group has the synaptic ones where its synapse does)
LIF_DERIVED = ("adaptive", "noisy", "biased", "v_rest", "v_reset", "v_thresh", "i_offset", "cm", "decay_m",
               "dt_over_tau_m", "dt_over_cm", "r_m", "refrac_steps", "d_theta", "decay_theta", "noise_std",
               "decay_syn", "e_rev", "g_leak", "reset_below_threshold")


def lif_parameters(model, p: dict, dt: float, theta: np.ndarray) -> dict:
    """What a LIF group's step reads that follows from its parameters ``p`` (name ->
    (1|B, N), model units): derived constants and the compile-time flags. theta: the
    group's (B, N) thresholds (reset_below_threshold depends on them)."""
    tau_m = p["tau_m"] if model.leaky else np.full_like(p["cm"], np.inf)
    g = dict(adaptive=bool(np.any(p["d_theta"] != 0)), noisy=bool(np.any(p["noise_sigma"] != 0)),
             biased=bool(np.any(p["i_offset"] != 0)))
    g.update(v_rest=p["v_rest"], v_reset=p["v_reset"], v_thresh=p["v_thresh"],
             i_offset=p["i_offset"], cm=p["cm"], decay_m=np.exp(-dt / tau_m),
             dt_over_tau_m=dt / tau_m, dt_over_cm=dt / p["cm"], r_m=tau_m / p["cm"],
             refrac_steps=refractory_steps(p["tau_refrac"], dt, model.refractory_convention),
             d_theta=p["d_theta"], decay_theta=np.exp(-dt / p["tau_theta"]))
    if model.method == "exact":     # exact Ornstein-Uhlenbeck increment
        g["noise_std"] = p["noise_sigma"] * np.sqrt(-np.expm1(-2 * dt / tau_m))
    else:                           # Euler-Maruyama
        g["noise_std"] = p["noise_sigma"] * np.sqrt(2 * dt / tau_m)
    if model.synapse != "delta":
        g["decay_syn"] = np.stack([np.exp(-dt / p["tau_syn_E"]), np.exp(-dt / p["tau_syn_I"])])
    if model.synapse == "cond_exp":
        g["e_rev"] = np.stack([p["e_rev_E"], p["e_rev_I"]])
        g["g_leak"] = p["cm"] / p["tau_m"]
    # a clamped (refractory) neuron sits at v_reset: if that is below every threshold it
    # can reach, the threshold test need not mask refractory neurons again
    g["reset_below_threshold"] = bool(np.all(p["v_reset"] < p["v_thresh"]) and np.all(theta >= 0)
                                      and np.all(p["d_theta"] >= 0))
    return g


def lower_lif(pops, indices, dt: float, batch: int, seeds, ring_depth: int, injected: bool = False,
              exp_f32: bool = False) -> dict:
    """One LIF group; ``injected``: a current source targets one of its populations
    (the group gets ``i_inject``, nA, (B, N), which snnkit.schedule writes between steps);
    ``exp_f32``: a conductance-based group's exact update takes exp in float32
    (kernels/exp_f32.h; ``exp``: "float32" or "float64").
    ``params``: the sampled parameters (model units), which runtime changes update."""
    model = pops[0].model
    n = sum(p.size for p in pops)
    p = model_parameters(pops, batch, seeds.structure)
    g = dict(kind="lif", synapse=model.synapse, method=model.method, leaky=model.leaky, injected=bool(injected),
             ring_depth=ring_depth, dt=dt, size=n, params=p,
             exp="float32" if exp_f32 and model.synapse == "cond_exp" and model.method == "exact" else "float64")

    def initial(var, default):
        return np.concatenate([seeds.initial(pop.initial.get(var, d), batch, pop.size, index, var)
                               for pop, d, index in zip(pops, default, indices)], axis=1)
    bounds = np.cumsum([0] + [pop.size for pop in pops])
    rest = [p["v_rest"][:, a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    g["v"] = initial("v", rest)
    zeros = [0.0] * len(pops)
    g["syn"] = np.stack([initial("syn_E", zeros), initial("syn_I", zeros)])
    g["theta"] = initial("theta", zeros)
    g["refrac"] = np.zeros((batch, n), np.int32)
    g["i_inject"] = np.zeros((batch, n))
    g["ring"] = np.zeros((ring_depth, 2, batch * n))
    g.update(lif_parameters(model, p, dt, g["theta"]))
    g.update(rng_identity(pops, indices))
    return g


def lower_poisson(pops, indices, dt: float, batch: int, seeds) -> dict:
    parts = []
    for pop in pops:
        rate = pop.model.rate
        if isinstance(rate, Distribution):
            rate = np.maximum(rate.sample(seeds.structure, (pop.size,)), 0.0)
        parts.append(broadcast_per_neuron("Poisson.rate", rate, pop.size, batch))
    rate = concat_neurons(parts, batch)
    probability = np.minimum(rate * dt / 1000.0, 1.0)
    g = dict(kind="poisson", dt=dt, size=rate.shape[1], rate_hz=rate, spike_probability=probability)
    # each source's next spike step, and the probability it was drawn for (-1: none yet): sources.Poisson
    g["next_spike"] = np.zeros((batch, g["size"]), np.uint32)
    g["drawn_probability"] = np.full((batch, g["size"]), -1.0)
    if any(pop.model.windowed for pop in pops):      # snnkit.schedule opens and closes the windows
        window = [np.broadcast_to(np.round(np.asarray(getattr(pop.model, end), float) / dt), (pop.size,))
                  for pop in pops for end in ("start", "stop")]
        g["window_start"] = np.concatenate(window[0::2]) if window else np.zeros(0)
        g["window_stop"] = np.concatenate(window[1::2]) if window else np.zeros(0)
        g["base_probability"] = probability
        g["spike_probability"] = probability * ((g["window_start"] <= 0) & (0 < g["window_stop"]))
    g.update(rng_identity(pops, indices))
    return g


def lower_spike_times(pops, dt: float) -> dict:
    steps, neurons, offset = [], [], 0
    for pop in pops:
        s, i = pop.model.events(dt)
        steps.append(s)
        neurons.append(i + offset)
        offset += pop.size
    step = np.concatenate(steps) if steps else np.zeros(0, np.int64)
    neuron = np.concatenate(neurons) if neurons else np.zeros(0, np.int64)
    order = np.argsort(step, kind="stable")
    return dict(kind="spike_times", dt=dt, size=offset, event_step=step[order],
                event_neuron=neuron[order])
