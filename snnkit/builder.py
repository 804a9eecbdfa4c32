"""Lower a Network to flat host arrays: one dict per population and projection.

Everything here runs once, on the host, before the first step. Float arrays
are float64 here and cast to the backend's dtype on upload; per-neuron
constants (decay factors, refractory steps) are computed here in float64.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .connectivity import build_table
from .distributions import Distribution, realize
from .model import Network, Population, Projection
from .neurons import NeuronModel
from .rng import POISSON, STREAMS_PER_POPULATION, split_seed
from .sources import Poisson, SpikeTimes
from .validation import NetworkTooLargeError, broadcast_per_neuron, fail


@dataclass
class Seeds:
    """Per-instance random streams (see Simulator ``seed``)."""

    key_lo: np.ndarray        # (B,) uint32
    key_hi: np.ndarray        # (B,) uint32
    instance: np.ndarray      # (B,) uint32 counter word
    state_rngs: list          # host generators for random initial state, one per row block
    structure: np.random.Generator

    @classmethod
    def make(cls, seed, batch: int, structure_seed=None) -> "Seeds":
        if np.ndim(seed) == 0:
            seeds = [int(seed)] * batch
            instance = np.arange(batch, dtype=np.uint32)       # independent instances
            state_rngs = [np.random.default_rng([int(seed) & 0xFFFFFFFFFFFFFFFF, 1])]
        else:
            seeds = [int(s) for s in seed]
            if len(seeds) != batch:
                fail("seed", f"{len(seeds)} seeds", f"must be one int or one per instance (batch = {batch})")
            instance = np.zeros(batch, dtype=np.uint32)          # instance b == a run with seed[b]
            state_rngs = [np.random.default_rng([s & 0xFFFFFFFFFFFFFFFF, 1]) for s in seeds]
        lo, hi = zip(*(split_seed(s) for s in seeds)) if batch else ((), ())
        base = seeds[0] if structure_seed is None and seeds else (structure_seed or 0)
        return cls(np.array(lo, np.uint32), np.array(hi, np.uint32), instance, state_rngs,
                   np.random.default_rng([int(base) & 0xFFFFFFFFFFFFFFFF, 0]))

    def initial(self, value, batch: int, size: int) -> np.ndarray:
        """An initial-state value -> (B, N) float64; distributions drawn per instance."""
        if not isinstance(value, Distribution):
            return np.broadcast_to(broadcast_per_neuron("initial value", value, size, batch),
                                   (batch, size)).copy()
        if len(self.state_rngs) == 1:
            return value.sample(self.state_rngs[0], (batch, size))
        return np.concatenate([value.sample(r, (1, size)) for r in self.state_rngs])


@dataclass
class Plan:
    """A lowered network: what the Simulator uploads and steps."""

    dt: float
    batch: int
    groups: dict = field(default_factory=dict)        # name -> dict of arrays + static entries
    synapses: list = field(default_factory=list)      # dicts, in projection order
    nbytes: int = 0


BYTES_PER_SYNAPSE = 8 + 8 + 8 + 8 + 8     # pre, post, delay, transpose index, one weight (float64 host)


def estimate_bytes(net: Network, batch: int) -> int:
    """Upper estimate of the arrays a network needs, before any of them is made."""
    total = 0
    for pop in net.populations:
        total += pop.size * batch * 8 * 24          # state, parameters, ring slots, spike flags
    for proj in net.projections:
        n = proj.connector.expected_count(proj.pre.size, proj.post.size)
        per_syn = BYTES_PER_SYNAPSE + (8 * (batch - 1) if proj.plasticity else 0)
        total += int(n * 1.1 + 64) * per_syn
    return total


def check_memory(net: Network, batch: int, available: int, device: str) -> None:
    need = estimate_bytes(net, batch)
    if need > available:
        sizes = ", ".join(f"{p.name}: {p.size}" for p in net.populations)
        raise NetworkTooLargeError(
            f"network size = {need / 2**30:.2f} GiB is not allowed: it exceeds the "
            f"{available / 2**30:.2f} GiB available on {device} (batch = {batch}; populations "
            f"{sizes}; {len(net.projections)} projections). Use a smaller network or batch.")


def lower(net: Network, dt: float, batch: int, seeds: Seeds) -> Plan:
    plan = Plan(dt=dt, batch=batch)
    # connectivity first: the delays fix each target's ring depth
    wiring = [realize_wiring(proj, dt, seeds.structure) for proj in net.projections]
    depth = {pop.name: 2 for pop in net.populations}
    for proj, (pre, _post, delay) in zip(net.projections, wiring):
        if pre.size:
            depth[proj.post.name] = max(depth[proj.post.name], int(delay.max()) + 1)
    for index, pop in enumerate(net.populations):
        if isinstance(pop.model, NeuronModel):
            group = lower_lif(pop, dt, batch, seeds, depth[pop.name])
        elif isinstance(pop.model, Poisson):
            group = lower_poisson(pop, dt, batch, seeds)
        else:
            group = lower_spike_times(pop, dt)
        group.update(name=pop.name, size=pop.size, batch=batch,
                     stream=index * STREAMS_PER_POPULATION,
                     key_lo=seeds.key_lo, key_hi=seeds.key_hi, instance=seeds.instance)
        plan.groups[pop.name] = group
    for proj, pairs in zip(net.projections, wiring):
        plan.synapses.append(lower_projection(proj, pairs, dt, batch, seeds))
    plan.nbytes = sum(a.nbytes for d in [*plan.groups.values(), *plan.synapses]
                      for a in d.values() if isinstance(a, np.ndarray))
    return plan


def realize_wiring(proj: Projection, dt: float, rng) -> tuple:
    """(pre, post, delay in steps) of every synapse, in connector order."""
    pre, post = proj.connector.pairs(proj.pre.size, proj.post.size, proj.pre is proj.post, rng)
    return pre, post, delay_steps(proj, pre.size, dt, rng)


def delay_steps(proj: Projection, n: int, dt: float, rng) -> np.ndarray:
    if proj.delay is None:
        return np.ones(n, np.int64)
    delay_ms = per_synapse("Projection.delay", proj.delay, n, rng)
    if n and delay_ms.min() < dt * (1 - 1e-9):
        fail("Projection.delay", float(delay_ms.min()), f"must be >= dt = {dt} ms (one step); "
             f"projection {proj.pre.name} -> {proj.post.name}")
    return np.maximum(np.round(delay_ms / dt), 1).astype(np.int64)


def per_synapse(name: str, value, n: int, rng) -> np.ndarray:
    arr = realize(value, rng, (n,))
    if arr.ndim == 0:
        return np.full(n, float(arr))
    if arr.shape != (n,):
        fail(name, arr, f"must be a scalar, a distribution or one value per synapse ({n})")
    if not np.all(np.isfinite(arr)):
        fail(name, float(arr[~np.isfinite(arr)][0]), "must be finite (no NaN or infinity)")
    return arr


def lower_projection(proj: Projection, wiring: tuple, dt: float, batch: int, seeds: Seeds) -> dict:
    pre, post, delay = wiring
    weight = per_synapse("Projection.weight", proj.weight, pre.size, seeds.structure)
    if proj.post.model.synapse == "cond_exp" and weight.size and weight.min() < 0:
        fail("Projection.weight", float(weight.min()), "must be >= 0 for conductance-based "
             f"synapses (uS); projection {proj.pre.name} -> {proj.post.name}")
    table = build_table(proj.pre.size, proj.post.size, pre, post, weight, delay)
    delays = np.unique(table.delay)
    syn = dict(pre=proj.pre.name, post=proj.post.name, receptor=proj.receptor,
               n_pre=proj.pre.size, n_post=proj.post.size, n_synapses=table.size,
               row_ptr=table.row_ptr, post_index=table.post, delay=table.delay,
               uniform_delay=int(delays[0]) if delays.size == 1 else 0,
               plastic=proj.plasticity is not None, weight=table.weight)
    rule = proj.plasticity
    if rule is not None:
        if weight.size and (weight.min() < rule.w_min or weight.max() > rule.w_max):
            fail("Projection.weight", float(weight.min() if weight.min() < rule.w_min else weight.max()),
                 f"must lie within the STDP bounds [{rule.w_min}, {rule.w_max}]")
        syn.update(weight=np.tile(table.weight, (batch, 1)), pre_index=table.pre,
                   col_ptr=table.col_ptr, col_syn=table.col_syn,
                   trace_pre=np.zeros((batch, proj.pre.size)),
                   trace_post=np.zeros((batch, proj.post.size)),
                   decay_plus=np.exp(-dt / rule.tau_plus), decay_minus=np.exp(-dt / rule.tau_minus),
                   A_plus=rule.A_plus, A_minus=rule.A_minus, w_min=rule.w_min, w_max=rule.w_max,
                   multiplicative=rule.weight_dependence == "multiplicative",
                   nearest=rule.pairing == "nearest")
    return syn


def lower_lif(pop: Population, dt: float, batch: int, seeds: Seeds, ring_depth: int) -> dict:
    model, n = pop.model, pop.size
    p = {}
    for name in model.defaults:
        value = model.params[name]
        if isinstance(value, Distribution):
            value = value.sample(seeds.structure, (n,))
            model._check(name, value)
        p[name] = broadcast_per_neuron(f"{type(model).__name__}.{name}", value, n, batch)
    tau_m = p["tau_m"] if model.leaky else np.full_like(p["cm"], np.inf)
    decay_m = np.exp(-dt / tau_m)
    g = dict(kind="lif", synapse=model.synapse, method=model.method, leaky=model.leaky,
             adaptive=bool(np.any(p["d_theta"] != 0)), noisy=bool(np.any(p["noise_sigma"] != 0)),
             biased=bool(np.any(p["i_offset"] != 0)),
             ring_depth=ring_depth, dt=dt)
    g.update(v_rest=p["v_rest"], v_reset=p["v_reset"], v_thresh=p["v_thresh"],
             i_offset=p["i_offset"], cm=p["cm"], decay_m=decay_m,
             dt_over_tau_m=dt / tau_m, dt_over_cm=dt / p["cm"], r_m=tau_m / p["cm"],
             refrac_steps=np.round(p["tau_refrac"] / dt).astype(np.int32),
             d_theta=p["d_theta"], decay_theta=np.exp(-dt / p["tau_theta"]))
    if model.method == "exact":
        g["noise_std"] = p["noise_sigma"] * np.sqrt(-np.expm1(-2 * dt / tau_m))
    else:
        g["noise_std"] = p["noise_sigma"] * np.sqrt(2 * dt / tau_m)
    if model.synapse != "delta":
        g["decay_syn"] = np.stack([np.exp(-dt / p["tau_syn_E"]), np.exp(-dt / p["tau_syn_I"])])
    if model.synapse == "cond_exp":
        g["e_rev"] = np.stack([p["e_rev_E"], p["e_rev_I"]])
        g["g_leak"] = p["cm"] / p["tau_m"]
    init = {"v": p["v_rest"], "syn_E": 0.0, "syn_I": 0.0, "theta": 0.0}
    init.update(pop.initial)
    g["v"] = seeds.initial(init["v"], batch, n)
    g["syn"] = np.stack([seeds.initial(init["syn_E"], batch, n), seeds.initial(init["syn_I"], batch, n)])
    g["theta"] = seeds.initial(init["theta"], batch, n)
    g["refrac"] = np.zeros((batch, n), np.int32)
    g["ring"] = np.zeros((ring_depth, 2, batch * n))
    # a clamped (refractory) neuron sits at v_reset: if that is below every threshold it
    # reaches, the refractory mask need not be applied to the threshold test again
    g["reset_below_threshold"] = bool(np.all(p["v_reset"] < p["v_thresh"]) and np.all(g["theta"] >= 0)
                                      and np.all(p["d_theta"] >= 0))
    return g


def lower_poisson(pop: Population, dt: float, batch: int, seeds: Seeds) -> dict:
    rate = pop.model.rate
    if isinstance(rate, Distribution):
        rate = np.maximum(rate.sample(seeds.structure, (pop.size,)), 0.0)
    rate = broadcast_per_neuron("Poisson.rate", rate, pop.size, batch)
    return dict(kind="poisson", dt=dt, rate_hz=rate, spike_probability=np.minimum(rate * dt / 1000.0, 1.0),
                purpose=POISSON)


def lower_spike_times(pop: Population, dt: float) -> dict:
    step, neuron = pop.model.events(dt)
    return dict(kind="spike_times", dt=dt, event_step=step, event_neuron=neuron)


