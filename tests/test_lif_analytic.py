"""LIF physics against closed forms: charging, refractoriness, f-I curve, IF, COBA, noise."""

import json
from pathlib import Path

import numpy as np
import pytest

import snnkit as sk
from snnkit.examples import single_neuron as demo

from .helpers import run, single

DT = 0.1
TAU = 10.0
T_CHARGE = TAU * np.log(1 / (1 - 0.8))        # dv/dt = (1 - v)/tau from 0 to 0.8: 16.09 ms


def test_charging_spike_times_match_closed_form(backend):
    res, _ = single(sk.LIF(**demo.CHARGING), backend, 200.0, v0=0.0)
    times = res.spikes["n"].times
    assert abs(times[0] - T_CHARGE) <= DT
    # every later cycle starts from the reset (0) at a step boundary
    assert np.all(np.abs(np.diff(times) - T_CHARGE) <= DT + 1e-9)
    assert len(times) == int(200.0 // (np.ceil(T_CHARGE / DT) * DT))


def test_refractory_period_adds_to_the_interval(backend):
    res, _ = single(sk.LIF(**dict(demo.CHARGING, tau_refrac=5.0)), backend, 300.0, v0=0.0)
    isi = np.diff(res.spikes["n"].times)
    assert isi.size > 5
    assert np.all(np.abs(isi - (5.0 + T_CHARGE)) <= DT + 1e-9)


def test_v_is_clamped_at_reset_while_refractory_and_integrates_after(backend):
    res, _ = single(sk.LIF(**dict(demo.CHARGING, tau_refrac=5.0)), backend, 40.0, v0=0.0,
                    record_v=True)
    first = int(round(res.spikes["n"].times[0] / DT))
    v = res.traces["n"]["v"].data[:, 0, 0]          # v[k] is the state after step k
    assert np.all(v[first:first + 51] == 0.0)       # reset + 50 clamped steps
    assert v[first + 51] > 0.0                      # refractoriness over: integrating again


def test_fi_curve_matches_closed_form_over_the_whole_range(backend):
    ex = demo.fi_curve()
    sim = run(ex.network, backend, 1000.0)
    trains = sim.results.spikes["neurons"].trains()
    expected = demo.fi_closed_form(demo.FI_CURRENTS)
    for current, rate, train in zip(demo.FI_CURRENTS, expected, trains):
        if rate == 0:
            assert train.size == 0, f"{current} nA is below rheobase but fired"
            continue
        period = 1000.0 / rate
        if train.size >= 3:
            isi = np.diff(train)
            assert np.all(isi >= period - 1e-6) and np.all(isi <= period + DT + 1e-6), current
        else:                                       # very low rates near rheobase: count them
            first = period - demo.FI["tau_refrac"]  # no refractory period before the first spike
            expected_count = int((1000.0 - first) // period) + 1 if first < 1000.0 else 0
            assert abs(train.size - expected_count) <= 1, current
    assert sum(t.size == 0 for t in trains) == int(np.sum(expected == 0))


def test_perfect_integrator_reaches_threshold_linearly(backend):
    # cm dv/dt = I: 0.1 nA into 1 nF is 0.1 mV/ms; threshold 1 mV from 0 takes 10 ms
    res, _ = single(sk.IF(cm=1.0, i_offset=0.1, v_thresh=1.0, v_reset=0.0), backend, 100.0, v0=0.0)
    times = res.spikes["n"].times
    assert abs(times[0] - 10.0) <= DT
    assert np.all(np.abs(np.diff(times) - 10.0) <= DT + 1e-9)


def test_exactly_at_threshold_spikes(backend):
    res, _ = single(sk.IF(v_thresh=1.0, v_reset=0.0), backend, 1.0, v0=1.0)
    assert res.spikes["n"].times.tolist() == [0.0]
    res, _ = single(sk.IF(v_thresh=1.0, v_reset=0.0), backend, 1.0, v0=0.999)
    assert res.spikes["n"].times.size == 0


def test_conductance_based_relaxes_to_the_conductance_weighted_rest(backend):
    # no input: v -> v_rest + i_offset / g_leak with time constant tau_m
    model = sk.LIFCondExp(tau_m=20.0, cm=0.2, v_rest=-70.0, v_thresh=0.0, i_offset=0.05)
    res, _ = single(model, backend, 50.0, v0=-70.0, record_v=True, dtype="float64")
    v_inf = -70.0 + 0.05 / (0.2 / 20.0)               # -65 mV
    times = res.traces["n"]["v"].times
    expected = v_inf + (-70.0 - v_inf) * np.exp(-times / 20.0)
    assert np.allclose(res.traces["n"]["v"].data[:, 0, 0], expected, atol=1e-9)


@pytest.mark.parametrize("method", ["exact", "euler"])
def test_membrane_noise_has_the_stationary_std(backend, method):
    model = sk.LIF(tau_m=10.0, v_rest=0.0, v_thresh=1e9, noise_sigma=2.0, method=method)
    res, _ = single(model, backend, 500.0, v0=0.0, record_v=True, n=200)
    v = res.traces["n"]["v"].data[1000:, 0, :]      # after 10 tau
    assert abs(v.mean()) < 0.15
    assert abs(v.std() - 2.0) < 0.1


def test_adaptive_threshold_jumps_and_decays(backend):
    model = sk.AdaptiveLIF(tau_m=10.0, cm=1.0, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0,
                           tau_refrac=0.0, i_offset=2.5, d_theta=2.0, tau_theta=50.0)
    net = sk.Network()
    pop = net.population(1, model, name="n")
    net.record(pop, "spikes")
    net.record(pop, "theta")
    res = run(net, backend, 300.0, dtype="float64").results
    steps = np.round(res.spikes["n"].times / DT).astype(int)
    theta = res.traces["n"]["theta"].data[:, 0, 0]
    decay = np.exp(-DT / 50.0)
    k = steps[0]
    assert theta[k] == pytest.approx(2.0)            # first spike: 0 decayed, then + d_theta
    assert theta[k + 1] == pytest.approx(2.0 * decay)
    for s in steps[1:]:
        assert theta[s] == pytest.approx(theta[s - 1] * decay + 2.0)
    isi = np.diff(steps)
    assert isi[-1] > isi[0]                          # the neuron adapts: intervals lengthen


BRIAN2_REFRACTORY = json.loads((Path(__file__).parent / "data" / "brian2_refractory.json").read_text())


def refractory_spike_times(backend, convention):
    from snnkit.examples.single_neuron import CHARGING
    net = sk.Network()
    cell = sk.LIF(**dict(CHARGING, tau_refrac=5.0), refractory_convention=convention)
    pop = net.population(1, cell, name="n").initialize(v=0.0)
    net.record(pop, "spikes")
    return sk.Simulator(net, backend=backend, seed=1).run(100.0, progress=False).results.spikes["n"].times


def test_refractory_conventions_nest_by_default_and_brian2_on_request(backend):
    nest = refractory_spike_times(backend, "nest")
    # NEST: v clamped for round(5 / 0.1) = 50 steps after the spike step: a period of 5 + 16.1 ms
    assert np.allclose(nest, [16.0, 37.1, 58.2, 79.3])
    brian2 = refractory_spike_times(backend, "brian2")
    assert np.allclose(brian2, BRIAN2_REFRACTORY["greater_equal"])       # Brian2 2.11's own times
    assert np.allclose(brian2, BRIAN2_REFRACTORY["greater"])
    with pytest.raises(sk.SnnkitValueError, match="refractory_convention"):
        sk.LIF(refractory_convention="neuron")
