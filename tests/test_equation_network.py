"""Populations of equation-defined models in the Simulator (NumPy backend): against the
hand-written LIF, the exact PSP of a current synapse, receptors, batch, errors."""

import numpy as np
import pytest

import snnkit as sk
from snnkit.modeling import EquationModel

PSC = EquationModel("""
    dv/dt = (v_rest - v + R_m*(I_E + I_I + i_offset))/tau_m : mV (unless refractory)
    dI_E/dt = -I_E/tau_E : nA
    dI_I/dt = -I_I/tau_I : nA
""", threshold="v >= v_thresh", reset="v = v_reset", refractory="tau_refrac",
    parameters={"tau_m": (20.0, "ms", "positive"), "R_m": (100.0, "MOhm", "positive"),
                "v_rest": (-65.0, "mV"), "v_reset": (-65.0, "mV"), "v_thresh": (-50.0, "mV"),
                "tau_refrac": (2.0, "ms", "nonnegative"), "tau_E": (5.0, "ms", "positive"),
                "tau_I": (10.0, "ms", "positive"), "i_offset": (0.0, "nA")},
    initial={"v": "v_rest"}, receptors={"excitatory": "I_E += w", "inhibitory": "I_I += w"},
    name="iaf_psc_exp")


def test_the_psp_of_one_spike_is_the_exact_solution():
    net = sk.Network()
    src = net.population(1, sk.SpikeTimes([[1.0]]), name="src")
    post = net.population(1, PSC, name="post")
    net.connect(src, post, sk.OneToOne(), weight=0.5, receptor="excitatory")
    net.record(post, "v")
    res = sk.Simulator(net, dtype="float64", seed=1).run(60.0).results
    trace = res.traces["post"]["v"]
    t = trace.times - 1.1                     # emitted in step 10, it enters at the start of step 11
    tau_m, tau_s, w, r = 20.0, 5.0, 0.5, 100.0
    closed = np.where(t > 0, w * r * tau_s / (tau_m - tau_s) * (np.exp(-t / tau_m) - np.exp(-t / tau_s)), 0.0)
    assert np.max(np.abs(trace.data[:, 0, 0] - (-65.0 + closed))) < 1e-9
    assert closed.max() > 7.0                                        # a 7.9 mV PSP, below threshold


def test_lif_as_equations_in_a_network_matches_the_hand_written_lif(batch):
    currents = np.linspace(0.1, 0.4, 10)
    equations = EquationModel("dv/dt = (v_rest - v + R_m*i_offset)/tau_m : mV (unless refractory)",
                              threshold="v >= v_thresh", reset="v = v_reset", refractory="tau_refrac",
                              parameters={"tau_m": (20.0, "ms"), "R_m": (100.0, "MOhm"), "v_rest": (-65.0, "mV"),
                                          "v_reset": (-70.0, "mV"), "v_thresh": (-50.0, "mV"),
                                          "tau_refrac": (2.0, "ms"), "i_offset": (0.0, "nA")},
                              initial={"v": "v_rest"})
    sweep = np.linspace(0.0, 0.1, batch)[:, None]                    # a per-instance extra current
    runs = []
    for model in (equations(i_offset=currents + sweep), sk.LIF(tau_m=20.0, cm=0.2, v_rest=-65.0, v_reset=-70.0,
                                                                 v_thresh=-50.0, tau_refrac=2.0,
                                                                 i_offset=currents + sweep)):
        net = sk.Network()
        pop = net.population(10, model, name="n")
        net.record(pop, "spikes")
        net.record(pop, "v", every=7)
        runs.append(sk.Simulator(net, batch=batch, seed=1).run(200.0).results)
    ours, hand = runs
    for b in range(batch):
        for a, h in zip(ours.spikes["n"].of_instance(b), hand.spikes["n"].of_instance(b)):
            assert np.array_equal(a, h)
    assert hand.spikes["n"].times.size > 50
    assert np.array_equal(ours.traces["n"]["v"].data, hand.traces["n"]["v"].data)   # float32, bit for bit


def test_receptors_are_named_and_weights_go_where_they_say():
    net = sk.Network()
    src = net.population(50, sk.Poisson(rate=200.0), name="src")
    post = net.population(2, PSC, name="post")
    with pytest.raises(sk.SnnkitValueError, match=r"receptor = 'gaba' .*'excitatory', 'inhibitory'"):
        net.connect(src, post, sk.AllToAll(), weight=0.1, receptor="gaba")
    net.connect(src, post, sk.AllToAll(), weight=0.02)                    # default: the first receptor
    net.connect(src, post, sk.AllToAll(), weight=-0.01, receptor="inhibitory")
    net.record(post, "I_E")
    net.record(post, "I_I")
    res = sk.Simulator(net, seed=1).run(50.0).results
    assert np.all(res.traces["post"]["I_E"].data[-100:] > 0) and np.all(res.traces["post"]["I_I"].data[-100:] < 0)
    assert res.traces["post"]["I_E"].unit == "nA"


def test_initial_values_do_not_depend_on_the_batch_and_reset_state_restores_them():
    def build():
        net = sk.Network(seed=3)
        pop = net.population(20, PSC, name="p").initialize(v=sk.Uniform(-70.0, -55.0))
        net.record(pop, "spikes")
        return net
    small, large = sk.Simulator(build(), batch=2, seed=4), sk.Simulator(build(), batch=5, seed=4)
    assert np.array_equal(small.state("p", "v")[1], large.state("p", "v")[1])
    start = large.state("p", "v").copy()
    large.run(20.0)
    assert not np.array_equal(large.state("p", "v"), start)
    large.reset_state()
    assert np.array_equal(large.state("p", "v"), start)


def test_monitors_name_the_model_variables():
    net = sk.Network()
    pop = net.population(3, PSC, name="p")
    with pytest.raises(sk.SnnkitValueError, match="must be 'spikes' or one of v, I_E, I_I"):
        net.record(pop, "theta")
    sim = sk.Simulator(net)
    with pytest.raises(sk.SnnkitValueError, match="must be one of v, I_E, I_I"):
        sim.state("p", "theta")


def test_stdp_onto_an_equation_neuron_runs():
    net = sk.Network(seed=1)
    src = net.population(100, sk.Poisson(rate=20.0), name="src")
    post = net.population(1, PSC(i_offset=0.1), name="post")
    proj = net.connect(src, post, sk.AllToAll(), weight=0.02,
                       plasticity=sk.STDP(A_plus=0.001, A_minus=0.0012, w_min=0.0, w_max=0.05))
    net.record(post, "spikes")
    sim = sk.Simulator(net, seed=1).run(500.0)
    _, _, w = sim.weights(proj)
    assert sim.results.spikes["post"].times.size > 0 and not np.allclose(w, 0.02)
