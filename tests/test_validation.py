"""Bad input fails early with a ValueError naming the parameter, its value and what is allowed."""

import numpy as np
import pytest

import snnkit as sk
from snnkit.validation import NetworkTooLargeError, SnnkitValueError


def two_pops():
    net = sk.Network()
    a = net.population(5, sk.LIF(), name="a")
    b = net.population(5, sk.LIF(), name="b")
    return net, a, b


@pytest.mark.parametrize("kwargs,name", [
    (dict(tau_m=-1.0), "tau_m"), (dict(tau_m=0.0), "tau_m"), (dict(cm=-0.2), "cm"),
    (dict(tau_refrac=-1.0), "tau_refrac"), (dict(tau_syn_E=-5.0), "tau_syn_E"),
    (dict(v_thresh=np.nan), "v_thresh"), (dict(noise_sigma=-1.0), "noise_sigma"),
])
def test_bad_neuron_parameters(kwargs, name):
    with pytest.raises(SnnkitValueError, match=rf"{name} = .* not allowed: must be"):
        sk.LIFCurrExp(**kwargs)


def test_unknown_parameter_name_lists_the_known_ones():
    with pytest.raises(SnnkitValueError, match=r"tau = 3.0 is not allowed: LIF has no parameter.*tau_m"):
        sk.LIF(tau=3.0)


def test_bad_method_and_noise_on_perfect_integrator():
    with pytest.raises(ValueError, match="method = 'rk4'"):
        sk.LIF(method="rk4")
    with pytest.raises(ValueError, match="noise_sigma"):
        sk.IF(noise_sigma=1.0)


@pytest.mark.parametrize("dt", [0.0, -0.1, float("nan"), "fast"])
def test_bad_dt(dt):
    net, *_ = two_pops()
    with pytest.raises(SnnkitValueError, match=r"dt = .* not allowed"):
        sk.Simulator(net, dt=dt)


def test_nan_weight_constant_and_in_arrays():
    net, a, b = two_pops()
    with pytest.raises(SnnkitValueError, match=r"Projection.weight = nan"):
        net.connect(a, b, sk.AllToAll(), weight=np.nan)
    net.connect(a, b, sk.FromList([0, 1], [1, 2]), weight=np.array([0.1, 0.2]))
    net2, a2, b2 = two_pops()
    with pytest.raises(SnnkitValueError, match="weight"):
        net2.connect(a2, b2, sk.FromList([0, 1], [1, 2]), weight=np.array([0.1, np.nan]))


def test_delay_shorter_than_dt():
    net, a, b = two_pops()
    net.connect(a, b, sk.OneToOne(), weight=1.0, delay=0.05)
    with pytest.raises(SnnkitValueError, match=r"Projection.delay = 0.05 .* must be >= dt = 0.1"):
        sk.Simulator(net, dt=0.1)
    sk.Simulator(net, dt=0.05)                           # fine at a finer step


@pytest.mark.parametrize("make", [
    lambda: sk.LIF(i_offset=np.zeros(3)),                # 3 values for 5 neurons
    lambda: sk.LIF(i_offset=np.zeros((4, 1))),           # 4 instances for batch 2
])
def test_per_neuron_array_of_the_wrong_size(make):
    net = sk.Network()
    net.population(5, make(), name="a")
    with pytest.raises(SnnkitValueError, match=r"LIF.i_offset = 'array of shape .* must be a scalar or shape \(5,\)"):
        sk.Simulator(net, batch=2)


def test_weight_array_of_the_wrong_size():
    net, a, b = two_pops()
    net.connect(a, b, sk.FromList([0, 1, 2], [1, 2, 3]), weight=[0.1, 0.2])
    with pytest.raises(SnnkitValueError, match=r"Projection.weight .* one value per synapse \(3\)"):
        sk.Simulator(net)


def test_spike_times_count_must_match_population():
    with pytest.raises(SnnkitValueError, match="SpikeTimes.times"):
        sk.Population(3, sk.SpikeTimes([[1.0], [2.0]]))


def test_conductance_weights_must_be_nonnegative():
    net = sk.Network()
    a = net.population(2, sk.LIFCondExp(), name="a")
    net.connect(a, a, sk.AllToAll(), weight=-0.01, receptor="inhibitory")
    with pytest.raises(SnnkitValueError, match=r"weight = -0.01 .* >= 0 for conductance"):
        sk.Simulator(net)


def test_network_larger_than_memory_fails_before_building():
    net = sk.Network()
    big = net.population(1_000_000, sk.LIF(), name="big")
    net.connect(big, big, sk.FixedProbability(0.5))     # 5e11 synapses: terabytes
    with pytest.raises(NetworkTooLargeError, match=r"network size = .* GiB \(host peak while building\) is not allowed.*big: 1000000"):
        sk.Simulator(net)


def test_unknown_backend_and_batch_and_seed_count():
    net, *_ = two_pops()
    with pytest.raises(SnnkitValueError, match=r"backend = 'gpu9000'"):
        sk.Simulator(net, backend="gpu9000")
    with pytest.raises(SnnkitValueError, match="batch = 0"):
        sk.Simulator(net, batch=0)
    with pytest.raises(SnnkitValueError, match="seed"):
        sk.Simulator(net, batch=3, seed=[1, 2])


def test_bad_monitor_and_initial_state():
    net, a, _ = two_pops()
    with pytest.raises(SnnkitValueError, match="Monitor.variable = 'u'"):
        net.record(a, "u")
    with pytest.raises(SnnkitValueError, match="Monitor.indices = 9"):
        net.record(a, "v", indices=[0, 9])
    with pytest.raises(SnnkitValueError, match="Monitor.every = 0"):
        net.record(a, "v", every=0)
    with pytest.raises(SnnkitValueError, match="w is not a state|w = "):
        a.initialize(w=1.0)


def test_bad_duration_keeps_everything_recorded(tmp_path):
    net = sk.Network()
    src = net.population(20, sk.Poisson(rate=100.0), name="src")
    net.record(src, "spikes")
    sim = sk.Simulator(net, seed=1, output=tmp_path / "out.h5").run(50.0, progress=False)
    before = sim.results.spikes["src"].times.copy()
    for bad in (-5.0, float("nan"), "long"):
        with pytest.raises(SnnkitValueError, match="duration"):
            sim.run(bad)
    assert sim.t == 50.0
    assert np.array_equal(sim.results.spikes["src"].times, before)
    assert np.array_equal(sk.load(tmp_path / "out.h5").spikes["src"].times, before)


def test_device_choice_errors():
    net, *_ = two_pops()
    with pytest.raises(SnnkitValueError, match="device = 'gpu0' .* host CPU only"):
        sk.Simulator(net, device="gpu0")
    from snnkit.backends import BACKENDS
    if BACKENDS["opencl"].unavailable_reason() is None:
        with pytest.raises(SnnkitValueError, match="device = 'no-such-device' .* found"):
            sk.Simulator(net, backend="opencl", device="no-such-device")
        sim = sk.Simulator(net, backend="opencl", device="0:0")
        assert sim.backend.device_name
