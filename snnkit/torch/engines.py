"""Where a (P)LIF layer's kernels run for a tensor: CUDA tensors on the CuPy backend
(shared through DLPack, no copies); CPU tensors in torch operations (the default), on
the NumPy specification (zero-copy views) or on an OpenCL device (copied in and out)."""

from __future__ import annotations

import numpy as np
import torch

from ..training.plif import DevicePLIF, channel_of, plif_backward, plif_forward


class NumpyEngine:
    name = "numpy"

    def forward(self, x, k, v_init, config, inner):
        out = plif_forward(*(t.detach().numpy() for t in (x, k, v_init)), config, inner)
        return tuple(torch.from_numpy(a) for a in out)

    def backward(self, x, k, v_init, h, v, grad_s, grad_v, config, inner):
        gx, gk, gv0 = plif_backward(*(t.detach().numpy() for t in (x, k, v_init, h, v, grad_s, grad_v)),
                                    config, inner)
        return torch.from_numpy(gx), torch.from_numpy(gk), torch.from_numpy(gv0)


class DeviceEngine:
    """kernels/plif.c on a device backend; ``shared``: tensors pass through DLPack (CuPy)."""

    def __init__(self, backend_name: str, dtype):
        from ..backends import get_backend
        self.name = backend_name
        self.backend = get_backend(backend_name, dtype=dtype)
        self.kernels = DevicePLIF(self.backend)
        self.shared = backend_name == "cupy"

    def _in(self, t):
        if self.shared:
            import cupy
            return cupy.from_dlpack(t.detach().contiguous())
        return self.backend.to_device(np.ascontiguousarray(t.detach().numpy()))

    def _out(self, a):
        return torch.from_dlpack(a) if self.shared else torch.from_numpy(self.backend.to_host(a))

    def forward(self, x, k, v_init, config, inner):
        h, s, v = self.kernels.forward(self._in(x), self._in(k), self._in(v_init), config, inner)
        if self.shared:
            return self._out(h), self._out(s), self._out(v)
        return self._out(h), self._out(s), self._out(v)

    def backward(self, x, k, v_init, h, v, grad_s, grad_v, config, inner):
        gx, parts, gv0 = self.kernels.backward(*(self._in(t) for t in (x, k, v_init, h, v, grad_s, grad_v)),
                                               config, inner)
        parts = self._out(parts)
        channels = k.numel()
        channel = torch.as_tensor(channel_of(x.shape[1], channels, inner), device=parts.device)
        gk = torch.zeros(channels, dtype=torch.float64, device=parts.device).index_add_(0, channel,
                                                                                        parts.double())
        return self._out(gx), gk.to(parts.dtype), self._out(gv0)


_ENGINES: dict = {}


def engine_for(tensor, engine: str = "auto"):
    """The engine that runs a layer on ``tensor``: "auto" (CUDA tensors: "cupy"; CPU
    tensors: "torch", the fastest measured here: benchmarks/plif_frameworks.py), "numpy"
    (the specification), "torch", "opencl" or "cupy"."""
    from ..validation import fail
    if engine == "auto":
        engine = "cupy" if tensor.is_cuda else "torch"
    if engine not in ("numpy", "torch", "opencl", "cupy"):
        fail("engine", engine, 'must be "auto", "numpy", "torch", "opencl" or "cupy"')
    if tensor.is_cuda != (engine == "cupy"):
        fail("engine", engine, f"cannot run a {'CUDA' if tensor.is_cuda else 'CPU'} tensor")
    dtype = {torch.float32: np.float32, torch.float64: np.float64}.get(tensor.dtype)
    if dtype is None:
        fail("input dtype", str(tensor.dtype), "must be torch.float32 or torch.float64")
    key = (engine, dtype)
    if key not in _ENGINES:
        _ENGINES[key] = NumpyEngine() if engine == "numpy" else TorchEngine() if engine == "torch" else \
            DeviceEngine(engine, dtype)
    return _ENGINES[key]


class TorchEngine:
    """The specification's loops (snnkit.training.plif) in torch operations on the
    tensors themselves (in place where it can: torch's threads, no copies); the
    float32 sigmoid surrogate uses torch's exp (within an ulp of exp_f32.h, not its bits)."""

    name = "torch"

    def forward(self, x, k, v_init, config, inner):
        steps, n = x.shape
        ki = k.detach()[torch.as_tensor(channel_of(n, k.numel(), inner), device=x.device)] if k.numel() > 1 \
            else k.detach().reshape(())
        h_seq, s_seq, v_seq = (torch.empty_like(x) for _ in range(3))
        v = v_init.detach()
        v_th, v_reset = config.v_threshold, config.reset_value
        with torch.no_grad():
            for t in range(steps):
                h = h_seq[t]
                torch.sub(v, v_reset, out=h)                  # h = v + (x - (v - v_reset)) k
                torch.sub(x[t], h, out=h)
                h.mul_(ki).add_(v)
                s = s_seq[t].copy_(h >= v_th)
                if config.hard:
                    torch.where(s != 0, torch.as_tensor(v_reset, dtype=x.dtype), h, out=v_seq[t])
                else:
                    torch.sub(h, s * v_th, out=v_seq[t])
                v = v_seq[t]
        return h_seq, s_seq, v_seq

    def backward(self, x, k, v_init, h_seq, v_seq, grad_s, grad_v, config, inner):
        steps, n = x.shape
        channels = k.numel()
        channel = torch.as_tensor(channel_of(n, channels, inner), device=x.device)
        ki = k.detach()[channel] if channels > 1 else k.detach().reshape(())
        a, v_th, v_reset = config.width, config.v_threshold, config.reset_value
        grad_x = torch.empty_like(x)
        gv = torch.zeros(n, dtype=x.dtype, device=x.device)
        gk = torch.zeros(n, dtype=x.dtype, device=x.device)
        with torch.no_grad():
            for t in range(steps - 1, -1, -1):
                h = h_seq[t]
                u = h - v_th
                if config.surrogate == "sigmoid":
                    sig = torch.sigmoid(u.mul_(a))
                    sg = sig.mul_(1 - sig).mul_(a)
                else:
                    sg = u.mul_(a * 1.5707963267948966).square_().add_(1).reciprocal_().mul_(a / 2)
                gv.add_(grad_v[t])
                if config.hard:
                    s = h >= v_th
                    dv_dh = (~s).to(x.dtype)
                    if not config.detach_reset:
                        dv_dh.add_((v_reset - h).mul_(sg))
                else:
                    dv_dh = torch.ones_like(h) if config.detach_reset else (1 - v_th * sg)
                gh = grad_s[t] * sg
                gh.add_(gv.mul_(dv_dh))
                v_prev = v_seq[t - 1] if t else v_init
                torch.mul(gh, ki, out=grad_x[t])
                gk.add_(gh * (x[t] - (v_prev - v_reset)))
                gv = gh.mul_(1 - ki)
        grad_k = torch.zeros(channels, dtype=torch.float64, device=x.device).index_add_(0, channel, gk.double())
        return grad_x, grad_k.to(x.dtype), gv
