"""rand() and int() in the model language, and the sources built on them: the
Poisson source with dead time, the gamma process, and the Poisson source whose rate
steps over time. Statistics against the processes' closed forms; every device
backend against NumPy spike for spike."""

import numpy as np
import pytest

import snnkit as sk
from snnkit.modeling import EquationModel, ModelError, library


def intervals(spikes, n):
    return np.concatenate([np.diff(spikes.times[spikes.node_ids == i]) for i in range(n)])


def run_sources(backend, duration=2000.0, batch=1, n=400, dt=0.1):
    net = sk.Network(seed=1)
    dead = net.population(n, library.SpikeSourcePoissonRefractory(rate=50.0, tau_refrac=5.0), name="dead")
    gamma = net.population(n, library.SpikeSourceGamma(alpha=3.0, beta=150.0, start=100.0), name="gamma")
    steps = net.population(n, sk.InhomogeneousPoisson([0.0, 200.0, 500.0], [10.0, 80.0, 0.0]), name="steps")
    for pop in (dead, gamma, steps):
        net.record(pop, "spikes")
    return sk.Simulator(net, backend=backend, seed=2, batch=batch, dt=dt).run(duration, progress=False).results


def test_sources_have_their_processes_statistics():
    res = run_sources("numpy", 800.0, n=250, dt=0.25)
    dead = res.spikes["dead"]
    isi = intervals(dead, 250)
    assert isi.min() >= 5.0 - 1e-9                                       # the dead time
    assert res.rate("dead") == pytest.approx(50.0, rel=0.03)            # the hazard keeps the rate
    assert np.std(isi) / np.mean(isi) == pytest.approx(1 - 50.0 * 5e-3, abs=0.03)    # CV = 1 - rate tau
    gamma = res.spikes["gamma"]
    assert gamma.times.min() >= 100.0
    isi = intervals(gamma, 250)
    assert np.mean(isi) == pytest.approx(3 / 0.150, rel=0.03)           # alpha / beta
    assert np.std(isi) / np.mean(isi) == pytest.approx(1 / np.sqrt(3), abs=0.03)
    t = res.spikes["steps"].times
    for (a, b), rate in zip(((0, 200), (200, 500), (500, 800)), (10.0, 80.0, 0.0)):
        got = np.sum((t >= a) & (t < b)) / 250 / ((b - a) / 1000.0)
        assert got == pytest.approx(rate, abs=max(1.5, 0.05 * rate))


def test_sources_draw_alike_on_every_backend(backend, batch):
    if backend == "numpy":
        pytest.skip("the specification itself")
    ours, spec = run_sources(backend, 300.0, batch, 100), run_sources("numpy", 300.0, batch, 100)
    for pop in ("dead", "gamma", "steps"):
        a, b = ours.spikes[pop], spec.spikes[pop]
        assert a.times.size > 50
        assert np.array_equal(a.times, b.times) and np.array_equal(a.node_ids, b.node_ids)
        assert np.array_equal(a.instances, b.instances)


def test_each_rand_is_its_own_draw_and_int_counts_a_condition(backend):
    if backend == "numpy":
        pytest.skip("compared with numpy below")
    """x counts rand() < 0.25, y rand() < 0.75 (two draws a step); their rates differ."""
    model = EquationModel("x : 1\ny : 1", update="x = x + int(rand() < 0.25); y = y + int(rand() < 0.75)",
                          threshold="x >= 1e9", name="counts")
    net = sk.Network(seed=1)
    pop = net.population(200, model, name="p")
    sim = sk.Simulator(net, backend=backend, seed=4).run(100.0, progress=False)      # 1000 steps
    x, y = sim.state(pop, "x"), sim.state(pop, "y")
    assert np.mean(x) == pytest.approx(250.0, rel=0.02) and np.mean(y) == pytest.approx(750.0, rel=0.02)
    spec = sk.Simulator(net, backend="numpy", seed=4).run(100.0, progress=False)
    assert np.array_equal(spec.state(pop, "x"), x) and np.array_equal(spec.state(pop, "y"), y)


def test_random_models_are_checked():
    with pytest.raises(ModelError, match=r"compares `rand\(\)` \(1\) with `rate`"):
        EquationModel("x : 1", update="x = x + int(rand() < rate)", parameters={"rate": (1.0, "Hz")},
                      threshold="x > 1")
    model = EquationModel("x : 1", update="x = x", threshold="rand() < p", parameters={"p": (0.5, "1")})
    assert model.threshold is not None                          # depends on rand(): may change
    with pytest.raises(sk.SnnkitValueError, match="InhomogeneousPoisson.rates"):
        sk.InhomogeneousPoisson([0.0, 10.0], [5.0])
    with pytest.raises(sk.SnnkitValueError, match="increasing"):
        sk.InhomogeneousPoisson([10.0, 0.0], [5.0, 1.0])
