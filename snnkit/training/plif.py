"""Multi-step (P)LIF layers, forward and backward through time: the NumPy specification
of kernels/plif.c (the model and the gradients are written out there), and the runner
that launches the kernels on a device backend (OpenCL, CuPy), one launch each way.

Arrays are (T, n): T steps of n neurons (a layer's [T, B, ...] tensor flattened after T);
``k`` = 1 / tau, one per channel (``channels``, ``inner``: neuron i has channel
(i // inner) % channels; a per-layer tau is channels = 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..validation import fail

SURROGATES = {"sigmoid": 0, "atan": 1}
DEFAULT_ALPHA = {"sigmoid": 4.0, "atan": 2.0}        # SpikingJelly's defaults


@dataclass(frozen=True)
class PLIFConfig:
    """v_threshold, v_reset (None: soft reset, subtracting the threshold), the surrogate
    ("sigmoid" or "atan") and its width alpha (None: SpikingJelly's default for it),
    detach_reset (the reset carries no gradient)."""

    v_threshold: float = 1.0
    v_reset: float | None = 0.0
    surrogate: str = "sigmoid"
    alpha: float | None = None
    detach_reset: bool = False

    def __post_init__(self):
        if self.surrogate not in SURROGATES:
            fail("surrogate", self.surrogate, f"must be one of {', '.join(SURROGATES)}")
        for name in ("v_threshold", "alpha"):
            value = getattr(self, name)
            if value is not None and not np.isfinite(value):
                fail(name, value, "must be a finite number")
        if self.alpha is not None and self.alpha <= 0:
            fail("alpha", self.alpha, "must be > 0")

    @property
    def hard(self) -> bool:
        return self.v_reset is not None

    @property
    def reset_value(self) -> float:
        return 0.0 if self.v_reset is None else float(self.v_reset)

    @property
    def width(self) -> float:
        return DEFAULT_ALPHA[self.surrogate] if self.alpha is None else float(self.alpha)


def channel_of(n: int, channels: int, inner: int) -> np.ndarray:
    return (np.arange(n) // inner) % channels


def surrogate_gradient(x: np.ndarray, config: PLIFConfig) -> np.ndarray:
    """dS/dH at x = H - v_threshold, as kernels/plif.c computes it."""
    a = x.dtype.type(config.width)
    one = x.dtype.type(1)
    if config.surrogate == "sigmoid":
        if x.dtype == np.float32:                   # kernels/exp_f32.h, as the kernel
            from ..backends.numpy_math import exp_f32
            e = exp_f32(-a * x)
        else:
            with np.errstate(over="ignore"):        # far below threshold: exp -> inf, s -> 0
                e = np.exp(-a * x)
        s = one / (one + e)
        return a * s * (one - s)
    u = x.dtype.type(1.5707963267948966) * a * x
    return a / (x.dtype.type(2) * (one + u * u))


def plif_forward(x: np.ndarray, k: np.ndarray, v_init: np.ndarray, config: PLIFConfig, inner: int | None = None):
    """(h_seq, s_seq, v_seq), each (T, n) in x's dtype."""
    steps, n = x.shape
    real = x.dtype.type
    ki = np.asarray(k, x.dtype)[channel_of(n, np.size(k), inner or n)]
    v_th, v_reset = real(config.v_threshold), real(config.reset_value)
    h_seq, s_seq, v_seq = (np.empty_like(x) for _ in range(3))
    v = np.asarray(v_init, x.dtype).copy()
    for t in range(steps):
        h = v + (x[t] - (v - v_reset)) * ki
        s = (h >= v_th).astype(x.dtype)
        v = np.where(s != 0, v_reset, h) if config.hard else h - v_th * s
        h_seq[t], s_seq[t], v_seq[t] = h, s, v
    return h_seq, s_seq, v_seq


def plif_backward(x, k, v_init, h_seq, v_seq, grad_s, grad_v, config: PLIFConfig, inner: int | None = None):
    """(grad_x (T, n), grad_k per channel, grad_v_init (n,)); grad_s and grad_v: the loss's
    gradients with respect to s_seq and v_seq."""
    steps, n = x.shape
    real = x.dtype.type
    channels = np.size(k)
    channel = channel_of(n, channels, inner or n)
    ki = np.asarray(k, x.dtype)[channel]
    v_th, v_reset, one = real(config.v_threshold), real(config.reset_value), real(1)
    grad_x = np.empty_like(x)
    gv, gk = np.zeros(n, x.dtype), np.zeros(n, x.dtype)
    for t in range(steps - 1, -1, -1):
        h = h_seq[t]
        s = (h >= v_th).astype(x.dtype)
        sg = surrogate_gradient(h - v_th, config)
        gv = gv + grad_v[t]
        if config.hard:
            dv_dh = one - s if config.detach_reset else one - s + (v_reset - h) * sg
        else:
            dv_dh = np.ones_like(h) if config.detach_reset else one - v_th * sg
        gh = grad_s[t] * sg + gv * dv_dh
        v_prev = v_seq[t - 1] if t else np.asarray(v_init, x.dtype)
        grad_x[t] = gh * ki
        gk = gk + gh * (x[t] - (v_prev - v_reset))
        gv = gh * (one - ki)
    grad_k = np.bincount(channel, weights=gk.astype(np.float64), minlength=channels).astype(x.dtype)
    return grad_x, grad_k, gv


class DevicePLIF:
    """kernels/plif.c on a device backend: arrays in and out are the backend's (T, n)
    device arrays; one launch forward, one backward."""

    def __init__(self, backend):
        self.backend = backend

    def _chunk(self, n: int) -> tuple[int, int]:
        """(neurons a work-item, work-items): one each on GPUs; on CPUs (kernels/plif.c,
        SERIAL_ROWS) blocks of contiguous neurons, a few blocks a core."""
        if not self.backend.serial_rows:
            return 1, n
        chunk = max(256, -(-n // 64))
        return chunk, -(-n // chunk)

    def forward(self, x, k, v_init, config: PLIFConfig, inner: int | None = None):
        be, a = self.backend, self.backend.kernel_arg
        steps, n = x.shape
        h_seq, s_seq, v_seq = (be.zeros((steps, n), be.dtype) for _ in range(3))
        chunk, threads = self._chunk(n)
        args = dict(n=n, steps=steps, channels=int(np.prod(k.shape)), inner=inner or n, hard=int(config.hard),
                    chunk=chunk,
                    v_threshold=config.v_threshold, v_reset=config.reset_value, x=a(x), k=a(k), v_init=a(v_init),
                    h_seq=a(h_seq), s_seq=a(s_seq), v_seq=a(v_seq))
        be.bind("plif_forward", threads, **args)()
        return h_seq, s_seq, v_seq

    def backward(self, x, k, v_init, h_seq, v_seq, grad_s, grad_v, config: PLIFConfig, inner: int | None = None):
        """(grad_x, grad_k_part (n,): each neuron's dL/dk, grad_v_init)."""
        be, a = self.backend, self.backend.kernel_arg
        steps, n = x.shape
        grad_x = be.zeros((steps, n), be.dtype)
        grad_k_part, grad_v_init = be.zeros(n, be.dtype), be.zeros(n, be.dtype)
        chunk, threads = self._chunk(n)
        args = dict(n=n, steps=steps, channels=int(np.prod(k.shape)), inner=inner or n, hard=int(config.hard),
                    chunk=chunk,
                    detach_reset=int(config.detach_reset), surrogate=SURROGATES[config.surrogate],
                    alpha=config.width, v_threshold=config.v_threshold, v_reset=config.reset_value,
                    x=a(x), k=a(k), v_init=a(v_init), h_seq=a(h_seq), v_seq=a(v_seq), grad_s=a(grad_s),
                    grad_v=a(grad_v), grad_x=a(grad_x), grad_k_part=a(grad_k_part), grad_v_init=a(grad_v_init))
        be.bind("plif_backward", threads, **args)()
        return grad_x, grad_k_part, grad_v_init
