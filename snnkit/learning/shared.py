"""Quantities that the instances of a batch learn together.

In batch learning every instance sees its own sample, with its own copy of the
plastic weights (B, S) and adaptive thresholds theta (B, N); after the samples a
``SharedAcrossInstances`` combines the copies (kernels/learning.c: combine_instances)
into one value, kept on the device as ``reference``, and copies it back to every
instance: with ``combine="sum"`` the changes add up, as they would, to first order,
had the samples come one after another; with ``"mean"`` they are averaged (a
mini-batch step B times smaller). Instances can be left out (``accept``): a sample
that gets presented again, or padding at the end of an epoch.
"""

from __future__ import annotations

import numpy as np


class SharedAcrossInstances:
    """values[b * stride + offset + j], j < n_values: one quantity, copied per instance.

    backend : the Simulator's backend; values : its (device) array; initial : host (n_values,)
    """

    def __init__(self, backend, values, batch: int, stride: int, offset: int, initial: np.ndarray,
                 lo: float = -np.inf, hi: float = np.inf, combine: str = "sum"):
        self.backend, self.values = backend, values
        self.batch, self.stride, self.offset = batch, stride, offset
        self.lo, self.hi = float(lo), float(hi)
        self.scale = 1.0 if combine == "sum" else 1.0 / batch
        self.reference = backend.upload({"reference": np.asarray(initial, float).reshape(-1)})["reference"]
        self.accept = backend.upload({"accept": np.ones(batch)})["accept"]

    def combine(self, accept: np.ndarray) -> None:
        """Fold in the changes of the instances where ``accept`` (B,) is true; every copy
        then holds the result."""
        self.backend.assign(self.accept, np.asarray(accept, float))
        self.backend.combine_instances(self.values, self.reference, self.batch, self.stride, self.offset,
                                       self.accept, self.scale, self.lo, self.hi)

    def host(self) -> np.ndarray:
        return np.array(self.backend.to_host(self.reference))
