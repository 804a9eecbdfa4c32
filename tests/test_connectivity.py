"""Connectors and the CSR tables built from them."""

import numpy as np
import pytest

import snnkit as sk
from snnkit.connectivity import build_table, gather_rows

from .helpers import run

RNG = np.random.default_rng


def test_all_to_all_and_self_connections():
    pre, post = sk.AllToAll().pairs(4, 4, True, RNG(0))
    assert pre.size == 12 and not np.any(pre == post)
    pre, post = sk.AllToAll(allow_self=True).pairs(4, 3, False, RNG(0))
    assert pre.size == 12


def test_fixed_probability_count_and_no_autapses():
    pre, post = sk.FixedProbability(0.05).pairs(1000, 1000, True, RNG(1))
    expected = 0.05 * 1000 * 999
    assert abs(pre.size - expected) < 5 * np.sqrt(expected)
    assert not np.any(pre == post)
    assert np.unique(pre * 1000 + post).size == pre.size          # no duplicates


def test_fixed_in_degree_is_exact():
    pre, post = sk.FixedInDegree(7).pairs(50, 30, True, RNG(2))
    assert np.all(np.bincount(post, minlength=30) == 7)
    assert not np.any(pre == post)
    assert np.all(pre < 50)
    for j in range(30):
        assert np.unique(pre[post == j]).size == 7


def test_one_to_one_and_size_mismatch():
    pre, post = sk.OneToOne().pairs(5, 5, False, RNG(0))
    assert pre.tolist() == post.tolist() == list(range(5))
    with pytest.raises(ValueError, match="OneToOne"):
        sk.OneToOne().pairs(5, 4, False, RNG(0))


def test_csr_table_and_transpose_agree():
    pre, post = sk.FixedProbability(0.3).pairs(20, 15, False, RNG(3))
    weight = np.arange(pre.size, dtype=float)
    table = build_table(20, 15, pre, post, weight, np.ones(pre.size, np.int64))
    for i in range(20):
        rows = slice(table.row_ptr[i], table.row_ptr[i + 1])
        assert np.all(table.pre[rows] == i)
    for j in range(15):
        syn = table.col_syn[table.col_ptr[j]:table.col_ptr[j + 1]]
        assert np.all(table.post[syn] == j)
    # the (pre, post) -> weight map survives the sort
    original = dict(zip(zip(pre.tolist(), post.tolist()), weight))
    assert all(original[(a, b)] == w for a, b, w in zip(table.pre.tolist(), table.post.tolist(), table.weight))


def test_gather_rows():
    ptr = np.array([0, 2, 2, 5, 6])
    positions, owner = gather_rows(ptr, np.array([3, 0, 2]))
    assert positions.tolist() == [5, 0, 1, 2, 3, 4]
    assert owner.tolist() == [0, 1, 1, 2, 2, 2]
    positions, owner = gather_rows(ptr, np.array([1]))
    assert positions.size == 0


def test_from_list_weights_follow_the_list_order(backend):
    net = sk.Network()
    a = net.population(3, sk.LIF(), name="a")
    b = net.population(3, sk.LIF(), name="b")
    proj = net.connect(a, b, sk.FromList([2, 0, 1], [0, 2, 2]), weight=[0.3, 0.1, 0.2],
                       delay=[0.1, 0.2, 0.3])
    sim = run(net, backend, 0.0, dtype="float64")
    pre, post, w = sim.weights(proj)
    assert {(p, q): x for p, q, x in zip(pre, post, w)} == {(2, 0): 0.3, (0, 2): 0.1, (1, 2): 0.2}


def test_random_weights_and_delays_are_drawn_and_reproducible(backend):
    def build():
        net = sk.Network(seed=11)
        a = net.population(50, sk.LIF(), name="a")
        proj = net.connect(a, a, sk.FixedProbability(0.2), weight=sk.Uniform(0.1, 0.2),
                           delay=sk.Uniform(0.1, 3.0))
        return net, proj
    (n1, p1), (n2, p2) = build(), build()
    w1 = run(n1, backend, 0.0, seed=1).weights(p1)[2]
    w2 = run(n2, backend, 0.0, seed=2).weights(p2)[2]       # structure seed wins
    assert np.array_equal(w1, w2)
    assert w1.min() >= 0.1 and w1.max() <= 0.2 and w1.std() > 0.02
