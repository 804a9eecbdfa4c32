"""Batch: identical instances from equal seeds, independent ones from one seed, sweeps."""

import numpy as np
import pytest

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


def two_population_network(seed=None):
    net = sk.Network(seed=seed)
    cell = sk.LIFCurrExp(tau_m=20.0, cm=0.2, v_rest=-49.0, v_reset=-60.0, v_thresh=-50.0, tau_refrac=5.0)
    exc = net.population(80, cell, name="exc").initialize(v=sk.Uniform(-60.0, -50.0))
    inh = net.population(20, cell, name="inh").initialize(v=sk.Uniform(-60.0, -50.0),
                                                         syn_E=sk.Uniform(0.0, 0.01))
    for post in (exc, inh):
        net.connect(exc, post, sk.FixedProbability(0.2), weight=0.02)
        net.connect(inh, post, sk.FixedProbability(0.2), weight=-0.05, receptor="inhibitory")
        net.record(post, "spikes")
    net.record(inh, "v", every=5)
    return net


@pytest.mark.parametrize("instance", [0, 2])
def test_an_instance_does_not_depend_on_the_batch_size(backend, instance):
    runs = {b: run(two_population_network(), backend, 100.0, batch=b, seed=1) for b in (3, 4, 8)}
    ref = runs[3]
    for pop in ("exc", "inh"):
        v0 = ref.state(pop, "v")                         # after the run: the whole trajectory agreed
        for b, sim in runs.items():
            assert np.array_equal(sim.state(pop, "v")[instance], v0[instance]), (pop, b)
            t_ref, i_ref = ref.results.spikes[pop].of_instance(instance)
            t, i = sim.results.spikes[pop].of_instance(instance)
            assert np.array_equal(t, t_ref) and np.array_equal(i, i_ref), (pop, b)
    first = ref.results.traces["inh"]["v"].data[0]
    assert not np.array_equal(first[0], first[1])       # instances still differ from each other
    assert ref.results.spikes["exc"].times.size > 0


def test_a_seed_list_instance_equals_the_batch_one_run():
    a = run(two_population_network(seed=2), "numpy", 50.0, batch=1, seed=7)
    b = run(two_population_network(seed=2), "numpy", 50.0, batch=3, seed=[3, 7, 9])
    assert np.array_equal(a.state("inh", "v")[0], b.state("inh", "v")[1])
