"""Runtime parameter changes (snnkit.parameters): Population.set between runs and at
scheduled times, on every backend, against the same change made in a fresh network."""

import numpy as np
import pytest

import snnkit as sk
from snnkit.modeling import library

CHANGED = dict(i_offset=np.linspace(0.5, 1.5, 10), tau_m=10.0)


def build(model, rate=20.0, seed=1):
    net = sk.Network(seed=seed)
    src = net.population(20, sk.Poisson(rate=rate), name="src")
    pop = net.population(10, model, name="p")
    net.connect(src, pop, sk.AllToAll(), weight=0.3)
    net.record(pop, "spikes")
    net.record(pop, "v")
    return net, pop, src


def same_results(a, b):
    sa, sb = a.results.spikes["p"], b.results.spikes["p"]
    return (np.array_equal(sa.times, sb.times) and np.array_equal(sa.node_ids, sb.node_ids)
            and np.array_equal(sa.instances, sb.instances)
            and np.array_equal(a.results.traces["p"]["v"].data, b.results.traces["p"]["v"].data))


MODELS = {"LIFCurrExp": lambda: sk.LIFCurrExp(i_offset=0.5, tau_refrac=2.0),
          "IF_curr_alpha": lambda: library.IF_curr_alpha(i_offset=0.5, tau_refrac=2.0),
          "Izhikevich": lambda: library.Izhikevich(i_offset=0.005)}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_a_change_between_runs_is_the_change_scheduled_for_that_time(backend, name):
    changed = dict(CHANGED) if name != "Izhikevich" else dict(i_offset=np.linspace(0.01, 0.03, 10), c=-55.0)
    net, pop, src = build(MODELS[name]())
    sim = sk.Simulator(net, backend=backend, seed=3).run(50.0, progress=False)
    pop.set(**changed)
    src.set(rate=80.0)
    sim.run(50.0, progress=False)

    net2, pop2, src2 = build(MODELS[name]())
    pop2.set(at=50.0, **changed)
    src2.set(at=50.0, rate=80.0)
    sim2 = sk.Simulator(net2, backend=backend, seed=3).run(100.0, progress=False)
    assert same_results(sim, sim2)
    early, late = (np.sum(sim.results.spikes["p"].times < 50.0), np.sum(sim.results.spikes["p"].times >= 50.0))
    assert late > early                                         # the change took effect
    assert pop2.model.params == MODELS[name]().params           # a scheduled change leaves the model as it was


def test_device_changes_equal_numpy_per_instance_and_mid_run(plain_device, batch):
    """a per-instance (B, N) change of an equation model and a LIF, scheduled mid-run,
    twice (the second fits the buffer the first made: no rebinding)"""
    def make(model):
        net, pop, src = build(model)
        per_instance = np.linspace(1.0, 3.0, 10)[None, :] * np.linspace(1.0, 1.5, batch)[:, None]
        pop.set(at=30.0, i_offset=per_instance)
        pop.set(at=60.0, i_offset=1.5, tau_refrac=sk.Uniform(1.0, 3.0))
        return net
    for model in (MODELS["IF_curr_alpha"](), MODELS["LIFCurrExp"]()):
        sims = []
        for be in ("numpy", plain_device):
            sims.append(sk.Simulator(make(model), backend=be, batch=batch, seed=4).run(100.0, progress=False))
        assert same_results(*sims)
        assert sims[0].results.spikes["p"].times.size > 20


def test_compiled_in_parameters_become_loaded_once_then_changes_only_copy(backend):
    if backend == "numpy":
        pytest.skip("device layouts")
    net, pop, src = build(library.IF_curr_alpha(i_offset=0.5))
    sim = sk.Simulator(net, backend=backend, seed=3).run(10.0, progress=False)
    group = sim.groups[sim.plan.placement["p"][0]]
    assert "PARAMS_SHARED" in group["switches"]
    pop.set(i_offset=0.8)
    sim.run(10.0, progress=False)
    assert "PARAMS_SHARED" not in group["switches"]
    kernel, params = group["_neuron"], group["params"]
    pop.set(i_offset=np.linspace(0.1, 0.9, 10), tau_m=15.0)
    sim.run(10.0, progress=False)
    assert group["_neuron"] is kernel and group["params"] is params        # copied into the same buffer


def test_a_rate_switched_on_is_a_poisson_source_that_starts_then(backend):
    """Philox draws depend on the step only, so rate 0 -> 40 Hz at 30 ms is
    Poisson(40, start=30) of a fresh network, spike for spike."""
    def net_of(rate):
        net = sk.Network(seed=2)
        src = net.population(50, rate, name="src")
        net.record(src, "spikes")
        return net, src
    net, src = net_of(sk.Poisson(rate=0.0))
    src.set(at=30.0, rate=40.0)
    ours = sk.Simulator(net, backend=backend, seed=8).run(80.0, progress=False).results.spikes["src"]
    fresh = sk.Simulator(net_of(sk.Poisson(rate=40.0, start=30.0))[0], backend=backend, seed=8).run(
        80.0, progress=False).results.spikes["src"]
    assert ours.times.size > 50 and ours.times.min() >= 30.0
    assert np.array_equal(ours.times, fresh.times) and np.array_equal(ours.node_ids, fresh.node_ids)


def test_an_offset_current_switched_on_is_a_current_step_of_a_fresh_network(backend):
    """LIF: i_offset 0 -> 1 nA at 20 ms is a StepCurrent of 1 nA from 20 ms."""
    def net_of(current):
        net = sk.Network(seed=1)
        pop = net.population(5, sk.LIFCurrExp(tau_refrac=2.0, v_thresh=-55.0), name="p")
        if current:
            net.inject(sk.StepCurrent([20.0], [1.0]), pop)
        net.record(pop, "spikes")
        net.record(pop, "v")
        return net, pop
    net, pop = net_of(False)
    pop.set(at=20.0, i_offset=1.0)
    ours = sk.Simulator(net, backend=backend, seed=1).run(100.0, progress=False)
    fresh = sk.Simulator(net_of(True)[0], backend=backend, seed=1).run(100.0, progress=False)
    assert ours.results.spikes["p"].times.size > 10
    assert same_results(ours, fresh)


def test_spike_times_updated_between_runs(backend):
    net = sk.Network()
    src = net.population(2, sk.SpikeTimes([[5.0, 15.0], [8.0]]), name="src")
    net.record(src, "spikes")
    sim = sk.Simulator(net, backend=backend).run(10.0, progress=False)
    src.set(times=[[3.0, 12.0, 25.0], [18.0]])           # 3.0 is in the past: never emitted
    sim.run(20.0, progress=False)
    spikes = sim.results.spikes["src"]
    assert list(zip(spikes.times.round(6), spikes.node_ids)) == [(5.0, 0), (8.0, 1), (12.0, 0), (18.0, 1),
                                                                 (25.0, 0)]


def test_bad_changes_are_refused_naming_the_parameter():
    net, pop, src = build(library.IF_curr_alpha())
    with pytest.raises(sk.SnnkitValueError, match="tau_mm .*no parameter of that name.*tau_m"):
        pop.set(tau_mm=3.0)
    with pytest.raises(sk.SnnkitValueError, match="IF_curr_alpha.tau_m"):
        pop.set(tau_m=-1.0)
    with pytest.raises(sk.SnnkitValueError, match=r"IF_curr_alpha.v_rest.*\(10,\)"):
        pop.set(v_rest=np.zeros(7))
    with pytest.raises(sk.SnnkitValueError, match="Population.set at"):
        pop.set(at=-1.0, tau_m=3.0)
    with pytest.raises(sk.SnnkitValueError, match="Poisson.rate"):
        src.set(rate=-5.0)
    with pytest.raises(sk.SnnkitValueError, match="needs at least one"):
        pop.set()
    sim = sk.Simulator(net, batch=2, seed=1)
    pop.set(i_offset=np.zeros((3, 1)))                         # a batch of 3 instances: checked at the run
    with pytest.raises(sk.SnnkitValueError, match="batch = 2"):
        sim.run(1.0)
    pop.set(i_offset=0.1)
    pop.initialize(v=-60.0)
    with pytest.raises(sk.SnnkitValueError, match="initial v.*fixed when the Simulator is built"):
        sim.run(1.0)


def test_a_model_of_another_kind_is_refused():
    net, pop, _ = build(sk.LIFCurrExp())
    sim = sk.Simulator(net)
    pop.model = sk.LIFCurrExp(method="euler")
    with pytest.raises(sk.SnnkitValueError, match="another kind"):
        sim.run(1.0)


@pytest.mark.parametrize("mode", ["graph", "program"])
def test_captured_step_sequences_follow_a_kernel_bound_again(mode, monkeypatch):
    """steps run in captured sequences (with a device clock) or step programs; a change
    that binds a kernel again (the LIF's offset flag switched on) makes them capture or
    build anew"""
    from snnkit.backends import BACKENDS
    monkeypatch.setenv("SNNKIT_STEP_PROGRAM", "0" if mode == "graph" else "1")
    if BACKENDS["opencl"].unavailable_reason():
        pytest.skip("OpenCL unavailable")

    def make():
        net = sk.Network(seed=1)
        src = net.population(20, sk.Poisson(rate=20.0), name="src")
        pop = net.population(10, sk.LIFCurrExp(tau_refrac=2.0), name="p")
        net.connect(src, pop, sk.AllToAll(), weight=0.3)
        net.record(pop, "spikes")
        pop.set(at=30.0, i_offset=np.linspace(0.5, 1.5, 10))
        pop.set(at=60.0, tau_m=12.0)
        return net
    device = BACKENDS["opencl"](dtype="float32", device_clock=mode == "graph")
    ours = sk.Simulator(make(), backend=device, seed=2)
    ours.run(100.0, progress=False)
    assert ours.sequences.mode == mode and ours.sequences.steps > 0
    assert (ours.sequences.sequence if mode == "graph" else ours.sequences.program) is not None
    spec = sk.Simulator(make(), backend="numpy", seed=2).run(100.0, progress=False)
    a, b = ours.results.spikes["p"], spec.results.spikes["p"]
    assert a.times.size > 20 and np.array_equal(a.times, b.times) and np.array_equal(a.node_ids, b.node_ids)


def test_weights_set_between_runs_act_in_the_next_run(backend):
    """Simulator.set_weights: one projection of a table two static projections share, and a
    plastic one per instance; the targets' input in the next run follows the new weights."""
    net = sk.Network()
    source = net.population(2, sk.SpikeTimes([[10.0, 60.0], [10.0, 60.0]]), name="source")
    cells = net.population(2, sk.LIF(tau_m=1e9, v_rest=0.0, v_reset=0.0, v_thresh=1e9, tau_refrac=0.1),
                           name="cells")
    a = net.connect(source, cells, sk.OneToOne(), weight=1.0)
    b = net.connect(source, cells, sk.AllToAll(), weight=0.5)                # the same table as a
    c = net.connect(source, cells, sk.OneToOne(), weight=0.1,
                    plasticity=sk.STDP(A_plus=0.0, A_minus=0.0, w_max=10.0))
    sim = sk.Simulator(net, backend=backend, batch=2, dtype="float64").run(40.0)
    v0 = sim.state(cells, "v").copy()
    assert np.allclose(v0, 1.0 + 2 * 0.5 + 0.1)
    sim.set_weights(a, [3.0, 4.0])
    sim.set_weights(c, np.array([[1.0, 2.0], [5.0, 6.0]]))
    sim.run(40.0)
    gained = sim.state(cells, "v") - v0
    assert np.allclose(gained, np.array([[3.0 + 1.0 + 1.0, 4.0 + 1.0 + 2.0], [3.0 + 1.0 + 5.0, 4.0 + 1.0 + 6.0]]))
    assert sim.weights(b)[2].tolist() == [0.5] * 4
    with pytest.raises(sk.SnnkitValueError, match="weights"):
        sim.set_weights(a, np.ones((2, 2)))                               # a static weight is shared


def test_state_set_between_runs_is_where_the_run_goes_on_from(backend):
    """Simulator.set_state: a population's variable set between runs (per neuron, per
    instance); the run goes on from it as a fresh network initialised there does."""
    def network(v0):
        net = sk.Network()
        other = net.population(3, library.IF_curr_alpha(i_offset=0.6), name="other")
        pop = net.population(4, library.IF_curr_alpha(i_offset=0.8), name="p")
        pop.initialize(v=v0)
        other.initialize(v=-60.0)
        net.record(pop, "v")
        return net, pop
    v_set = np.array([[-70.0, -62.0, -58.0, -55.0], [-66.0, -61.0, -57.0, -52.0]])
    net, pop = network(-65.0)
    sim = sk.Simulator(net, backend=backend, batch=2, dtype="float64").run(0.0, progress=False)
    sim.set_state(pop, "v", v_set)
    assert np.array_equal(sim.state(pop, "v"), v_set)
    assert np.all(sim.state("other", "v") == -60.0)             # the other population is untouched
    sim.run(20.0, progress=False)
    fresh_net, _ = network(v_set)
    fresh = sk.Simulator(fresh_net, backend=backend, batch=2, dtype="float64").run(20.0, progress=False)
    assert np.array_equal(sim.state(pop, "v"), fresh.state("p", "v"))
    with pytest.raises(sk.SnnkitValueError, match="p.v values"):
        sim.set_state(pop, "v", np.zeros(3))
    with pytest.raises(sk.SnnkitValueError, match="variable"):
        sim.set_state(pop, "nope", 0.0)


def test_pending_input_is_what_the_next_step_delivers(backend):
    """Simulator.pending_input: spikes of the last step (delay 1 step) and of earlier ones
    (longer delays) still in the ring, per receptor, LIF and equation models alike."""
    net = sk.Network()
    src = net.population(2, sk.SpikeTimes([[4.9], [4.0]]), name="src")
    lif = net.population(2, sk.LIFCurrExp(), name="lif")
    eq = net.population(2, library.IF_curr_alpha(), name="eq")
    net.connect(src, lif, sk.OneToOne(), weight=np.array([0.5, 0.25]), delay=0.1)
    net.connect(src, lif, sk.OneToOne(), weight=-0.75, delay=1.2, receptor="inhibitory")
    net.connect(src, eq, sk.AllToAll(), weight=0.125, delay=1.1)
    sim = sk.Simulator(net, backend=backend, dtype="float64").run(5.0, progress=False)
    assert sim.pending_input(lif, "excitatory").tolist() == [[0.5, 0.0]]      # 4.9 + 0.1: the next step
    assert sim.pending_input(lif, "inhibitory").tolist() == [[0.0, 0.0]]      # 4.0 + 1.2 = 5.2: later
    assert sim.pending_input(eq, "excitatory").tolist() == [[0.0, 0.0]]       # 4.0 + 1.1 = 5.1: later
    sim.run(0.1, progress=False)
    assert sim.pending_input(eq, "excitatory").tolist() == [[0.125, 0.125]]   # now the next step's
    assert sim.pending_input(eq, "inhibitory").tolist() == [[0.0, 0.0]]
    assert sim.pending_input(lif, "inhibitory").tolist() == [[0.0, 0.0]]
    sim.run(0.1, progress=False)
    assert sim.pending_input(lif, "inhibitory").tolist() == [[0.0, -0.75]]
    with pytest.raises(sk.SnnkitValueError, match="receptor"):
        sim.pending_input(eq, "nope")
