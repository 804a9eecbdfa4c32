"""The CUDA backend: the kernels/ sources in the CUDA dialect, through CuPy (NVRTC;
no nvcc needed by users).

The step ops are DeviceBackend's; this file supplies the CUDA device, module
compilation (memoised per source text and device, cached on disk by CuPy),
arrays and launches. ``--fmad=false`` keeps float arithmetic rounding as NumPy's.
Sequences of steps are captured as CUDA graphs (snnkit/step_sequences.py): one
graph launch per 64 steps instead of one launch per kernel and step.

Device: ``CupyBackend(device=1)`` or SNNKIT_CUDA_DEVICE, else device 0.

Validation: compiled with nvcc in CI (tests/test_kernels.py); the whole suite
runs on CuPy on a CUDA machine (SNNKIT_BACKENDS=numpy,cupy; last on an H100,
benchmarks/results/h100_20261123/tests.log).
"""

from __future__ import annotations

import logging
import os

import numpy as np

from .. import kernels
from ..validation import fail
from .device_base import DeviceBackend, KernelArguments

log = logging.getLogger("snnkit")

THREADS_PER_BLOCK = kernels.GROUP_SIZE      # kernels/layout.h: state planes are padded to it


def _cupy():
    import cupy
    return cupy


class CupyBackend(DeviceBackend):
    """Runs the kernels/ sources on a CUDA GPU through CuPy (float32, or float64)."""

    name = "cupy"
    device_clock = True          # kernels/clock.h: steps run as captured CUDA graphs

    @classmethod
    def unavailable_reason(cls):
        try:
            cupy = _cupy()
        except ImportError:
            return "cupy is not installed (pip install 'snnkit[cuda]')"
        try:
            count = cupy.cuda.runtime.getDeviceCount()
        except Exception as err:                           # no driver, no device
            return f"no CUDA device ({type(err).__name__}: {err})"
        return None if count else "no CUDA device found"

    def __init__(self, dtype="float32", device=None):
        super().__init__(dtype)
        cupy = _cupy()
        spec = device if device is not None else os.environ.get("SNNKIT_CUDA_DEVICE", 0)
        count = cupy.cuda.runtime.getDeviceCount()
        try:
            index = int(spec)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < count:
            fail("device", spec, f"must be a CUDA device index in [0, {count})")
        self.device = cupy.cuda.Device(index)
        self.device.use()
        # the default stream: uploads (cupy.asarray) and launches are then ordered; a
        # captured graph is launched on it too (only the capture itself uses a side stream)
        self.stream = cupy.cuda.Stream.null
        self._modules = {}
        props = cupy.cuda.runtime.getDeviceProperties(index)
        name = props["name"]
        self._name = name.decode() if isinstance(name, bytes) else str(name)
        log.info("snnkit: CUDA device %d %r", index, self._name)

    @property
    def device_name(self) -> str:
        return f"{self._name} (CUDA device {self.device.id})"

    def memory_available(self) -> int:
        with self.device:
            free, _total = _cupy().cuda.runtime.memGetInfo()
        return int(free * 0.9)

    # -- kernels ---------------------------------------------------------------
    def module(self, name: str, switches=(), generated: str = ""):
        """The compiled module holding kernel ``name`` (memoised per source text)."""
        file = kernels.MANIFEST[name][0]
        switches = self.all_switches(switches)
        key = (file, switches, generated)
        if key not in self._modules:
            source = kernels.assemble(file, "cuda", self.real, switches, generated)
            with self.device:
                self._modules[key] = _cupy().RawModule(code=source, options=("--fmad=false",))
        return self._modules[key]

    def bind(self, name: str, threads: int, switches=(), generated: str = "", **args) -> "CupyKernel":
        return CupyKernel(self, name, threads, switches, args, generated)

    def _capture(self, issue) -> "GraphSequence":
        """The launches of ``issue()`` captured as a CUDA graph (stream capture on a side
        stream; nothing runs), launched later on the backend's stream: one launch for a
        whole sequence of steps instead of one per kernel."""
        cupy = _cupy()
        capture = cupy.cuda.Stream(non_blocking=True)
        held, self.stream = self.stream, capture
        with self.device:
            capture.begin_capture()
            try:
                issue()
            except BaseException:
                self.stream = held
                try:
                    capture.end_capture()
                except Exception:                   # the capture was invalidated: nothing to keep
                    pass
                raise
            self.stream = held
            graph = capture.end_capture()
        return GraphSequence(graph, self)

    # -- memory ------------------------------------------------------------------
    def to_device(self, host: np.ndarray):
        with self.device:
            return _cupy().asarray(host)

    def zeros(self, shape, dtype):
        with self.device:
            return _cupy().zeros(shape, dtype)

    def to_host(self, array) -> np.ndarray:
        return array.get(stream=self.stream)

    def assign(self, array, values) -> None:
        array.set(np.ascontiguousarray(np.broadcast_to(values, array.shape), dtype=array.dtype),
                  stream=self.stream)

    def device_copy(self, dst, src) -> None:
        """cudaMemcpyAsync device to device, on the backend's stream."""
        dst.data.copy_from_device_async(src.data, src.nbytes, self.stream)

    def synchronize(self) -> None:
        self.stream.synchronize()


class GraphSequence:
    """A captured CUDA graph of a sequence of steps, launched on the backend's stream."""

    def __init__(self, graph, backend: CupyBackend):
        self.graph, self.backend = graph, backend

    def launch(self) -> None:
        self.graph.launch(stream=self.backend.stream)


class CupyKernel:
    """A CUDA kernel whose argument block is built once: every argument's value sits in
    an 8-byte slot of one host array, and the launch hands the driver (cuLaunchKernel)
    the slots' addresses. A step writes its scalars into their slots and launches: no
    per-argument conversion by CuPy, which cost 22 us for lif_step's 38 arguments (a
    bare RawKernel call 9 us) on an H100 host."""

    def __init__(self, backend: CupyBackend, name: str, threads: int, switches, args: dict,
                 generated: str = ""):
        self.args = KernelArguments(name, args, backend.dtype.type)      # holds the arrays alive
        self.raw = backend.module(name, switches, generated).get_function(name)
        self.function = self.raw.kernel.ptr                               # CUfunction, loads the module
        self.backend, self.threads = backend, int(threads)
        n = len(self.args.values)
        self.slots = np.zeros(max(1, n), np.uint64)
        self.addresses = (self.slots.ctypes.data + 8 * np.arange(max(1, n), dtype=np.uint64)).astype(np.uint64)
        self.u32, self.f32, self.f64 = (self.slots.view(t) for t in (np.uint32, np.float32, np.float64))
        for i, value in enumerate(self.args.values):
            self.set(i, value)
        self.launch = _cupy().cuda.driver.launchKernel
        self.params = int(self.addresses.ctypes.data)

    def set(self, i: int, value) -> None:
        if isinstance(value, np.uint32):
            self.u32[2 * i] = value
        elif isinstance(value, np.float32):
            self.f32[2 * i] = value
        elif isinstance(value, np.float64):
            self.f64[i] = value
        else:                                                             # a device array
            self.slots[i] = value.data.ptr

    def __call__(self, threads: int | None = None, **scalars) -> None:
        for i, value in self.args.update(scalars):
            self.set(i, value)
        n = max(1, self.threads if threads is None else int(threads))
        blocks = -(-n // THREADS_PER_BLOCK)
        # on the backend's stream (the null stream), after every upload and fill
        self.launch(self.function, blocks, 1, 1, THREADS_PER_BLOCK, 1, 1, 0, self.backend.stream.ptr,
                    self.params, 0)
