"""Monitors of synapse variables (Monitor(projection, "w" or a synapse variable)): every
sample equals what Simulator.synapse_values / weights reads after that many steps, for
weights changed by a synapse model or by sk.STDP, variables held per synapse and per
neuron, constant weights; on every backend; in the HDF5 output."""

import numpy as np
import pytest

import snnkit as sk
from snnkit.modeling.synapse_library import PairSTDPSynapse
from snnkit.modeling.synapse_model import SynapseModel

from .test_synapse_models import PARROT

# count: only on_pre assigns it, from itself -> held per presynaptic neuron when every
# synapse of the projection has one delay; seen: per synapse (it reads w)
COUNTS = SynapseModel("count : 1\nseen : 1", on_pre="count += 1; seen = w + count; w = w * 0.99",
                      name="counts")
PICKED = [0, 3, 7, 11]


def network(kind: str, delay):
    net = sk.Network(seed=3)
    source = net.population(12, sk.Poisson(rate=np.array([[80.0], [40.0]])), name="source")
    drive = net.population(4, sk.Poisson(rate=50.0), name="drive")
    post = net.population(4, PARROT, name="post")
    net.connect(drive, post, sk.OneToOne(), weight=1.0, delay=1.0, receptor="drive")
    if kind == "stdp":
        proj = net.connect(source, post, sk.FixedProbability(0.6), weight=0.5, delay=delay, receptor="plastic",
                           synapse=PairSTDPSynapse(sk.STDP(A_minus=0.02)), name="plastic")
        names = ["w"]
    elif kind == "counts":
        proj = net.connect(source, post, sk.FixedProbability(0.6), weight=0.5, delay=delay, receptor="plastic",
                           synapse=COUNTS)
        names = ["w", "count", "seen"]
    else:                                          # static weights
        proj = net.connect(source, post, sk.FixedProbability(0.6), weight=sk.Uniform(0.1, 0.9), delay=delay,
                           receptor="plastic")
        names = ["w"]
    for x in names:
        net.record(proj, x, indices=PICKED, every=2)
    return net, proj, names


def read(sim, proj, x):
    if x == "w" and proj.synapse is None:
        return np.broadcast_to(sim.weights(proj)[2], (sim.batch, len(sim.weights(proj)[2])))
    return sim.synapse_values(proj, x)


@pytest.mark.parametrize("kind, delay", [("stdp", 1.0), ("counts", 1.0), ("counts", sk.Uniform(0.5, 2.0)),
                                         ("static", 1.0)])
def test_samples_equal_the_values_read_after_as_many_steps(kind, delay):
    net, proj, names = network(kind, delay)
    sim = sk.Simulator(net, batch=2, seed=5, dtype="float64").run(30.0, progress=False)
    name = "plastic" if kind == "stdp" else "source_to_post"
    traces = sim.results.traces[name]
    net2, proj2, _ = network(kind, delay)
    stepped = sk.Simulator(net2, batch=2, seed=5, dtype="float64")
    assert traces[names[0]].data.shape == (150, 2, len(PICKED))
    for row in range(150):
        stepped.run(0.2, progress=False)
        for x in names:
            assert np.array_equal(traces[x].data[row], read(stepped, proj2, x)[:, PICKED]), (x, row)
    assert np.allclose(traces[names[0]].times, 0.2 * (1 + np.arange(150)))
    assert traces["w"].node_ids.tolist() == PICKED
    if kind != "static":
        changed = traces[names[-1]].data
        assert not np.array_equal(changed[0], changed[-1])         # the events changed what is recorded
    if kind == "counts" and delay == 1.0:
        assert sim.synapses[-1]["layout"].holder["count"] == "pre"


def test_hand_written_stdp_weights_are_recorded_per_instance():
    net = sk.Network(seed=1)
    source = net.population(10, sk.Poisson(rate=np.array([[60.0], [20.0]])), name="source")
    cell = net.population(3, sk.LIF(tau_m=10.0, v_thresh=-62.0), name="cell")
    proj = net.connect(source, cell, sk.AllToAll(), weight=0.8, plasticity=sk.STDP(w_max=2.0))
    net.record(proj, "w")
    sim = sk.Simulator(net, batch=2, seed=2, dtype="float64").run(100.0, progress=False)
    data = sim.results.traces["source_to_cell"]["w"].data
    assert data.shape == (1000, 2, 30) and data.dtype == np.float64
    assert np.array_equal(data[-1], sim.weights(proj)[2])
    assert not np.array_equal(data[-1, 0], data[-1, 1])


def test_projection_samples_in_the_hdf5_file(tmp_path):
    net, proj, names = network("counts", 1.0)
    sim = sk.Simulator(net, batch=2, seed=5, dtype="float64", output=tmp_path / "run.h5")
    sim.run(10.0, progress=False)
    loaded = sk.load(tmp_path / "run.h5")
    for x in names:
        trace = loaded.traces["source_to_post"][x]
        assert trace.data.shape == (50, 2, len(PICKED)) and trace.node_ids.tolist() == PICKED
    assert np.array_equal(loaded.traces["source_to_post"]["count"].data[-1],
                          sim.synapse_values(proj, "count")[:, PICKED])


def test_bad_projection_monitors_are_refused_naming_the_parameter():
    net, proj, _ = network("stdp", 1.0)
    with pytest.raises(ValueError, match="Monitor.variable.*'x'.*synapse_values"):
        sk.Monitor(proj, "x")
    with pytest.raises(ValueError, match="Monitor.variable"):
        sk.Monitor(proj, "v")
    net.record(proj, "w", indices=[10_000])
    with pytest.raises(ValueError, match=r"Monitor.indices.*10000.*source -> post"):
        sk.Simulator(net, batch=2, dtype="float64")


def test_projection_samples_on_the_device_equal_numpy(plain_device):
    def run(backend):
        net, proj, names = network("counts", sk.Uniform(0.5, 2.0))
        sim = sk.Simulator(net, batch=2, seed=5, backend=backend, dtype="float32").run(20.0, progress=False)
        return {x: sim.results.traces["source_to_post"][x].data for x in names}
    reference, device = run("numpy"), run(plain_device)
    for x, data in reference.items():
        assert np.array_equal(device[x], data), x
