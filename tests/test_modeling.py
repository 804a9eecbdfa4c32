"""The model layer: units, parsing, integrators against closed forms and convergence
orders, errors naming the line, and an equation model stepped in NumPy against the
hand-written LIF and Brian2's refractory semantics."""

import json
from pathlib import Path

import numpy as np
import pytest

import snnkit as sk
from snnkit.modeling import EquationModel, ModelError, parse_unit
from snnkit.modeling.numpy_group import NumpyEquationGroup

DATA = Path(__file__).parent / "data"


def run(group, steps):
    spikes = []
    for k in range(steps):
        if group.step().any():
            spikes.append(k)
    return spikes


# -- units ------------------------------------------------------------------------

def test_units_are_coherent_and_scaled():
    assert parse_unit("nF") * parse_unit("mV") / parse_unit("ms") == parse_unit("nA")
    assert parse_unit("uS") * parse_unit("mV") == parse_unit("nA")
    assert parse_unit("MOhm") * parse_unit("nA") == parse_unit("mV")
    assert parse_unit("Hz").scale == pytest.approx(1e-3) and parse_unit("Hz").same_dimension(parse_unit("1/ms"))
    assert parse_unit("ms**-2") == parse_unit("1/ms") ** 2
    with pytest.raises(sk.SnnkitValueError, match="'volt' is not a unit"):
        parse_unit("volt")


# -- integrators against closed forms ---------------------------------------------------

def leaky(method, **extra):
    return EquationModel("dv/dt = (v_inf - v)/tau : mV", parameters={
        "v_inf": (10.0, "mV"), "tau": (7.0, "ms", "positive")}, initial={"v": 0.0}, method=method, **extra)


@pytest.mark.parametrize("method", ["exact", "exponential_euler"])
def test_a_linear_ode_integrated_exactly_equals_its_closed_form(method):
    group = NumpyEquationGroup(leaky(method), 3, 0.1, tau=np.array([1.0, 7.0, 50.0]))
    run(group, 1000)
    closed = 10.0 * (1 - np.exp(-100.0 / np.array([1.0, 7.0, 50.0])))
    assert np.max(np.abs(group.state["v"][0] - closed)) < 1e-12


def test_exact_handles_equal_time_constants():
    model = EquationModel("""
        dv/dt = (R*I - v)/tau : mV
        dI/dt = -I/tau_s : nA
    """, parameters={"R": (2.0, "MOhm"), "tau": (5.0, "ms", "positive"), "tau_s": (5.0, "ms", "positive")},
        initial={"I": 3.0}, method="exact")
    group = NumpyEquationGroup(model, 1, 0.1)
    run(group, 200)
    t, tau = 20.0, 5.0
    assert group.state["I"][0, 0] == pytest.approx(3.0 * np.exp(-t / tau), rel=1e-13)
    assert group.state["v"][0, 0] == pytest.approx(2.0 * 3.0 * t / tau * np.exp(-t / tau), rel=1e-12)


def cubic(method):
    return EquationModel("dv/dt = -k*v**3 : mV", parameters={"k": (0.01, "1/(mV**2*ms)")},
                         initial={"v": 2.0}, method=method)


@pytest.mark.parametrize("method, order", [("euler", 1), ("rk2", 2), ("rk4", 4)])
def test_measured_convergence_order(method, order):
    errors = []
    for dt in (0.4, 0.2):
        group = NumpyEquationGroup(cubic(method), 1, dt)
        run(group, int(round(40.0 / dt)))
        exact = 2.0 / np.sqrt(1 + 2 * 0.01 * 4.0 * 40.0)
        errors.append(abs(group.state["v"][0, 0] - exact))
    assert np.log2(errors[0] / errors[1]) == pytest.approx(order, abs=0.25)


def test_auto_picks_the_integrator_the_system_allows():
    assert leaky("auto").method == "exact"
    gate = EquationModel("dm/dt = a*exp(v/v_s)*(1 - m) - b*m : 1\ndv/dt = -v/tau : mV",
                         parameters={"a": (0.1, "1/ms"), "b": (0.2, "1/ms"), "v_s": (10.0, "mV"),
                                     "tau": (10.0, "ms")}, method="auto")
    assert gate.method == "exponential_euler"
    assert cubic("auto").method == "rk4"


def test_hz_parameters_are_converted_to_per_ms():
    model = EquationModel("dr/dt = -r*f : 1", parameters={"f": (100.0, "Hz")}, initial={"r": 1.0})
    group = NumpyEquationGroup(model, 1, 0.1)
    run(group, 100)                                   # 10 ms at 0.1/ms
    assert group.state["r"][0, 0] == pytest.approx(np.exp(-1.0), rel=1e-12)


# -- against the hand-written LIF and Brian2 -----------------------------------------------

LIF_EQUATIONS = "dv/dt = (v_rest - v + R_m*i_offset)/tau_m : mV (unless refractory)"
LIF_PARAMETERS = {"tau_m": (20.0, "ms", "positive"), "v_rest": (-65.0, "mV"), "R_m": (20.0, "MOhm"),
                  "i_offset": (1.0, "nA"), "v_thresh": (-50.0, "mV"), "v_reset": (-65.0, "mV"),
                  "tau_refrac": (2.0, "ms", "nonnegative")}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_lif_as_equations_matches_the_hand_written_lif(dtype):
    currents = np.linspace(0.5, 3.0, 20)
    model = EquationModel(LIF_EQUATIONS, threshold="v >= v_thresh", reset="v = v_reset",
                          refractory="tau_refrac", parameters=LIF_PARAMETERS, initial={"v": "v_rest"})
    group = NumpyEquationGroup(model, 20, 0.1, dtype=dtype, i_offset=currents)
    net = sk.Network()
    pop = net.population(20, sk.LIF(tau_m=20.0, cm=1.0, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0,
                                    tau_refrac=2.0, i_offset=currents), name="n")
    net.record(pop, "spikes")
    net.record(pop, "v")
    res = sk.Simulator(net, dtype=dtype, seed=1).run(300.0).results
    ours_v, ours_spikes = [], []
    for k in range(3000):
        for i in np.flatnonzero(group.step()[0]):
            ours_spikes.append((k, i))
        ours_v.append(group.state["v"][0].copy())
    times, ids = res.spikes["n"].of_instance(0)
    theirs = sorted(zip(np.round(times / 0.1).astype(int).tolist(), ids.tolist()))
    assert sorted(ours_spikes) == theirs and len(theirs) > 100
    v_hand = res.traces["n"]["v"].data[:, 0, :]
    assert np.array_equal(np.array(ours_v), v_hand)      # the same operations: bit for bit


@pytest.mark.parametrize("convention, key", [("brian2", "greater_equal"), ("nest", None)])
def test_brian2_tutorial_neuron_from_equations(convention, key):
    model = EquationModel("dv/dt = (1 - v)/tau : 1 (unless refractory)", threshold="v >= 0.8",
                          reset="v = 0", refractory=5.0, parameters={"tau": (10.0, "ms")},
                          refractory_convention=convention)
    times = [round(k * 0.1, 6) for k in run(NumpyEquationGroup(model, 1, 0.1), 1000)]
    want = json.loads((DATA / "brian2_refractory.json").read_text())[key] if key else [16.0, 37.1, 58.2, 79.3]
    assert times == pytest.approx(want)


def test_receptors_reset_of_several_variables_and_batch_parameters():
    model = EquationModel("""
        dv/dt = (v_rest - v + R_m*I_syn)/tau_m - a/c_m : mV
        dI_syn/dt = -I_syn/tau_syn : nA
        da/dt = -a/tau_a : nA
    """, threshold="v >= v_thresh", reset="v = v_reset; a += b",
        parameters={"v_rest": (-65.0, "mV"), "R_m": (50.0, "MOhm"), "tau_m": (10.0, "ms"),
                    "c_m": (0.2, "nF"), "tau_syn": (2.0, "ms"), "tau_a": (100.0, "ms"),
                    "v_thresh": (-55.0, "mV"), "v_reset": (-70.0, "mV"), "b": (0.05, "nA")},
        initial={"v": "v_rest"}, receptors={"excitatory": "I_syn += w", "inhibitory": "I_syn -= w"})
    assert model.weight_units["excitatory"] == parse_unit("nA")
    group = NumpyEquationGroup(model, 2, 0.1, batch=2, b=np.array([[0.0], [0.2]]))
    for k in range(2000):
        if k % 20 == 0:
            group.receive("excitatory", 1.0)
        group.step()
    a = group.state["a"]
    assert np.all(a[0] == 0) and np.all(a[1] > 0)                       # adaptation only where b > 0


# -- errors naming the line and the term ------------------------------------------------------

@pytest.mark.parametrize("equations, threshold, message", [
    ("dv/dt = (v_rest - v)/tau : mV\ndx/dt = (v - 1)/tau : mV", None,
     r"equations, line 2: `dx/dt = \(v - 1\)/tau : mV`: inconsistent units: the term `.*` is in"),
    ("dv/dt = (v_rest - v + q)/tau : mV", None, r"line 1: .*unknown symbol 'q'"),
    ("dv/dt = v_rest/tau : nA", None, r"line 1: .*right-hand side is in ms\*\*-1 mV, but dv/dt must be in"),
    ("dv/dt = (v_rest - v)/tau : mV (whenever)", None, r"unknown flag 'whenever'"),
    ("dv/dt = (v_rest - v)/tau : volt", None, r"'volt' is not a unit"),
    ("dv/dt = exp(v)/tau : mV", None, r"argument `v` of exp must be dimensionless"),
    ("dv/dt = (v_rest - v)/tau : mV", "tau >= tau", r"threshold, line 1: .*never changes"),
    ("dv/dt = (v_rest - v)/tau : mV", "v >= tau", r"threshold, line 1: .*compares `v` \(mV\) with `tau`"),
])
def test_bad_models_are_refused_naming_the_line(equations, threshold, message):
    with pytest.raises(ModelError, match=message):
        EquationModel(equations, threshold=threshold,
                      parameters={"v_rest": (-65.0, "mV"), "tau": (10.0, "ms")})


def test_a_non_linear_system_cannot_be_exact_and_statements_are_checked():
    with pytest.raises(ModelError, match="method='exact' needs a linear system"):
        cubic("exact")
    params = {"v_rest": (-65.0, "mV"), "tau": (10.0, "ms")}
    with pytest.raises(ModelError, match=r"reset, line 1: .*'tau' cannot be assigned"):
        EquationModel("dv/dt = (v_rest - v)/tau : mV", reset="tau = 1", parameters=params)
    with pytest.raises(ModelError, match=r"reset, line 1: .*inconsistent units: v is in mV"):
        EquationModel("dv/dt = (v_rest - v)/tau : mV", reset="v = tau", parameters=params)
    with pytest.raises(ModelError, match=r"receptor e, line 1: .*adds what arrives"):
        EquationModel("dv/dt = (v_rest - v)/tau : mV", receptors={"e": "v = w"}, parameters=params)
    with pytest.raises(ModelError, match="must use the arriving weight `w`"):
        EquationModel("dv/dt = (v_rest - v)/tau : mV", receptors={"e": "v += v_rest"}, parameters=params)
    with pytest.raises(sk.SnnkitValueError, match=r"EquationModel\.tau = -1"):
        EquationModel("dv/dt = (v_rest - v)/tau : mV", parameters={"v_rest": (-65.0, "mV"),
                                                                  "tau": (-1.0, "ms", "positive")})


# -- noise -------------------------------------------------------------------------------

OU = EquationModel("dv/dt = (v_rest - v)/tau + sigma*sqrt(2/tau)*xi : mV",
                   parameters={"v_rest": (-60.0, "mV"), "tau": (10.0, "ms"), "sigma": (2.0, "mV")},
                   initial={"v": "v_rest"})


def test_ornstein_uhlenbeck_noise_has_its_stationary_variance():
    assert OU.method == "euler_maruyama"
    group = NumpyEquationGroup(OU, 4000, 0.1, seed=3)
    run(group, 500)                                          # 5 tau: stationary
    samples = []
    for _ in range(20):
        run(group, 100)
        samples.append(group.state["v"][0].copy())
    v = np.array(samples)
    # Euler-Maruyama's stationary variance: sigma^2 / (1 - dt/(2 tau))
    assert v.var() == pytest.approx(4.0 / (1 - 0.1 / 20.0), rel=0.03)
    assert v.mean() == pytest.approx(-60.0, abs=0.05)


def test_noise_draws_what_the_hand_written_lif_draws():
    model = EquationModel("dv/dt = (v_rest - v + R_m*i_offset)/tau_m + sigma*sqrt(2/tau_m)*xi : mV "
                          "(unless refractory)", threshold="v >= v_thresh", reset="v = v_reset",
                          refractory="tau_refrac",
                          parameters={**LIF_PARAMETERS, "sigma": (3.0, "mV")}, initial={"v": "v_rest"})
    net_a, net_b = sk.Network(), sk.Network()
    a = net_a.population(20, model(i_offset=0.6), name="n")
    b = net_b.population(20, sk.LIF(tau_m=20.0, cm=1.0, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0,
                                    tau_refrac=2.0, i_offset=0.6, noise_sigma=3.0, method="euler"), name="n")
    for net, pop in ((net_a, a), (net_b, b)):
        net.record(pop, "spikes")
        net.record(pop, "v", every=10)
    ours = sk.Simulator(net_a, dtype="float64", seed=9, batch=2).run(200.0).results
    hand = sk.Simulator(net_b, dtype="float64", seed=9, batch=2).run(200.0).results
    assert np.array_equal(ours.spikes["n"].times, hand.spikes["n"].times) and ours.spikes["n"].times.size > 20
    assert np.max(np.abs(ours.traces["n"]["v"].data - hand.traces["n"]["v"].data)) < 1e-9


def test_multiplicative_noise_needs_heun_and_heun_is_stratonovich():
    """geometric Brownian motion dx = mu x dt + s x o dW (Stratonovich): log x_T is normal
    with mean mu T and variance s^2 T; Ito's Euler-Maruyama would give mean (mu - s^2/2) T."""
    with pytest.raises(ModelError, match="multiplicative .*method='heun'"):
        EquationModel("dv/dt = -v/tau + v*xi/sqrt(tau) : mV", parameters={"tau": (10.0, "ms")})
    with pytest.raises(ModelError, match="'heun' is for stochastic equations"):
        EquationModel("dv/dt = -v/tau : mV", parameters={"tau": (10.0, "ms")}, method="heun")
    gbm = EquationModel("dx/dt = mu*x + s*x*xi/sqrt(tau) : 1",
                        parameters={"mu": (0.01, "1/ms"), "s": (0.3, "1"), "tau": (1.0, "ms")},
                        initial={"x": 1.0}, method="heun")
    group = NumpyEquationGroup(gbm, 20000, dt=0.05, seed=3)
    for _ in range(400):                                             # T = 20 ms
        group.step()
    log_x = np.log(group.state["x"])
    assert np.mean(log_x) == pytest.approx(0.01 * 20.0, abs=0.03)   # 3 standard errors; Ito: -0.7
    assert np.var(log_x) == pytest.approx(0.09 * 20.0, rel=0.05)


def test_noise_must_be_additive_and_euler():
    with pytest.raises(ModelError, match="method='euler'"):
        EquationModel("dv/dt = -v/tau + sigma*xi/sqrt(tau) : mV", parameters={"tau": (10.0, "ms"),
                                                                            "sigma": (1.0, "mV")}, method="rk4")
