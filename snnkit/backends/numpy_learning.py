"""The NumPy specification of the operations between samples (kernels/fill.c,
kernels/count_spikes.c, kernels/learning.c): resetting state, counting spikes, and
batch learning, where the instances of a batch each see one sample and then share
what they learned (snnkit.learning)."""

from __future__ import annotations

import numpy as np


class NumpyLearningOps:
    """Mixed into NumpyBackend."""

    def fill(self, array, value) -> None:
        """Set every element of ``array`` to ``value``, in place."""
        array[...] = value

    def count_spikes(self, spikes, counts: np.ndarray, step: int) -> None:
        """counts (B*N,) += this step's spikes."""
        counts += spikes.mask.reshape(-1)

    def image_rates(self, group: dict, offset: int, images, sample_index, gain_hz) -> None:
        """Input (b, offset + i) of a Poisson group fires with probability
        min(images[sample_index[b], i] * gain_hz[b] * dt / 1000, 1) per step."""
        n_pixels = images.shape[1]
        rate_hz = images[sample_index] * gain_hz[:, None]
        dt_s = self.dtype.type(group["dt"] / 1000.0)
        group["spike_probability"][:, offset:offset + n_pixels] = np.minimum(rate_hz * dt_s, 1)

    def combine_instances(self, values, reference, batch: int, stride: int, offset: int, accept,
                          scale: float, lo: float, hi: float) -> None:
        """The per-instance copies values[b, offset + j] of a shared quantity, which all
        equalled reference[j] when the samples began, become
        clip(reference + scale * sum_b accept[b] * (values[b] - reference), lo, hi),
        as do reference and every copy (summed over b in order, as the kernel does)."""
        copies = values.reshape(-1)[:batch * stride].reshape(batch, stride)[:, offset:offset + reference.size]
        change = np.zeros_like(reference)
        for b in range(batch):
            change += accept[b] * (copies[b] - reference)
        after = np.clip(reference + self.dtype.type(scale) * change, self.dtype.type(lo), self.dtype.type(hi))
        reference[...] = after
        copies[...] = after

    def normalize_incoming(self, s: dict, reference, target: float, squares: bool = False) -> None:
        """Scale the shared weights onto each target so that their sum (or, ``squares``,
        the root of their sum of squares) is ``target`` (targets whose weights are all 0
        are left alone); copy them to every instance. Each column is summed in its
        order (as the kernel walks it)."""
        col_ptr, col_syn = s["col_ptr"], s["col_syn"]
        lengths = np.diff(col_ptr)
        total = np.zeros(s["n_post"], reference.dtype)
        for k in range(int(lengths.max(initial=0))):
            here = lengths > k
            w = reference[col_syn[col_ptr[:-1][here] + k]]
            total[here] += w * w if squares else w
        scaled = total > 0
        factor = np.ones_like(total)
        factor[scaled] = self.dtype.type(target) / (np.sqrt(total[scaled]) if squares else total[scaled])
        owner = np.repeat(np.arange(s["n_post"]), lengths)
        synapses = col_syn[scaled[owner]]
        reference[synapses] = reference[synapses] * factor[owner[scaled[owner]]]
        s["weight"][:, synapses] = reference[synapses]
