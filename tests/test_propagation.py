"""Spike propagation: delays of one and many steps, summed weights, receptors, delta synapses."""

import numpy as np

import snnkit as sk

from .helpers import run

DT = 0.1


def test_heterogeneous_delays_arrive_on_their_step(backend, batch):
    net = sk.Network()
    src = net.population(1, sk.SpikeTimes([[0.3]]), name="src")         # spikes in step 3
    tgt = net.population(3, sk.IF(v_thresh=100.0), name="tgt")
    net.connect(src, tgt, sk.FromList([0, 0, 0], [0, 1, 2]), weight=[1.0, 2.0, 3.0],
                delay=[0.1, 0.5, 2.0])
    net.record(tgt, "v")
    res = run(net, backend, 5.0, batch=batch).results
    v = res.traces["tgt"]["v"].data                 # (T, B, 3); row k is after step k
    for j, (w, d) in enumerate([(1.0, 1), (2.0, 5), (3.0, 20)]):
        arrival = 3 + d
        assert np.all(v[:arrival, :, j] == 0.0)
        assert np.all(v[arrival:, :, j] == w)


def test_weights_of_simultaneous_spikes_add_up(backend):
    net = sk.Network()
    src = net.population(4, sk.SpikeTimes([[1.0]] * 4), name="src")
    tgt = net.population(2, sk.IF(v_thresh=100.0), name="tgt")
    net.connect(src, tgt, sk.AllToAll(), weight=0.25)
    net.connect(src, tgt, sk.FromList([0], [1]), weight=-1.0,
                receptor="inhibitory")
    net.record(tgt, "v")
    v = run(net, backend, 2.0).results.traces["tgt"]["v"].data[-1, 0]
    assert v.tolist() == [1.0, 0.0]


def test_exponential_current_synapse_psp_peak(backend):
    # one 1 nA input into tau_syn 5 ms, tau_m 10 ms, R 10 MOhm; compare with the
    # analytic PSP of the discretised scheme computed in float64 here
    net = sk.Network()
    src = net.population(1, sk.SpikeTimes([[0.0]]), name="src")
    cell = dict(tau_m=10.0, cm=1.0, v_rest=0.0, v_thresh=1e3, tau_syn_E=5.0)
    tgt = net.population(1, sk.LIFCurrExp(**cell), name="tgt")
    net.connect(src, tgt, sk.OneToOne(), weight=1.0)
    net.record(tgt, "v")
    v = run(net, backend, 50.0, dtype="float64").results.traces["tgt"]["v"].data[:, 0, 0]
    t = (np.arange(v.size) + 1) * DT - DT               # time since arrival (step 1)
    # continuous PSP: R I0 tau_s/(tau_s - tau_m) (e^{-t/tau_s} - e^{-t/tau_m})
    continuous = 10.0 * 5.0 / (5.0 - 10.0) * (np.exp(-t / 5.0) - np.exp(-t / 10.0))
    assert abs(v.max() - continuous.max()) < 0.02 * continuous.max()
    assert abs(np.argmax(v) - np.argmax(continuous)) <= 1


def test_no_spikes_no_input(backend, batch):
    net = sk.Network()
    src = net.population(5, sk.Poisson(rate=0.0), name="src")
    tgt = net.population(5, sk.LIFCurrExp(v_rest=-65.0), name="tgt")
    net.connect(src, tgt, sk.AllToAll(), weight=1.0)
    net.record(tgt, "v")
    v = run(net, backend, 10.0, batch=batch).results.traces["tgt"]["v"].data
    assert np.all(v == -65.0)


def test_empty_population_and_projection(backend):
    net = sk.Network()
    empty = net.population(0, sk.LIF(), name="empty")
    other = net.population(3, sk.LIF(), name="other")
    net.connect(empty, other, sk.AllToAll(), weight=1.0)
    net.connect(other, empty, sk.AllToAll(), weight=1.0)
    net.record(empty, "spikes")
    res = run(net, backend, 5.0).results
    assert res.spikes["empty"].times.size == 0
