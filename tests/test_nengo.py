"""snnkit_nengo: nengo models on snnkit's backends against nengo's reference Simulator.

Each device backend must agree with the NumPy specification (frontends/snnkit_nengo/
numpy_program.py), and that with nengo.Simulator, on the classic single-neuron script,
on every neuron type with a kernel, on every LinearFilter step, on streamed and
round-trip host operators, on learning (PES) and on the edge cases (no probes, empty
ensembles, sample_every, reset). nengo's own test suite runs in .ci/run (a subset) and
benchmarks/nengo_suite/run.sh (all of it).
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

nengo = pytest.importorskip("nengo")
snnkit_nengo = pytest.importorskip("snnkit_nengo")

def run(net, backend, t=0.3, **kwargs):
    with snnkit_nengo.Simulator(net, backend=backend, progress_bar=False, **kwargs) as sim:
        sim.run(t)
        return sim, {p: np.array(sim.data[p]) for p in net.all_probes}


def reference(net, t=0.3, **kwargs):
    with nengo.Simulator(net, progress_bar=False, optimize=False, **kwargs) as sim:
        sim.run(t)
        return sim, {p: np.array(sim.data[p]) for p in net.all_probes}


def cos8(t):
    return np.cos(8 * t)


def single_neuron():
    """nengo's 'A Single Neuron' example: intercept -0.5, max rate 100 Hz, encoder [1], cos(8t)."""
    with nengo.Network(label="A Single Neuron", seed=0) as net:
        neuron = nengo.Ensemble(1, dimensions=1, intercepts=nengo.dists.Uniform(-0.5, -0.5),
                                max_rates=nengo.dists.Uniform(100, 100), encoders=[[1]])
        cos = nengo.Node(cos8)
        nengo.Connection(cos, neuron)
        net.named_probes = dict(input=nengo.Probe(cos), spikes=nengo.Probe(neuron.neurons),
                          voltage=nengo.Probe(neuron.neurons, "voltage"), filtered=nengo.Probe(neuron, synapse=0.01))
    return net


def test_single_neuron_matches_nengo(backend):
    net = single_neuron()
    _, ours = run(net, backend, t=1.0)
    _, ref = reference(net, t=1.0)
    for name, probe in net.named_probes.items():
        assert ours[probe].shape == ref[probe].shape, name
    spikes = net.named_probes["spikes"]
    np.testing.assert_array_equal(ours[spikes], ref[spikes])
    assert ref[spikes].sum() * 0.001 > 20                       # it does spike: about 53 times in 1 s
    np.testing.assert_allclose(ours[net.named_probes["voltage"]], ref[net.named_probes["voltage"]], rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours[net.named_probes["filtered"]], ref[net.named_probes["filtered"]], rtol=0, atol=1e-12)
    if backend == "numpy":                                      # the specification is nengo's arithmetic
        for probe in net.named_probes.values():
            np.testing.assert_array_equal(ours[probe], ref[probe])


def test_lif_firing_period_is_nengo_rate():
    """A LIF neuron with constant J fires at nengo's analytic LIFRate rate,
    1 / (tau_ref + tau_rc log(1 + 1/(J - 1)))."""
    j = 1.7
    lif = nengo.LIF(tau_rc=0.02, tau_ref=0.002)
    with nengo.Network() as net:
        ens = nengo.Ensemble(1, 1, neuron_type=lif, gain=[1.0], bias=[j], encoders=[[1]])
        probe = nengo.Probe(ens.neurons)
    _, data = run(net, "numpy", t=2.0, dt=1e-4)
    spikes = np.flatnonzero(data[probe][:, 0])
    period = np.mean(np.diff(spikes)) * 1e-4
    expected = lif.tau_ref + lif.tau_rc * np.log1p(1 / (j - 1))
    assert period == pytest.approx(expected, rel=2e-3)


NEURON_TYPES = [nengo.LIF(), nengo.LIFRate(), nengo.RectifiedLinear(), nengo.SpikingRectifiedLinear(),
                nengo.Sigmoid(), nengo.Tanh(), nengo.AdaptiveLIF()]      # the last one runs on the host


@pytest.mark.parametrize("neuron_type", NEURON_TYPES, ids=lambda n: type(n).__name__)
def test_neuron_types_match_nengo(backend, neuron_type):
    with nengo.Network(seed=3) as net:
        stim = nengo.Node(lambda t: np.sin(6 * t))
        ens = nengo.Ensemble(40, 1, neuron_type=neuron_type)
        nengo.Connection(stim, ens)
        out = nengo.Probe(ens.neurons)
        dec = nengo.Probe(ens, synapse=0.005)
    _, ours = run(net, backend)
    _, ref = reference(net)
    assert np.abs(ref[out]).sum() > 0
    np.testing.assert_allclose(ours[out], ref[out], rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ours[dec], ref[dec], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("synapse", [None, nengo.Lowpass(0.01), nengo.Alpha(0.005),
                                     nengo.LinearFilter([1], [0.002, 1], analog=True),      # OneX
                                     nengo.LinearFilter([0.5, 1], [0.001, 0.05, 1]),         # General
                                     nengo.LinearFilter([0.3], [1, -0.5], analog=False),     # NoD
                                     nengo.LinearFilter([2.0], [1], analog=False)],          # NoX
                         ids=["none", "lowpass", "alpha", "onex", "general", "nod", "nox"])
def test_linear_filters_match_nengo(backend, synapse):
    with nengo.Network(seed=1) as net:
        stim = nengo.Node(nengo.processes.WhiteSignal(1.0, high=10, seed=2), size_out=2)
        node = nengo.Node(size_in=2)
        nengo.Connection(stim, node, synapse=synapse, transform=[[1, 0.5], [-0.3, 2]])
        probe = nengo.Probe(node)
    _, ours = run(net, backend)
    _, ref = reference(net)
    np.testing.assert_allclose(ours[probe], ref[probe], rtol=1e-10, atol=1e-10)


def test_nodes_with_input_and_host_ops(backend):
    """A Node with an input runs on the host each step (round trip); its output feeds
    the device again; a Node of t is streamed; sample_every thins the probe."""
    calls = []

    def square(t, x):
        calls.append(t)
        return x ** 2

    with nengo.Network(seed=4) as net:
        stim = nengo.Node(lambda t: [np.sin(3 * t), t])
        sq = nengo.Node(square, size_in=2)
        nengo.Connection(stim, sq, synapse=None)
        ens = nengo.Ensemble(30, 2)
        nengo.Connection(sq, ens)
        p_sq = nengo.Probe(sq)
        p_ens = nengo.Probe(ens, synapse=0.01, sample_every=0.005)
    sim, ours = run(net, backend)
    # nengo calls the function once at build time with t = 0 (to find its output size)
    assert calls[:4] == [0.0, 0.001, 0.002, 0.003] and len(calls) == 301
    _, ref = reference(net)
    np.testing.assert_allclose(ours[p_sq], ref[p_sq], rtol=1e-12)
    np.testing.assert_allclose(ours[p_ens], ref[p_ens], rtol=1e-9, atol=1e-9)
    assert ours[p_ens].shape == (60, 2)
    np.testing.assert_allclose(sim.trange(sample_every=0.005), np.arange(1, 61) * 0.005)


def test_pes_learning_matches_nengo(backend):
    with nengo.Network(seed=5) as net:
        stim = nengo.Node(lambda t: np.sin(5 * t))
        pre = nengo.Ensemble(50, 1)
        post = nengo.Ensemble(50, 1)
        nengo.Connection(stim, pre)
        conn = nengo.Connection(pre, post, function=lambda x: 0, learning_rule_type=nengo.PES(1e-3))
        error = nengo.Node(size_in=1)
        nengo.Connection(post, error)
        nengo.Connection(stim, error, transform=-1)
        nengo.Connection(error, conn.learning_rule)
        p_post = nengo.Probe(post, synapse=0.01)
        p_w = nengo.Probe(conn, "weights", sample_every=0.05)
    _, ours = run(net, backend, t=1.0)
    _, ref = reference(net, t=1.0)
    assert np.abs(ref[p_w][-1]).max() > 1e-4                    # it learned something
    np.testing.assert_allclose(ours[p_w], ref[p_w], rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(ours[p_post], ref[p_post], rtol=1e-7, atol=1e-7)


def test_reset_runs_again_and_counts_steps(backend):
    net = single_neuron()
    with snnkit_nengo.Simulator(net, backend=backend, progress_bar=False) as sim:
        sim.run(0.1)
        first = np.array(sim.data[net.named_probes["voltage"]])
        assert sim.n_steps == 100 and sim.time == pytest.approx(0.1)
        sim.reset()
        assert sim.n_steps == 0 and len(sim.data[net.named_probes["voltage"]]) == 0
        sim.run_steps(60)
        sim.step()
        sim.run(0.039)
        np.testing.assert_array_equal(np.array(sim.data[net.named_probes["voltage"]]), first)


def test_interface_errors_and_pickle():
    net = single_neuron()
    sim = snnkit_nengo.Simulator(net, backend="numpy", progress_bar=False)
    with pytest.raises(nengo.exceptions.ReadonlyError):
        sim.dt = 0.1
    with pytest.raises(nengo.exceptions.ValidationError, match="time_in_seconds"):
        sim.run(-1)
    with pytest.warns(UserWarning, match="0 timesteps"):
        sim.run(0.0001)
    sim.run(0.05)
    probe = net.named_probes["voltage"]
    loaded = pickle.loads(pickle.dumps({"sim": sim, "probe": probe}))
    copy = loaded["sim"]
    assert copy.n_steps == 50
    sim.run(0.05)
    copy.run(0.05)
    np.testing.assert_array_equal(np.array(copy.data[loaded["probe"]]), np.array(sim.data[probe]))
    sim.close()
    copy.close()
    with pytest.raises(nengo.exceptions.SimulatorClosed):
        sim.run(0.01)
    with pytest.raises(Exception, match="dt"):
        snnkit_nengo.Simulator(net, dt=0, backend="numpy")


def test_empty_model_and_no_probes(backend):
    with nengo.Network() as net:
        nengo.Ensemble(0 + 1, 1)                                 # nengo forbids 0 neurons
    sim, data = run(net, backend, t=0.01)
    assert data == {} and sim.n_steps == 10


def test_stage_per_launch_path_matches(backend, monkeypatch):
    """Large programs run one launch per stage (nengo_stage) instead of one work-group for
    all stages (nengo_steps): forced here on a small model, it must give the same result."""
    if backend == "numpy":
        pytest.skip("device backends only")
    from snnkit_nengo import device_program
    net = single_neuron()
    _, whole = run(net, backend, t=0.2)
    monkeypatch.setattr(device_program, "SINGLE_GROUP_ITEMS", 0)
    sim, staged = run(net, backend, t=0.2)
    assert not sim._run.single_group
    for probe in net.all_probes:
        np.testing.assert_array_equal(staged[probe], whole[probe])
