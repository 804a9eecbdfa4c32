"""Procedural projections (Projection(procedural=True)): nothing stored per synapse, the
spiking rows drawn again each step; the same synapses and the same spikes as the
stored projection, on every backend."""

from __future__ import annotations

import numpy as np
import pytest

import snnkit as sk
from snnkit import distributions as dist

RULES = {"total": sk.FixedTotalNumber(6000), "probability": sk.FixedProbability(0.1),
         "all_to_all": sk.AllToAll(), "one_to_one": sk.OneToOne()}


def network(connector, procedural: bool):
    net = sk.Network(seed=3)
    src = net.population(300, sk.Poisson(rate=20.0), name="src")
    exc = net.population(300 if isinstance(connector, sk.OneToOne) else 200, sk.LIFCurrExp(), name="exc")
    weight = 3.0 if isinstance(connector, sk.OneToOne) else dist.NormalClipped(0.6, 0.2, low=0.0)
    net.connect(src, exc, connector, weight=weight, delay=dist.NormalClipped(1.5, 0.75, low=0.1),
                procedural=procedural)
    net.connect(exc, exc, sk.FixedProbability(0.05, allow_self=False), weight=dist.Uniform(-0.4, 0.0), delay=1.0,
                receptor="inhibitory", procedural=procedural)
    net.record(exc, "spikes")
    return net


@pytest.mark.parametrize("rule", sorted(RULES))
def test_procedural_spikes_as_stored(backend, rule, batch):
    """float64: the device's atomic additions then round alike in practice (feedforward
    drive; tests/test_cross_backend.py says why float32 sums may differ in the last bit)."""
    spikes = []
    for procedural in (False, True):
        net = network(RULES[rule], procedural)
        sim = sk.Simulator(net, backend=backend, seed=4, batch=batch, dtype="float64").run(200.0, progress=False)
        spikes.append(sim.results.spikes["exc"])
        if procedural:
            assert all(s.get("procedural") for s in sim.plan.synapses)
            assert all("weight" not in s and "post_index" not in s for s in sim.synapses)
    assert spikes[0].times.size > 100
    for field in ("times", "node_ids", "instances"):
        np.testing.assert_array_equal(getattr(spikes[0], field), getattr(spikes[1], field))


def test_procedural_synapses_read_as_stored(backend):
    stored, procedural = (sk.Simulator(network(RULES["total"], p), backend=backend, seed=4) for p in (False, True))
    for a, b in zip(stored.network.projections, procedural.network.projections):
        for x, y in zip(stored.weights(a), procedural.weights(b)):
            np.testing.assert_array_equal(x, y)
    report = procedural.storage()
    assert report[0]["synapses"] == 6000 and report[0]["bytes_per_synapse"] < 1.0
    with pytest.raises(sk.SnnkitValueError, match="procedural"):
        procedural.set_weights(procedural.network.projections[0], 0.1)


@pytest.mark.parametrize("make", [
    lambda a, b: dict(connector=sk.FixedInDegree(5)),
    lambda a, b: dict(connector=sk.FixedProbability(0.1), weight=np.ones(3)),
    lambda a, b: dict(connector=sk.FixedProbability(0.1), delay=dist.Normal(1.0, 0.5)),
    lambda a, b: dict(connector=sk.FixedProbability(0.1), plasticity=sk.STDP()),
])
def test_what_cannot_be_procedural_is_refused_before_any_work(make):
    net = sk.Network(seed=1)
    a = net.population(10, sk.Poisson(rate=5.0), name="a")
    b = net.population(10, sk.LIFCurrExp(), name="b")
    kwargs = dict(weight=0.1)
    kwargs.update(make(a, b))
    net.connect(a, b, kwargs.pop("connector"), procedural=True, **kwargs)
    with pytest.raises(sk.SnnkitValueError, match="procedural"):
        sk.Simulator(net, backend="numpy")
