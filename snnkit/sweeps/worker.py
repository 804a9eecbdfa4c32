"""What a worker runs: one batch of sweep points as ONE batched Simulator."""

from __future__ import annotations

import numpy as np

from ..model import Network
from ..validation import fail


def build_network(factory, names: list, values: np.ndarray, structure_seed: int) -> Network:
    """The factory's network for a batch of points: each parameter an array (B,), one
    value per batch instance. A network without its own seed gets ``structure_seed``,
    so every batch has the same connectivity."""
    network = factory(**{name: values[:, j].copy() for j, name in enumerate(names)})
    if not isinstance(network, Network):
        fail("network_factory", factory, f"must return an snnkit.Network, not {type(network).__name__}")
    if network.seed is None:
        network.seed = structure_seed
    return network


def run_batch(factory, names: list, values: np.ndarray, seeds: np.ndarray, duration_ms: float,
              structure_seed: int, simulator_options: dict, measure=None) -> dict:
    """Run points ``values`` (B, k) with instance b seeded by ``seeds[b]`` (so that it
    equals a batch-1 run of that point with that seed). Returns host arrays with the
    batch first: "rates/<population>" (B,) Hz over the recorded neurons,
    "counts/<population>" (B, N) spikes per neuron, and "measures/<name>" from
    ``measure(simulator)``."""
    from ..simulator import Simulator
    network = build_network(factory, names, values, structure_seed)
    batch = len(seeds)
    sim = Simulator(network, batch=batch, seed=[int(s) for s in seeds], **simulator_options)
    sim.run(duration_ms, progress=False)
    out = {}
    for name, spikes in sim.results.spikes.items():
        out[f"counts/{name}"] = spikes.counts(batch)
        out[f"rates/{name}"] = np.atleast_1d(np.asarray(sim.results.rate(name), dtype=float)).reshape(batch)
    if measure is not None:
        for name, value in dict(measure(sim)).items():
            value = np.asarray(value)
            if value.ndim == 0 or value.shape[0] != batch:
                fail(f"measure()[{name!r}]", value.shape, f"must be an array with one row per instance ({batch})")
            out[f"measures/{name}"] = value
    return out
