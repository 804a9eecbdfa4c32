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

INDEX_KEYS = {"row_ptr", "post_index", "receptor", "delay", "col_ptr", "col_syn", "pre_index", "event_neuron",
              "rng_neuron", "rng_stream", "key_lo", "key_hi", "instance"}
HOST_ONLY = {"projection", "pre_global", "event_step", "rate_hz", "cm"}
# LIF parameters reach the device only packed into one array (_pack_lif)
PACKED = set(kernels.LIF_PARAMS) | {"decay_syn", "e_rev", "refrac_steps"}


def _cl():
    import pyopencl as cl
    import pyopencl.array  # noqa: F401  (registers cl.array)
    return cl


def _devices():
    cl = _cl()
    return [(p, d) for p in cl.get_platforms() for d in p.get_devices()]


class OpenCLSpikes:
    """Compacted spike list (capacity B*N), spike_count[2], and the record its
    producer appends to (None: not recorded)."""

    __slots__ = ("list", "count", "capacity", "record")

    def __init__(self, queue, capacity: int):
        cl = _cl()
        self.capacity = capacity
        self.list = cl.array.zeros(queue, max(1, capacity), np.uint32)
        self.count = cl.array.zeros(queue, 2, np.uint32)
        self.record = None

    def producer_args(self, dummy) -> dict:
        """The arguments every spike producer ends with (kernels/spikes.h)."""
        rec = self.record
        return dict(spike_list=self.list.data, spike_count=self.count.data, record=int(rec is not None),
                    rec_step=(rec.step if rec else dummy).data, rec_id=(rec.id if rec else dummy).data,
                    rec_count=(rec.count if rec else dummy).data)


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
        self._programs = {}
        self.dummy = cl.array.zeros(self.queue, 1, np.uint32)     # stands in for absent buffers
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
            platforms = _cl().get_platforms()
            if p < len(platforms) and d < len(platforms[p].get_devices()):
                return platforms[p], platforms[p].get_devices()[d]
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
    def program(self, name: str, switches=()):
        """The built program holding kernel ``name`` (memoised per source text;
        PyOpenCL also caches the binaries on disk)."""
        file = kernels.MANIFEST[name][0]
        key = (file, tuple(switches))
        if key not in self._programs:
            source = kernels.assemble(file, "opencl", self.real, switches)
            self._programs[key] = _cl().Program(self.context, source).build(options=self.options)
        return self._programs[key]

    def kernel(self, name: str, switches=()):
        """A fresh kernel object of ``name`` (arguments unset)."""
        return _cl().Kernel(self.program(name, switches), name)

    def bind(self, name: str, threads: int, switches=(), **args) -> "BoundKernel":
        """Kernel ``name`` with every argument set once; a step changes only a few scalars."""
        return BoundKernel(self, name, threads, switches, args)

    # -- memory ------------------------------------------------------------------
    def upload(self, host: dict) -> dict:
        cl = _cl()
        out = {}
        skip = HOST_ONLY | (PACKED if host.get("kind") == "lif" else set())
        for key, value in host.items():
            if not isinstance(value, np.ndarray) or key in skip:
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
    # Each op binds its kernel on first use and keeps it in the group / table dict.
    def deliver(self, g: dict, step: int) -> None:
        """Fused into lif_step (kernels/lif.c reads and clears its ring slot)."""

    def lif_step(self, g: dict, spikes: OpenCLSpikes, step: int) -> None:
        if "_lif" not in g:
            g["_lif"] = self.bind(
                "lif_step", g["batch"] * g["size"], g["switches"], n=g["size"], batch=g["batch"],
                step=0, ring_slot=0, param_plane=g["param_plane"], param_stride=g["param_stride"],
                ring=g["ring"].data, v_state=g["v"].data, syn=g["syn"].data, refrac=g["refrac"].data,
                theta=g["theta"].data, params=g["params"].data, refrac_steps=g["refrac_steps"].data,
                rng_neuron=g["rng_neuron"].data, rng_stream=g["rng_stream"].data, key_lo=g["key_lo"].data,
                key_hi=g["key_hi"].data, instance=g["instance"].data, **spikes.producer_args(self.dummy))
        g["_lif"](step=step, ring_slot=step % g["ring_depth"])

    def poisson_step(self, g: dict, spikes: OpenCLSpikes, step: int) -> None:
        if "_poisson" not in g:
            g["_poisson"] = self.bind(
                "poisson_step", g["batch"] * g["size"], n=g["size"], batch=g["batch"], step=0,
                param_stride=g["param_stride"], spike_probability=g["spike_probability"].data,
                rng_neuron=g["rng_neuron"].data, rng_stream=g["rng_stream"].data, key_lo=g["key_lo"].data,
                key_hi=g["key_hi"].data, instance=g["instance"].data, **spikes.producer_args(self.dummy))
        g["_poisson"](step=step)

    def spike_times_step(self, g: dict, first: int, last: int, spikes: OpenCLSpikes, step: int) -> None:
        if "_times" not in g:
            g["_times"] = self.bind(
                "spike_times_step", 1, n=g["size"], batch=g["batch"], step=0, first=0, n_events=0,
                event_neuron=g["event_neuron"].data, **spikes.producer_args(self.dummy))
        n_events = int(last - first)
        g["_times"](threads=n_events * g["batch"], step=step, first=int(first), n_events=n_events)

    def propagate(self, s: dict, spikes: OpenCLSpikes, target: dict, step: int) -> None:
        if s["n_synapses"] == 0:
            return
        if "_propagate" not in s:
            s["_propagate"] = self.bind(
                "propagate", spikes.capacity, n_pre=s["n_pre"], n_post=s["n_post"], batch=target["batch"],
                step=0, depth=target["ring_depth"], uniform_receptor=s["uniform_receptor"],
                uniform_delay=s["uniform_delay"], n_synapses=s["n_synapses"], plastic=int(s["plastic"]),
                spike_list=spikes.list.data, spike_count=spikes.count.data, row_ptr=s["row_ptr"].data,
                post_index=s["post_index"].data, receptor=s["receptor"].data, delay=s["delay"].data,
                weight=s["weight"].data, ring=target["ring"].data)
        s["_propagate"](step=step)

    def stdp_step(self, s: dict, pre: OpenCLSpikes, post: OpenCLSpikes, step: int) -> None:
        if "_stdp" not in s:
            s["_stdp"] = self._bind_stdp(s, pre, post)
        for launch in s["_stdp"]:
            launch(step=step) if "step" in launch.index else launch()

    def _bind_stdp(self, s: dict, pre: OpenCLSpikes, post: OpenCLSpikes) -> list:
        """decay both traces, depress on pre, potentiate on post, then the traces jump."""
        x, y, w = s["trace_pre"], s["trace_post"], s["weight"]
        common = dict(n_pre=s["n_pre"], n_post=s["n_post"], n_synapses=s["n_synapses"], step=0,
                      w_min=s["w_min"], w_max=s["w_max"], multiplicative=int(s["multiplicative"]),
                      weight=w.data)
        launches = [self.bind("trace_decay", x.size, n_values=x.size, decay=s["decay_plus"], trace=x.data),
                    self.bind("trace_decay", y.size, n_values=y.size, decay=s["decay_minus"], trace=y.data)]
        if s["n_synapses"]:
            launches += [
                self.bind("stdp_on_pre", pre.capacity, a_minus=s["A_minus"], spike_list=pre.list.data,
                          spike_count=pre.count.data, row_ptr=s["row_ptr"].data,
                          post_index=s["post_index"].data, trace_post=y.data, **common),
                self.bind("stdp_on_post", post.capacity, a_plus=s["A_plus"], spike_list=post.list.data,
                          spike_count=post.count.data, col_ptr=s["col_ptr"].data, col_syn=s["col_syn"].data,
                          pre_index=s["pre_index"].data, trace_pre=x.data, **common)]
        launches += [self.bind("trace_jump", spikes.capacity, step=0, nearest=int(s["nearest"]),
                               spike_list=spikes.list.data, spike_count=spikes.count.data, trace=trace.data)
                     for trace, spikes in ((x, pre), (y, post))]
        return launches

    # -- recording -------------------------------------------------------------------
    def new_spike_record(self, batch: int, size: int) -> DeviceSpikeRecord:
        return DeviceSpikeRecord(self, batch * size)

    def new_state_record(self, indices, batch: int) -> DeviceStateRecord:
        return DeviceStateRecord(self, np.asarray(indices), batch)

    def attach_spike_record(self, spikes: OpenCLSpikes, record: DeviceSpikeRecord) -> None:
        spikes.record = record

    def record_spikes(self, spikes: OpenCLSpikes, record: DeviceSpikeRecord, step: int) -> None:
        record.step_done()          # the producer already wrote this step's spikes

    def record_state(self, array, record: DeviceStateRecord) -> None:
        record.append(array)

    def drain_spikes(self, record: DeviceSpikeRecord, size: int):
        return record.drain(size)

    def drain_state(self, record: DeviceStateRecord) -> np.ndarray:
        return record.drain()


class BoundKernel:
    """A kernel whose arguments are set once; calling it sets the given scalars and enqueues."""

    def __init__(self, backend: OpenCLBackend, name: str, threads: int, switches, args: dict):
        params = kernels.MANIFEST[name][1]
        missing = {p for p, _ in params} - set(args)
        if missing or set(args) - {p for p, _ in params}:
            raise TypeError(f"kernel {name}: arguments {sorted(missing)} missing or unknown "
                            f"{sorted(set(args) - {p for p, _ in params})}")
        self.kernel = backend.kernel(name, switches)
        self.queue, self.threads = backend.queue, int(threads)
        self.index = {p: i for i, (p, _) in enumerate(params)}
        self.kind = dict(params)
        self.real = backend.dtype.type
        self.max_local = min(256, backend.device.max_work_group_size,
                             self.kernel.get_work_group_info(_cl().kernel_work_group_info.WORK_GROUP_SIZE,
                                                             backend.device))
        for param, value in args.items():
            self.set(param, value)

    def set(self, param: str, value) -> None:
        kind = self.kind[param]
        if kind == "u32":
            value = np.uint32(value)
        elif kind == "real":
            value = self.real(value)
        self.kernel.set_arg(self.index[param], value)

    def __call__(self, threads: int | None = None, **scalars) -> None:
        for param, value in scalars.items():
            self.set(param, value)
        global_size, local_size = work_sizes(self.threads if threads is None else int(threads),
                                             self.max_local)
        _cl().enqueue_nd_range_kernel(self.queue, self.kernel, global_size, local_size)


def work_sizes(threads: int, max_local: int) -> tuple[tuple[int], tuple[int]]:
    """An explicit work-group size (a power of two up to max_local) and the global size
    rounded up to a multiple of it. Left to choose, PoCL splits e.g. 4000 work-items
    into tiny groups and a launch costs 3-4x more; every kernel bounds-checks its id."""
    local = 1
    while local < threads and local < max_local:
        local *= 2
    return (-(-max(1, threads) // local) * local,), (local,)
