"""Pair-based STDP: one spike pair, nearest vs all pairing, weight dependence, bounds, batch."""

import numpy as np
import pytest

import snnkit as sk

from .helpers import run

DT = 0.1


def pair_network(pre_times, post_times, rule, w0=0.5):
    """pre -> post (plastic, too weak to matter); a driver forces post spikes at post_times."""
    net = sk.Network()
    pre = net.population(1, sk.SpikeTimes([pre_times]), name="pre")
    # the driver's spike arrives one step later and kicks the post neuron over threshold
    driver = net.population(1, sk.SpikeTimes([[t - DT for t in post_times]]), name="driver")
    post = net.population(1, sk.LIF(v_rest=0.0, v_reset=0.0, v_thresh=10.0, tau_refrac=0.0),
                          name="post")
    plastic = net.connect(pre, post, sk.OneToOne(), weight=w0, plasticity=rule)
    net.connect(driver, post, sk.OneToOne(), weight=50.0)
    net.record(post, "spikes")
    return net, plastic


def final_weight(backend, pre_times, post_times, rule, w0=0.5, batch=1):
    net, plastic = pair_network(pre_times, post_times, rule, w0)
    sim = run(net, backend, max(pre_times + post_times) + 5.0, batch=batch, dtype="float64")
    post_steps = np.round(sim.results.spikes["post"].of_instance(0)[0] / DT)
    assert post_steps.tolist() == np.round(np.array(post_times) / DT).tolist()
    return sim.weights(plastic)[2]


RULE = dict(tau_plus=20.0, tau_minus=15.0, A_plus=0.01, A_minus=0.012, w_min=0.0, w_max=1.0)


@pytest.mark.parametrize("lag", [0.1, 2.0, 13.7])
def test_pre_then_post_potentiates_by_A_plus_exp(backend, lag):
    w = final_weight(backend, [10.0], [10.0 + lag], sk.STDP(**RULE))
    assert w[0, 0] == pytest.approx(0.5 + 0.01 * np.exp(-lag / 20.0), rel=1e-9)


@pytest.mark.parametrize("lag", [0.1, 5.0])
def test_post_then_pre_depresses_by_A_minus_exp(backend, lag):
    w = final_weight(backend, [10.0 + lag], [10.0], sk.STDP(**RULE))
    assert w[0, 0] == pytest.approx(0.5 - 0.012 * np.exp(-lag / 15.0), rel=1e-9)


def test_same_step_pair_does_not_change_the_weight(backend):
    assert final_weight(backend, [10.0], [10.0], sk.STDP(**RULE))[0, 0] == 0.5


def test_all_versus_nearest_pairing(backend):
    pre, post = [10.0, 15.0], [20.0]
    w_all = final_weight(backend, pre, post, sk.STDP(**RULE, pairing="all"))[0, 0]
    w_near = final_weight(backend, pre, post, sk.STDP(**RULE, pairing="nearest"))[0, 0]
    assert w_all == pytest.approx(0.5 + 0.01 * (np.exp(-10 / 20) + np.exp(-5 / 20)))
    assert w_near == pytest.approx(0.5 + 0.01 * np.exp(-5 / 20))


def test_multiplicative_dependence_scales_with_distance_to_bounds(backend):
    rule = sk.STDP(**RULE, weight_dependence="multiplicative")
    up = final_weight(backend, [10.0], [12.0], rule, w0=0.8)[0, 0]
    down = final_weight(backend, [12.0], [10.0], rule, w0=0.8)[0, 0]
    assert up == pytest.approx(0.8 + 0.01 * (1.0 - 0.8) * np.exp(-2 / 20))
    assert down == pytest.approx(0.8 - 0.012 * 0.8 * np.exp(-2 / 15))


def test_weights_are_clipped_to_the_bounds(backend):
    rule = sk.STDP(**dict(RULE, A_plus=1.0, w_max=0.6))
    assert final_weight(backend, [10.0], [10.5], rule)[0, 0] == 0.6
    rule = sk.STDP(**dict(RULE, A_minus=1.0, w_min=0.2))
    assert final_weight(backend, [10.5], [10.0], rule)[0, 0] == 0.2


def test_plastic_weights_are_per_instance(backend):
    # a post neuron that fires only in instance 1 (per-instance bias) potentiates only there
    net = sk.Network()
    src = net.population(20, sk.Poisson(rate=50.0), name="src")
    post = net.population(1, sk.LIF(v_rest=0.0, v_reset=0.0, v_thresh=10.0, tau_m=10.0, cm=1.0,
                                     i_offset=np.array([[0.0], [1.5]])), name="post")
    plastic = net.connect(src, post, sk.AllToAll(), weight=0.01, plasticity=sk.STDP(**RULE))
    sim = run(net, backend, 200.0, batch=2, seed=[5, 5])
    w = sim.weights(plastic)[2]
    assert w.shape == (2, 20)
    assert np.all(w[0] <= 0.01 + 1e-7)              # only depression without post spikes
    assert np.all(w[1] > w[0])
