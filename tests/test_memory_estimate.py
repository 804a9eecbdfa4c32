"""The memory check: the estimate is within 25 % of the measured host peak of the
build, and nothing of a network's size is allocated before it runs."""

import pytest

import snnkit as sk
from snnkit.memory import estimate

from .helpers import traced


def all_to_all():
    net = sk.Network(seed=1)
    a = net.population(1000, sk.LIFCurrExp(), name="a")
    b = net.population(1000, sk.LIFCurrExp(), name="b")
    net.connect(a, b, sk.AllToAll(), weight=0.01)
    return net, 1


def cuba():
    from snnkit.examples import cuba as example
    return example.build(4000).network, 1


def plastic_batch():
    net = sk.Network(seed=1)
    src = net.population(500, sk.Poisson(rate=5.0), name="src")
    post = net.population(500, sk.LIFCurrExp(), name="post")
    net.connect(src, post, sk.FixedProbability(0.5), weight=sk.Uniform(0.0, 0.01),
                delay=sk.Uniform(0.1, 3.0), plasticity=sk.STDP())
    return net, 8


def neurons_in_batch():
    net = sk.Network(seed=1)
    pop = net.population(50000, sk.LIFCondExp(), name="a").initialize(v=sk.Uniform(-65.0, -55.0))
    net.connect(pop, pop, sk.FixedInDegree(10), weight=0.001)
    net.record(pop, "spikes")
    return net, 4


def from_list():
    """Explicit wiring with per-synapse weights and delays: the lean host table."""
    import numpy as np
    rng = np.random.default_rng(1)
    net = sk.Network(seed=1)
    a = net.population(3000, sk.Poisson(rate=5.0), name="a")
    b = net.population(3000, sk.LIFCurrExp(), name="b")
    n = 2_000_000
    net.connect(a, b, sk.FromList(rng.integers(0, 3000, n), rng.integers(0, 3000, n)),
                weight=rng.uniform(0.0, 0.1, n), delay=rng.uniform(0.1, 3.0, n))
    net.connect(b, b, sk.FixedProbability(0.1), weight=0.01, receptor="inh")
    return net, 1


def traced_peak(make_sim) -> int:
    return traced(make_sim)[1]


@pytest.mark.parametrize("build", [all_to_all, cuba, plastic_batch, neurons_in_batch, from_list])
def test_the_estimate_is_within_25_percent_of_the_measured_host_peak(build, backend):
    """The host peak is the build's (the device arrays of OpenCL and CUDA are not host
    NumPy arrays, which tracemalloc counts); a device backend builds the static random
    tables itself, so its peak leaves out their synapses."""
    net, batch = build()
    sk.Simulator(net, batch=batch, seed=1, backend=backend)        # kernels compiled (and cached) first
    peak = traced_peak(lambda: sk.Simulator(net, batch=batch, seed=1, backend=backend))
    estimated = estimate(net, batch, on_device=True, host_tables=backend == "numpy")["host_peak"]
    assert 0.75 * peak <= estimated <= 1.25 * peak, (estimated / 1e6, peak / 1e6)


def test_recording_a_huge_population_allocates_nothing():
    net = sk.Network()
    pop = net.population(300_000_000, sk.LIF(), name="huge")
    peak = traced_peak(lambda: (net.record(pop, "spikes"), net.record(pop, "v")))
    assert peak < 1_000_000


def test_a_network_too_large_for_the_host_fails_before_any_allocation():
    net = sk.Network()
    pop = net.population(10**12, sk.LIF(), name="huge")
    net.record(pop, "spikes")
    errors = []

    def build():
        try:
            sk.Simulator(net)
        except sk.NetworkTooLargeError as err:
            errors.append(str(err))
    assert traced_peak(build) < 10_000_000
    assert errors and "host peak while building" in errors[0] and "huge: 1000000000000" in errors[0]


def test_a_network_too_large_for_the_device_names_the_device(backend):
    if backend == "numpy":
        pytest.skip("the NumPy backend's arrays are host memory")
    net = sk.Network()
    a = net.population(2000, sk.LIF(), name="a")
    net.connect(a, a, sk.AllToAll(), weight=0.01)
    need = estimate(net, 1)
    from snnkit.backends import get_backend
    be = get_backend(backend)
    be.memory_available = lambda: need["device"] // 2        # a device with half the room
    with pytest.raises(sk.NetworkTooLargeError, match=r"\(device arrays\) .*exceeds"):
        sk.Simulator(net, backend=be)
