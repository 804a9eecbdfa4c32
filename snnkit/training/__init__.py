"""Gradient training of spiking networks: multi-step (P)LIF layers with surrogate
gradients (plif: the NumPy specification and the kernels/plif.c runners) and their
PyTorch modules (snnkit.torch)."""

from .plif import PLIFConfig, plif_backward, plif_forward

__all__ = ["PLIFConfig", "plif_forward", "plif_backward"]
