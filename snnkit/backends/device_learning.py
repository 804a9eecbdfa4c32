"""The operations between samples on a device (kernels/fill.c, kernels/count_spikes.c,
kernels/learning.c); the NumPy specification is snnkit/backends/numpy_learning.py.
Each launch is bound once per set of arrays and kept."""

from __future__ import annotations

import numpy as np


class DeviceLearningOps:
    """Mixed into DeviceBackend."""

    def _once(self, key: tuple, make, *arrays):
        """The launch bound for ``key`` (ids of ``arrays`` and scalars), made on first use;
        it keeps ``arrays`` alive, so that their ids are not reused while it is kept."""
        bound = self.__dict__.setdefault("_learning_kernels", {})
        key = key + tuple(id(x) for x in arrays)
        if key not in bound:
            bound[key] = (make(), arrays)
        return bound[key][0]

    def fill(self, array, value) -> None:
        a = self.kernel_arg
        if array.size == 0:
            return
        if np.dtype(array.dtype).kind == "f":
            self._once(("fill_real", value), lambda: self.bind(
                "fill_real", array.size, n_values=array.size, value=value, values=a(array)), array)()
        else:
            self._once(("fill_u32", value), lambda: self.bind(
                "fill_u32", array.size, n_values=array.size, value=int(value) & 0xFFFFFFFF, values=a(array)), array)()

    def count_spikes(self, spikes, counts, step: int) -> None:
        a = self.kernel_arg
        self._once(("count",), lambda: self.bind(
            "count_spikes", spikes.capacity, **self.clock_args(), spike_list=a(spikes.list),
            spike_count=a(spikes.count), counts=a(counts)), spikes, counts)(step_offset=self.step_offset(step))

    def image_rates(self, group: dict, offset: int, images, sample_index, gain_hz) -> None:
        a, batch, n_pixels = self.kernel_arg, int(sample_index.size), int(images.shape[1])
        if n_pixels * batch == 0:
            return
        self._once(("rates", offset), lambda: self.bind(
            "image_rates", n_pixels * batch, n_pixels=n_pixels, batch=batch, stride=group["size"], offset=offset,
            dt_s=group["dt"] / 1000.0, images=a(images), sample_index=a(sample_index), gain_hz=a(gain_hz),
            spike_probability=a(group["spike_probability"])),
            group["spike_probability"], images, sample_index, gain_hz)()

    def combine_instances(self, values, reference, batch: int, stride: int, offset: int, accept,
                          scale: float, lo: float, hi: float) -> None:
        a = self.kernel_arg
        if reference.size == 0:
            return
        self._once(("combine", batch, stride, offset, scale, lo, hi), lambda: self.bind(
            "combine_instances", reference.size, n_values=reference.size, batch=batch, stride=stride,
            offset=offset, scale=scale, lo=lo, hi=hi, accept=a(accept), reference=a(reference),
            values=a(values)), values, reference, accept)()

    def normalize_incoming(self, s: dict, reference, target: float, squares: bool = False) -> None:
        a = self.kernel_arg
        if s["n_post"] == 0:
            return
        self._once(("normalize", target, bool(squares)), lambda: self.bind(
            "normalize_incoming", s["n_post"], n_post=s["n_post"], batch=s["weight"].shape[0],
            n_synapses=s["n_synapses"], squares=int(bool(squares)), target=target, col_ptr=a(s["col_ptr"]),
            col_syn=a(s["col_syn"]), reference=a(reference), weight=a(s["weight"])),
            s["weight"], reference)()
