"""snnkit_brian2: Brian2 scripts on the snnkit device against Brian2's own runtime.

Each script runs twice in this process, on Brian2's runtime device (numpy target)
and on snnkit's device, and must give the same spikes (indices and times) and the
same sampled state (float64). Needs brian2 (Brian2 >= 2.9); skipped without it.
"""

import os

import numpy as np
import pytest

brian2 = pytest.importorskip("brian2")
import snnkit_brian2  # noqa: E402,F401
from brian2 import (NeuronGroup, PoissonGroup, PopulationRateMonitor, SpikeGeneratorGroup,  # noqa: E402
                    SpikeMonitor, StateMonitor, Synapses, defaultclock, mV, ms, nA, run, second, set_device)

from snnkit.backends import OpenCLBackend  # noqa: E402

BACKENDS = ["numpy"] + (["opencl"] if OpenCLBackend.is_available() else [])


def on(device, script, **options):
    """Run ``script()`` (building and running a Brian2 network) on a fresh device;
    returns what it returns."""
    brian2.start_scope()
    brian2.devices.device.reinit_devices()
    if device == "runtime":
        set_device("runtime")
        brian2.prefs.codegen.target = os.environ.get("SNNKIT_BRIAN2_REFERENCE_TARGET", "numpy")
    else:
        set_device("snnkit", **options)
    brian2.seed(11)
    defaultclock.dt = 0.1 * ms
    try:
        return script()
    finally:
        set_device("runtime")


def spikes(monitor):
    return np.array(monitor.i[:]), np.array(monitor.t[:] / ms)


def assert_same_spikes(a, b):
    assert a[0].size > 0
    assert a[0].size == b[0].size, (a[0].size, b[0].size)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_allclose(a[1], b[1], rtol=0, atol=1e-9)


def cuba():
    taum, taue, taui, Vt, Vr, El = 20 * ms, 5 * ms, 10 * ms, -50 * mV, -60 * mV, -49 * mV
    P = NeuronGroup(400, """dv/dt = (ge + gi - (v - El))/taum : volt (unless refractory)
                            dge/dt = -ge/taue : volt
                            dgi/dt = -gi/taui : volt""",
                    threshold="v > Vt", reset="v = Vr", refractory=5 * ms, method="exact")
    P.v = Vr + np.random.default_rng(3).random(400) * (Vt - Vr)
    we, wi = (60 * 0.27 / 10) * mV * 4, (-20 * 4.5 / 10) * mV * 4
    Ce, Ci = Synapses(P, P, on_pre="ge += we"), Synapses(P, P, on_pre="gi += wi")
    rng = np.random.default_rng(4)
    pre, post = np.nonzero(rng.random((400, 400)) < 0.02)
    Ce.connect(i=pre[pre < 320], j=post[pre < 320])
    Ci.connect(i=pre[pre >= 320], j=post[pre >= 320])
    s, v, r = SpikeMonitor(P), StateMonitor(P, "v", record=[0, 1]), PopulationRateMonitor(P)
    run(100 * ms)
    return spikes(s), np.array(v.v[:] / mV), np.array(v.t[:] / ms), np.array(r.rate[:] / brian2.Hz)


@pytest.mark.parametrize("engine", BACKENDS)
def test_cuba_is_spike_identical_to_brian2_runtime(engine):
    ref = on("runtime", cuba)
    out = on("snnkit", cuba, backend=engine)
    assert_same_spikes(ref[0], out[0])
    np.testing.assert_allclose(out[1], ref[1], rtol=0, atol=1e-9)      # mV, Brian2's start-of-step samples
    np.testing.assert_array_equal(out[2], ref[2])
    np.testing.assert_allclose(out[3], ref[3])


def delta_synapses_with_reset():
    """Delta synapses onto v with an overwriting reset: input arriving in a neuron's spike
    step is discarded by Brian2 (synapses before resets); snnkit must do the same."""
    G = NeuronGroup(50, """dv/dt = (I - v)/(10*ms) : volt (unless refractory)
                           I : volt""", threshold="v > -50*mV", reset="v = -65*mV",
                    refractory=2 * ms, method="euler")
    G.v = -65 * mV
    G.I = "-40*mV + 5*mV*i/50"
    S = Synapses(G, G, "w : volt", on_pre="v_post += w")
    rng = np.random.default_rng(5)               # Brian2's rand() differs between its targets
    pre, post = np.nonzero(rng.random((50, 50)) < 0.3)
    S.connect(i=pre, j=post)
    S.w = (0.5 + 0.5 * rng.random(pre.size)) * mV
    S.delay = rng.random(pre.size) * 2 * ms
    s = SpikeMonitor(G)
    m = StateMonitor(G, ["v"], record=[3, 7])
    run(150 * ms)
    return spikes(s), np.array(m.v[:] / mV)


@pytest.mark.parametrize("engine", BACKENDS)
def test_delta_synapses_delays_and_reset_order_match_brian2(engine):
    ref = on("runtime", delta_synapses_with_reset)
    out = on("snnkit", delta_synapses_with_reset, backend=engine)
    assert_same_spikes(ref[0], out[0])
    np.testing.assert_allclose(out[1], ref[1], rtol=0, atol=1e-9)


def generator_transmission():
    """Brian2's test_transmission-style timing: a spike generator, delays, a StateMonitor
    with its own dt, a subgroup monitored."""
    source = SpikeGeneratorGroup(3, [0, 1, 2, 0], [1, 2, 3, 7.5] * ms, period=20 * ms)
    target = NeuronGroup(3, "dv/dt = -v/(5*ms) : 1", threshold="v > 0.9", reset="v = 0")
    syn = Synapses(source, target, on_pre="v += 1")
    syn.connect(j="i")
    syn.delay = [0, 1, 2.5] * ms
    m = StateMonitor(target, "v", record=True, dt=0.5 * ms)
    s = SpikeMonitor(target[1:])
    run(45 * ms)
    return np.array(m.v[:]), np.array(m.t[:] / ms), spikes(s)


def test_spike_generator_delays_and_sampling_match_brian2():
    ref = on("runtime", generator_transmission)
    out = on("snnkit", generator_transmission, backend="numpy")
    np.testing.assert_allclose(out[0], ref[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(out[1], ref[1])
    assert_same_spikes(ref[2], out[2])


def runs_with_changes():
    G = NeuronGroup(20, """dv/dt = (I*10*Mohm - v)/(10*ms) : volt
                           I : amp""", threshold="v > 15*mV", reset="v = 0*mV", method="exact",
                    namespace={"Mohm": brian2.Mohm})
    G.I = "1.2*nA + 0.05*nA*i"
    s = SpikeMonitor(G)
    m = StateMonitor(G, "v", record=[0])
    run(30 * ms)
    G.I = 2 * nA
    G.v[:5] = 10 * mV
    run(20 * ms)
    return spikes(s), np.array(m.v[:] / mV), np.array(m.t[:] / ms), float(G.t / ms)


def test_several_runs_with_variables_changed_in_between_match_brian2():
    ref = on("runtime", runs_with_changes)
    out = on("snnkit", runs_with_changes, backend="numpy")
    assert snnkit_brian2.snnkit_device.kept.runs == 2        # the changed values loaded into the same simulator
    assert_same_spikes(ref[0], out[0])
    np.testing.assert_allclose(out[1], ref[1], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(out[2], ref[2])
    assert out[3] == ref[3] == 50.0


def poisson_driven():
    P = PoissonGroup(200, rates=20 * brian2.Hz)
    G = NeuronGroup(10, "dv/dt = -v/(10*ms) : volt", threshold="v > 2*mV", reset="v = 0*mV", method="exact")
    S = Synapses(P, G, on_pre="v += 0.5*mV")
    S.connect()
    sp, sg = SpikeMonitor(P), SpikeMonitor(G)
    run(1 * second)
    return sp.num_spikes, sg.num_spikes


def test_poisson_group_rates_within_statistical_bounds_of_brian2():
    ref = on("runtime", poisson_driven)
    out = on("snnkit", poisson_driven, backend="numpy")
    expected = 200 * 20.0
    assert abs(out[0] - expected) < 5 * np.sqrt(expected)
    assert abs(out[1] - ref[1]) < 0.15 * ref[1] + 20


def time_varying_rates():
    """A PoissonGroup whose rates are an expression of t, i and a TimedArray, over two runs."""
    ta = brian2.TimedArray([20, 80, 40] * brian2.Hz, dt=100 * ms)
    P = PoissonGroup(400, rates="ta(t) + (i % 4)*10*Hz + 30*Hz*sin(2*pi*5*Hz*t)", namespace={"ta": ta})
    G = NeuronGroup(1, "v : 1")
    S = Synapses(P, G, on_pre="v_post += 1")
    S.connect()
    M = SpikeMonitor(P)
    run(200 * ms)
    run(100 * ms)
    t = np.array(M.t[:] / ms)
    return np.bincount((t // 50).astype(int), minlength=6), np.bincount(np.array(M.i[:]) % 4), float(G.v[0])


def test_poisson_rates_given_as_an_expression_within_statistical_bounds():
    """Spikes per 50 ms bin and per i % 4 against the integral of the rate (Brian2's runtime
    checked the same way): snnkit thresholds rand() < rates*dt as Brian2 does."""
    dt = 1e-4
    t = np.arange(0, 0.3, dt)
    base = np.array([20.0, 80.0, 40.0])[np.minimum((t / 0.1 + 1e-9).astype(int), 2)] + 30 * np.sin(2 * np.pi * 5 * t)
    per_bin = np.array([400 * (base[k * 500:(k + 1) * 500].sum() * dt + 15 * 0.05) for k in range(6)])
    per_class = np.array([100 * (base.sum() * dt + 10 * c * 0.3) for c in range(4)])
    for result in (on("runtime", time_varying_rates), on("snnkit", time_varying_rates, backend="numpy")):
        bins, classes, delivered = result
        assert np.all(np.abs(bins - per_bin) < 5 * np.sqrt(per_bin)), (bins, per_bin)
        assert np.all(np.abs(classes - per_class) < 5 * np.sqrt(per_class)), (classes, per_class)
        assert delivered == bins.sum()                # every spike reached G, the last step's included


def _summed_onto_a_subgroup():
    target = NeuronGroup(4, "y : 1")
    S = Synapses(NeuronGroup(2, "x : 1"), target[:2], "y_post = x_pre : 1 (summed)")
    S.connect()
    return [S, S.source, target]


def _linked():
    source = NeuronGroup(2, "x : 1")
    target = NeuronGroup(2, "y : 1 (linked)")
    target.y = brian2.linked_var(source, "x")
    return [source, target]


@pytest.mark.parametrize("feature, build", [
    ("summed variable 'y_post' onto the subgroup", _summed_onto_a_subgroup),
    ("linked variable", _linked),
    ("network_operation", lambda: brian2.network_operation(lambda: None)),
])
def test_unsupported_features_raise_naming_the_feature(feature, build):
    def script():
        G = NeuronGroup(2, "dv/dt = -v/(10*ms) : 1")
        objects = build()
        net = brian2.Network(brian2.collect())
        if objects is not None:
            net.add(objects)
        net.add(G)
        net.run(1 * ms)
    with pytest.raises(NotImplementedError, match=feature):
        on("snnkit", script, backend="numpy")


def features():
    """Refractoriness as a condition, a (constant over dt) subexpression, a (shared)
    variable, run_regularly, store/restore."""
    G = NeuronGroup(8, """dv/dt = (I_eff - v)/(5*ms) : 1 (unless refractory)
                          I_eff = I0*(1 + 0.1*sin(2*pi*40*Hz*t)) : 1 (constant over dt)
                          I0 : 1 (shared)
                          drive : 1""", threshold="v > 1", reset="v = 0", refractory="v > 0.5 and drive > 0",
                    method="rk4")
    G.I0 = 1.6
    G.drive = "i % 2"
    G.run_regularly("I0 = I0 + 0.01", dt=defaultclock.dt)
    s = SpikeMonitor(G)
    m = StateMonitor(G, ["v", "I_eff"], record=[0, 1])
    brian2.store()
    run(20 * ms)
    first = spikes(s)
    brian2.restore()
    run(20 * ms)
    return first, spikes(s), np.array(m.v[:]), np.array(m.I_eff[:]), float(G.variables["I0"].get_value().item())


def test_refractory_condition_shared_constant_over_dt_run_regularly_and_store_restore_match_brian2():
    ref = on("runtime", features)
    out = on("snnkit", features, backend="numpy")
    assert_same_spikes(ref[0], out[0])
    assert_same_spikes(ref[1], out[1])
    np.testing.assert_allclose(out[2], ref[2], rtol=0, atol=1e-10)
    np.testing.assert_allclose(out[3], ref[3], rtol=0, atol=1e-10)
    assert out[4] == pytest.approx(ref[4], abs=1e-12)


def noisy():
    G = NeuronGroup(500, "dv/dt = (1.2 - v)/(10*ms) + 0.5*xi/sqrt(10*ms) : 1", threshold="v > 1",
                    reset="v = 0", method="euler")
    s = SpikeMonitor(G)
    run(200 * ms)
    return s.num_spikes


def test_white_noise_rates_within_statistical_bounds_of_brian2():
    ref = on("runtime", noisy)
    out = on("snnkit", noisy, backend="numpy")
    assert abs(out - ref) < 6 * np.sqrt(ref) + 0.03 * ref


# -- PoissonInput --------------------------------------------------------------------------

@pytest.mark.parametrize("n, p", [(200, 0.002), (12, 0.3), (10, 0.8), (7, 0.95)])
def test_poisson_input_inversion_is_the_binomial_quantile_function(n, p):
    """The unrolled inversion (snnkit_brian2.poisson_input) maps a uniform u to the
    binomial quantile: over a fine grid of u its histogram is the binomial pmf."""
    from math import comb
    from snnkit_brian2.poisson_input import binomial_expression
    text = binomial_expression(n, p, "u")
    assert "randn" not in text
    u = (np.arange(200_000) + 0.5) / 200_000
    counts = eval(text, {"int": lambda b: np.asarray(b, dtype=np.int64)}, {"u": u})
    pmf = np.array([comb(n, k) * p**k * (1 - p)**(n - k) for k in range(n + 1)])
    hist = np.bincount(np.broadcast_to(counts, u.shape), minlength=n + 1) / u.size
    np.testing.assert_allclose(hist, pmf, rtol=0, atol=2e-5)


def poisson_inputs():
    """Two PoissonInputs (inversion and Brian2's normal approximation) into a leaky
    variable, one with a weight expression; a reset that overwrites what arrives."""
    G = NeuronGroup(1000, """dv/dt = -v/(10*ms) : 1
                             dx/dt = -x/(5*ms) : 1
                             w : 1 (constant)""", threshold="x > 40", reset="x = 0", method="exact")
    G.w = "0.1 + 0.1*(i % 2)"
    to_v = brian2.PoissonInput(G, "v", 200, 20 * brian2.Hz, weight=0.5)      # N p = 0.4: inversion
    to_x = brian2.PoissonInput(G, "x", 5000, 40 * brian2.Hz, weight="w")     # N p = 20: normal
    m = StateMonitor(G, ["v", "x"], record=True, dt=1 * ms)
    s = SpikeMonitor(G)
    run(200 * ms)
    v, x = np.array(m.v[:, 50:]), np.array(m.x[:, 50:])
    assert to_v.N == 200 and to_x.N == 5000
    return v.mean(), v.var(), x[::2].mean(), x[1::2].mean(), s.num_spikes


@pytest.mark.parametrize("engine", BACKENDS)
def test_poisson_input_statistics_match_brian2(engine):
    ref = on("runtime", poisson_inputs)
    out = on("snnkit", poisson_inputs, backend=engine)
    decay = 1.0 - np.exp(-0.1 / 10.0)
    assert out[0] == pytest.approx(0.5 * 200 * 0.002 / decay, rel=0.01)     # stationary mean of v
    assert out[0] == pytest.approx(ref[0], rel=0.015)
    assert out[1] == pytest.approx(ref[1], rel=0.05)
    assert out[2] == pytest.approx(ref[2], rel=0.01) and out[3] == pytest.approx(ref[3], rel=0.01)
    assert abs(out[4] - ref[4]) < 0.1 * ref[4] + 30
    assert ref[4] > 100


# -- TimedArray ------------------------------------------------------------------------------

def timed_input():
    """A TimedArray of t (dt 1 ms, longer than the run's steps, clipped past its end) and
    one of t and i (dt = the clock's), in the equations and the threshold."""
    drive = brian2.TimedArray(np.array([0.0, 1.5, 3.0, 0.5, 2.5, 0.0, 2.0, 1.8]) * nA, dt=1 * ms)
    rng = np.random.default_rng(2)
    gain = brian2.TimedArray(1.0 + 0.2 * rng.random((120, 4)), dt=0.1 * ms)
    G = NeuronGroup(4, """dv/dt = (gain(t, i)*drive(t)*20*Mohm - v)/(2*ms) : volt""",
                    threshold="v > 15*mV", reset="v = 0*mV", method="euler",
                    namespace={"drive": drive, "gain": gain, "Mohm": brian2.Mohm})
    s, m = SpikeMonitor(G), StateMonitor(G, "v", record=True)
    run(6 * ms)
    run(6 * ms)
    return spikes(s), np.array(m.v[:] / mV)


@pytest.mark.parametrize("engine", BACKENDS)
def test_timed_arrays_match_brian2(engine):
    ref = on("runtime", timed_input)
    out = on("snnkit", timed_input, backend=engine)
    assert_same_spikes(ref[0], out[0])
    np.testing.assert_allclose(out[1], ref[1], rtol=0, atol=1e-9)


def functions_and_operators():
    G = NeuronGroup(300, """x : 1
                            iv : integer
                            e1 : 1
                            e2 : 1
                            e3 : 1
                            e4 : 1
                            e5 : 1
                            m : 1
                            q : 1
                            tr : 1""")
    G.x = np.concatenate([np.linspace(-3, 3, 299), [0.0]])
    G.iv = np.arange(-150, 150)
    G.run_regularly("""e1 = exprel(x)
                       e2 = expm1(x)
                       e3 = log1p(abs(x))
                       e4 = log10(abs(x) + 1)
                       e5 = sign(x)
                       m = iv % 98
                       q = iv // 7
                       tr = int(x*2.5)""")
    run(0.2 * ms)
    return {name: np.array(getattr(G, name)[:]) for name in ("e1", "e2", "e3", "e4", "e5", "m", "q", "tr")}


def test_functions_and_integer_operators_match_brian2():
    ref = on("runtime", functions_and_operators)
    out = on("snnkit", functions_and_operators, backend="numpy")
    for name in ref:
        np.testing.assert_allclose(out[name], ref[name], rtol=1e-12, atol=1e-12, err_msg=name)
    assert ref["e1"][-1] == 1.0 and ref["tr"].min() < 0
