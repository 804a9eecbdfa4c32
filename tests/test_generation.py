"""The connectivity specification (snnkit.generation): each rule's statistics against its
analytic distribution, the drawn values' moments, independence of everything else in
the network, and the device's copies of the math series."""

from __future__ import annotations

import re

import numpy as np
import pytest

import snnkit as sk
from snnkit import distributions as dist
from snnkit import kernels
from snnkit.generation import counters as C
from snnkit.generation import exact_math as M
from snnkit.generation import recipe as R
from snnkit.generation.values import draw_pair, draw_values, normal_family, value_code

KEY = (12345, 678)


def pairs(connector, n_pre, n_post, same=False, projection=0):
    return R.rule_pairs(R.rule_of(connector, n_pre, n_post, same), n_pre, n_post, projection, KEY)


def sorted_pairs(pre, post):
    return np.all((pre[1:] > pre[:-1]) | ((pre[1:] == pre[:-1]) & (post[1:] >= post[:-1])))


def test_fixed_probability_counts_are_binomial():
    n, p = 2000, 0.05
    pre, post = pairs(sk.FixedProbability(p), n, n)
    assert sorted_pairs(pre, post) and np.all(np.diff(post)[np.diff(pre) == 0] > 0)   # no multapses
    total, expect = pre.size, n * n * p
    assert abs(total - expect) < 5 * np.sqrt(expect * (1 - p))
    rows = np.bincount(pre, minlength=n)
    assert abs(rows.var() - n * p * (1 - p)) < 0.15 * n * p                # binomial(n, p) per row
    cols = np.bincount(post, minlength=n)
    assert abs(cols.mean() - n * p) < 1.0 and abs(cols.var() - n * p * (1 - p)) < 0.15 * n * p
    self_pre, self_post = pairs(sk.FixedProbability(0.5), 300, 300, same=True)
    assert not np.any(self_pre == self_post)
    assert abs(self_pre.size - 0.5 * 300 * 299) < 5 * np.sqrt(300 * 299 * 0.25)


def test_fixed_in_and_out_degree_are_exact_and_uniform():
    pre, post = pairs(sk.FixedInDegree(50), 400, 300)
    assert sorted_pairs(pre, post)
    assert np.all(np.bincount(post, minlength=300) == 50)
    assert np.unique(pre * 300 + post).size == pre.size                       # distinct per column
    out = np.bincount(pre, minlength=400)                                      # ~ binomial(300, 1/8)
    assert abs(out.mean() - 37.5) < 1e-9 and abs(out.var() - 300 * 0.125 * 0.875) < 0.2 * 32.8
    pre, post = pairs(sk.FixedOutDegree(40), 300, 500, same=False)
    assert np.all(np.bincount(pre, minlength=300) == 40)
    assert np.unique(pre * 500 + post).size == pre.size
    hits = np.bincount(post, minlength=500)
    chi2 = np.sum((hits - hits.mean()) ** 2 / hits.mean())                    # ~ chi2(499)
    assert abs(chi2 - 499) < 5 * np.sqrt(2 * 499)
    for connector in (sk.FixedInDegree(290), sk.FixedOutDegree(290)):        # dense: the complement
        pre, post = pairs(connector, 300, 300, same=True)
        assert not np.any(pre == post) and np.unique(pre * 300 + post).size == pre.size == 290 * 300


def test_fixed_total_number_is_multinomial_with_sorted_uniform_posts():
    n_pre, n_post, n = 500, 400, 200_000
    pre, post = pairs(sk.FixedTotalNumber(n), n_pre, n_post)
    assert pre.size == n and sorted_pairs(pre, post)
    rows = np.bincount(pre, minlength=n_pre)
    assert abs(rows.var() - n / n_pre * (1 - 1 / n_pre)) < 0.15 * n / n_pre
    hits = np.bincount(post, minlength=n_post)
    chi2 = np.sum((hits - n / n_post) ** 2 / (n / n_post))
    assert abs(chi2 - (n_post - 1)) < 5 * np.sqrt(2 * (n_post - 1))
    multapses = n - np.unique(pre * n_post + post).size                      # E = sum over pairs
    expect = n - n_pre * n_post * (1 - (1 - 1 / (n_pre * n_post)) ** n)
    assert abs(multapses - expect) < 5 * np.sqrt(expect)
    pre, post = pairs(sk.FixedTotalNumber(20_000), 100, 100, same=True)
    assert pre.size == 20_000 and not np.any(pre == post)


@pytest.mark.parametrize("value, mean, sd, low, high", [
    (dist.Uniform(-1.0, 3.0), 1.0, 4 / np.sqrt(12), -1.0, 3.0),
    (dist.Normal(2.0, 0.5), 2.0, 0.5, -np.inf, np.inf),
    (dist.Exponential(0.7), 0.7, 0.7, 0.0, np.inf),
    (dist.LogNormal(0.1, 0.4), np.exp(0.1 + 0.08), np.sqrt((np.exp(0.16) - 1) * np.exp(0.2 + 0.16)), 0.0, np.inf),
    (dist.NormalClipped(0.0, 1.0, low=0.0), np.sqrt(2 / np.pi), np.sqrt(1 - 2 / np.pi), 0.0, np.inf),
])
@pytest.mark.parametrize("role, shared", [(0, False), (1, False), (1, True)])
def test_drawn_values_have_their_distribution(value, mean, sd, low, high, role, shared):
    """As a weight (words 0-1), a delay (words 2-3) and, for the normal family, a delay
    sharing the weight's Box-Muller pair (its sine half)."""
    if shared and not normal_family(value_code(value)):
        pytest.skip("only the normal family shares a pair")
    n = 200_000
    pre, post = np.repeat(np.arange(400), 500), np.tile(np.arange(500), 400)
    x = draw_values(value_code(value), pre, post, np.zeros(n, np.int64), C.stream(3, C.VALUES), KEY, role, shared)
    assert x.min() >= low and x.max() <= high
    assert abs(x.mean() - mean) < 5 * sd / np.sqrt(n)
    assert abs(x.std() - sd) < 0.01 * sd
    again = draw_values(value_code(value), pre[::7], post[::7], np.zeros(pre[::7].size, np.int64),
                        C.stream(3, C.VALUES), KEY, role, shared)
    np.testing.assert_array_equal(again, x[::7])                              # a function of the pair


@pytest.mark.parametrize("weight, delay", [
    (dist.Normal(0.0, 1.0), dist.Normal(0.0, 1.0)),                          # the two halves of one pair
    (dist.NormalClipped(0.0, 1.0, low=0.5), dist.NormalClipped(0.0, 1.0, high=-0.2)),   # redraws, each its own
    (dist.Uniform(0.0, 1.0), dist.Normal(0.0, 1.0)),                         # words 0-1 and 2-3
])
def test_a_synapse_weight_and_delay_are_independent(weight, delay):
    """Weight and delay come from one Philox call per synapse: their correlation, and
    that of their squares (Box-Muller's halves share a radius), is zero within 5 sigma."""
    n = 200_000
    pre, post = np.repeat(np.arange(400), 500), np.tile(np.arange(500), 400)
    w, d = draw_pair(value_code(weight), value_code(delay), pre, post, np.zeros(n, np.int64),
                     C.stream(2, C.VALUES), KEY)
    for f in (lambda x: x, np.square):
        r = np.corrcoef(f(w), f(d))[0, 1]
        assert abs(r) < 5 / np.sqrt(n), r
    alone = draw_pair(value_code(weight), value_code(delay), pre, post, np.zeros(n, np.int64),
                      C.stream(2, C.VALUES), KEY, want=(False, True))[1]
    np.testing.assert_array_equal(alone, d)                                  # a delay drawn alone is the same


def test_a_projection_does_not_depend_on_the_rest_of_the_network():
    def build(extra: bool, batch: int):
        net = sk.Network(seed=9)
        a = net.population(200, sk.LIFCurrExp(), name="a")
        b = net.population(150, sk.LIFCurrExp(), name="b")
        net.connect(a, b, sk.FixedTotalNumber(5000), weight=dist.Normal(0.2, 0.1), delay=dist.Uniform(0.1, 2.0))
        if extra:
            net.connect(b, a, sk.FixedProbability(0.2), weight=0.3)
            net.population(50, sk.Poisson(rate=5.0), name="c")
        sim = sk.Simulator(net, backend="numpy", batch=batch, seed=[1, 2, 3][:batch])
        return sim.weights(net.projections[0])
    base = build(False, 1)
    for got in (build(True, 1), build(False, 3), build(True, 3)):
        for x, y in zip(base, got):
            np.testing.assert_array_equal(x, y)


def test_exact_math_is_accurate():
    x = np.concatenate([np.exp(np.linspace(-700, 700, 20001)), np.linspace(1e-9, 4, 20001)])
    assert np.max(np.abs(M.log(x) - np.log(x)) / np.maximum(np.abs(np.log(x)), 1e-300)) < 2e-15
    y = np.linspace(-700, 700, 20001)
    assert np.max(np.abs(M.exp(y) / np.exp(y) - 1)) < 2e-15
    u = np.arange(0, 2**24, 13) * 2.0 ** -24
    assert np.max(np.abs(M.cos_2pi(u) - np.cos(2 * np.pi * u))) < 2e-15


def test_device_series_are_the_specification_s():
    """kernels/connect.h holds the series as exact_math.c_series() writes them: the same
    numbers, in the same order of operations."""
    source = (kernels.kernel_dir() / "connect.h").read_text()
    begin, end = "/* begin exact_math.c_series() */\n", "/* end exact_math.c_series() */"
    assert source[source.index(begin) + len(begin):source.index(end)] == M.c_series()
    for name in ("LN2_HI", "LN2_LO", "INV_LN2", "HALF_PI", "SQRT_HALF"):
        value = float(re.search(rf"#define EXACT_{name} (\S+)", source).group(1))
        assert value == getattr(M, name), name
