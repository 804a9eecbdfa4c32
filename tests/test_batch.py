"""Batch: identical instances from equal seeds, independent ones from one seed, sweeps."""

import numpy as np

import snnkit as sk

from .helpers import run


def noisy_network():
    net = sk.Network(seed=4)
    src = net.population(100, sk.Poisson(rate=20.0), name="src")
    exc = net.population(50, sk.LIFCurrExp(tau_m=10.0, cm=0.25, v_rest=-65.0, v_thresh=-55.0,
                                           noise_sigma=1.0), name="exc")
    exc.initialize(v=sk.Uniform(-65.0, -55.0))
    net.connect(src, exc, sk.FixedProbability(0.2), weight=0.5)
    net.connect(exc, exc, sk.FixedProbability(0.1), weight=-0.2, receptor="inhibitory",
                delay=sk.Uniform(0.1, 2.0))
    net.record(exc, "spikes")
    return net


def raster(res, instance):
    times, ids = res.spikes["exc"].of_instance(instance)
    return list(zip(times.tolist(), ids.tolist()))


def test_equal_seeds_give_identical_instances(backend):
    res = run(noisy_network(), backend, 200.0, batch=3, seed=[7, 7, 7]).results
    assert len(raster(res, 0)) > 50
    assert raster(res, 0) == raster(res, 1) == raster(res, 2)


def test_instance_of_a_seed_list_equals_a_single_run_with_that_seed(backend):
    batch = run(noisy_network(), backend, 100.0, batch=2, seed=[7, 8]).results
    single = run(noisy_network(), backend, 100.0, batch=1, seed=[8]).results
    assert raster(batch, 1) == raster(single, 0)
    assert raster(batch, 0) != raster(batch, 1)


def test_one_seed_gives_independent_instances(backend):
    res = run(noisy_network(), backend, 100.0, batch=2, seed=7).results
    assert raster(res, 0) != raster(res, 1)


def test_bias_sweep_rates_rise_monotonically(backend):
    currents = np.linspace(1.6, 4.0, 6)[:, None]                # one bias per instance
    net = sk.Network()
    pop = net.population(10, sk.LIF(tau_m=10.0, cm=1.0, v_rest=-65.0, v_reset=-65.0,
                                     v_thresh=-50.0, tau_refrac=2.0, i_offset=currents), name="n")
    net.record(pop, "spikes")
    rates = run(net, backend, 500.0, batch=6).results.rate("n")
    assert rates.shape == (6,)
    assert np.all(np.diff(rates) > 0)
