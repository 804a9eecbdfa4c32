"""Synapse models on the device backends (kernels/synapse.c with the generated event
code) against the NumPy specification, bit for bit: the library, neuron variables read
by the event code, values set between runs, postsynaptic event delays."""

import numpy as np
import pytest

import snnkit as sk
from snnkit.modeling.synapse_library import Tsodyks2Synapse
from snnkit.modeling.synapse_model import SynapseModel

from .test_synapse_models import COUNTER, PARROT, SEEN, device_library


READS = SynapseModel("v_seen : mV\nrise : mV", on_pre="v_seen = v_pre; delivered = w*int(v_post > -66*mV)",
                     on_post="rise = v_post - v_pre", name="reads")


@pytest.mark.parametrize("model, post_event_delay", [("SEEN", None), ("READS", None), ("SEEN", 0.0),
                                                     ("READS", sk.Uniform(0.0, 1.0))])
def test_event_code_reading_neuron_variables_on_device_equals_numpy(plain_device, model, post_event_delay):
    """v_pre and v_post read by on_pre and on_post (kernels/synapse.c: copied after the
    neurons' step), float32, batch 2, on_post after the dendritic delay or post_event_delay
    (0: the spike's step; random): the same values as the NumPy specification."""
    def run(backend):
        net = sk.Network(seed=4)
        pre = net.population(6, sk.Poisson(rate=np.array([[40.0], [70.0]])), name="pre")
        relay = net.population(6, sk.LIF(tau_m=10.0, v_thresh=-60.0), name="relay")
        cell = net.population(4, sk.LIF(tau_m=15.0, v_thresh=-62.0), name="cell")
        net.connect(pre, relay, sk.OneToOne(), weight=3.0, delay=0.5)
        net.connect(pre, cell, sk.FixedProbability(0.6), weight=1.5, delay=1.0)
        proj = net.connect(relay, cell, sk.AllToAll(), weight=0.3, delay=sk.Uniform(0.5, 2.0),
                           synapse=SEEN if model == "SEEN" else READS, post_event_delay=post_event_delay)
        sim = sk.Simulator(net, backend=backend, batch=2, seed=1).run(100.0, progress=False)
        return {x: sim.synapse_values(proj, x) for x in proj.synapse_bound.variables}, sim.state("cell", "v")
    ours, spec = run(plain_device), run("numpy")
    assert np.array_equal(ours[1], spec[1])
    for x in spec[0]:
        assert np.array_equal(ours[0][x], spec[0][x]), x
    assert np.any(spec[0]["v_at_pre" if model == "SEEN" else "v_seen"] != 0)




@pytest.mark.parametrize("delays", ["random", "uniform"])
@pytest.mark.parametrize("name", sorted(device_library()))
def test_library_synapses_on_device_equal_numpy(device, name, batch, delays):
    """kernels/synapse.c with the generated event code against the NumPy specification,
    float32, per-instance Poisson input, random delays (0.5-3 ms, all dendritic), the
    postsynaptic neurons driven to spike: what arrives (the target's accumulated input),
    every synapse variable and the weights, bit for bit; then reset_state and a second run."""
    if batch == 1 and name != "STDPSynapse":
        pytest.skip("batch 1: one model (batch 3: every model)")
    if callable(device) and name not in ("STDPSynapse", "SimpleStochasticSynapse"):
        pytest.skip("the device variants (shared rows, device clock): two models")
    if delays == "uniform" and (batch == 1 or name not in ("STDPSynapse", "TsodyksSynapse", "TripletSTDPSynapse")):
        pytest.skip("one delay (traces held per neuron on both sides): three models at batch 3")
    rule, weight = device_library()[name]

    def run(backend):
        if callable(backend):
            backend = backend("float32")
        net = sk.Network(seed=2)
        rates = np.array([[30.0], [50.0], [80.0]])[:batch]
        source = net.population(20, sk.Poisson(rate=rates), name="source")
        drive = net.population(5, sk.Poisson(rate=40.0), name="drive")
        post = net.population(5, PARROT, name="post")
        net.connect(drive, post, sk.OneToOne(), weight=1.0, delay=1.0, receptor="drive")
        delay = sk.Uniform(0.5, 3.0) if delays == "random" else 1.5
        proj = net.connect(source, post, sk.FixedProbability(0.5), weight=weight, delay=delay,
                           receptor="plastic", synapse=rule)
        net.record(post, "y")
        sim = sk.Simulator(net, backend=backend, batch=batch, seed=5).run(150.0, progress=False)
        assert bool(sim.synapses[-1]["layout"].state["post"]) == (delays == "uniform" and name != "TsodyksSynapse")
        first = {x: sim.synapse_values(proj, x) for x in list(proj.synapse_bound.variables) + ["w"]}
        sim.reset_state()
        sim.run(100.0, progress=False)
        return sim.results.traces["post"]["y"].data, first, sim.synapse_values(proj, "w")
    ours, spec = run(device), run("numpy")
    assert spec[0][-1].sum() > 0
    assert np.array_equal(ours[0], spec[0])
    for x in spec[1]:
        assert np.array_equal(ours[1][x], spec[1][x]), x
    assert np.array_equal(ours[2], spec[2])


@pytest.mark.parametrize("per_neuron", [False, True])
def test_synapse_values_are_set_on_device(plain_device, per_neuron):
    """set_synapse_values between runs, per synapse or (held per presynaptic neuron) per
    neuron: the device runs on from them as the NumPy specification does."""
    net = sk.Network()
    source = net.population(1, sk.SpikeTimes([[5.0, 10.0]]), name="source")
    cell = net.population(1, COUNTER, name="cell")
    proj = net.connect(source, cell, sk.FromList([0, 0], [0, 0]), weight=np.array([1.0, 3.0]),
                       synapse=Tsodyks2Synapse(tau_rec=50.0).held(per_neuron=per_neuron))
    sims = [sk.Simulator(net, backend=b, batch=2).run(7.0) for b in (plain_device, "numpy")]
    x = np.array([[0.2, 0.2], [0.6, 0.6]]) if per_neuron else np.array([[0.2, 0.4], [0.6, 0.8]])
    for sim in sims:
        assert bool(sim.synapses[0]["layout"].state["pre"]) == per_neuron
        sim.set_synapse_values(proj, "x", x)
        sim.run(10.0)
    assert np.array_equal(sims[0].state("cell", "v"), sims[1].state("cell", "v"))
    assert np.array_equal(sims[0].synapse_values(proj, "x"), sims[1].synapse_values(proj, "x"))
