"""The OpenCL backend: the kernels/ sources through PyOpenCL (PoCL in CI, any GPU driver).

The step ops are DeviceBackend's; this file supplies the OpenCL context,
program builds, arrays and launches.

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
from .device_base import DeviceBackend, KernelArguments
from .device_program import Launch

log = logging.getLogger("snnkit")

# neurons (x batch) updated per step above which a step program (one work-group, one
# core) is not even tried against launching each step on all cores of a CPU device
# (below it, snnkit/step_sequences.py times both). Measured on PoCL with 2 cores, CUBA:
# 1000 neurons 3.4 vs 15.7 us a step, 4000 8.3 vs 29.6, 16000 29.5 vs 56, 40000 83 vs
# 88-116, 80000 212 vs 210; COBA's neurons count 2 each (device_program.update_cost)
PROGRAM_NEURONS_CPU = 60000


def _cl():
    import pyopencl as cl
    import pyopencl.array  # noqa: F401  (registers cl.array)
    from .pocl_cpu import name_cpu_for_pocl
    name_cpu_for_pocl()                        # before PoCL's devices start (a no-op after)
    return cl


def _devices():
    cl = _cl()
    return [(p, d) for p in cl.get_platforms() for d in p.get_devices()]


class OpenCLBackend(DeviceBackend):
    """Runs the kernels/ sources on an OpenCL device (float32; float64 where the device allows)."""

    name = "opencl"
    dialect = "opencl"

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

    def __init__(self, dtype="float32", device=None, share_rows=None, device_clock=False):
        """share_rows: whether the work-items of a group share a spike's outgoing row
        (kernels/propagate.h); default: on GPUs and accelerators, not on CPUs.
        device_clock: kernels read the step from a device clock (kernels/clock.h) and
        steps run in captured launch lists (snnkit/step_sequences.py); off by default:
        replaying a list saves no time on OpenCL, and the clock's load stops PoCL
        vectorising the neuron kernels (CUBA 40k: 150 vs 80 us per step)."""
        super().__init__(dtype)
        cl = _cl()
        self.platform, self.device = self._choose(device if device is not None
                                                  else os.environ.get("SNNKIT_OPENCL_DEVICE"))
        if self.dtype == np.float64 and not ({"cl_khr_fp64", "cl_khr_int64_base_atomics"}
                                             <= set(self.device.extensions.split())):
            fail("dtype", "float64", f"needs cl_khr_fp64 and 64-bit atomics, which {self.device.name} lacks")
        self.context = cl.Context([self.device])
        self.queue = cl.CommandQueue(self.context)
        self.options = []
        if self.device.single_fp_config & cl.device_fp_config.CORRECTLY_ROUNDED_DIVIDE_SQRT:
            self.options.append("-cl-fp32-correctly-rounded-divide-sqrt")
        self._programs = {}
        self.recording = None            # a list while launches are captured (_capture)
        if share_rows is None:
            share_rows = not self.device.type & cl.device_type.CPU
        self.serial_rows = not share_rows
        self.compute_units = int(self.device.max_compute_units)      # (step programs: one)
        self.device_clock = bool(device_clock)
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
    def program(self, name: str, switches=(), generated: str = ""):
        """The built program holding kernel ``name`` (memoised per source text;
        PyOpenCL also caches the binaries on disk)."""
        file = kernels.MANIFEST[name][0]
        switches = self.all_switches(switches)
        key = (file, switches, generated)
        if key not in self._programs:
            source = kernels.assemble(file, "opencl", self.real, switches, generated)
            self._programs[key] = _cl().Program(self.context, source).build(options=self.options)
        return self._programs[key]

    def kernel(self, name: str, switches=(), generated: str = ""):
        """A fresh kernel object of ``name`` (arguments unset)."""
        return _cl().Kernel(self.program(name, switches, generated), name)

    def bind(self, name: str, threads: int, switches=(), generated: str = "", **args) -> "BoundKernel":
        """Kernel ``name`` with every argument set once; a step changes only a few scalars."""
        return BoundKernel(self, name, threads, switches, args, generated)

    def _capture(self, issue) -> "LaunchList":
        """The launches of ``issue()`` as a list of (kernel, its scalars, sizes), none
        enqueued, replayed by enqueueing them again: OpenCL has no graphs. On PoCL this
        is no faster than launching step by step (measured), so it runs only with
        device_clock=True, where it tests in CI what the CUDA backend does with graphs."""
        return LaunchList(self.queue, self._recorded(issue))

    def _recorded(self, issue) -> list:
        """What BoundKernel notes of each launch ``issue()`` makes, none of them enqueued."""
        self.recording = []
        try:
            issue()
            return self.recording
        finally:
            self.recording = None

    # -- step programs (snnkit/backends/device_program.py) ---------------------------
    def record_launches(self, issue) -> list:
        """The launches ``issue()`` makes (device_program.Launch), none of them run."""
        return [entry[-1] for entry in self._recorded(issue)]

    @staticmethod
    def buffer_key(buffer) -> int:
        return buffer.int_ptr

    def step_program_why_not(self, n_buffers: int, neurons: int) -> str | None:
        """Why a program of n_buffers buffer arguments, updating ``neurons`` neurons and
        sources a step (0: whatever the size), should not run on this device, or None."""
        cl = _cl()
        if neurons and not self.device.type & cl.device_type.CPU:
            return ("not measured on OpenCL GPUs (one work-group is one compute unit); "
                    "SNNKIT_STEP_PROGRAM=1 forces it")
        # one compute unit: launched step by step the network gets no more cores than a program
        if neurons > PROGRAM_NEURONS_CPU and self.compute_units > 1:
            return (f"{neurons} neurons a step: above the measured crossover on CPUs ({PROGRAM_NEURONS_CPU}; "
                    "one work-group is one core)")
        if self.device.max_work_group_size < kernels.GROUP_SIZE:
            return f"{self.device.name} runs work-groups of at most {self.device.max_work_group_size} work-items"
        size = 8 * (n_buffers + 2)
        # PoCL's CPU driver passes a kernel's arguments in host memory: it reports 1024
        # bytes but takes any number (tests/test_step_program.py runs 400 buffers)
        if size > self.device.max_parameter_size and "pthread" not in self.device.name:
            return f"{n_buffers} buffers exceed {self.device.name}'s {self.device.max_parameter_size} bytes of kernel arguments"
        return None

    def compile_step_program(self, source: str, buffers: list) -> "StepProgram":
        kernel = _cl().Program(self.context, source).build(options=self.options).step_program
        return StepProgram(self, kernel, buffers)

    # -- memory ------------------------------------------------------------------
    def to_device(self, host: np.ndarray):
        array = _cl().array.to_device(self.queue, host)
        array.finish()               # drops the copy's event, which holds the host array alive
        return array

    def to_host(self, array) -> np.ndarray:
        return array.get()

    def assign(self, array, values) -> None:
        array.set(np.ascontiguousarray(np.broadcast_to(values, array.shape), dtype=array.dtype),
                  queue=self.queue)

    def read_prefix(self, array, n: int) -> np.ndarray:
        """array[:n] to the host: one blocking clEnqueueReadBuffer (a pyopencl slice costs more
        than the copy)."""
        out = np.empty(n, array.dtype)
        if n:
            _cl().enqueue_copy(self.queue, out, array.base_data, src_offset=array.offset, is_blocking=True)
        return out

    def write_prefix(self, array, values: np.ndarray, start: int = 0) -> None:
        """array[start:start + len(values)] = values: one blocking clEnqueueWriteBuffer."""
        values = np.ascontiguousarray(values, dtype=array.dtype)
        if values.size:
            _cl().enqueue_copy(self.queue, array.base_data, values,
                               dst_offset=array.offset + start * values.itemsize, is_blocking=True)

    def device_copy(self, dst, src) -> None:
        """clEnqueueCopyBuffer."""
        _cl().enqueue_copy(self.queue, dst.data, src.data, byte_count=src.nbytes)

    def synchronize(self) -> None:
        self.queue.finish()

    def zeros(self, shape, dtype):
        return _cl().array.zeros(self.queue, shape, dtype)

    def kernel_arg(self, array):
        return array.data

    def buffer_and_offset(self, array):
        return array.base_data, array.offset // array.dtype.itemsize


class BoundKernel:
    """A kernel whose arguments are set once; calling it sets the given scalars and enqueues."""

    def __init__(self, backend: OpenCLBackend, name: str, threads: int, switches, args: dict,
                 generated: str = ""):
        self.args = KernelArguments(name, args, backend.dtype.type)
        self.name, self.switches, self.generated = name, tuple(switches), generated
        self.kernel = backend.kernel(name, switches, generated)
        self.backend, self.queue, self.threads = backend, backend.queue, int(threads)
        self.max_local = min(kernels.GROUP_SIZE, backend.device.max_work_group_size,
                             self.kernel.get_work_group_info(_cl().kernel_work_group_info.WORK_GROUP_SIZE,
                                                             backend.device))
        self.kernel.set_args(*self.args.values)
        self.sizes = work_sizes(self.threads, self.max_local)
        self.enqueue = _cl().enqueue_nd_range_kernel
        # a scalar set per step: Kernel.set_arg tries each kind of argument in turn (9 us
        # a call here, 2 of them per CUBA step); the typed setter takes the bytes (0.1 us)
        self.set_scalar = getattr(self.kernel, "_set_arg_buf", self.kernel.set_arg)

    def __call__(self, threads: int | None = None, **scalars) -> None:
        changed = self.args.update(scalars)
        global_size, local_size = self.sizes if threads is None else work_sizes(int(threads), self.max_local)
        if self.backend.recording is not None:
            self.backend.recording.append((self.kernel, self.set_scalar, tuple(changed), global_size,
                                           local_size, Launch(self.name, self.switches, self.generated,
                                                              tuple(self.args.values), global_size[0])))
            return
        for index, value in changed:
            self.set_scalar(index, value)
        self.enqueue(self.queue, self.kernel, global_size, local_size)


class StepProgram:
    """A compiled step program (device_program.py): ``run(k0, n_steps)`` enqueues steps
    k0 .. k0 + n_steps - 1 as one work-group of GROUP_SIZE work-items."""

    def __init__(self, backend: OpenCLBackend, kernel, buffers: list):
        self.backend, self.kernel, self.queue = backend, kernel, backend.queue
        # one work-item on CPUs (it plays a group's work-items in loops: kernels/program.h)
        self.size = (1,) if backend.serial_rows else (kernels.GROUP_SIZE,)
        group = kernel.get_work_group_info(_cl().kernel_work_group_info.WORK_GROUP_SIZE, backend.device)
        if group < self.size[0]:
            raise RuntimeError(f"the step program runs in work-groups of at most {group} work-items")
        kernel.set_args(np.uint32(0), np.uint32(0), *buffers)
        self.set_scalar = getattr(kernel, "_set_arg_buf", kernel.set_arg)

    def run(self, k0: int, n_steps: int) -> None:
        self.set_scalar(0, np.uint32(int(k0) & 0xFFFFFFFF))
        self.set_scalar(1, np.uint32(n_steps))
        _cl().enqueue_nd_range_kernel(self.queue, self.kernel, self.size, self.size)


class LaunchList:
    """Captured launches, replayed in order: each sets the scalars it was given, then enqueues."""

    def __init__(self, queue, launches: list):
        self.queue, self.launches = queue, list(launches)
        self.enqueue = _cl().enqueue_nd_range_kernel

    def launch(self) -> None:
        enqueue, queue = self.enqueue, self.queue
        for kernel, set_scalar, scalars, global_size, local_size, _ in self.launches:
            for index, value in scalars:
                set_scalar(index, value)
            enqueue(queue, kernel, global_size, local_size)


def work_sizes(threads: int, max_local: int) -> tuple[tuple[int], tuple[int]]:
    """An explicit work-group size (a power of two up to max_local) and the global size
    rounded up to a multiple of it. Left to choose, PoCL splits e.g. 4000 work-items
    into tiny groups and a launch costs 3-4x more; every kernel bounds-checks its id."""
    local = 1
    while local < threads and local < max_local:
        local *= 2
    return (-(-max(1, threads) // local) * local,), (local,)
