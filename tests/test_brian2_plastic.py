"""snnkit_brian2: Synapses whose events change their variables (STDP) on the snnkit
device against Brian2's runtime: spikes, weights and traces, StateMonitors of synapses."""

import numpy as np
import pytest

from .test_brian2 import BACKENDS, assert_same_spikes, brian2, on, spikes, snnkit_brian2  # noqa: F401
from brian2 import NeuronGroup, SpikeGeneratorGroup, SpikeMonitor, StateMonitor, Synapses, ms, mV, run, second  # noqa: E402,E501

# -- synapses with state: STDP ---------------------------------------------------------------

def stdp(post_delay=None, split=False):
    """Brian2's STDP example (Song, Miller & Abbott 2000) with fixed input spike trains:
    event-driven traces, on_pre and on_post, per-synapse delays; float64."""
    n, taum, taupre, taupost, taue = 200, 10 * ms, 20 * ms, 20 * ms, 5 * ms
    Ee, vt, vr, El = 0 * mV, -54 * mV, -60 * mV, -74 * mV
    gmax, dApre = 0.05, 0.01
    dApost = -dApre * taupre / taupost * 1.05 * gmax
    dApre *= gmax
    rng = np.random.default_rng(8)
    counts = rng.poisson(30.0 * 0.8, n)
    index = np.repeat(np.arange(n), counts)
    times = np.round(rng.random(index.size) * 800.0, 1)
    keep = np.unique(np.stack([index, np.round(times * 10)]), axis=1, return_index=True)[1]
    inp = SpikeGeneratorGroup(n, index[keep], times[keep] * ms)
    neurons = NeuronGroup(1, """dv/dt = (ge * (Ee-v) + El - v) / taum : volt
                                dge/dt = -ge / taue : 1""", threshold="v>vt", reset="v = vr", method="euler")
    S = Synapses(inp, neurons, """w : 1
                                  dApre/dt = -Apre / taupre : 1 (event-driven)
                                  dApost/dt = -Apost / taupost : 1 (event-driven)""",
                 on_pre="""ge += w
                           Apre += dApre
                           w = clip(w + Apost, 0, gmax)""",
                 on_post="""Apost += dApost
                            w = clip(w + Apre, 0, gmax)""")
    S.connect()
    S.w = rng.random(n) * gmax * 0.8
    S.delay = rng.random(n) * 2 * ms
    if post_delay is not None:
        S.post.delay = post_delay
    s = SpikeMonitor(neurons)
    m_w = StateMonitor(S, "w", record=[0, 5, 77])
    m_w2 = StateMonitor(S, "w", record=[77, 3], dt=0.5 * ms)
    w0 = np.array(S.w[:])
    if split:
        run(500 * ms)
        w_half = np.array(S.w[:])
        run(400 * ms)
    else:
        run(900 * ms)
        w_half = w0
    t_now = float(neurons.t / second)
    apre = np.array(S.Apre[:]) * np.exp(-(t_now - np.array(S.lastupdate[:])) / 0.02)    # as of now
    return spikes(s), w_half, np.array(S.w[:]), apre, w0, np.array(m_w.w[:]), np.array(m_w2.w[:]), \
        np.array(m_w2.t[:] / ms)


@pytest.mark.parametrize("engine, post_delay, split", [("numpy", None, False), ("numpy", None, True)]
                         + [(b, 1 * ms, True) for b in BACKENDS])
def test_stdp_weights_and_spikes_equal_brian2_runtime(engine, post_delay, split):
    """One run, or two (the second goes on with the first's simulator: spikes in flight
    in the delay lines carry over)."""
    ref = on("runtime", lambda: stdp(post_delay, split))
    out = on("snnkit", lambda: stdp(post_delay, split), backend=engine)
    assert snnkit_brian2.snnkit_device.kept.runs == (2 if split else 1)      # one simulator for both runs
    assert_same_spikes(ref[0], out[0])
    assert ref[0][0].size > 5
    for k in (1, 2, 3, 5, 6, 7):          # 5-7: StateMonitors of the weights (every step, every 0.5 ms)
        np.testing.assert_allclose(out[k], ref[k], rtol=0, atol=1e-12)
    assert np.any(np.abs(ref[2] - ref[4]) > 1e-4)                # the weights did change
    assert ref[5].shape == (3, 9000) and np.ptp(ref[5][1]) > 1e-4


def test_synapse_state_monitors_of_what_snnkit_cannot_sample_are_refused():
    """Event-driven variables (Brian2 samples them as of each synapse's last event) and
    variables that are not the synapses' own."""
    def script(variable):
        G = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1", threshold="v > 1", reset="v = 0", method="exact")
        S = Synapses(G, G, "w : 1\ndA/dt = -A/(5*ms) : 1 (event-driven)", on_pre="v_post += w; A += 1; w += A")
        S.connect()
        M = StateMonitor(S, variable, record=[0])
        run(1 * ms)
        return M
    for variable, match in (("A", "event-driven variable 'A'"), ("lastupdate", "'lastupdate' of Synapses")):
        with pytest.raises(NotImplementedError, match=match):
            on("snnkit", lambda: script(variable), backend="numpy")


def test_state_monitor_of_static_synapses_repeats_their_values():
    def script():
        G = NeuronGroup(3, "dv/dt = (1.2 - v)/(10*ms) : 1", threshold="v > 1", reset="v = 0", method="exact")
        S = Synapses(G, G, "w : 1", on_pre="v_post += w")
        S.connect(condition="i != j")
        S.w = "0.1 * (i + 2 * j)"
        M = StateMonitor(S, "w", record=[0, 4, 2], dt=0.3 * ms)
        run(3 * ms)
        S.w[4] = 0.7
        run(2 * ms)
        return np.array(M.w[:]), np.array(M.t[:] / ms)
    ref, out = on("runtime", script), on("snnkit", script, backend="numpy")
    for a, b in zip(ref, out):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-12)
    assert ref[0].shape == (3, 17) and ref[0][1, -1] == 0.7


def gap_junctions():
    """Summed variables: electrical coupling (Igap_post = w*(v_pre - v_post) (summed)) in a
    spiking group, monitored, over two runs with a change in between."""
    from brian2 import Mohm, nA, nS
    G = NeuronGroup(6, """dv/dt = (v0 - v + Igap*Rm)/(10*ms) : volt
                          Igap : amp
                          v0 : volt""", threshold="v > -50*mV", reset="v = -70*mV", method="euler",
                    namespace={"Rm": 100 * Mohm})
    G.v = "-70*mV + i*3*mV"
    G.v0 = "-45*mV - 2*i*mV"
    S = Synapses(G, G, """w : siemens
                          Igap_post = w*(v_pre - v_post) : amp (summed)""")
    S.connect("i != j", p=0.7)
    S.w = "1*nS + 0.5*nS*i"
    M = StateMonitor(G, ["v", "Igap"], record=True)
    s = SpikeMonitor(G)
    run(50 * ms)
    G.v0 = -40 * mV
    run(30 * ms)
    return spikes(s), np.array(M.v[:] / mV), np.array(M.Igap[:] / nA), np.array(G.Igap[:] / nA)


@pytest.mark.parametrize("engine", BACKENDS)
def test_summed_variables_equal_brian2_runtime(engine):
    ref, out = on("runtime", gap_junctions), on("snnkit", gap_junctions, backend=engine)
    assert_same_spikes(ref[0], out[0])
    assert np.ptp(ref[2]) > 0.1
    for k in (1, 2, 3):
        np.testing.assert_allclose(out[k], ref[k], rtol=0, atol=1e-9)


def test_summed_variables_snnkit_cannot_order_as_brian2_are_refused():
    """Reading a variable that synapses add to (Brian2 adds before the summed variable)."""
    def script():
        G = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1\nI : 1", threshold="v > 1", reset="v = 0", method="exact")
        S = Synapses(G, G, "w : 1\nI_post = w*v_pre : 1 (summed)")
        S.connect()
        E = Synapses(G, G, on_pre="v_post += 0.1")
        E.connect()
        run(1 * ms)
        return S, E
    with pytest.raises(NotImplementedError, match="summed variable reading 'v_pre', which synapses add to"):
        on("snnkit", script, backend="numpy")


def nmda_saturation():
    """Brian2's synapses/nonlinear example: clock-driven synaptic equations (NMDA-style
    saturation, Brian2's state updater's code every step) summed into the target, on_pre
    changing only a synapse variable; the target's variable monitored through the synapses."""
    a = b = c = 1 / (10 * ms)
    neuron_input = NeuronGroup(2, "dv/dt = 1/(10*ms) : 1", threshold="v>1", reset="v = 0", method="euler")
    neurons = NeuronGroup(1, """dv/dt = (g-v)/(10*ms) : 1
                                g : 1""", method="exact")
    S = Synapses(neuron_input, neurons, """dg_syn/dt = -a*g_syn+b*x*(1-g_syn) : 1 (clock-driven)
                                           g_post = g_syn : 1 (summed)
                                           dx/dt=-c*x : 1 (clock-driven)
                                           w : 1""", on_pre="x += w", namespace={"a": a, "b": b, "c": c})
    S.connect()
    S.w = [1.0, 10.0]
    neuron_input.v = [0.0, 0.5]
    M = StateMonitor(S, ["g", "g_syn", "x"], record=[0, 1])
    Mn = StateMonitor(neurons, ["g", "v"], record=0)
    run(100 * ms)
    run(50 * ms)
    return [np.array(x) for x in (M.g[:], M.g_syn[:], M.x[:], Mn.g[:], Mn.v[:], S.g_syn[:], S.x[:])]


@pytest.mark.parametrize("engine", BACKENDS)
def test_clock_driven_synapses_equal_brian2_runtime(engine):
    ref, out = on("runtime", nmda_saturation), on("snnkit", nmda_saturation, backend=engine)
    assert ref[0].shape == (2, 1500) and ref[3].max() > 1.0
    for a, b in zip(ref, out):
        np.testing.assert_allclose(b, a, rtol=0, atol=1e-12)


def update_constant_changed_between_runs():
    """A constant only the clock-driven update reads, changed between two runs: the second
    run must not go on with the first's translated update."""
    ns = {"tau": 5 * ms}
    source = NeuronGroup(1, "dv/dt = 1/(2*ms) : 1", threshold="v>1", reset="v = 0", method="euler")
    target = NeuronGroup(1, "g : 1")
    S = Synapses(source, target, """dx/dt = -x/tau : 1 (clock-driven)
                                    g_post = x : 1 (summed)""", on_pre="x += 1", namespace=ns)
    S.connect()
    M = StateMonitor(S, "x", record=[0])
    run(10 * ms)
    ns["tau"] = 1 * ms
    run(10 * ms)
    return np.array(M.x[0])


def test_a_changed_constant_of_the_update_takes_effect_in_the_next_run():
    ref, out = on("runtime", update_constant_changed_between_runs), \
        on("snnkit", update_constant_changed_between_runs, backend="numpy")
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-12)
    assert ref[150] < ref[50] * 0.8          # the second run decays faster
