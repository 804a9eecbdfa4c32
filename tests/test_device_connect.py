"""Static tables built on the device (kernels/connect.c) equal the ones snnkit.generation
builds on the host, element for element, for every connector drawn from counters, at
several sizes, batch 1 and 3, float32 and float64; and the networks spike alike."""

from __future__ import annotations

import numpy as np
import pytest

import snnkit as sk
from snnkit import distributions as dist

CASES = {
    "probability": (sk.FixedProbability(0.1), {}),
    "probability_self": (sk.FixedProbability(0.2), dict(same=True)),
    "all_to_all_self": (sk.AllToAll(), dict(same=True)),
    "one_to_one": (sk.OneToOne(), dict(same=True)),
    "in_degree": (sk.FixedInDegree(20), {}),
    "in_degree_dense": (sk.FixedInDegree(150), dict(same=True)),
    "out_degree": (sk.FixedOutDegree(30), {}),
    "out_degree_dense_self": (sk.FixedOutDegree(200), dict(same=True)),
    "total": (sk.FixedTotalNumber(20000), {}),
    "total_self": (sk.FixedTotalNumber(5000), dict(same=True)),
    "clipped_values": (sk.FixedProbability(0.05), dict(weight=dist.NormalClipped(0.1, 0.1, low=0.0),
                                                       delay=dist.NormalClipped(1.5, 0.75, low=0.1))),
    "mixed_receptors": (sk.FixedTotalNumber(3000), dict(weight=dist.Exponential(0.1), delay=dist.Uniform(0.1, 3.0),
                                                        two=True)),
    "mixed_constant_delays": (sk.FixedInDegree(7), dict(weight=dist.Uniform(0.0, 0.3), delay=2.0, two=True)),
    "normal_lognormal": (sk.FixedOutDegree(11), dict(weight=dist.Normal(0.0, 1.0), delay=0.1,
                                                     extra=dist.LogNormal(-2.0, 0.5))),
}


def network(connector, weight=0.1, delay=None, same=False, two=False, extra=None, sizes=(300, 200)):
    net = sk.Network(seed=5)
    a = net.population(sizes[0], sk.LIFCurrExp(), name="a")
    b = a if same else net.population(sizes[1], sk.LIFCurrExp(), name="b")
    net.connect(a, b, connector, weight=weight, delay=delay)
    if two:
        net.connect(a, b, sk.FixedProbability(0.1), weight=dist.Normal(-0.2, 0.05), delay=dist.Uniform(0.5, 2.0),
                    receptor="inhibitory")
    if extra is not None:
        net.connect(b, a, sk.FixedProbability(0.05), weight=extra, delay=dist.Uniform(0.2, 0.9))
    return net


def tables(sim) -> list[dict]:
    be = sim.backend
    out = []
    for host, s in zip(sim.plan.synapses, sim.synapses):
        out.append(dict(row_ptr=be.to_host(s["row_ptr"]).astype(np.int64),
                        post=be.to_host(s["post_index"])[:s["n_synapses"]].astype(np.int64),
                        weight=be.to_host(s["weight"])[:s["n_synapses"]],
                        delay=np.broadcast_to(be.to_host(s["delay"]), (s["n_synapses"],)) if not s["uniform_delay"]
                        else np.full(s["n_synapses"], s["uniform_delay"]),
                        depth=sim.plan.groups[host["post"]]["ring_depth"], generated="generated" in host))
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_device_table_equals_host_table(plain_device, case, batch):
    connector, options = CASES[case]
    net = network(connector, **options)
    built = [tables(sk.Simulator(net, backend=plain_device, connectivity=where, seed=1, batch=batch))
             for where in ("device", "host")]
    assert all(t["generated"] for t in built[0]) and not any(t["generated"] for t in built[1])
    for device_table, host_table in zip(*built):
        assert device_table["row_ptr"][-1] > 0
        for key in ("row_ptr", "post", "weight", "delay", "depth"):
            np.testing.assert_array_equal(device_table[key], host_table[key], err_msg=key)


@pytest.mark.parametrize("sizes", [(1, 1), (7, 3), (2000, 1500)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sizes_and_dtypes(plain_device, sizes, dtype):
    for connector in (sk.FixedProbability(0.3), sk.FixedInDegree(1), sk.FixedOutDegree(1), sk.FixedTotalNumber(5000)):
        net = network(connector, weight=dist.Normal(0.5, 0.2), delay=dist.Uniform(0.1, 1.0), sizes=sizes)
        built = [tables(sk.Simulator(net, backend=plain_device, connectivity=where, seed=2, dtype=dtype))
                 for where in ("device", "host")]
        for key in ("row_ptr", "post", "weight", "delay", "depth"):
            np.testing.assert_array_equal(built[0][0][key], built[1][0][key], err_msg=f"{connector} {key}")


def test_weights_of_generated_tables_read_as_on_numpy(plain_device):
    net = network(*CASES["mixed_receptors"][:1], **CASES["mixed_receptors"][1])
    device = sk.Simulator(net, backend=plain_device, seed=1, dtype="float64")
    spec = sk.Simulator(net, backend="numpy", seed=1, dtype="float64")
    for proj in net.projections:
        for got, want in zip(device.weights(proj), spec.weights(proj)):
            np.testing.assert_array_equal(got, want)
    device.set_weights(net.projections[0], 0.25)
    assert np.all(device.weights(net.projections[0])[2] == 0.25)


def driven(seed=3):
    """Poisson sources onto two populations through drawn tables (feedforward: the
    device's atomic additions may round a sum of three inputs differently from NumPy,
    and float64 keeps such a difference far below what moves a spike)."""
    net = sk.Network(seed=seed)
    src = net.population(300, sk.Poisson(rate=20.0), name="src")
    exc = net.population(200, sk.LIFCurrExp(), name="exc")
    inh = net.population(50, sk.LIFCurrExp(), name="inh")
    for post in (exc, inh):
        net.connect(src, post, sk.FixedTotalNumber(300 * post.size // 10), weight=dist.NormalClipped(0.6, 0.2, low=0.0),
                    delay=dist.NormalClipped(1.5, 0.75, low=0.1), receptor="excitatory")
        net.connect(src, post, sk.FixedInDegree(10), weight=dist.Uniform(-0.4, 0.0), delay=1.0, receptor="inhibitory")
    net.record(exc, "spikes")
    net.record(inh, "spikes")
    return net


def test_generated_network_spikes_as_numpy(plain_device, batch):
    net = driven()
    runs = [sk.Simulator(net, backend=b, seed=4, batch=batch, dtype="float64").run(300.0, progress=False).results
            for b in (plain_device, "numpy")]
    for pop in ("exc", "inh"):
        a, b = runs[0].spikes[pop], runs[1].spikes[pop]
        assert a.times.size > 100
        for field in ("times", "node_ids", "instances"):
            np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


@pytest.mark.parametrize("case", ["in_degree", "total", "mixed_receptors", "clipped_values", "out_degree_dense_self"])
def test_numpy_draws_the_table_the_device_builds(plain_device, case):
    """The NumPy backend's lean host-drawn table (generation/table.py) and the device's:
    the same row offsets, posts (the device's with receptor planes folded in), weights
    and delays."""
    from snnkit import kernels
    connector, options = CASES[case]
    net = network(connector, **options)
    spec, device = (sk.Simulator(net, backend=b, seed=1, batch=2) for b in ("numpy", plain_device))
    for host, s, d in zip(spec.plan.synapses, spec.synapses, device.synapses):
        be, n = device.backend, d["n_synapses"]
        post = be.to_host(d["post_index"])[:n].astype(np.int64)
        if host.get("receptor_folded") or device.plan.synapses[0].get("receptor_folded"):
            post %= kernels.plane_stride(2 * s["n_post"])
        np.testing.assert_array_equal(s["row_ptr"], be.to_host(d["row_ptr"]))
        np.testing.assert_array_equal(s["post_index"], post)
        np.testing.assert_array_equal(s["weight"], be.to_host(d["weight"])[:n])
        if not s["uniform_delay"]:
            np.testing.assert_array_equal(s["delay"], be.to_host(d["delay"])[:n])
