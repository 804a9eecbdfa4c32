"""Inputs that change at given steps (snnkit.schedule): current sources and Poisson
windows. Analytic on NumPy; every backend against NumPy in float64 (bit for bit but
for the float64 exp of conductance-based neurons)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import snnkit as sk

LIF = dict(tau_m=10.0, cm=1.0, v_rest=-65.0, v_reset=-65.0, v_thresh=-55.0, tau_refrac=2.0)


def spike_times(results, pop, node):
    d = results.spikes[pop]
    return d.times[(d.node_ids == node) & (d.instances == 0)]


@pytest.mark.parametrize("model", [sk.LIFCurrExp, sk.LIF, sk.LIFCondExp])
def test_dc_source_fires_at_the_closed_form_period(model):
    """v_inf = v_rest + R I = -50 mV: T = tau_m ln((v_inf - v_reset) / (v_inf - v_thresh)) + t_ref."""
    net = sk.Network()
    params = dict(LIF)
    if model is sk.LIFCondExp:
        params["tau_m"] = 10.0          # g_leak = cm / tau_m = 0.1 uS: R = 10 MOhm as well
    pop = net.population(2, model(**params), name="p")
    net.inject(sk.StepCurrent.dc(1.5, start=100.0, stop=400.0), pop, [0])
    net.record(pop, "spikes")
    res = sk.Simulator(net, dt=0.01, seed=1, dtype="float64").run(500.0).results
    t = spike_times(res, "p", 0)
    period = 10.0 * math.log(15.0 / 5.0) + 2.0
    assert t.min() > 100.0 and t.max() < 400.0
    assert t[0] == pytest.approx(100.0 + period - 2.0, abs=0.02)      # first spike: no refractory time
    assert np.diff(t) == pytest.approx(period, abs=0.02)
    assert spike_times(res, "p", 1).size == 0                          # not injected


def test_step_current_holds_each_amplitude_from_its_step():
    """Below threshold, v relaxes to v_rest + R I of the amplitude in force."""
    net = sk.Network()
    pop = net.population(1, sk.LIFCurrExp(**{**LIF, "v_thresh": 100.0}), name="p")
    net.inject(sk.StepCurrent([50.0, 150.0, 250.0], [0.4, -0.2, 0.0]), pop)
    net.record(pop, "v")
    res = sk.Simulator(net, dt=0.1, seed=1, dtype="float64").run(300.0).results
    v = res.traces["p"]["v"].data[:, 0, 0]           # sample i: end of step i (t = (i + 1) dt)
    t = (np.arange(v.size) + 1) * 0.1
    assert v[t <= 50.0] == pytest.approx(-65.0)
    for t_on, t_off, amplitude in ((50.0, 150.0, 0.4), (150.0, 250.0, -0.2)):
        inside = (t > t_on) & (t <= t_off)
        expected = -65.0 + 10.0 * amplitude + (v[np.argmax(inside) - 1] + 65.0 - 10.0 * amplitude) * \
            np.exp(-(t[inside] - t_on) / 10.0)
        assert v[inside] == pytest.approx(expected, abs=1e-9)


def test_two_sources_on_one_neuron_add():
    net = sk.Network()
    pop = net.population(1, sk.LIFCurrExp(**{**LIF, "v_thresh": 100.0}), name="p")
    net.inject(sk.StepCurrent.dc(0.3), pop)
    net.inject(sk.StepCurrent.dc(0.2), pop)
    sim = sk.Simulator(net, dt=0.1, seed=1, dtype="float64").run(200.0)
    assert sim.state(pop, "v")[0, 0] == pytest.approx(-65.0 + 10.0 * 0.5, abs=1e-6)


def test_a_source_changed_between_runs_takes_effect():
    net = sk.Network()
    pop = net.population(1, sk.LIFCurrExp(**{**LIF, "v_thresh": 100.0}), name="p")
    injection = net.inject(sk.StepCurrent.dc(0.3), pop)
    sim = sk.Simulator(net, dt=0.1, seed=1, dtype="float64").run(200.0)
    injection.current = sk.StepCurrent.dc(-0.3)
    sim.run(200.0)
    assert sim.state(pop, "v")[0, 0] == pytest.approx(-68.0, abs=1e-6)


def test_poisson_window():
    net = sk.Network()
    src = net.population(200, sk.Poisson(100.0, start=100.0, stop=300.0), name="src")
    net.record(src, "spikes")
    t = sk.Simulator(net, dt=0.1, seed=3).run(400.0).results.spikes["src"].times
    assert t.min() >= 100.0 and t.max() < 300.0
    expected = 200 * 100.0 * 0.2
    assert abs(t.size - expected) < 4 * math.sqrt(expected)


def test_bad_current_sources_are_refused():
    with pytest.raises(sk.SnnkitValueError, match="StepCurrent.times"):
        sk.StepCurrent([10.0, 5.0], [1.0, 2.0])
    with pytest.raises(sk.SnnkitValueError, match="StepCurrent.amplitudes"):
        sk.StepCurrent([10.0], [np.nan])
    with pytest.raises(sk.SnnkitValueError, match="one amplitude per time"):
        sk.StepCurrent([10.0, 20.0], [1.0])
    net = sk.Network()
    src = net.population(2, sk.Poisson(5.0), name="src")
    with pytest.raises(sk.SnnkitValueError, match="neuron population"):
        net.inject(sk.StepCurrent.dc(1.0), src)
    with pytest.raises(sk.SnnkitValueError, match="Poisson.stop"):
        sk.Poisson(5.0, start=10.0, stop=5.0)


def _scheduled_network():
    net = sk.Network(seed=5)
    exc = net.population(40, sk.LIFCurrExp(**LIF), name="exc")
    cond = net.population(30, sk.LIFCondExp(tau_m=10.0), name="cond")
    src = net.population(60, sk.Poisson(80.0, start=20.0, stop=150.0), name="src")
    net.inject(sk.StepCurrent([10.0, 60.0, 61.3, 120.0], [1.2, 2.5, 0.8, 0.0]), exc, np.arange(0, 40, 2))
    net.inject(sk.StepCurrent.dc(0.9, 30.0, 170.0), cond)
    net.connect(src, exc, sk.FixedProbability(0.2), weight=0.3, delay=1.0)
    net.connect(src, cond, sk.FixedProbability(0.2), weight=0.01, delay=1.5)
    net.connect(exc, cond, sk.FixedProbability(0.1), weight=0.02, delay=2.0)
    for pop in (exc, cond, src):
        net.record(pop, "spikes")
    return net


def test_every_backend_matches_numpy(backend, batch):
    runs = {}
    for name in ("numpy", backend):
        sim = sk.Simulator(_scheduled_network(), dt=0.1, batch=batch, seed=7, backend=name, dtype="float64")
        sim.run(90.0).run(110.0)
        runs[name] = (sim.results, sim.state("exc", "v"), sim.state("cond", "v"))
    ref, got = runs["numpy"], runs[backend]
    for pop in ("exc", "cond", "src"):
        a, b = ref[0].spikes[pop], got[0].spikes[pop]
        assert a.times.size > 20
        assert np.array_equal(a.times, b.times) and np.array_equal(a.node_ids, b.node_ids)
    assert np.array_equal(ref[1], got[1])
    # conductance-based: exp in float64 may differ in the last bit between libms
    assert np.allclose(ref[2], got[2], rtol=1e-13, atol=0)
