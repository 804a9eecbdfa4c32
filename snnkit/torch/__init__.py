"""PyTorch modules over snnkit's fused multi-step neuron kernels (``pip install torch``).

PyTorch owns the layers, optimisers and autograd; ``PLIF`` and ``LIF`` are multi-step
spiking layers ([T, B, ...] in, spikes [T, B, ...] out) whose forward and backward
through time are one kernel launch each (kernels/plif.c; snnkit.training.plif is the
NumPy specification). They compute what SpikingJelly's ParametricLIFNode and LIFNode
compute (decay_input=True, multi-step mode).
"""

from .neurons import LIF, PLIF, PLIFFunction, engine_for

__all__ = ["LIF", "PLIF", "PLIFFunction", "engine_for"]
