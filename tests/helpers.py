"""Small builders shared by the tests."""

import tracemalloc

import numpy as np

import snnkit as sk


def run(net, backend, duration, **kwargs):
    kwargs.setdefault("seed", 1)
    return sk.Simulator(net, backend=backend, **kwargs).run(duration, progress=False)


def single(model, backend, duration, v0=None, record_v=False, **kwargs):
    """One population of ``model``; returns (results, simulator)."""
    net = sk.Network()
    pop = net.population(kwargs.pop("n", 1), model, name="n")
    if v0 is not None:
        pop.initialize(v=v0)
    net.record(pop, "spikes")
    if record_v:
        net.record(pop, "v")
    sim = run(net, backend, duration, **kwargs)
    return sim.results, sim


def spike_steps(results, pop="n", instance=0, neuron=0, dt=0.1):
    times, ids = results.spikes[pop].of_instance(instance)
    return np.round(times[ids == neuron] / dt).astype(int)


def traced(make) -> tuple[int, int]:
    """(bytes still held while make()'s result lives, peak bytes) that make() allocated,
    as tracemalloc counts them (NumPy arrays included, device buffers not)."""
    tracemalloc.start()
    try:
        result = make()
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return kept, peak
