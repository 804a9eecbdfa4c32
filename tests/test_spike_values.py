"""Values recorded at spikes (Monitor(pop, "spikes", values=[...])): each spike's value
is the variable as the spike's step left it, i.e. the state sampled at the end of that
step; on every backend, per batch instance, for a subset of neurons, in the HDF5 file."""

import numpy as np
import pytest

import snnkit as sk
from snnkit.modeling import EquationModel

# an adapting neuron: the reset raises w, so w at a spike counts that neuron's spikes
ADAPTING = EquationModel("""
    dv/dt = (drive - v - w) / (10*ms) : mV
    dw/dt = -w / (50*ms) : mV
    drive : mV
""", threshold="v > 10*mV", reset="v = 0*mV; w += 2*mV", receptors={"in": "v += q"}, weight_symbol="q",
    method="euler", name="adapting")


def network(values=("w", "v"), indices=None):
    net = sk.Network(seed=4)
    pop = net.population(6, ADAPTING, name="cells")
    pop.initialize(v=np.linspace(0.0, 9.0, 6), drive=np.linspace(12.0, 30.0, 6))
    source = net.population(6, sk.Poisson(rate=np.array([[200.0], [50.0]])), name="source")
    net.connect(source, pop, sk.OneToOne(), weight=3.0, delay=1.0)
    net.record(pop, "spikes", indices=indices, values=list(values))
    net.record(pop, "w")
    net.record(pop, "v")
    return net


def check_against_traces(res, values=("w", "v"), indices=None):
    sp = res.spikes["cells"]
    assert sp.times.size > 20 and set(sp.values) == set(values)
    steps = np.round(sp.times / 0.1).astype(int)
    for x in values:
        trace = res.traces["cells"][x].data                 # row k: the end of step k
        np.testing.assert_array_equal(sp.values[x], trace[steps, sp.instances, sp.node_ids])
    if indices is not None:
        assert set(np.unique(sp.node_ids)) <= set(indices)


def test_values_at_spikes_are_the_state_the_step_left(backend):
    res = sk.Simulator(network(), batch=2, seed=1, backend=backend, dtype="float64").run(200.0, progress=False).results
    check_against_traces(res)
    sp = res.spikes["cells"]
    assert np.all(sp.values["v"] == 0.0)                      # after the reset
    assert not np.array_equal(*[sp.counts()[b] for b in (0, 1)])


def test_values_at_spikes_of_some_neurons_in_the_hdf5_file(tmp_path):
    sim = sk.Simulator(network(values=["w"], indices=[1, 4]), batch=2, seed=1, dtype="float64",
                       output=tmp_path / "run.h5")
    sim.run(120.0, progress=False)
    sim.run(80.0, progress=False)
    res = sk.load(tmp_path / "run.h5")
    check_against_traces(res, values=("w",), indices=[1, 4])


def test_device_values_at_spikes_equal_numpy(plain_device):
    def run(backend):
        sim = sk.Simulator(network(), batch=2, seed=1, backend=backend, dtype="float32")
        return sim.run(150.0, progress=False).results.spikes["cells"]
    a, b = run("numpy"), run(plain_device)
    np.testing.assert_array_equal(a.times, b.times)
    for x in ("w", "v"):
        np.testing.assert_array_equal(a.values[x], b.values[x])


def test_bad_values_are_refused_naming_the_parameter():
    net = sk.Network()
    pop = net.population(2, ADAPTING, name="cells")
    with pytest.raises(ValueError, match="Monitor.values.*'u'.*v, w"):
        net.record(pop, "spikes", values=["u"])
    with pytest.raises(ValueError, match="Monitor.values"):
        net.record(pop, "v", values=["w"])
