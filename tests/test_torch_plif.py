"""snnkit.torch's PLIF and LIF modules: SpikingJelly's ParametricLIFNode and LIFNode
(multi-step, decay_input) give the same spikes and gradients where spikingjelly is
installed; the engines agree; per-channel tau; the errors."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from snnkit.torch import LIF, PLIF  # noqa: E402
from snnkit.validation import SnnkitValueError  # noqa: E402

has_spikingjelly = importlib.util.find_spec("spikingjelly") is not None and importlib.util.find_spec("loguru")


def opencl_available() -> bool:
    from snnkit.backends.opencl_backend import OpenCLBackend
    return OpenCLBackend.is_available()


def run(layer, x, g):
    x = x.clone().requires_grad_()
    s = layer(x)
    (s * g).sum().backward()
    w = getattr(layer, "w", None)
    return s.detach(), x.grad, None if w is None or w.grad is None else w.grad.clone()


@pytest.mark.skipif(not has_spikingjelly, reason="needs spikingjelly (pip install --no-deps spikingjelly loguru)")
@pytest.mark.parametrize("options", [{}, {"v_reset": None}, {"detach_reset": True}, {"surrogate": "atan"}],
                         ids=["hard", "soft", "detached", "atan"])
def test_equals_spikingjelly(options):
    from spikingjelly.activation_based import neuron, surrogate
    torch.manual_seed(4)
    x = torch.randn(25, 6, 40) * 0.8 + 0.7
    g = torch.randn_like(x)
    function = surrogate.ATan() if options.get("surrogate") == "atan" else surrogate.Sigmoid()
    common = dict(v_reset=options.get("v_reset", 0.0), detach_reset=options.get("detach_reset", False),
                  surrogate_function=function, step_mode="m")
    theirs = run(neuron.ParametricLIFNode(init_tau=2.0, **common), x, g)
    ours = run(PLIF(init_tau=2.0, **options), x, g)
    assert torch.equal(theirs[0], ours[0])
    torch.testing.assert_close(ours[1], theirs[1], rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(ours[2], theirs[2].reshape(1), rtol=1e-4, atol=1e-4)
    theirs = run(neuron.LIFNode(tau=3.0, **common), x, g)
    ours = run(LIF(tau=3.0, **options), x, g)
    assert torch.equal(theirs[0], ours[0])
    torch.testing.assert_close(ours[1], theirs[1], rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(not opencl_available(), reason="needs an OpenCL device")
def test_engines_agree():
    torch.manual_seed(5)
    x = torch.randn(10, 4, 3, 7, dtype=torch.float64) + 0.8
    g = torch.randn_like(x)
    results = []
    for engine in ("numpy", "torch", "opencl"):
        layer = PLIF(init_tau=3.0, channels=3, engine=engine).double()
        with torch.no_grad():
            layer.w += torch.tensor([0.2, -0.1, 0.4], dtype=torch.float64)
        results.append(run(layer, x, g))
    for other in results[1:]:
        assert torch.equal(results[0][0], other[0])                # the same spikes
        for a, b in zip(results[0][1:], other[1:]):
            torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)


def test_learnable_tau_per_channel_gets_gradients_and_moves():
    torch.manual_seed(6)
    layer = PLIF(init_tau=2.0, channels=4)
    x = torch.rand(8, 5, 4, 3) * 2
    target = torch.zeros(8, 5, 4, 3)
    target[:, :, :2] = 1
    optimiser = torch.optim.Adam(layer.parameters(), lr=0.1)
    before = layer.tau.clone()
    for _ in range(20):
        optimiser.zero_grad()
        loss = ((layer(x) - target) ** 2).mean() + (layer.v_seq.mean() - 0.5) ** 2
        loss.backward()
        optimiser.step()
    assert layer.w.grad.shape == (4,)
    assert not torch.allclose(layer.tau, before)
    assert "tau=[" in repr(layer)


def test_errors_name_the_parameter():
    with pytest.raises(SnnkitValueError, match="init_tau"):
        PLIF(init_tau=1.0)
    with pytest.raises(SnnkitValueError, match="x_seq"):
        PLIF(channels=3)(torch.zeros(4, 2, 5))
    with pytest.raises(SnnkitValueError, match="engine"):
        PLIF(engine="gpu")(torch.zeros(4, 2))
    with pytest.raises(SnnkitValueError, match="dtype"):
        PLIF()(torch.zeros(4, 2, dtype=torch.float16))
    with pytest.raises(SnnkitValueError, match="engine"):
        PLIF(engine="cupy")(torch.zeros(4, 2))
    assert np.isclose(float(LIF(tau=4.0).tau), 4.0)
