"""Summed variables of synapse models (SynapseModel(summed=...), Brian2's (summed)): gap
junctions against a hand-written Euler loop with the same semantics (the sum over each
neuron's synapses from the values the last step left, before any update), on every
backend bit for bit against NumPy, into part of a group, and the errors."""

import numpy as np
import pytest

import snnkit as sk
from snnkit.modeling import EquationModel, ModelError
from snnkit.modeling.synapse_model import SynapseModel

CELL = EquationModel("""
    dv/dt = (drive + I_gap - v) / (10*ms) : mV
    I_gap : mV
    drive : mV
""", threshold="v > 15*mV", reset="v = 0*mV", receptors={"in": "v += q"}, weight_symbol="q", method="euler",
    name="cell")
GAP = SynapseModel("", on_pre="delivered = 0*w", summed={"I_gap": "w*(v_pre - v_post)/mV"}, name="gap")
PRE = np.array([0, 1, 1, 2, 3, 4, 0])
POST = np.array([1, 0, 2, 1, 4, 3, 4])
W = np.array([0.3, 0.3, 0.2, 0.2, 0.5, 0.5, 0.1])
V0, DRIVE = np.linspace(0, 12, 5), np.array([20.0, 12, 8, 14, 5])


def run(backend="numpy", dtype="float64", steps=500):
    net = sk.Network(seed=1)
    pop = net.population(5, CELL, name="cells")
    pop.initialize(v=V0, drive=DRIVE)
    net.connect(pop, pop, sk.FromList(PRE, POST), weight=W, synapse=GAP)
    net.record(pop, "v")
    net.record(pop, "I_gap")
    net.record(pop, "spikes")
    res = sk.Simulator(net, backend=backend, dtype=dtype).run(steps * 0.1, progress=False).results
    return res.traces["cells"]["v"].data[:, 0], res.traces["cells"]["I_gap"].data[:, 0], res.spikes["cells"]


def test_gap_junctions_equal_a_hand_written_loop():
    v_out, gap_out, spikes = run()
    v, trace_v, trace_gap = V0.copy(), [], []
    for _ in range(500):
        gap = np.zeros(5)
        np.add.at(gap, POST, W * (v[PRE] - v[POST]))
        v = v + 0.1 * (DRIVE + gap - v) / 10.0
        v = np.where(v > 15.0, 0.0, v)
        trace_v.append(v)
        trace_gap.append(gap)
    np.testing.assert_allclose(v_out, trace_v, rtol=0, atol=1e-10)
    np.testing.assert_allclose(gap_out, trace_gap, rtol=0, atol=1e-10)
    assert spikes.times.size >= 3 and np.ptp(gap_out) > 1.0


def test_summed_on_the_device_equals_numpy(plain_device):
    reference, device = run("numpy", "float32"), run(plain_device, "float32")
    for a, b in zip(reference[:2], device[:2]):
        np.testing.assert_array_equal(a, b)


def test_summed_sets_only_the_projections_postsynaptic_neurons():
    """Two populations of one group: the sum replaces I_gap of the target population only."""
    net = sk.Network(seed=1)
    a = net.population(3, CELL, name="a")
    b = net.population(2, CELL, name="b")
    a.initialize(v=[1.0, 2.0, 3.0], I_gap=7.0)
    b.initialize(v=[5.0, 9.0], I_gap=7.0)
    net.connect(a, b, sk.FromList([0, 2], [1, 1]), weight=0.5, synapse=GAP)
    sim = sk.Simulator(net, dtype="float64").run(0.1, progress=False)
    assert sim.state(a, "I_gap")[0].tolist() == [7.0, 7.0, 7.0]
    assert sim.state(b, "I_gap")[0].tolist() == [0.0, 0.5 * (1.0 - 9.0) + 0.5 * (3.0 - 9.0)]


def test_bad_summed_variables_are_refused():
    net = sk.Network()
    pop = net.population(2, CELL, name="cells")
    with pytest.raises(ModelError, match="summed.*'u' is not a variable of the postsynaptic"):
        net.connect(pop, pop, sk.AllToAll(), synapse=SynapseModel("", summed={"u": "w"}))
    with pytest.raises(ModelError, match="summed.*is in mV.*I_gap.*in mV"):
        net.connect(pop, pop, sk.AllToAll(), synapse=SynapseModel("", summed={"I_gap": "w*v_pre"}))
    with pytest.raises(ModelError, match="event-driven 'x'"):
        net.connect(pop, pop, sk.AllToAll(), synapse=SynapseModel(
            "dx/dt = -x/(5*ms) : 1 (event-driven)", on_pre="x += 1", summed={"I_gap": "x*mV"}))
    net.connect(pop, pop, sk.AllToAll(), synapse=GAP)
    net.connect(pop, pop, sk.OneToOne(), synapse=GAP)
    with pytest.raises(ValueError, match="SynapseModel.summed.*I_gap.*one projection per neuron"):
        sk.Simulator(net)
