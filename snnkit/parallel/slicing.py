"""A rank's share of a lowered network: its neurons' columns of each group, the part
of each projection's wiring that ends on them, and the features partitioning rejects."""

from __future__ import annotations

import numpy as np

from ..validation import fail

PER_INSTANCE = {"key_lo", "key_hi", "instance"}        # (B,): not per neuron
EVENT_LISTS = {"event_step", "event_neuron"}           # a SpikeTimes group's sorted events


def slice_neuron_arrays(value, n: int, cols: np.ndarray):
    """Every array whose last axis runs over a group's ``n`` neurons, cut to ``cols``
    (nested dicts too: an equation group's arrays and state)."""
    if isinstance(value, dict):
        return {k: (v if k in PER_INSTANCE else slice_neuron_arrays(v, n, cols)) for k, v in value.items()}
    if isinstance(value, np.ndarray) and value.ndim and value.shape[-1] == n:
        return np.ascontiguousarray(value[..., cols])
    return value


def slice_group(group: dict, cols: np.ndarray) -> dict:
    """The columns ``cols`` (sorted global group indices) of a lowered group: what the rank
    steps. Per-neuron arrays are cut, the delay ring is made for the local size, a
    SpikeTimes group keeps the events of its own neurons (renumbered)."""
    n, local = group["size"], int(cols.size)
    out = {}
    for key, value in group.items():
        if key in PER_INSTANCE or key in EVENT_LISTS or key == "ring":
            out[key] = value
        else:
            out[key] = slice_neuron_arrays(value, n, cols)
    if "ring" in group:
        ring = group["ring"]
        out["ring"] = np.zeros((ring.shape[0], ring.shape[1], group["batch"] * local), ring.dtype)
    if group["kind"] == "spike_times":
        position = np.full(n, -1, np.int64)
        position[cols] = np.arange(local)
        keep = position[group["event_neuron"]] >= 0
        out["event_step"] = group["event_step"][keep]
        out["event_neuron"] = position[group["event_neuron"][keep]]
    out.update(size=local, global_size=n, global_columns=cols)
    return out


def restrict_wiring(wiring, lo: int, hi: int):
    """The synapses of a Wiring onto posts [lo, hi), posts renumbered from lo (connector
    order kept: a rank's table is the single-process table's synapses onto its neurons,
    in the same order)."""
    from ..lower_synapses import Wiring
    keep = (wiring.post >= lo) & (wiring.post < hi)

    def cut(a):
        return a if a is None or np.ndim(a) == 0 else a[keep]
    return Wiring(wiring.pre[keep], wiring.post[keep] - lo, cut(wiring.weight), cut(wiring.delay_ms), wiring.dt)


def check_partitionable(net) -> None:
    """Fail, before any work, on what a partitioned run does not support yet."""
    from ..sources import Poisson
    why = None
    for proj in net.projections:
        if proj.synapse is not None:
            why = f"projection {proj.pre.name} -> {proj.post.name} has a synapse model (it reads presynaptic state)"
        elif proj.procedural:
            why = f"projection {proj.pre.name} -> {proj.post.name} is procedural"
    for pop in net.populations:
        if pop.scheduled:
            why = f"population {pop.name} has scheduled parameter changes"
        if isinstance(pop.model, Poisson) and (getattr(pop.model, "windowed", False)
                                               or type(pop.model).__name__ != "Poisson"):
            why = f"population {pop.name} is a Poisson source with a window or a time-varying rate"
    if net.injections:
        why = "the network injects currents (Network.inject)"
    if why:
        fail("comm", "mpi", f"a partitioned (MPI) run does not support this yet: {why}")
