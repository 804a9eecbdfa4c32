"""Discrete-time models (EquationModel update=...): SpikingJelly's LIFNode and
ParametricLIFNode, step for step against SpikingJelly's update rule.

SpikingJelly itself needs PyTorch, which this machine cannot install; the reference
below is its LIFNode.neuronal_charge (spikingjelly/activation_based/neuron/lif.py,
2.0.0), neuronal_fire (heaviside of v - v_threshold, 1 at 0) and neuronal_reset
(base_node.py), transcribed in float64 NumPy."""

import numpy as np
import pytest

import snnkit as sk
from snnkit.modeling import EquationModel, ModelError, library
from snnkit.modeling.numpy_group import NumpyEquationGroup


def spikingjelly(x, tau, v_threshold, v_reset, decay_input, factor=None):
    """SpikingJelly's single-step LIF over inputs x (T, N); v_reset None: soft reset."""
    k = (1.0 / tau) if factor is None else factor
    rest = 0.0 if v_reset is None else v_reset
    v = np.full(x.shape[1], rest)
    vs, spikes = [], []
    for xt in x:
        if decay_input:
            v = v + (rest - v + xt) * k
        else:
            v = v + (rest - v) * k + xt
        s = (v - v_threshold >= 0).astype(float)
        v = v - v_threshold * s if v_reset is None else s * v_reset + (1.0 - s) * v
        vs.append(v.copy())
        spikes.append(s.astype(bool))
    return np.array(vs), np.array(spikes)


@pytest.mark.parametrize("decay_input", [True, False])
@pytest.mark.parametrize("soft_reset", [False, True])
@pytest.mark.parametrize("parametric", [False, True])
def test_lif_and_plif_follow_spikingjelly_step_for_step(decay_input, soft_reset, parametric):
    x = np.random.default_rng(1).uniform(-0.5, 2.5, (60, 8))
    if parametric:
        model = library.PLIF(init_tau=3.0, decay_input=decay_input, soft_reset=soft_reset, v_threshold=0.8)
        factor = 1.0 / (1.0 + np.exp(-model.params["w"]))
        assert factor == pytest.approx(1.0 / 3.0)
        want_v, want_s = spikingjelly(x, None, 0.8, None if soft_reset else 0.0, decay_input, factor)
    else:
        model = library.SpikingJellyLIF(decay_input=decay_input, soft_reset=soft_reset, tau=2.5, v_reset=-0.1)
        want_v, want_s = spikingjelly(x, 2.5, 1.0, None if soft_reset else -0.1, decay_input)
    group = NumpyEquationGroup(model, 8, dt=1.0)
    got_v, got_s = [], []
    for xt in x:
        group.receive("input", xt[None, :])
        got_s.append(group.step()[0])
        got_v.append(group.state["v"][0].copy())
    assert np.array_equal(np.array(got_s), want_s) and want_s.sum() > 10
    assert np.max(np.abs(np.array(got_v) - want_v)) < 1e-12


def test_a_discrete_layer_in_a_network_on_every_backend(backend):
    """Poisson input through a receptor: x is the step's summed weights, then 0."""
    def run(name):
        net = sk.Network(seed=2)
        src = net.population(30, sk.Poisson(rate=200.0), name="src")
        layer = net.population(10, library.PLIF(init_tau=2.0), name="layer")
        net.connect(src, layer, sk.FixedProbability(0.5), weight=sk.Uniform(0.2, 1.0), receptor="input")
        net.record(layer, "spikes")
        net.record(layer, "v")
        net.record(layer, "x")
        return sk.Simulator(net, backend=name, seed=3, dt=1.0).run(100.0, progress=False).results
    ours, spec = run(backend), run("numpy")
    assert ours.spikes["layer"].times.size > 20
    assert np.array_equal(ours.spikes["layer"].times, spec.spikes["layer"].times)
    assert np.array_equal(ours.traces["layer"]["v"].data, spec.traces["layer"]["v"].data)
    assert np.all(ours.traces["layer"]["x"].data == 0)              # used up in the step it arrives


def test_discrete_models_refuse_differential_equations_and_other_methods():
    with pytest.raises(ModelError, match="declares its variables as `name : unit`"):
        EquationModel("dv/dt = -v/tau : 1", update="v = 0", parameters={"tau": (1.0, "ms")})
    with pytest.raises(ModelError, match="discrete-time map .*not 'rk4'"):
        EquationModel("v : 1", update="v = 0.5*v", method="rk4")
    with pytest.raises(ModelError, match="needs the update statements"):
        EquationModel("v : 1", method="discrete")
    with pytest.raises(ModelError, match=r"update, line 1: .*inconsistent units"):
        EquationModel("v : mV", update="v = v + tau", parameters={"tau": (1.0, "ms")})
    with pytest.raises(sk.SnnkitValueError, match="init_tau"):
        library.PLIF(init_tau=1.0)
