"""Poisson sources: count statistics, per-instance rates, reproducibility."""

import numpy as np

import snnkit as sk

from .helpers import run


def poisson_counts(backend, rate, n=1000, duration=500.0, batch=1, seed=3):
    net = sk.Network()
    src = net.population(n, sk.Poisson(rate=rate), name="src")
    net.record(src, "spikes")
    res = run(net, backend, duration, batch=batch, seed=seed).results
    return res.spikes["src"].counts(batch), res


def test_counts_have_poisson_mean_and_variance(backend):
    counts, _ = poisson_counts(backend, 20.0)
    expected = 20.0 * 0.5                           # rate x 0.5 s
    c = counts[0].astype(float)
    assert abs(c.mean() - expected) < 5 * np.sqrt(expected / c.size)
    # binomial per step: variance n p (1 - p) ~ mean; its sampling SE is ~ var * sqrt(2 / n)
    assert abs(c.var(ddof=1) - expected) < 5 * expected * np.sqrt(2 / c.size)


def test_per_instance_rates(backend):
    rates = np.array([[5.0], [40.0]])
    counts, _ = poisson_counts(backend, rates, n=400, batch=2)
    means = counts.mean(axis=1) / 0.5
    assert abs(means[0] - 5.0) < 1.0 and abs(means[1] - 40.0) < 3.0


def test_zero_and_saturated_rates(backend):
    counts, _ = poisson_counts(backend, np.array([0.0, 1e6]), n=2, duration=10.0)
    assert counts[0].tolist() == [0, 100]


def test_same_seed_same_spikes_other_seed_other_spikes(backend):
    _, a = poisson_counts(backend, 30.0, n=50, duration=100.0, seed=9)
    _, b = poisson_counts(backend, 30.0, n=50, duration=100.0, seed=9)
    _, c = poisson_counts(backend, 30.0, n=50, duration=100.0, seed=10)
    assert np.array_equal(a.spikes["src"].times, b.spikes["src"].times)
    assert np.array_equal(a.spikes["src"].node_ids, b.spikes["src"].node_ids)
    assert not np.array_equal(a.spikes["src"].node_ids, c.spikes["src"].node_ids)


# -- the geometric-interval draw (sources.Poisson): still Bernoulli trials a step ------

def test_intervals_are_geometric(backend):
    """Bernoulli(p) trials a step: P(interval = j steps) = (1 - p)^(j - 1) p, j >= 1."""
    rate, dt, n = 100.0, 0.1, 200
    net = sk.Network()
    net.record(net.population(n, sk.Poisson(rate=rate), name="src"), "spikes")
    res = run(net, backend, 2000.0, seed=4).results
    p = rate * dt / 1000.0
    gaps = np.concatenate([np.diff(np.round(t / dt).astype(np.int64)) for t in res.spikes["src"].trains()])
    assert gaps.min() >= 1
    edges = np.array([1, 5, 10, 20, 40, 70, 100, 150, 200, 300, 450, np.inf])
    observed = np.histogram(gaps, bins=edges)[0]
    tail = (1 - p) ** (edges - 1)                      # P(interval >= j)
    expected = gaps.size * (tail[:-1] - tail[1:])
    chi2 = np.sum((observed - expected) ** 2 / expected)
    assert chi2 < 35.0                                  # 10 degrees of freedom: p ~ 1e-4


def test_counts_per_step_are_binomial_and_independent(backend):
    rate, dt, n = 200.0, 0.1, 2000
    _, res = poisson_counts(backend, rate, n=n, duration=300.0, seed=6)
    steps = np.round(res.spikes["src"].times / dt).astype(np.int64)
    per_step = np.bincount(steps, minlength=3000)[:3000].astype(float)
    p = rate * dt / 1000.0
    assert abs(per_step.mean() - n * p) < 5 * np.sqrt(n * p / per_step.size)
    assert abs(per_step.var() / (n * p * (1 - p)) - 1) < 0.15
    lag1 = np.corrcoef(per_step[:-1], per_step[1:])[0, 1]
    assert abs(lag1) < 5 / np.sqrt(per_step.size)


def rate_changes_network(batch_rates: bool):
    net = sk.Network()
    src = net.population(300, sk.InhomogeneousPoisson([0.0, 100.0, 200.0, 300.0], [5.0, 80.0, 0.0, 40.0]),
                         name="changing")
    window = net.population(300, sk.Poisson(rate=np.array([[30.0], [60.0], [90.0]]) if batch_rates else 50.0,
                                            start=50.0, stop=250.0), name="window")
    net.record(src, "spikes")
    net.record(window, "spikes")
    return net, window


def test_rates_changed_during_a_run_take_effect_from_their_step(backend):
    """A changed p redraws the next spike from the step of the change (memoryless)."""
    res = run(rate_changes_network(False)[0], backend, 400.0, seed=8).results
    t = res.spikes["changing"].times
    for (lo, hi), rate in zip([(0, 100), (100, 200), (200, 300), (300, 400)], [5.0, 80.0, 0.0, 40.0]):
        count = np.sum((t >= lo) & (t < hi))
        expected = rate * 300 * (hi - lo) / 1000.0
        assert abs(count - expected) <= 5 * np.sqrt(expected) + (0 if rate else 0.5)
    w = res.spikes["window"].times
    assert w.min() >= 50.0 and w.max() < 250.0
    assert abs(w.size - 50.0 * 300 * 0.2) < 5 * np.sqrt(3000)


def test_devices_draw_numpys_spikes_through_rate_changes(device, batch):
    """Scheduled changes, a window and a change between runs (Population.set)."""
    def spikes(backend):
        net, window = rate_changes_network(batch == 3)
        backend = backend("float32") if callable(backend) else backend
        sim = sk.Simulator(net, backend=backend, batch=batch, seed=12).run(120.0, progress=False)
        window.set(rate=200.0)
        res = sim.run(180.0, progress=False).results
        return [(res.spikes[name].times, res.spikes[name].node_ids, res.spikes[name].instances)
                for name in ("changing", "window")]
    for numpy_spikes, device_spikes in zip(spikes("numpy"), spikes(device)):
        assert numpy_spikes[0].size > 100
        for a, b in zip(numpy_spikes, device_spikes):
            assert np.array_equal(a, b)
