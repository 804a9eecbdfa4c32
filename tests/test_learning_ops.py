"""The operations between samples (kernels/fill.c, count_spikes.c, learning.c) and
STDP's x_target: NumPy specification against analytic values, devices against NumPy
on random inputs and edge cases (gain 0, probability clipped at 1, columns of zeros,
instances left out, batch > 1)."""

import numpy as np
import pytest

import snnkit as sk
from snnkit.backends import BACKENDS, get_backend

DEVICES = [name for name in BACKENDS if name != "numpy"]


def device_or_skip(name, dtype="float32"):
    reason = BACKENDS[name].unavailable_reason()
    if reason:
        pytest.skip(f"{name} unavailable: {reason}")
    return get_backend(name, dtype=dtype)


def both(device, dtype="float32"):
    return get_backend("numpy", dtype=dtype), device_or_skip(device, dtype)


def counted_network(batch_rates):
    net = sk.Network(seed=5)
    src = net.population(20, sk.Poisson(rate=batch_rates), name="src")
    exc = net.population(30, sk.LIFCondExp(v_thresh=-60.0, tau_refrac=1.0, d_theta=0.5, tau_theta=50.0),
                         name="exc")
    net.connect(src, exc, sk.FixedProbability(0.5), weight=0.05, delay=sk.Uniform(0.1, 3.0),
                plasticity=sk.STDP(w_max=0.1, x_target=0.3))
    net.count_spikes(exc)
    net.record(exc, "spikes")
    return net, exc


def test_spike_counts_equal_the_recorded_spikes(backend, batch):
    net, exc = counted_network(np.linspace(50, 400, batch)[:, None] * np.ones((1, 20)))
    sim = sk.Simulator(net, dt=0.1, batch=batch, backend=backend, seed=2).run(200.0, progress=False)
    data = sim.results.spikes["exc"]
    expected = np.zeros((batch, 30), np.int64)
    np.add.at(expected, (data.instances, data.node_ids), 1)
    assert expected.sum() > 50
    assert np.array_equal(sim.spike_counts(exc), expected)


def test_reset_state_restores_the_initial_state_and_keeps_what_was_learned(backend):
    net, exc = counted_network(300.0)
    exc.initialize(v=sk.Uniform(-70.0, -62.0))                    # non-uniform: written, not filled
    sim = sk.Simulator(net, dt=0.1, batch=2, backend=backend, seed=2)
    v0 = sim.state(exc, "v")
    sim.run(50.0, progress=False)
    theta, weights = sim.state(exc, "theta"), sim.weights(net.projections[0])[2]
    assert theta.max() > 0 and sim.spike_counts(exc).sum() > 0
    sim.reset_state()
    assert np.array_equal(sim.state(exc, "v"), v0)
    for variable in ("syn_E", "syn_I", "refrac"):
        assert not np.any(sim.state(exc, variable)), variable
    assert np.array_equal(sim.state(exc, "theta"), theta)
    assert np.array_equal(sim.weights(net.projections[0])[2], weights)
    assert not np.any(sim.spike_counts(exc))
    table = sim.synapses[0]
    for trace in ("trace_pre", "trace_post"):
        assert not np.any(sim.backend.to_host(table[trace]))
    sim.reset_state(theta=True)
    assert not np.any(sim.state(exc, "theta"))


def test_reset_clears_spikes_in_flight(backend):
    """A spike emitted just before the reset must not arrive after it."""
    net = sk.Network()
    src = net.population(1, sk.SpikeTimes([[0.9]]), name="src")
    dst = net.population(1, sk.LIF(v_thresh=-64.0, v_rest=-65.0, tau_refrac=0.0), name="dst")
    net.connect(src, dst, sk.OneToOne(), weight=5.0, delay=2.0)
    net.count_spikes(dst)
    sim = sk.Simulator(net, dt=0.1, backend=backend, seed=1).run(1.0, progress=False)
    sim.reset_state()
    sim.run(5.0, progress=False)
    assert sim.spike_counts(dst).sum() == 0
    fresh = sk.Simulator(net, dt=0.1, backend=backend, seed=1).run(6.0, progress=False)
    assert fresh.spike_counts(dst).sum() == 1


def test_image_rates_spec():
    be = get_backend("numpy", dtype="float64")
    group = dict(dt=0.5, size=5, spike_probability=np.zeros((3, 5)))
    images = np.array([[0.0, 0.5, 1.0], [1.0, 1.0, 0.25]])
    be.image_rates(group, 1, images, np.array([1, 0, 1]), np.array([100.0, 200.0, 4000.0]))
    expected = np.array([[0, .05, .05, .0125, 0], [0, 0, .05, .1, 0], [0, 1, 1, .5, 0]])
    assert np.allclose(group["spike_probability"], expected, rtol=1e-12)


@pytest.mark.parametrize("device", DEVICES)
def test_image_rates_on_devices_equal_numpy(device):
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 1, (10, 64))
    index, gain = rng.integers(0, 10, 7), np.array([0, 50, 100, 200, 400, 1e4, 3e3])
    out = []
    for be in both(device):
        group = be.upload(dict(kind="poisson", dt=0.5, size=70, spike_probability=np.zeros((7, 70))))
        up = be.upload({"images": images, "gain_hz": gain, "sample_index": index.astype(np.uint32)})
        be.image_rates(group, 3, up["images"], up["sample_index"], up["gain_hz"])
        out.append(np.asarray(be.to_host(group["spike_probability"])))
    assert np.array_equal(out[0], out[1])
    assert out[0].max() == 1.0 and not np.any(out[0][0]) and not np.any(out[0][:, :3])


def combine_inputs(seed=0, batch=5, stride=9, offset=2, n=6):
    rng = np.random.default_rng(seed)
    reference = rng.uniform(0, 1, n)
    values = np.tile(np.pad(reference, (offset, stride - offset - n)), (batch, 1))
    values[:, offset:offset + n] += rng.normal(0, 0.2, (batch, n))
    accept = np.array([1, 0, 1, 1, 0][:batch], float)
    return reference, values, accept, (batch, stride, offset)


@pytest.mark.parametrize("scale", [1.0, 0.2])
def test_combine_instances_spec(scale):
    be = get_backend("numpy", dtype="float64")
    reference, values, accept, (batch, stride, offset) = combine_inputs()
    before = values.copy()
    expected = np.clip(reference + scale * ((values[:, offset:offset + 6] - reference) * accept[:, None]).sum(0),
                       0.1, 0.9)
    be.combine_instances(values, reference, batch, stride, offset, accept, scale, 0.1, 0.9)
    assert np.allclose(reference, expected, rtol=1e-12)
    assert np.all(values[:, offset:offset + 6] == reference)
    untouched = np.ones(stride, bool)
    untouched[offset:offset + 6] = False
    assert np.array_equal(values[:, untouched], before[:, untouched])


@pytest.mark.parametrize("device", DEVICES)
def test_combine_instances_on_devices_equal_numpy(device):
    out = []
    for be in both(device):
        reference, values, accept, shape = combine_inputs(seed=3)
        up = be.upload({"reference": reference, "values": values, "accept": accept})
        be.combine_instances(up["values"], up["reference"], *shape, up["accept"], 1.0, 0.0, np.inf)
        out.append((be.to_host(up["reference"]), be.to_host(up["values"])))
    assert np.array_equal(out[0][0], out[1][0]) and np.array_equal(out[0][1], out[1][1])


def plastic_table(n_pre=7, n_post=5, batch=3, seed=0):
    rng = np.random.default_rng(seed)
    net = sk.Network(seed=seed)
    a = net.population(n_pre, sk.Poisson(rate=1.0), name="a")
    b = net.population(n_post, sk.LIF(), name="b")
    proj = net.connect(a, b, sk.FixedProbability(0.7), weight=sk.Uniform(0.0, 1.0), plasticity=sk.STDP())
    net.connect(a, b, sk.FromList([0], [n_post - 1]), weight=0.0, plasticity=sk.STDP())   # a column of zeros
    return net, proj, rng


@pytest.mark.parametrize("squares", [False, True])
def test_normalize_incoming_spec(squares):
    net, proj, _ = plastic_table()
    sim = sk.Simulator(net, batch=3, backend=sk.backends.NumpyBackend(dtype="float64"), seed=1)
    table = sim.synapses[sim.plan.table_of[0]]
    reference = table["weight"][0].copy()
    sim.backend.normalize_incoming(table, reference, 2.5, squares)
    pre, post, _ = sim.weights(proj)
    for j in range(5):
        w = reference[post == j]
        assert (np.sqrt((w * w).sum()) if squares else w.sum()) == pytest.approx(2.5, rel=1e-12)
    assert np.all(table["weight"] == reference)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("squares", [False, True])
def test_normalize_incoming_on_devices_equal_numpy(device, squares):
    out = []
    for name in ("numpy", device):
        if name != "numpy":
            device_or_skip(name)
        net, proj, _ = plastic_table(seed=4)
        sim = sk.Simulator(net, batch=3, backend=name, seed=1)
        for table in sim.synapses:          # the second holds one weight of 0 and empty columns
            if not table["plastic"]:
                continue
            reference = sim.backend.upload({"r": np.asarray(sim.backend.to_host(table["weight"]))[0]})["r"]
            sim.backend.normalize_incoming(table, reference, 1.7, squares)
            out.append((np.asarray(sim.backend.to_host(reference)), np.asarray(sim.backend.to_host(table["weight"]))))
    half = len(out) // 2
    for (ra, wa), (rb, wb) in zip(out[:half], out[half:]):
        assert np.array_equal(ra, rb) and np.array_equal(wa, wb)


@pytest.mark.parametrize("lag", [1.0, 30.0])
def test_x_target_depresses_inputs_that_rarely_precede_the_target(backend, lag):
    """One pair, additive, x_target: dw = A_plus * (exp(-lag / tau_plus) - x_target)."""
    from .test_stdp import final_weight
    rule = sk.STDP(tau_plus=20.0, A_plus=0.01, A_minus=0.0, x_target=0.4)
    w = final_weight(backend, [10.0], [10.0 + lag], rule)
    assert w[0, 0] == pytest.approx(0.5 + 0.01 * (np.exp(-lag / 20.0) - 0.4), rel=1e-9)
