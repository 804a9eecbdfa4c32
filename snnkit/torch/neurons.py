"""PLIF and LIF layers (multi-step) as torch.autograd.Functions over kernels/plif.c."""

from __future__ import annotations

import math

import torch

from ..training.plif import PLIFConfig
from ..validation import fail
from .engines import engine_for


class PLIFFunction(torch.autograd.Function):
    """(x_seq (T, n), k (channels,), v_init (n,)) -> (s_seq, v_seq), each (T, n); backward
    through time in one launch (snnkit.training.plif gives the formulas)."""

    @staticmethod
    def forward(ctx, x_seq, k, v_init, config: PLIFConfig, inner: int, engine):
        h_seq, s_seq, v_seq = engine.forward(x_seq, k, v_init, config, inner)
        ctx.save_for_backward(x_seq, k, v_init, h_seq, v_seq)
        ctx.config, ctx.inner, ctx.engine = config, inner, engine
        return s_seq, v_seq

    @staticmethod
    def backward(ctx, grad_s, grad_v):
        x_seq, k, v_init, h_seq, v_seq = ctx.saved_tensors
        grad_s = torch.zeros_like(x_seq) if grad_s is None else grad_s.contiguous()
        grad_v = torch.zeros_like(x_seq) if grad_v is None else grad_v.contiguous()
        grad_x, grad_k, grad_v_init = ctx.engine.backward(x_seq, k, v_init, h_seq, v_seq, grad_s, grad_v,
                                                          ctx.config, ctx.inner)
        return grad_x, grad_k.reshape(k.shape), grad_v_init, None, None, None


class PLIF(torch.nn.Module):
    """Parametric LIF neurons (Fang et al. 2021), multi-step: input [T, B, ...], spikes out.

    tau = 1 / sigmoid(w), w learned (``learnable``), initialised for ``init_tau`` (> 1),
    one per layer or, with ``channels``, one per channel of dimension 1 of [B, C, ...].
    v_threshold, v_reset (None: soft reset), surrogate ("sigmoid", "atan"), alpha, and
    detach_reset as in SpikingJelly. ``engine``: see snnkit.torch.engine_for. After a
    forward, ``v_seq`` holds the membrane potentials (with their gradient).
    """

    def __init__(self, init_tau: float = 2.0, v_threshold: float = 1.0, v_reset: float | None = 0.0,
                 surrogate: str = "sigmoid", alpha: float | None = None, detach_reset: bool = False,
                 channels: int | None = None, learnable: bool = True, engine: str = "auto"):
        super().__init__()
        if not (isinstance(init_tau, (int, float)) and init_tau > 1):
            fail("init_tau", init_tau, "must be a number > 1 (1 / tau = sigmoid(w))")
        if channels is not None and (int(channels) != channels or channels < 1):
            fail("channels", channels, "must be None (one tau a layer) or a positive int")
        self.config = PLIFConfig(v_threshold, v_reset, surrogate, alpha, detach_reset)
        self.channels, self.engine = channels, engine
        w = torch.full((channels or 1,), -math.log(init_tau - 1.0), dtype=torch.float32)
        if learnable:
            self.w = torch.nn.Parameter(w)
        else:
            self.register_buffer("w", w)
        self.v_seq = None

    @property
    def tau(self) -> torch.Tensor:
        return 1.0 / torch.sigmoid(self.w.detach())

    def forward(self, x_seq: torch.Tensor) -> torch.Tensor:
        if x_seq.dim() < 2:
            fail("x_seq", tuple(x_seq.shape), "must be [T, B, ...] (multi-step)")
        steps = x_seq.shape[0]
        if self.channels is not None and (x_seq.dim() < 3 or x_seq.shape[2] != self.channels):
            fail("x_seq", tuple(x_seq.shape), f"must be [T, B, {self.channels}, ...] (channels={self.channels})")
        inner = math.prod(x_seq.shape[3:]) if self.channels is not None else math.prod(x_seq.shape[1:])
        flat = x_seq.reshape(steps, -1).contiguous()
        k = torch.sigmoid(self.w).to(flat.dtype)
        v_init = torch.full((flat.shape[1],), self.config.reset_value, dtype=flat.dtype, device=flat.device)
        s_seq, v_seq = PLIFFunction.apply(flat, k, v_init, self.config, max(1, inner),
                                          engine_for(flat, self.engine))
        self.v_seq = v_seq.reshape(x_seq.shape)
        return s_seq.reshape(x_seq.shape)

    def extra_repr(self) -> str:
        tau = ", ".join(f"{t:.3g}" for t in self.tau.tolist()[:4])
        return (f"tau=[{tau}{', ...' if self.tau.numel() > 4 else ''}], v_threshold={self.config.v_threshold}, "
                f"v_reset={self.config.v_reset}, surrogate={self.config.surrogate}")


class LIF(PLIF):
    """LIF neurons with a fixed tau (SpikingJelly's LIFNode, decay_input=True)."""

    def __init__(self, tau: float = 2.0, **options):
        super().__init__(init_tau=tau, learnable=False, **options)
