"""Recording an equation model's subexpressions (Brian2 records them like state
variables): the state they read is recorded and they are evaluated on the host
(snnkit.recording.Subexpression), so every backend gives the same values."""

import numpy as np
import pytest

import snnkit as sk
from snnkit.modeling import EquationModel, library

ADAPTIVE = EquationModel("""
    dv/dt = (v_rest - v + R_m*(i_offset + I_inject - w))/tau_m : mV
    dw/dt = -w/tau_w : nA
    drive = R_m*(i_offset + I_inject - w) : mV
    headroom = v_thresh - v + 0*ms*t/ms/ms : mV
    leak = 1/tau_m : 1/ms
""", threshold="v >= v_thresh", reset="v = v_rest; w += b",
    parameters={"tau_m": (10.0, "ms"), "tau_w": (50.0, "ms"), "R_m": (100.0, "MOhm"), "v_rest": (-65.0, "mV"),
                "v_thresh": (-50.0, "mV"), "i_offset": (0.0, "nA"), "b": (0.05, "nA")},
    initial={"v": "v_rest"}, name="adaptive")


def build(model, every=1):
    net = sk.Network()
    pop = net.population(3, model, name="pop")
    net.inject(sk.StepCurrent([20.0, 60.0], [0.1, 0.0]), pop, indices=[0, 2])
    for var in ("v", "w", "drive", "headroom", "leak"):
        net.record(pop, var, every=every)
    return net


def test_subexpressions_are_evaluated_from_the_recorded_state(tmp_path):
    """Per-neuron and per-instance parameters, a current source (I_inject), t, a
    parameter-only subexpression; the HDF5 report holds them like state variables."""
    model = ADAPTIVE(i_offset=np.array([[0.2, 0.25, 0.3], [0.3, 0.35, 0.4]]), tau_m=np.array([8.0, 10.0, 12.0]),
                     R_m=110.0)
    out = tmp_path / "sub.h5"
    res = sk.Simulator(build(model, every=2), batch=2, dtype="float64", output=out).run(100.0).results
    tr = res.traces["pop"]
    assert set(tr) == {"v", "w", "drive", "headroom", "leak"} and tr["drive"].unit == "mV"
    times = np.round(tr["v"].times, 9)        # (the end of each sampled step)
    i_inject = np.zeros((times.size, 1, 3))
    i_inject[(times > 20.0) & (times <= 60.0)] = [0.1, 0.0, 0.1]
    want = 110.0 * (np.array([[0.2, 0.25, 0.3], [0.3, 0.35, 0.4]])[None] + i_inject - tr["w"].data)
    assert np.allclose(tr["drive"].data, want, rtol=0, atol=1e-12)
    assert np.array_equal(tr["headroom"].data, -50.0 - tr["v"].data)
    assert np.allclose(tr["leak"].data, np.broadcast_to(1 / np.array([8.0, 10.0, 12.0]), tr["v"].data.shape))
    disk = sk.load(out).traces["pop"]
    for var in tr:
        assert np.array_equal(disk[var].data, tr[var].data), var


def test_recorded_subexpressions_are_the_same_on_every_backend(backend):
    model = library.EIF_cond_exp_isfa_ista(i_offset=0.8, cm=np.array([0.2, 0.281, 0.35]))
    net = sk.Network()
    pop = net.population(3, model, name="pop")
    net.record(pop, "g_L")
    net.record(pop, "w")
    ours = sk.Simulator(build(ADAPTIVE(i_offset=0.3)), backend=backend, seed=2).run(80.0).results.traces["pop"]
    spec = sk.Simulator(build(ADAPTIVE(i_offset=0.3)), backend="numpy", seed=2).run(80.0).results.traces["pop"]
    for var in spec:
        assert np.array_equal(ours[var].data, spec[var].data), var
    g_l = sk.Simulator(net, backend=backend).run(5.0).results.traces["pop"]["g_L"].data
    assert np.allclose(g_l[-1, 0], np.array([0.2, 0.281, 0.35]) / 9.3667, rtol=1e-6)


def test_a_subexpression_that_draws_noise_is_not_recordable():
    noisy = EquationModel("""
        dv/dt = (v_rest - v)/tau + kick/tau : mV
        kick = sigma*xi*sqrt(tau) : mV
        dither = rand()*mV : mV
    """, parameters={"tau": (10.0, "ms"), "v_rest": (-65.0, "mV"), "sigma": (1.0, "mV")})
    assert noisy.recordable == ("v",)
    net = sk.Network()
    pop = net.population(2, noisy, name="pop")
    with pytest.raises(sk.SnnkitValueError, match="Monitor.variable = 'kick'.*one of v"):
        net.record(pop, "kick")
