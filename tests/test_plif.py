"""Multi-step (P)LIF layers for gradient training (kernels/plif.c, snnkit.training.plif,
snnkit.torch): the specification's gradients against finite differences where the
model is smooth, against autograd through an unfused torch implementation and against
SpikingJelly's ParametricLIFNode where it installs; the kernels against the
specification on every device backend; the torch modules' engines and errors."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from snnkit.backends import get_backend
from snnkit.training.plif import DevicePLIF, PLIFConfig, channel_of, plif_backward, plif_forward
from snnkit.validation import SnnkitValueError

CONFIGS = [PLIFConfig(), PLIFConfig(v_reset=None), PLIFConfig(detach_reset=True, v_reset=-0.2),
           PLIFConfig(surrogate="atan", alpha=3.0), PLIFConfig(v_reset=None, detach_reset=True, surrogate="atan")]
IDS = ["hard", "soft", "hard-detached", "atan", "soft-detached-atan"]
has_torch = importlib.util.find_spec("torch") is not None


def device_backends():
    out = []
    for name in ("opencl", "cupy"):
        from snnkit.backends import BACKENDS
        if BACKENDS[name].is_available():
            out.append(name)
    return out


def inputs(rng, steps=12, n=30, channels=3, dtype=np.float64):
    x = rng.normal(0.7, 0.9, (steps, n)).astype(dtype)
    k = rng.uniform(0.2, 0.9, channels).astype(dtype)
    v0 = rng.uniform(-0.3, 0.5, n).astype(dtype)
    return x, k, v0


def test_finite_differences_below_threshold():
    """No neuron reaches threshold (and the surrogate is 0 that far from it): the model is
    linear and the gradient exact; every gradient against central differences."""
    rng = np.random.default_rng(1)
    config = PLIFConfig(v_threshold=1e6)
    x, k, v0 = inputs(rng)
    weights = rng.normal(size=x.shape)
    inner = 10

    def loss(x, k, v0):
        _, s, v = plif_forward(x, k, v0, config, inner)
        assert not s.any()
        return float(np.sum(weights * v ** 2))
    h, s, v = plif_forward(x, k, v0, config, inner)
    gx, gk, gv0 = plif_backward(x, k, v0, h, v, np.zeros_like(x), 2 * weights * v, config, inner)
    eps = 1e-6
    for array, grad in ((x, gx), (k, gk), (v0, gv0)):
        flat = array.reshape(-1)
        for j in rng.choice(flat.size, min(12, flat.size), replace=False):
            keep = flat[j]
            flat[j] = keep + eps
            up = loss(x, k, v0)
            flat[j] = keep - eps
            down = loss(x, k, v0)
            flat[j] = keep
            assert grad.reshape(-1)[j] == pytest.approx((up - down) / (2 * eps), rel=1e-6, abs=1e-8)


def test_forward_is_the_discrete_model():
    """By hand for one neuron: tau = 2 (k = 0.5), threshold 1, hard reset to 0."""
    x = np.array([[1.0], [1.0], [1.0], [3.0], [0.0]])
    h, s, v = plif_forward(x, np.array([0.5]), np.zeros(1), PLIFConfig())
    np.testing.assert_allclose(h[:, 0], [0.5, 0.75, 0.875, 1.9375, 0.0])
    np.testing.assert_array_equal(s[:, 0], [0, 0, 0, 1, 0])
    np.testing.assert_allclose(v[:, 0], [0.5, 0.75, 0.875, 0.0, 0.0])
    _, s, v = plif_forward(x, np.array([0.5]), np.zeros(1), PLIFConfig(v_reset=None))
    np.testing.assert_allclose(v[:, 0], [0.5, 0.75, 0.875, 0.9375, 0.46875])       # 1.9375 - 1, halved


@pytest.mark.skipif(not has_torch, reason="needs torch")
@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_backward_equals_autograd_through_unfused_torch(config):
    import torch
    rng = np.random.default_rng(2)
    x, k, v0 = inputs(rng, steps=15, n=40, channels=4)
    inner = 5
    gs, gv = rng.normal(size=x.shape), rng.normal(size=x.shape)
    h, s, v = plif_forward(x, k, v0, config, inner)
    gx, gk, gv0 = plif_backward(x, k, v0, h, v, gs, gv, config, inner)

    a = config.width

    class Spike(torch.autograd.Function):
        @staticmethod
        def forward(ctx, u):
            ctx.save_for_backward(u)
            return (u >= 0).to(u.dtype)

        @staticmethod
        def backward(ctx, g):
            (u,) = ctx.saved_tensors
            if config.surrogate == "sigmoid":
                sig = torch.sigmoid(a * u)
                return g * a * sig * (1 - sig)
            return g * a / (2 * (1 + (np.pi / 2 * a * u) ** 2))

    tx, tk, tv0 = (torch.tensor(t, requires_grad=True) for t in (x, k, v0))
    ki = tk[torch.as_tensor(channel_of(x.shape[1], k.size, inner))]
    vr = config.reset_value
    state, spikes, potentials = tv0, [], []
    for t in range(x.shape[0]):
        hh = state + (tx[t] - (state - vr)) * ki
        ss = Spike.apply(hh - config.v_threshold)
        reset = ss.detach() if config.detach_reset else ss
        state = hh * (1 - reset) + vr * reset if config.hard else hh - config.v_threshold * reset
        spikes.append(ss)
        potentials.append(state)
    loss = (torch.stack(spikes) * torch.tensor(gs)).sum() + (torch.stack(potentials) * torch.tensor(gv)).sum()
    loss.backward()
    np.testing.assert_array_equal(torch.stack(spikes).detach().numpy(), s)
    np.testing.assert_allclose(gx, tx.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gk, tk.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gv0, tv0.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("device", device_backends())
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_kernels_match_the_specification(device, dtype, config):
    """Forward bit for bit; backward to the last bits of exp (arctan exactly)."""
    rng = np.random.default_rng(3)
    be = get_backend(device, dtype=dtype)
    kernels = DevicePLIF(be)
    for steps, n, channels, inner in ((1, 1, 1, 1), (7, 300, 3, 20), (40, 1031, 1, 1031), (5, 64, 64, 1)):
        x, k, v0 = inputs(rng, steps, n, channels, dtype)
        if channels == 1:
            k[0] = 1.0                                       # tau = 1: nothing carries over
        gs, gv = (rng.normal(size=x.shape).astype(dtype) for _ in range(2))
        h, s, v = plif_forward(x, k, v0, config, inner)
        H, S, V = kernels.forward(*(be.to_device(a) for a in (x, k, v0)), config, inner)
        for mine, spec in ((H, h), (S, s), (V, v)):
            np.testing.assert_array_equal(be.to_host(mine), spec)
        gx, gk, gv0 = plif_backward(x, k, v0, h, v, gs, gv, config, inner)
        GX, parts, GV0 = kernels.backward(*(be.to_device(a) for a in (x, k, v0)), H, V,
                                          be.to_device(gs), be.to_device(gv), config, inner)
        tol = dict(rtol=2e-5, atol=2e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-13)
        np.testing.assert_allclose(be.to_host(GX), gx, **tol)
        np.testing.assert_allclose(be.to_host(GV0), gv0, **tol)
        summed = np.bincount(channel_of(n, channels, inner), weights=be.to_host(parts).astype(float),
                             minlength=channels)
        np.testing.assert_allclose(summed, gk, rtol=1e-4 if dtype == np.float32 else 1e-11, atol=1e-5)


def test_threshold_is_inclusive():
    """H == v_threshold spikes (>=, as SpikingJelly's heaviside(H - V_th) with H - V_th = 0)."""
    _, s, _ = plif_forward(np.array([[2.0]]), np.array([0.5]), np.zeros(1), PLIFConfig())
    assert s[0, 0] == 1


def test_bad_configuration_fails_naming_it():
    with pytest.raises(SnnkitValueError, match="surrogate"):
        PLIFConfig(surrogate="relu")
    with pytest.raises(SnnkitValueError, match="alpha"):
        PLIFConfig(alpha=-1.0)
