"""Values that do not fit, unstable steps, the non-finite watchdog, models changed after
building, and type checks on parameters, seeds and result lookups."""

import warnings

import numpy as np
import pytest

import snnkit as sk
from snnkit.guards import NonFiniteStateError, StabilityWarning


def one(model, name="p", n=3):
    net = sk.Network()
    pop = net.population(n, model, name=name)
    return net, pop


# -- values that do not fit the dtype -------------------------------------------------

def test_a_current_that_overflows_float32_is_refused_before_running():
    net, _ = one(sk.LIFCurrExp(i_offset=1e38))
    with pytest.raises(sk.SnnkitValueError, match=r"LIFCurrExp\.i_offset = 1e\+38 .*float32"):
        sk.Simulator(net)
    sim = sk.Simulator(one(sk.LIFCurrExp(i_offset=1e38))[0], dtype="float64").run(1.0)   # fits float64
    assert np.all(np.isfinite(sim.state("p", "v")))


def test_parameters_and_weights_beyond_float32_are_refused():
    with pytest.raises(sk.SnnkitValueError, match=r"LIF\.v_thresh = 1e\+39 .*must fit float32"):
        sk.Simulator(one(sk.LIF(v_thresh=1e39))[0])
    net, pop = one(sk.LIF())
    net.connect(pop, pop, sk.AllToAll(), weight=1e39)
    with pytest.raises(sk.SnnkitValueError, match=r"Projection\.weight = 1e\+39 .*float32"):
        sk.Simulator(net)


# -- unstable explicit steps --------------------------------------------------------

def test_an_unstable_euler_step_warns_and_a_stable_one_does_not():
    with pytest.warns(StabilityWarning, match=r"'p'.*dt/tau_m = 2\.5 > 2"):
        sk.Simulator(one(sk.LIF(tau_m=0.04, method="euler"))[0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sk.Simulator(one(sk.LIF(tau_m=0.04, method="exact"))[0])
        sk.Simulator(one(sk.LIF(tau_m=1.0, method="euler"))[0])


# -- the watchdog ---------------------------------------------------------------------

def diverging_network():
    # forward Euler at dt/tau_m = 2.5: v alternates in sign, growing 1.5x a step, until
    # the negative swing overflows (the threshold, 3e38, is never reached from below)
    net, pop = one(sk.LIF(tau_m=0.04, method="euler", i_offset=0.1, v_thresh=3e38))
    net.record(pop, "v")
    return net


def test_the_watchdog_stops_a_diverged_run_keeping_the_records(tmp_path, backend):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StabilityWarning)
        sim = sk.Simulator(diverging_network(), backend=backend, output=tmp_path / "nan.h5")
    with pytest.raises(NonFiniteStateError, match=r"population 'p': v = nan .*instance 0, found at t = 100 ms"), \
            np.errstate(over="ignore", invalid="ignore"):
        sim.run(100.0, progress=False)
    res = sk.load(tmp_path / "nan.h5")
    assert res.duration == 100.0 and res.traces["p"]["v"].data.shape == (1000, 1, 3)
    v = res.traces["p"]["v"].data[:, 0, 0]
    assert np.isfinite(v[0]) and not np.all(np.isfinite(v))


# -- models changed after building ------------------------------------------------------

def test_changing_a_built_model_applies_at_the_next_run_but_initial_values_are_refused():
    model = sk.LIF(i_offset=1.0)
    net, pop = one(model)
    sim = sk.Simulator(net).run(5.0)
    model.params["i_offset"] = 2.0                          # as Population.set(i_offset=2.0) does
    sim.run(5.0)
    net2, pop2 = one(sk.LIF(i_offset=1.0))
    pop2.set(at=5.0, i_offset=2.0)
    again = sk.Simulator(net2).run(10.0)
    assert np.array_equal(sim.state("p", "v"), again.state("p", "v"))
    sim = sk.Simulator(net)
    pop.initialize(v=-60.0)
    with pytest.raises(sk.SnnkitValueError, match="initial v"):
        sim.run(1.0)


def test_monitors_and_projections_added_after_building_are_refused():
    net, pop = one(sk.LIF(i_offset=1.0))
    sim = sk.Simulator(net).run(1.0)
    net.record(pop, "spikes")
    with pytest.raises(sk.SnnkitValueError, match="Network monitors = 1 .*changed after the Simulator was built"):
        sim.run(1.0)


def test_an_unchanged_model_runs_again():
    net, _ = one(sk.LIF(i_offset=np.linspace(0, 1, 3)))
    sim = sk.Simulator(net).run(1.0).run(1.0)
    assert sim.t == pytest.approx(2.0)


# -- types and ranges -------------------------------------------------------------------

@pytest.mark.parametrize("value", ["abc", "20", None, True])
def test_parameters_must_be_numbers(value):
    with pytest.raises(sk.SnnkitValueError, match=r"LIFCurrExp\.tau_m = .* must be a number"):
        sk.LIFCurrExp(tau_m=value)


@pytest.mark.parametrize("seed", ["abc", 1.5, -1, 2**64, True])
def test_bad_seeds_are_refused(seed):
    net, _ = one(sk.LIF())
    with pytest.raises(sk.SnnkitValueError, match=r"seed = .* integer in \[0, 2\*\*64\)"):
        sk.Simulator(net, seed=seed)
    with pytest.raises(sk.SnnkitValueError, match="seed"):
        sk.Simulator(net, seed=[1, seed], batch=2)
    with pytest.raises(sk.SnnkitValueError, match=r"Network\.seed"):
        sk.Network(seed=seed)


def test_seed_at_the_top_of_the_range_runs():
    sk.Simulator(one(sk.LIF())[0], seed=2**64 - 1).run(1.0)


def test_result_lookups_name_what_exists():
    net, pop = one(sk.LIF(i_offset=1.0))
    net.record(pop, "spikes")
    res = sk.Simulator(net).run(50.0).results
    assert res.rate(pop) == res.rate("p") > 0
    with pytest.raises(sk.SnnkitValueError, match=r"population = 'nope' .*known: 'p'"):
        res.rate("nope")
    with pytest.raises(sk.SnnkitValueError, match=r"instance = 3 .*\[0, 1\)"):
        res.rate("p", instance=3)
    with pytest.raises(sk.SnnkitValueError, match=r"instance = 5 .*\[0, 1\)"):
        res.spikes["p"].of_instance(5)
    assert "spikes p:" in repr(res) and len(repr(res).splitlines()) == 2       # a summary, not arrays


@pytest.mark.parametrize("model", [sk.IF, sk.LIF, sk.LIFCurrExp, sk.LIFCondExp, sk.AdaptiveLIF])
def test_model_docs_list_every_parameter_with_unit_and_default(model):
    import inspect
    doc = inspect.getdoc(model)
    assert "Parameters\n----------" in doc
    for name, default in model.defaults.items():
        assert f"{name} : float, {model.rules[name][1]}, default {default!r}" in doc, name


@pytest.mark.parametrize("finite_state", [True, False])
def test_an_equation_model_may_allow_nan_and_infinity(finite_state):
    """EquationModel(finite_state=False) (Brian2's semantics): NaN and infinity are values,
    initial ones included, and the watchdog lets the run go on; the default stops it."""
    from snnkit.modeling import EquationModel
    model = EquationModel("x : 1\ny : 1", update="x = log(x - 1); y = y + 1", method="discrete",
                          finite_state=finite_state)
    net = sk.Network()
    pop = net.population(2, model, name="p")
    if finite_state:
        with pytest.raises(sk.SnnkitValueError, match="initial y"):
            pop.initialize(y=np.inf)
        pop.initialize(x=0.5)
        with pytest.raises(NonFiniteStateError, match="population 'p': x = nan"):
            sk.Simulator(net, dtype="float64").run(5.0, progress=False)
        return
    pop.initialize(x=0.5, y=np.array([np.inf, 0.0]))
    sim = sk.Simulator(net, dtype="float64").run(5.0, progress=False)
    assert np.all(np.isnan(sim.state(pop, "x"))) and sim.state(pop, "y")[0].tolist() == [np.inf, 50.0]
