"""Static tables from explicit wiring, built lean (snnkit/lower_static_table.py): the
same table the full sort builds (connectivity.build_table), element for element, at
any chunk size; every projection's synapses read back as given; a build's host peak a
few tens of bytes a synapse."""

import numpy as np
import pytest

import snnkit as sk
from snnkit import lower_static_table
from snnkit.connectivity import build_table
from snnkit.table_view import host_table

from .helpers import traced


def network(n_pre=40, n_post=30, sizes=(500, 0, 300, 1), sorted_first=True, seed=3):
    """Members into one table: unsorted FromList with repeated pairs, an empty one, a
    sorted one with scalar values, a single synapse; receptors mixed; delays drawn per
    synapse where given as arrays."""
    rng = np.random.default_rng(seed)
    net = sk.Network(seed=1)
    a = net.population(n_pre, sk.Poisson(rate=10.0), name="a")
    b = net.population(n_post, sk.LIF(), name="b")
    given = []
    for m, size in enumerate(sizes):
        pre, post = rng.integers(0, n_pre, size), rng.integers(0, n_post, size)
        if m == 2 and sorted_first:
            order = np.lexsort((post, pre))
            pre, post = pre[order], post[order]
        weight = rng.uniform(0.1, 1.0, size) if m % 2 == 0 else 0.25
        delay = rng.uniform(0.1, 4.0, size) if m != 2 else 1.5
        proj = net.connect(a, b, sk.FromList(pre, post), weight=weight, delay=delay,
                           receptor="inh" if m == 1 or m == 3 else "exc")
        given.append((proj, pre, post, np.broadcast_to(weight, (size,)), np.broadcast_to(delay, (size,))))
    return net, given


def reference(given, dt, n_pre, n_post):
    """The table the full sort makes: (pre, member, post), stable."""
    pre = np.concatenate([g[1] for g in given])
    post = np.concatenate([g[2] for g in given])
    weight = np.concatenate([g[3] for g in given])
    delay = np.concatenate([np.maximum(np.round(g[4] / dt), 1) for g in given]).astype(np.int64)
    member = np.concatenate([np.full(g[1].size, m) for m, g in enumerate(given)])
    receptor = np.concatenate([np.full(g[1].size, g[0].receptor) for g in given])
    table = build_table(n_pre, n_post, pre, post, weight, delay, transpose=False, member=member,
                        n_members=len(given))
    return table, receptor[table.order]


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
@pytest.mark.parametrize("sorted_first", [True, False])
def test_the_lean_table_equals_the_full_sort(monkeypatch, chunk, sorted_first):
    monkeypatch.setattr(lower_static_table, "SYNAPSES_PER_CHUNK", chunk)
    net, given = network(sorted_first=sorted_first)
    sim = sk.Simulator(net, backend="numpy", dtype="float64", seed=1)
    (table,) = sim.synapses
    expected, receptor = reference(given, sim.dt, 40, 30)
    np.testing.assert_array_equal(table["row_ptr"], expected.row_ptr)
    np.testing.assert_array_equal(table["post_index"], expected.post)
    np.testing.assert_array_equal(table["weight"], expected.weight)
    np.testing.assert_array_equal(table["delay"], expected.delay)
    np.testing.assert_array_equal(table["receptor"], receptor)
    assert table["post_index"].dtype == np.int32 and table["delay"].dtype == np.uint16


def test_uniform_delay_and_receptor_store_no_column():
    net = sk.Network(seed=1)
    a, b = net.population(20, sk.Poisson(rate=10.0), name="a"), net.population(20, sk.LIF(), name="b")
    rng = np.random.default_rng(0)
    net.connect(a, b, sk.FromList(rng.integers(0, 20, 100), rng.integers(0, 20, 100)), weight=0.5, delay=2.0)
    (table,) = sk.Simulator(net, backend="numpy", seed=1).synapses
    assert table["uniform_delay"] == 20 and table["delay"].size == 0 and table["receptor"].size == 0
    assert table["weight"].dtype == np.float32 and np.all(table["weight"] == np.float32(0.5))


def test_every_projection_reads_back_as_given(backend):
    net, given = network()
    sim = sk.Simulator(net, backend=backend, dtype="float64", seed=1)
    for proj, pre, post, weight, _ in given:
        got_pre, got_post, got_weight = sim.weights(proj)
        order = np.lexsort((post, pre))                     # the table's order: (pre, post), stable
        np.testing.assert_array_equal(got_pre, pre[order])
        np.testing.assert_array_equal(got_post, post[order])
        np.testing.assert_allclose(got_weight, weight[order], rtol=0, atol=0)
    host = host_table(sim.plan, sim.synapses, sim.backend, 0)
    assert np.array_equal(np.bincount(host["projection"], minlength=4), [g[1].size for g in given])


def test_spikes_match_across_backends_for_explicit_tables(backend):
    """The lean table drives a network the same on every backend (float64)."""
    rng = np.random.default_rng(5)
    net = sk.Network(seed=2)
    src = net.population(50, sk.Poisson(rate=40.0), name="src")
    cells = net.population(30, sk.LIF(), name="cells")
    n = 2000
    net.connect(src, cells, sk.FromList(rng.integers(0, 50, n), rng.integers(0, 30, n)),
                weight=rng.uniform(0.5, 2.0, n), delay=rng.uniform(0.1, 5.0, n))
    net.connect(src, cells, sk.FromList(rng.integers(0, 50, n // 4), rng.integers(0, 30, n // 4)),
                weight=0.8, delay=1.0, receptor="inh")
    net.record(cells, "spikes")
    runs = {}
    for name in ("numpy", backend):
        sim = sk.Simulator(net, backend=name, dtype="float64", seed=4)
        sim.run(200.0, progress=False)
        spikes = sim.results.spikes["cells"]
        runs[name] = (spikes.times.tolist(), spikes.node_ids.tolist())
    assert runs[backend] == runs["numpy"] and len(runs["numpy"][0]) > 20


def traced_build(n: int, backend: str) -> tuple[int, int]:
    """(peak, kept) bytes traced while building two FromList projections of n synapses
    each, one with per-synapse weights and delays (the network's arrays exist before)."""
    rng = np.random.default_rng(1)
    net = sk.Network(seed=1)
    a, b = net.population(5000, sk.Poisson(rate=1.0), name="a"), net.population(5000, sk.LIF(), name="b")
    net.connect(a, b, sk.FromList(rng.integers(0, 5000, n), rng.integers(0, 5000, n)),
                weight=rng.uniform(0.1, 0.5, n), delay=rng.uniform(0.1, 3.0, n))
    net.connect(a, b, sk.FromList(rng.integers(0, 5000, n), rng.integers(0, 5000, n)), weight=0.2,
                receptor="inh")
    kept, peak = traced(lambda: sk.Simulator(net, backend=backend, seed=1))
    return peak, kept


def test_a_fromlist_build_holds_a_few_tens_of_bytes_a_synapse(backend):
    """The host peak of building explicit synapses grows by the table (11 B a synapse
    here: post int32, weight float32, delay u16, receptor u8) and, on a device, the
    folded post column (4 B) — measured 16-18 B; the old build held about 130 B. What
    the host keeps after a device build does not grow with the synapses."""
    (p1, k1), (p2, k2) = traced_build(500_000, backend), traced_build(1_000_000, backend)
    per_synapse = (p2 - p1) / 1_000_000                  # two projections: 10^6 more synapses
    assert per_synapse < 25, per_synapse
    if backend != "numpy":
        assert (k2 - k1) / 1_000_000 < 1, (k2 - k1) / 1_000_000
