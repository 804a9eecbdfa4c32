"""Equation-defined models on the device backends (kernels/neuron.c with the model's
generated code) against the NumPy specification, and LIF written as equations
against the hand-written LIF kernel on every backend (which proves the template).

Generated NumPy and C evaluate the same operations in the same order, with
transcendental functions in double rounded once (snnkit/modeling/printer.py), so
feedforward runs agree bit for bit; in float64 a transcendental may differ in the
last bit between libms (a stated bound below).
"""

import numpy as np
import pytest

import snnkit as sk
from snnkit.modeling import EquationModel, library

from snnkit.backends import BACKENDS
from .test_equation_network import PSC

LIF_EQUATIONS = EquationModel(
    "dv/dt = (v_rest - v + R_m*(i_offset + I_inject))/tau_m : mV (unless refractory)",
    threshold="v >= v_thresh", reset="v = v_reset", refractory="tau_refrac",
    parameters={"tau_m": (20.0, "ms"), "R_m": (100.0, "MOhm"), "v_rest": (-65.0, "mV"),
                "v_reset": (-70.0, "mV"), "v_thresh": (-50.0, "mV"), "tau_refrac": (2.0, "ms"),
                "i_offset": (0.0, "nA")},
    initial={"v": "v_rest"}, receptors={"excitatory": "v += w", "inhibitory": "v += w"}, name="lif_equations")

# models whose step calls a transcendental function (exp; the noise's log and cos); in
# float64 those may differ in the last bit between NumPy's libm and the device's
TRANSCENDENTAL = {"EIF_cond_exp_isfa_ista", "EIF_cond_alpha_isfa_ista", "HH_cond_exp", "GIF_cond_exp", "noisy"}
FLOAT64_ULPS = 64            # the bound on such a difference after a run, in units of the last place
# (of the variable's largest value); HH's upstroke amplifies a last-bit difference of exp
# a thousandfold (measured 1385 ulps, 2e-11 mV, in 200 ms): its bound is 1e5 ulps
HH_FLOAT64_ULPS = 100000
FLOAT64_CHECKED = {"IF_curr_alpha", "Izhikevich", "IF_cond_alpha", "EIF_cond_exp_isfa_ista", "HH_cond_exp"}
BATCH1_CHECKED = {"IF_curr_alpha", "Izhikevich", "HH_cond_exp"}

NOISY = EquationModel("""
    dv/dt = (v_rest - v)/tau_m + sigma*xi/sqrt(tau_m) : mV
    da/dt = -a/tau_a + sigma_a*xi_a/sqrt(tau_a) : 1
    db/dt = -b/tau_a + sigma_a*xi_b/sqrt(tau_a) : 1
    dc/dt = -c/tau_a + sigma_a*xi_a/sqrt(tau_a) : 1
""", threshold="v >= v_thresh", reset="v = v_rest", refractory=1.0,
    parameters={"tau_m": (10.0, "ms"), "v_rest": (-65.0, "mV"), "v_thresh": (-60.0, "mV"),
                "sigma": (3.0, "mV"), "tau_a": (5.0, "ms"), "sigma_a": (0.5, "1")},
    initial={"v": "v_rest"}, receptors={"input": "v += w"}, name="noisy")


def run(backend, build, duration, dtype="float32", batch=1, seed=5):
    net = build()
    if callable(backend):
        backend = backend(dtype)
    return sk.Simulator(net, backend=backend, dtype=dtype, batch=batch, seed=seed).run(duration, progress=False)


def assert_same_spikes(a, b, pop):
    sa, sb = a.results.spikes[pop], b.results.spikes[pop]
    assert sa.times.size == sb.times.size, (pop, sa.times.size, sb.times.size)
    for field in ("times", "node_ids", "instances"):
        assert np.array_equal(getattr(sa, field), getattr(sb, field)), (pop, field)


def assert_same_traces(a, b, pop, variables, ulps=0):
    for var in variables:
        x, y = a.results.traces[pop][var].data, b.results.traces[pop][var].data
        if ulps == 0:
            assert np.array_equal(x, y), (pop, var, np.max(np.abs(x - y)))
        else:
            scale = np.spacing(np.max(np.abs(y)))      # ulps of the variable's largest value
            assert np.max(np.abs(x - y)) <= ulps * scale, (pop, var, np.max(np.abs(x - y)) / scale)


def test_lif_as_equations_is_the_hand_written_lif_on_every_backend(device):
    """the generated kernel gives the hand-written lif_step's spikes and its v to a few
    ulps (float32 and float64; bit for bit without the injected current: test_equation_network)
    and equals the NumPy specification bit for bit. (Synaptic
    input is left out: the hand-written LIF adds a delta jump after the membrane step,
    as NEST's iaf_psc_delta, while a receptor's statements run before it, as Brian2's
    on_pre; the spikes it emits are propagated to a second population.)"""
    currents = np.linspace(0.1, 0.4, 10)
    batch = 2
    sweep = np.linspace(0.0, 0.1, batch)[:, None]

    def build(model):
        def make():
            net = sk.Network(seed=1)
            pop = net.population(10, model, name="n")
            out = net.population(5, sk.LIF(tau_m=10.0, cm=0.25, v_thresh=-60.0), name="out")
            net.connect(pop, out, sk.FixedProbability(0.5), weight=3.0, delay=1.0)    # emit, propagate
            net.inject(sk.StepCurrent([30.0, 60.0], [0.05, 0.0]), pop)
            net.record(pop, "spikes")
            net.record(out, "spikes")
            net.record(pop, "v", every=3)
            return net
        return make
    hand = sk.LIF(tau_m=20.0, cm=0.2, v_rest=-65.0, v_reset=-70.0, v_thresh=-50.0, tau_refrac=2.0,
                  i_offset=currents + sweep)
    for dtype in ("float32", "float64"):
        ours = run(device, build(LIF_EQUATIONS(i_offset=currents + sweep)), 150.0, dtype, batch)
        theirs = run(device, build(hand), 150.0, dtype, batch)
        spec = run("numpy", build(LIF_EQUATIONS(i_offset=currents + sweep)), 150.0, dtype, batch)
        assert theirs.results.spikes["n"].times.size > 30 and theirs.results.spikes["out"].times.size > 5
        for pop in ("n", "out"):
            assert_same_spikes(ours, theirs, pop)
            assert_same_spikes(ours, spec, pop)
        assert_same_traces(ours, spec, "n", ["v"])
        # sympy distributes R_m over i_offset + I_inject, lif.c does not: a few ulps apart
        assert_same_traces(ours, theirs, "n", ["v"], ulps=4)


LIBRARY = {
    "IF_curr_alpha": (lambda: library.IF_curr_alpha(tau_refrac=2.0, tau_syn_E=2.0, tau_syn_I=4.0), 0.6, 0.5),
    "IF_cond_alpha": (lambda: library.IF_cond_alpha(tau_refrac=2.0, tau_syn_E=1.5), 0.01, 0.6),
    "Izhikevich": (lambda: library.Izhikevich(), 4.0, 0.004),
    "EIF_cond_exp_isfa_ista": (lambda: library.EIF_cond_exp_isfa_ista(tau_refrac=1.0), 0.01, 0.6),
    "EIF_cond_alpha_isfa_ista": (lambda: library.EIF_cond_alpha_isfa_ista(tau_refrac=1.0), 0.01, 0.6),
    "HH_cond_exp": (lambda: library.HH_cond_exp(), 0.02, 0.3),
    "IF_cond_exp_gsfa_grr": (lambda: library.IF_cond_exp_gsfa_grr(tau_refrac=1.0), 0.01, 1.5),
    "GIF_cond_exp": (lambda: library.GIF_cond_exp(a_eta1=0.05, a_eta2=0.02, a_eta3=0.01, tau_refrac=2.0), 0.01, 1.0),
}


@pytest.mark.parametrize("name", sorted(LIBRARY))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_library_models_on_device_equal_numpy(plain_device, name, dtype, batch):
    """Poisson input on both receptors, a current step, per-neuron and per-instance
    parameters; every state variable and subexpression recorded (the subexpressions
    evaluated on the host from the recorded state: snnkit.recording.Subexpression)."""
    if batch == 1 and (dtype == "float64" or name not in BATCH1_CHECKED):
        pytest.skip("batch 1: float32, one model of each integrator (batch 3: every model)")
    if dtype == "float64" and name not in FLOAT64_CHECKED:
        pytest.skip("float64: one model of each integrator")
    make_model, weight, current = LIBRARY[name]
    base = make_model()
    rng = np.random.default_rng(4)
    n = 12
    offsets = np.linspace(0.0, current, n)[None, :] + np.linspace(0.0, 0.2 * current, batch)[:, None]
    values = {"i_offset": offsets}
    if "tau_m" in base.params:
        values["tau_m"] = rng.uniform(8.0, 25.0, n)
    model = base(**values)

    def build():
        net = sk.Network(seed=3)
        exc = net.population(30, sk.Poisson(rate=40.0), name="exc")
        inh = net.population(10, sk.Poisson(rate=30.0), name="inh")
        pop = net.population(n, model, name="pop")
        net.connect(exc, pop, sk.FixedProbability(0.4), weight=weight, delay=sk.Uniform(0.1, 2.0))
        w_inh = -weight if name in ("IF_curr_alpha", "Izhikevich") else weight     # conductances: positive
        net.connect(inh, pop, sk.FixedProbability(0.4), weight=w_inh, receptor="inhibitory", delay=1.0)
        net.inject(sk.StepCurrent([40.0, 110.0], [current, 0.0]), pop, indices=range(0, n, 2))
        net.record(pop, "spikes")
        for var in model.recordable:
            net.record(pop, var, every=2)
        return net
    ours, spec = run(plain_device, build, 150.0, dtype, batch), run("numpy", build, 150.0, dtype, batch)
    assert spec.results.spikes["pop"].times.size > 5 * batch, name
    assert_same_spikes(ours, spec, "pop")
    ulps = FLOAT64_ULPS if dtype == "float64" and name in TRANSCENDENTAL else 0
    ulps = HH_FLOAT64_ULPS if ulps and name == "HH_cond_exp" else ulps
    assert_same_traces(ours, spec, "pop", model.recordable, ulps)


def test_noise_is_drawn_alike_on_device_and_numpy(plain_device, batch):
    """three noises (xi, xi_a, xi_b): two from one Philox counter, the third from the
    next stream; xi_a drives a and c alike (Brian2: one symbol, one draw)."""
    def build():
        net = sk.Network(seed=2)
        pop = net.population(16, NOISY, name="pop")
        net.record(pop, "spikes")
        for var in ("v", "a", "b", "c"):
            net.record(pop, var)
        return net
    assert NOISY.update.noise_inputs == ["_n_xi", "_n_xi_a", "_n_xi_b"]
    for dtype in ("float32", "float64"):
        ours, spec = run(plain_device, build, 50.0, dtype, batch), run("numpy", build, 50.0, dtype, batch)
        assert spec.results.spikes["pop"].times.size > 0
        assert_same_spikes(ours, spec, "pop")
        assert_same_traces(ours, spec, "pop", ["v", "a", "b", "c"], FLOAT64_ULPS if dtype == "float64" else 0)
        a, b, c = (spec.results.traces["pop"][x].data for x in ("a", "b", "c"))
        assert abs(np.corrcoef(a.ravel(), b.ravel())[0, 1]) < 0.2       # independent draws
        assert np.array_equal(a, c)                                    # the same draws


THREE = EquationModel("""
    dv/dt = (v_rest - v)/tau_m + (I_a + I_b + I_c)/cm : mV
    dI_a/dt = -I_a/tau_s : nA
    dI_b/dt = -I_b/tau_s : nA
    dI_c/dt = -I_c/tau_s : nA
""", threshold="v >= v_thresh", reset="v = v_rest",
    parameters={"tau_m": (10.0, "ms"), "cm": (0.25, "nF"), "tau_s": (3.0, "ms"), "v_rest": (-65.0, "mV"),
                "v_thresh": (-55.0, "mV")},
    initial={"v": "v_rest"}, receptors={"a": "I_a += w", "b": "I_b += w", "c": "I_c += 2*w"}, name="three")


def test_three_receptors_get_their_own_weights_on_device(device):
    """a ring of 3 receptor planes; per-synapse receptors in one table (two projections
    from one source) and a second outgoing table (the propagate kernel, not fused)."""
    def build():
        net = sk.Network(seed=1)
        src = net.population(8, sk.SpikeTimes([[5.0 + 3 * i, 40.0] for i in range(8)]), name="src")
        other = net.population(4, sk.LIF(), name="other")
        pop = net.population(3, THREE, name="pop")
        net.connect(src, other, sk.AllToAll(), weight=0.5)                    # src's first table: fused
        net.connect(src, pop, sk.FixedProbability(0.5), weight=0.1, receptor="a", delay=1.0)
        net.connect(src, pop, sk.FixedProbability(0.5), weight=0.2, receptor="c", delay=2.0)
        net.connect(pop, pop, sk.AllToAll(), weight=-0.05, receptor="b", delay=0.5)
        for var in ("I_a", "I_b", "I_c", "v"):
            net.record(pop, var)
        return net
    ours, spec = run(device, build, 60.0), run("numpy", build, 60.0)
    assert_same_traces(ours, spec, "pop", ["I_a", "I_b", "I_c", "v"])
    traces = spec.results.traces["pop"]
    assert traces["I_a"].data.max() > 0 and traces["I_c"].data.max() > 0
    assert traces["I_c"].data.max() > traces["I_a"].data.max()


def test_a_second_simulator_of_the_same_model_compiles_nothing(tmp_path, monkeypatch):
    if BACKENDS["opencl"].unavailable_reason():
        pytest.skip("OpenCL unavailable")
    monkeypatch.setenv("SNNKIT_DUMP_KERNELS", str(tmp_path))
    backend = BACKENDS["opencl"](dtype="float32")

    def build():
        net = sk.Network(seed=1)
        net.population(5, PSC(i_offset=0.3), name="p")
        return net
    sk.Simulator(build(), backend=backend).run(5.0, progress=False)
    built = len(backend._programs)
    dumped = sorted(p.name for p in tmp_path.iterdir())
    sk.Simulator(build(), backend=backend).run(5.0, progress=False)
    assert len(backend._programs) == built
    assert sorted(p.name for p in tmp_path.iterdir()) == dumped
    neuron = [p for p in tmp_path.iterdir() if p.name.startswith("neuron.")]
    assert len(neuron) == 1
    text = neuron[0].read_text()
    assert '#line 1 "generated from the equations of iaf_psc_exp"' in text and "model_update" in text
    # another dt is another kernel (dt is compiled in)
    net = build()
    sk.Simulator(net, backend=backend, dt=0.05).run(5.0, progress=False)
    assert len(backend._programs) == built + 1


def test_heun_with_multiplicative_noise_on_device_equals_numpy(plain_device):
    gbm = EquationModel("dx/dt = mu*x + s*x*xi/sqrt(tau) : 1", threshold="x > 3", reset="x = 1",
                        parameters={"mu": (0.01, "1/ms"), "s": (0.3, "1"), "tau": (1.0, "ms")},
                        initial={"x": 1.0}, method="heun", name="gbm")

    def build():
        net = sk.Network(seed=5)
        pop = net.population(64, gbm, name="pop")
        net.record(pop, "x")
        net.record(pop, "spikes")
        return net
    for dtype in ("float32", "float64"):
        ours, spec = run(plain_device, build, 30.0, dtype, 2), run("numpy", build, 30.0, dtype, 2)
        assert spec.results.spikes["pop"].times.size > 0
        assert_same_spikes(ours, spec, "pop")
        assert_same_traces(ours, spec, "pop", ["x"], FLOAT64_ULPS if dtype == "float64" else 0)
