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
