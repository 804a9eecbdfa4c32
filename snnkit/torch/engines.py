"""Where a (P)LIF layer's kernels run for a tensor: CUDA tensors on the CuPy backend
(shared through DLPack, no copies), CPU tensors on the NumPy specification (zero-copy
views) or on an OpenCL device (copied in and out)."""

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
    tensors: "numpy"), "numpy", "opencl" or "cupy"."""
    from ..validation import fail
    if engine == "auto":
        engine = "cupy" if tensor.is_cuda else "numpy"
    if engine not in ("numpy", "opencl", "cupy"):
        fail("engine", engine, 'must be "auto", "numpy", "opencl" or "cupy"')
    if tensor.is_cuda != (engine == "cupy"):
        fail("engine", engine, f"cannot run a {'CUDA' if tensor.is_cuda else 'CPU'} tensor")
    dtype = {torch.float32: np.float32, torch.float64: np.float64}.get(tensor.dtype)
    if dtype is None:
        fail("input dtype", str(tensor.dtype), "must be torch.float32 or torch.float64")
    key = (engine, dtype)
    if key not in _ENGINES:
        _ENGINES[key] = NumpyEngine() if engine == "numpy" else DeviceEngine(engine, dtype)
    return _ENGINES[key]
