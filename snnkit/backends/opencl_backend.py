"""The OpenCL backend: the kernels/ sources through PyOpenCL (PoCL in CI, any GPU driver).

Spikes stay on the device: each group has a compacted spike list and a
double-buffered count (the producer of step k zeroes the count of step k+1),
so nothing is read back inside the step loop. Recording goes to device
buffers that are pulled to the host before they can overflow.

Device choice: ``OpenCLBackend(device="0:1")`` (platform:device indices) or a
name fragment, else the environment variable SNNKIT_OPENCL_DEVICE, else the
first GPU, else the first device. The choice is logged.
"""

from __future__ import annotations

import logging
import os

import numpy as np

from .. import kernels
from ..validation import fail
from .base import Backend
from .device_records import DeviceSpikeRecord, DeviceStateRecord

log = logging.getLogger("snnkit")

INDEX_KEYS = {"row_ptr", "post_index", "delay", "col_ptr", "col_syn", "pre_index", "event_neuron",
              "rng_neuron", "rng_stream", "key_lo", "key_hi", "instance"}
HOST_ONLY = {"projection", "pre_global", "event_step", "rate_hz", "size", "cm", "refrac_steps"}


def _cl():
    import pyopencl as cl
    import pyopencl.array  # noqa: F401  (registers cl.array)
    return cl


def _devices():
    cl = _cl()
    return [(p, d) for p in cl.get_platforms() for d in p.get_devices()]


class OpenCLSpikes:
    """Compacted spike list (capacity B*N) and spike_count[2] on the device."""

    __slots__ = ("list", "count", "capacity")

    def __init__(self, queue, capacity: int):
        cl = _cl()
        self.capacity = capacity
        self.list = cl.array.zeros(queue, max(1, capacity), np.uint32)
        self.count = cl.array.zeros(queue, 2, np.uint32)


class OpenCLBackend(Backend):
    """Runs the kernels/ sources on an OpenCL device (float32; float64 where the device allows)."""

    name = "opencl"

    @classmethod
    def unavailable_reason(cls):
        try:
            devices = _devices()
        except ImportError:
            return "pyopencl is not installed (pip install 'snnkit[opencl]')"
        except Exception as err:                           # no ICD loader, no platform
            return f"no OpenCL platform ({type(err).__name__}: {err})"
        return None if devices else "no OpenCL device found"

    @classmethod
    def good_for_auto(cls) -> bool:
        """'auto' prefers OpenCL only on a GPU (on a CPU, NumPy is as fast)."""
        cl = _cl()
        return any(d.type & cl.device_type.GPU for _, d in _devices())

    def __init__(self, dtype="float32", device=None):
        super().__init__(dtype)
        cl = _cl()
        self.platform, self.device = self._choose(device if device is not None
                                                  else os.environ.get("SNNKIT_OPENCL_DEVICE"))
        if self.dtype == np.float64 and not ({"cl_khr_fp64", "cl_khr_int64_base_atomics"}
                                             <= set(self.device.extensions.split())):
            fail("dtype", "float64", f"needs cl_khr_fp64 and 64-bit atomics, which {self.device.name} lacks")
        self.context = cl.Context([self.device])
        self.queue = cl.CommandQueue(self.context)
        self.real = "double" if self.dtype == np.float64 else "float"
        self.options = []
        if self.device.single_fp_config & cl.device_fp_config.CORRECTLY_ROUNDED_DIVIDE_SQRT:
            self.options.append("-cl-fp32-correctly-rounded-divide-sqrt")
        self._kernels = {}
        log.info("snnkit: OpenCL device %r on platform %r", self.device.name, self.platform.name)

    @staticmethod
    def _choose(spec):
        devices = _devices()
        if not devices:
            fail("device", spec, "no OpenCL device is available")
        if spec is None:
            cl = _cl()
            gpus = [pd for pd in devices if pd[1].type & cl.device_type.GPU]
            return (gpus or devices)[0]
        text = str(spec)
        if ":" in text and all(part.isdigit() for part in text.split(":")):
            p, d = (int(x) for x in text.split(":"))
            platforms = sorted({id(pl): pl for pl, _ in devices}.values(), key=lambda pl: devices.index(
                next(pd for pd in devices if pd[0] is pl)))
            try:
                return platforms[p], platforms[p].get_devices()[d]
            except IndexError:
                pass
        matches = [pd for pd in devices if text.lower() in pd[1].name.lower()]
        if not matches:
            fail("device", spec, "must be 'platform:device' indices or part of a device name; found "
                 + "; ".join(f"{pl.name}: {dv.name}" for pl, dv in devices))
        return matches[0]

    @property
    def device_name(self) -> str:
        return f"{self.device.name.strip()} ({self.platform.name.strip()})"

    def memory_available(self) -> int:
        return int(self.device.global_mem_size * 0.9)

    # -- kernels ---------------------------------------------------------------
    def kernel(self, name: str, switches=()):
        """The compiled kernel ``name`` (memoised per source text; PyOpenCL caches binaries on disk)."""
        key = (name, tuple(switches))
        if key not in self._kernels:
            cl = _cl()
            file, args = kernels.MANIFEST[name]
            source = kernels.assemble(file, "opencl", self.real, switches)
            program = cl.Program(self.context, source).build(options=self.options)
            kernel = getattr(program, name)
            kinds = {"u32": np.uint32, "real": self.dtype.type, "ptr": None}
            kernel.set_scalar_arg_dtypes([kinds[kind] for _, kind in args])
            self._kernels[key] = kernel
        return self._kernels[key]

    def launch(self, name: str, threads: int, *args, switches=()) -> None:
        self.kernel(name, switches)(self.queue, (max(1, int(threads)),), None, *args)

    # -- memory ------------------------------------------------------------------
    def upload(self, host: dict) -> dict:
        cl = _cl()
        out = {}
        for key, value in host.items():
            if not isinstance(value, np.ndarray) or key in HOST_ONLY:
                out[key] = value
                continue
            if key in INDEX_KEYS:
                value = value.astype(np.uint32)
            elif value.dtype.kind == "f":
                value = value.astype(self.dtype)
            out[key] = cl.array.to_device(self.queue, np.ascontiguousarray(value))
        if host.get("kind") == "lif":
            out.update(self._pack_lif(host))
        elif host.get("kind") == "poisson":
            out["param_stride"] = host["size"] if host["spike_probability"].shape[0] > 1 else 0
        return out

    def _pack_lif(self, g: dict) -> dict:
        """All per-neuron parameters in one (n_params, rows, N) array; rows = 1 or batch."""
        cl = _cl()
        n, batch = g["size"], g["batch"]
        zero = np.zeros((1, n))
        rows = {"decay_syn_E": g["decay_syn"][0] if "decay_syn" in g else zero,
                "decay_syn_I": g["decay_syn"][1] if "decay_syn" in g else zero,
                "e_rev_E": g["e_rev"][0] if "e_rev" in g else zero,
                "e_rev_I": g["e_rev"][1] if "e_rev" in g else zero}
        planes = [np.asarray(rows[name] if name in rows else g.get(name, zero), float)
                  for name in kernels.LIF_PARAMS]
        n_rows = batch if max(p.shape[0] for p in planes + [g["refrac_steps"]]) > 1 else 1
        params = np.stack([np.broadcast_to(p, (n_rows, n)) for p in planes]).astype(self.dtype)
        refrac_steps = np.broadcast_to(g["refrac_steps"], (n_rows, n)).astype(np.int32)
        return dict(params=cl.array.to_device(self.queue, np.ascontiguousarray(params)),
                    refrac_steps=cl.array.to_device(self.queue, np.ascontiguousarray(refrac_steps)),
                    param_plane=n_rows * n, param_stride=n if n_rows > 1 else 0,
                    switches=kernels.lif_switches(g))

    def to_host(self, array) -> np.ndarray:
        return array.get()

    def synchronize(self) -> None:
        self.queue.finish()

    def zeros(self, shape, dtype):
        return _cl().array.zeros(self.queue, shape, dtype)

    def kernel_arg(self, array):
        return array.data

    def buffer_and_offset(self, array):
        return array.base_data, array.offset // array.dtype.itemsize

    def new_spikes(self, batch: int, size: int) -> OpenCLSpikes:
        return OpenCLSpikes(self.queue, batch * size)

    # -- the step -----------------------------------------------------------------
    def deliver(self, g: dict, step: int) -> None:
        n_values = 2 * g["batch"] * g["size"]
        if n_values:
            self.launch("deliver", n_values, n_values, step % g["ring_depth"], g["ring"].data, g["syn"].data)

    def lif_step(self, g: dict, spikes: OpenCLSpikes, step: int) -> None:
        self.launch("lif_step", g["batch"] * g["size"], g["size"], g["batch"], step, g["param_plane"],
                    g["param_stride"], g["v"].data, g["syn"].data, g["refrac"].data, g["theta"].data,
                    g["params"].data, g["refrac_steps"].data, g["rng_neuron"].data, g["rng_stream"].data,
                    g["key_lo"].data, g["key_hi"].data, g["instance"].data, spikes.list.data,
                    spikes.count.data, switches=g["switches"])

    def poisson_step(self, g: dict, spikes: OpenCLSpikes, step: int) -> None:
        self.launch("poisson_step", g["batch"] * g["size"], g["size"], g["batch"], step, g["param_stride"],
                    g["spike_probability"].data, g["rng_neuron"].data, g["rng_stream"].data,
                    g["key_lo"].data, g["key_hi"].data, g["instance"].data, spikes.list.data,
                    spikes.count.data)

    def spike_times_step(self, g: dict, first: int, last: int, spikes: OpenCLSpikes, step: int) -> None:
        n_events = int(last - first)
        self.launch("spike_times_step", n_events * g["batch"], g["size"], g["batch"], step,
                    int(first), n_events, g["event_neuron"].data, spikes.list.data, spikes.count.data)

    def propagate(self, s: dict, spikes: OpenCLSpikes, target: dict, step: int) -> None:
        if s["n_synapses"] == 0:
            return
        self.launch("propagate", spikes.capacity, s["n_pre"], s["n_post"], target["batch"], step,
                    target["ring_depth"], s["receptor"], s["uniform_delay"], s["n_synapses"],
                    int(s["plastic"]), spikes.list.data, spikes.count.data, s["row_ptr"].data,
                    s["post_index"].data, s["delay"].data, s["weight"].data, target["ring"].data)

    def stdp_step(self, s: dict, pre: OpenCLSpikes, post: OpenCLSpikes, step: int) -> None:
        x, y, w = s["trace_pre"], s["trace_post"], s["weight"]
        self.launch("trace_decay", x.size, x.size, s["decay_plus"], x.data)
        self.launch("trace_decay", y.size, y.size, s["decay_minus"], y.data)
        common = (s["n_pre"], s["n_post"], s["n_synapses"], step)
        bounds = (s["w_min"], s["w_max"], int(s["multiplicative"]))
        if s["n_synapses"]:
            self.launch("stdp_on_pre", pre.capacity, *common, s["A_minus"], *bounds, pre.list.data,
                        pre.count.data, s["row_ptr"].data, s["post_index"].data, y.data, w.data)
            self.launch("stdp_on_post", post.capacity, *common, s["A_plus"], *bounds, post.list.data,
                        post.count.data, s["col_ptr"].data, s["col_syn"].data, s["pre_index"].data,
                        x.data, w.data)
        for trace, spikes in ((x, pre), (y, post)):
            self.launch("trace_jump", spikes.capacity, step, int(s["nearest"]), spikes.list.data,
                        spikes.count.data, trace.data)

    # -- recording -------------------------------------------------------------------
    def new_spike_record(self, batch: int, size: int) -> DeviceSpikeRecord:
        return DeviceSpikeRecord(self, batch * size)

    def new_state_record(self, indices, batch: int) -> DeviceStateRecord:
        return DeviceStateRecord(self, np.asarray(indices), batch)

    def record_spikes(self, spikes: OpenCLSpikes, record: DeviceSpikeRecord, step: int) -> None:
        record.append(spikes, step)

    def record_state(self, array, record: DeviceStateRecord) -> None:
        record.append(array)

    def drain_spikes(self, record: DeviceSpikeRecord, size: int):
        return record.drain(size)

    def drain_state(self, record: DeviceStateRecord) -> np.ndarray:
        return record.drain()
