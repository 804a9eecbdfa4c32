"""Synapse models from equations (snnkit.modeling.synapse_model): the library against
NEST 3.10 (tests/data/nest_synapses.py made the reference), the event semantics (axonal
and dendritic delays, event-driven variables, neuron variables read by the event code),
the errors (the device kernels against the NumPy specification: test_synapse_models_device)."""

import json
from pathlib import Path

import numpy as np
import pytest

import snnkit as sk
from snnkit.modeling import EquationModel, ModelError
from snnkit.modeling.synapse_library import Tsodyks2Synapse, TsodyksSynapse
from snnkit.modeling.synapse_model import SynapseModel

REF = json.loads((Path(__file__).parent / "data" / "nest_synapses.json").read_text())
# a neuron that only adds what arrives: its v jumps by each delivered value
COUNTER = EquationModel("v : mV", receptors={"in": "v += w"}, method="discrete", update="v = v", name="counter")
LIBRARY = {"tsodyks_synapse": (TsodyksSynapse, {"tau_fac": "tau_fac", "u": "u0"}),
           "tsodyks2_synapse": (Tsodyks2Synapse, {"tau_fac": "tau_fac", "u": "u0"})}


def delivered(synapse, sent_ms, weight, delay, duration, batch=1, dtype="float64"):
    """(arrival times, delivered values) of a train through one synapse into COUNTER."""
    net = sk.Network()
    source = net.population(1, sk.SpikeTimes([sent_ms]), name="source")
    cell = net.population(1, COUNTER, name="cell")
    net.connect(source, cell, sk.OneToOne(), weight=weight, delay=delay, synapse=synapse)
    net.record(cell, "v")
    res = sk.Simulator(net, dtype=dtype, batch=batch).run(duration).results
    trace = res.traces["cell"]["v"]
    jumps = np.diff(np.concatenate([np.zeros((1, batch)), trace.data[:, :, 0]]), axis=0)
    arrive = jumps[:, 0] != 0
    return trace.times[arrive], jumps[arrive]


@pytest.mark.parametrize("nest_model", sorted(LIBRARY))
@pytest.mark.parametrize("case", ["depressing", "facilitating"])
@pytest.mark.parametrize("train", ["regular", "irregular"])
def test_short_term_plasticity_delivers_nest_amplitudes(nest_model, case, train):
    make, names = LIBRARY[nest_model]
    ref = REF["short_term"][nest_model][case][train]
    params = {names.get(k, k): v for k, v in REF["parameters"][nest_model][case].items()}
    times, amplitudes = delivered(make(**params), ref["sent_ms"], REF["weight"], REF["delay_ms"],
                                  REF["t_stop_ms"])
    # the parrot's spike stamped t (the end of its step in NEST) is sent at t here (the
    # start of the next step): the same times at the synapse (so the same h between
    # spikes and from 0), and arrival one step later than NEST's
    assert np.allclose(times, np.array(ref["times_ms"]) + REF["dt_ms"], atol=1e-9)
    assert np.allclose(amplitudes[:, 0], ref["amplitudes"], rtol=1e-6, atol=0)


def test_tsodyks_state_is_per_instance_and_reset_with_the_network():
    """Batch instances see different trains (per-instance Poisson); reset_state puts the
    synapses back to their initial state (their next event then follows a long pause)."""
    net = sk.Network()
    source = net.population(1, sk.Poisson(rate=np.array([[20.0], [60.0]])), name="source")
    cell = net.population(1, COUNTER, name="cell")
    proj = net.connect(source, cell, sk.OneToOne(), weight=1.0, delay=1.0,
                       synapse=Tsodyks2Synapse(U=0.4, tau_rec=300.0))
    sim = sk.Simulator(net, batch=2, seed=3, dtype="float64").run(500.0)
    x = sim.synapse_values(proj, "x")
    assert x.shape == (2, 1) and x[0, 0] > x[1, 0]          # the faster train depletes more
    assert sim.synapse_values(proj, "first")[:, 0].tolist() == [0.0, 0.0]
    sim.reset_state()
    assert sim.synapse_values(proj, "first")[:, 0].tolist() == [1.0, 1.0]
    assert np.all(sim.synapse_values(proj, "x") == 1.0)


SEEN = SynapseModel("""
    t_pre_seen : ms
    t_post_seen : ms
    v_at_pre : mV
    count : 1
""", on_pre="t_pre_seen = t; v_at_pre = v_post; count += 1", on_post="t_post_seen = t", name="seen")


def test_axonal_and_dendritic_delays_place_the_events_at_the_synapse():
    """delay 3 ms, of it axonal 1 ms: on_pre 1 ms after the presynaptic spike, the
    delivered weight 2 ms later (3 ms after the spike), a postsynaptic spike seen 2 ms
    after it; on_pre reads the postsynaptic v of its step."""
    net = sk.Network()
    pre = net.population(1, sk.SpikeTimes([[10.0]]), name="pre")
    post_driver = net.population(1, sk.SpikeTimes([[20.0]]), name="driver")
    cell = net.population(1, sk.LIF(v_thresh=-64.0, v_reset=-70.0, v_rest=-65.0, tau_refrac=0.1), name="cell")
    net.connect(post_driver, cell, sk.OneToOne(), weight=5.0, delay=0.1)       # makes it spike at 20.1
    proj = net.connect(pre, cell, sk.OneToOne(), weight=0.2, delay=3.0, axonal_delay=1.0, synapse=SEEN)
    net.record(cell, "spikes")
    net.record(cell, "v")
    sim = sk.Simulator(net, dtype="float64").run(40.0)
    post_spike = float(sim.results.spikes["cell"].times[0])
    assert sim.synapse_values(proj, "t_pre_seen")[0, 0] == pytest.approx(11.0)
    assert sim.synapse_values(proj, "t_post_seen")[0, 0] == pytest.approx(post_spike + 2.0)
    v = sim.results.traces["cell"]["v"]
    step = int(round(11.0 / 0.1))                      # the sample at the end of the on_pre step
    assert sim.synapse_values(proj, "v_at_pre")[0, 0] == v.data[step, 0, 0]
    rises = np.flatnonzero(np.diff(v.data[:, 0, 0]) > 0.1) + 1
    assert v.times[rises[0]] == pytest.approx(13.1)       # sampled at the end of the step at 13.0 ms
    assert sim.synapse_values(proj, "count")[0, 0] == 1.0


@pytest.mark.parametrize("post_event_delay, seen_after", [(None, 2.0), (0.0, 0.0), (0.5, 0.5)])
def test_post_event_delay_places_on_post_independently_of_the_dendritic_delay(post_event_delay, seen_after):
    """on_post runs the dendritic delay after a postsynaptic spike (NEST's default), or
    post_event_delay after it: 0 is Brian2's (the spike's own step); what on_pre delivers
    still arrives after the dendritic delay."""
    net = sk.Network()
    pre = net.population(1, sk.SpikeTimes([[10.0]]), name="pre")
    driver = net.population(1, sk.SpikeTimes([[20.0]]), name="driver")
    cell = net.population(1, sk.LIF(v_thresh=-64.0, v_reset=-70.0, v_rest=-65.0, tau_refrac=0.1), name="cell")
    net.connect(driver, cell, sk.OneToOne(), weight=5.0, delay=0.1)
    proj = net.connect(pre, cell, sk.OneToOne(), weight=0.2, delay=3.0, axonal_delay=1.0, synapse=SEEN,
                       post_event_delay=post_event_delay)
    net.record(cell, "spikes")
    net.record(cell, "v")
    sim = sk.Simulator(net, dtype="float64").run(40.0)
    post_spike = float(sim.results.spikes["cell"].times[0])
    assert sim.synapse_values(proj, "t_post_seen")[0, 0] == pytest.approx(post_spike + seen_after)
    v = sim.results.traces["cell"]["v"]
    rises = np.flatnonzero(np.diff(v.data[:, 0, 0]) > 0.1) + 1
    assert v.times[rises[0]] == pytest.approx(13.1)


def test_post_event_delay_is_checked():
    net = sk.Network()
    pre = net.population(1, sk.SpikeTimes([[1.0]]), name="pre")
    cell = net.population(1, COUNTER, name="cell")
    with pytest.raises(sk.SnnkitValueError, match="post_event_delay.*without a synapse model"):
        net.connect(pre, cell, sk.OneToOne(), post_event_delay=0.0)
    with pytest.raises(sk.SnnkitValueError, match="post_event_delay"):
        net.connect(pre, cell, sk.OneToOne(), synapse=SEEN, post_event_delay=-1.0)


@pytest.mark.parametrize("per_neuron", [False, True])
def test_event_driven_variables_are_advanced_exactly_between_events(per_neuron):
    """b takes a's value before each spike; a reads as of the present (50 ms, 10 ms after
    the last spike), held per synapse or per presynaptic neuron alike."""
    trace = SynapseModel("da/dt = -a/tau : 1 (event-driven)\nb : 1", on_pre="b = a; a += 1",
                         parameters={"tau": (20.0, "ms", "positive")}, name="trace", per_neuron=per_neuron)
    net = sk.Network()
    pre = net.population(1, sk.SpikeTimes([[5.0, 15.0, 40.0]]), name="pre")
    cell = net.population(1, COUNTER, name="cell")
    proj = net.connect(pre, cell, sk.OneToOne(), synapse=trace)
    sim = sk.Simulator(net, dtype="float64").run(50.0)
    assert sim.synapses[0]["layout"].holder == ({"a": "pre", "b": "pre"} if per_neuron else
                                                {"a": "synapse", "b": "synapse"})
    a_before_last = (1 * np.exp(-10 / 20) + 1) * np.exp(-25 / 20)
    assert sim.synapse_values(proj, "b")[0, 0] == pytest.approx(a_before_last, rel=1e-12)
    assert sim.synapse_values(proj, "a")[0, 0] == pytest.approx((a_before_last + 1) * np.exp(-10 / 20), rel=1e-12)
    sim.set_synapse_values(proj, "a", 2.0)                  # set now: from it, a decays again
    sim.run(20.0)
    assert sim.synapse_values(proj, "a")[0, 0] == pytest.approx(2.0 * np.exp(-20 / 20), rel=1e-12)


@pytest.mark.parametrize("kwargs, match", [
    (dict(equations="dx/dt = -x/tau : 1", parameters={"tau": (5.0, "ms")}), "must be \\(event-driven\\)"),
    (dict(equations="dx/dt = -x*x/tau : 1 (event-driven)", parameters={"tau": (5.0, "ms")}),
     "linear in the event-driven variables"),
    (dict(on_pre="delivered = w*q"), "unknown"),
    (dict(on_pre="delivered = w*1*mV"), "inconsistent units"),
    (dict(on_post="delivered = w"), "cannot be assigned"),
    (dict(on_pre="v_post = 0*mV"), "cannot be assigned"),
    (dict(equations="x : 1", on_pre="x = I_inject/nA"), "unknown|a synapse has no"),
    (dict(parameters={"w": (1.0, "1")}), "cannot name a parameter"),
    (dict(equations="x : 1", initial={"y": 1.0}), "not a synapse variable"),
])
def test_bad_synapse_models_are_refused_naming_the_part(kwargs, match):
    with pytest.raises(ModelError, match=match):
        model = SynapseModel(**kwargs)
        model.bind("nA", {"v": sk.modeling.parse_unit("mV")}, {"v": sk.modeling.parse_unit("mV")})


def test_bad_projections_with_a_synapse_model_are_refused_before_any_work():
    net = sk.Network()
    pre = net.population(2, sk.Poisson(rate=10.0), name="pre")
    cell = net.population(2, sk.LIFCurrExp(), name="cell")
    with pytest.raises(ModelError, match="on_pre.*inconsistent units"):
        net.connect(pre, cell, sk.OneToOne(), synapse=SynapseModel("x : mV", on_pre="x = w"))   # w is nA here
    with pytest.raises(sk.SnnkitValueError, match="Projection.plasticity"):
        net.connect(pre, cell, sk.OneToOne(), synapse=Tsodyks2Synapse(), plasticity=sk.STDP())
    with pytest.raises(sk.SnnkitValueError, match="Projection.axonal_delay"):
        net.connect(pre, cell, sk.OneToOne(), axonal_delay=1.0)
    net.connect(pre, cell, sk.OneToOne(), delay=1.0, axonal_delay=1.0, synapse=Tsodyks2Synapse())
    with pytest.raises(sk.SnnkitValueError, match="axonal_delay.*at least one step"):
        sk.Simulator(net)


@pytest.mark.parametrize("name", ["TsodyksSynapse", "Tsodyks2Synapse", "STDPSynapse", "VogelsSprekelerSynapse",
                                  "TripletSTDPSynapse", "PairSTDPSynapse"])
def test_variables_held_per_neuron_give_the_per_synapse_values(name):
    """A uniform delay: the presynaptic (Tsodyks: all) and postsynaptic traces are held per
    neuron (snnkit.modeling.synapse_layout); float64, what arrives, the weights and every
    variable (read as of the present) within rounding of the model held per synapse."""
    from snnkit.modeling.synapse_library import PairSTDPSynapse
    rule, weight = device_library().get(name, (PairSTDPSynapse(sk.STDP(A_minus=0.02)), 0.5))

    def run(per_neuron):
        model = rule.held(per_neuron=per_neuron)
        net = sk.Network(seed=2)
        source = net.population(20, sk.Poisson(rate=np.array([[30.0], [60.0]])), name="source")
        drive = net.population(5, sk.Poisson(rate=40.0), name="drive")
        post = net.population(5, PARROT, name="post")
        net.connect(drive, post, sk.OneToOne(), weight=1.0, delay=1.0, receptor="drive")
        proj = net.connect(source, post, sk.FixedProbability(0.5), weight=weight, delay=1.5, receptor="plastic",
                           synapse=model)
        net.record(post, "y")
        sim = sk.Simulator(net, batch=2, seed=5, dtype="float64").run(300.0, progress=False)
        values = {x: sim.synapse_values(proj, x) for x in list(proj.synapse_bound.variables) + ["w"]}
        return sim.synapses[-1]["layout"], sim.results.traces["post"]["y"].data, values
    (held, y_held, v_held), (plain, y_plain, v_plain) = run(True), run(False)
    assert held.state["pre"] and not plain.state["pre"] and not plain.state["post"]
    assert bool(held.state["post"]) == (name not in ("TsodyksSynapse", "Tsodyks2Synapse"))
    assert held.state["synapse"] == []
    assert y_plain[-1].sum() > 0 and np.allclose(y_held, y_plain, rtol=1e-12, atol=1e-12)
    for x in v_plain:
        assert np.allclose(v_held[x], v_plain[x], rtol=1e-12, atol=1e-12), x


def test_variables_held_per_neuron_only_where_the_projection_allows():
    """Per-synapse parameters of a trace, random axonal delays: those sides stay per synapse;
    a held variable set per synapse must agree within each neuron."""
    from snnkit.modeling.synapse_library import STDPSynapse
    net = sk.Network()
    pre = net.population(3, sk.SpikeTimes([[5.0], [6.0], [7.0]]), name="pre")
    cell = net.population(2, PARROT, name="cell")
    proj = net.connect(pre, cell, sk.AllToAll(), weight=1.0, delay=1.0, receptor="plastic",
                       synapse=STDPSynapse(tau_plus=sk.Uniform(10.0, 20.0)))
    sim = sk.Simulator(net, dtype="float64").run(10.0)
    assert sim.synapses[0]["layout"].state == {"synapse": ["apre", "lastupdate"], "pre": [],
                                               "post": ["apost", "lastpost", "_lastupdate_post"]}
    sim.set_synapse_values(proj, "apost", [0.1, 0.2] * 3)             # (pre, post) order: post varies fastest
    with pytest.raises(sk.SnnkitValueError, match="agree among the synapses of each postsynaptic neuron"):
        sim.set_synapse_values(proj, "apost", np.arange(6.0))
    net2 = sk.Network()
    pre = net2.population(3, sk.SpikeTimes([[5.0], [6.0], [7.0]]), name="pre")
    cell = net2.population(2, PARROT, name="cell")
    net2.connect(pre, cell, sk.AllToAll(), weight=1.0, delay=2.0, axonal_delay=sk.Uniform(0.2, 1.0),
                 receptor="plastic", synapse=STDPSynapse())
    assert sk.Simulator(net2).synapses[0]["layout"].state["pre"] == []


# a neuron that spikes in the step its "drive" receptor gets a weight > 0.5, and whose
# "plastic" receptor only counts: it fires exactly when told to (NEST's parrot_neuron)
PARROT = EquationModel("x : 1\ny : 1", update="x = x", threshold="x > 0.5", reset="x = 0",
                       receptors={"drive": "x += w", "plastic": "y += w"}, method="discrete", name="parrot")


def test_equality_in_an_expression_is_a_comparison_not_false():
    """`a == b` parses to sympy's Eq (Python's == on two expressions is False at once;
    this silently dropped `int(lastpost == t)` from STDPSynapse's depression)."""
    import sympy
    from snnkit.modeling.expressions import Where, parse_expression
    expr = parse_expression("int(a == b) + int(a != b)", Where("test", 1, ""), {"a", "b"})
    a, b = sympy.symbols("a b", real=True)
    assert expr.subs({a: 1.0, b: 1.0}) == 1 and expr.subs({a: 1.0, b: 2.0}) == 1
    assert parse_expression("a == b", Where("test", 1, ""), {"a", "b"}) == sympy.Eq(a, b)


def test_simple_stochastic_synapse_transmits_with_probability_p():
    """200 synapses x 50 spikes at p = 0.3: the transmitted count is binomial (within 4
    standard deviations), each instance draws its own, and a run repeats exactly."""
    from snnkit.modeling.synapse_library import SimpleStochasticSynapse
    n, spikes, p = 200, 50, 0.3

    def run():
        net = sk.Network()
        source = net.population(n, sk.SpikeTimes([[5.0 + 10.0 * k for k in range(spikes)]] * n), name="source")
        cell = net.population(n, COUNTER, name="cell")
        net.connect(source, cell, sk.OneToOne(), weight=1.0, synapse=SimpleStochasticSynapse(p=p))
        return sk.Simulator(net, batch=2, seed=11, dtype="float64").run(spikes * 10.0 + 5.0)
    sim = run()
    counts = sim.state("cell", "v")                      # (2, n): the transmitted spikes of each synapse
    total, expected = counts.sum(axis=1), n * spikes * p
    assert np.all(np.abs(total - expected) < 4 * np.sqrt(n * spikes * p * (1 - p))), total
    assert not np.array_equal(counts[0], counts[1])
    assert np.array_equal(run().state("cell", "v"), counts)


def test_the_readme_rule_runs_and_learns():
    """The README's Brian2-style STDP (per-synapse traces), 100 Poisson inputs onto a
    LIF for 1 s: weights stay within [0, w_max] and spread from their common start."""
    stdp = SynapseModel("""
        dapre/dt = -apre/taupre : 1 (event-driven)
        dapost/dt = -apost/taupost : 1 (event-driven)
    """, on_pre="apre += 1; w = clip(w + Apost*apost, 0, w_max)",
        on_post="apost += 1; w = clip(w + Apre*apre, 0, w_max)",
        parameters={"taupre": (20.0, "ms"), "taupost": (20.0, "ms"), "Apre": (0.01, "weight"),
                    "Apost": (-0.0105, "weight"), "w_max": (3.0, "weight")})
    net = sk.Network(seed=4)
    inputs = net.population(100, sk.Poisson(rate=15.0), name="inputs")
    cell = net.population(1, sk.LIF(tau_m=10.0, v_thresh=-54.0, v_reset=-60.0, v_rest=-74.0), name="cell")
    proj = net.connect(inputs, cell, sk.AllToAll(), weight=1.5, delay=1.5, synapse=stdp)   # mV
    net.record(cell, "spikes")
    sim = sk.Simulator(net, seed=1).run(1000.0)
    w = sim.synapse_values(proj, "w")[0]
    assert sim.results.spikes["cell"].times.size > 10
    assert np.all((w >= 0) & (w <= 3.0)) and np.std(w) > 0.01


@pytest.mark.parametrize("per_neuron", [False, True])
def test_several_synapses_between_one_pair_keep_their_own_state_and_can_be_set(per_neuron):
    """FromList with a repeated pair: two synapses, each its own weight and variables;
    set_synapse_values between runs (scalar, per synapse, per instance). Held per
    presynaptic neuron (the default here), x is shared: per-synapse values must agree."""
    net = sk.Network()
    source = net.population(1, sk.SpikeTimes([[5.0, 10.0, 15.0]]), name="source")
    cell = net.population(1, COUNTER, name="cell")
    proj = net.connect(source, cell, sk.FromList([0, 0], [0, 0]), weight=np.array([1.0, 3.0]),
                       synapse=Tsodyks2Synapse(U=0.5, u0=0.5, tau_rec=50.0).held(per_neuron))
    sim = sk.Simulator(net, batch=2, dtype="float64").run(20.0)
    x = sim.synapse_values(proj, "x")
    assert x.shape == (2, 2) and np.allclose(x[:, 0], x[:, 1])          # the same train: the same x
    pre, post, w = sim.weights(proj)
    assert pre.tolist() == [0, 0] and post.tolist() == [0, 0] and w.tolist() == [1.0, 3.0]
    released, x_left = [], 1.0                           # tsodyks2 with tau_fac = 0: u = U at every spike
    for h in (None, 5.0, 5.0):
        x_now = 1.0 if h is None else 1 + (x_left - 1) * np.exp(-h / 50.0)
        released.append(0.5 * x_now)
        x_left = x_now - 0.5 * x_now
    assert sim.state("cell", "v")[0, 0] == pytest.approx((1.0 + 3.0) * sum(released), rel=1e-12)
    if per_neuron:
        with pytest.raises(sk.SnnkitValueError, match="agree among the synapses of each presynaptic neuron"):
            sim.set_synapse_values(proj, "x", np.array([[0.2, 0.4], [0.6, 0.8]]))
        sim.set_synapse_values(proj, "x", np.array([[0.2, 0.2], [0.6, 0.6]]))
        assert sim.synapse_values(proj, "x").tolist() == [[0.2, 0.2], [0.6, 0.6]]
    else:
        sim.set_synapse_values(proj, "x", np.array([[0.2, 0.4], [0.6, 0.8]]))
        assert sim.synapse_values(proj, "x").tolist() == [[0.2, 0.4], [0.6, 0.8]]
    sim.set_synapse_values(proj, "w", [2.0, 2.0])
    assert sim.weights(proj)[2].tolist() == [2.0, 2.0]
    with pytest.raises(sk.SnnkitValueError, match="w values"):
        sim.set_synapse_values(proj, "w", np.ones((2, 2)))              # w is shared: not per instance
    with pytest.raises(sk.SnnkitValueError, match="variable"):
        sim.set_synapse_values(proj, "nope", 1.0)


def device_library():
    from snnkit.modeling import synapse_library as lib
    return {"TsodyksSynapse": (lib.TsodyksSynapse(U=0.3, tau_fac=100.0, u0=0.1), 1.0),
            "Tsodyks2Synapse": (lib.Tsodyks2Synapse(U=0.2, tau_rec=100.0, tau_fac=50.0), 1.0),
            "STDPSynapse": (lib.STDPSynapse(mu_plus=1.0, mu_minus=1.0), 50.0),
            "VogelsSprekelerSynapse": (lib.VogelsSprekelerSynapse(eta=0.05), 0.5),
            "TripletSTDPSynapse": (lib.TripletSTDPSynapse(A_plus=0.5, A3_plus=0.6, A_minus=0.7, A3_minus=0.2), 50.0),
            "SimpleStochasticSynapse": (lib.SimpleStochasticSynapse(p=0.4), 1.0)}
