"""snnkit_nengo.Simulator: nengo.Simulator's interface (nengo 4.1) over a snnkit backend.

nengo's builder makes the model (nengo.builder.Model: signals and operators); plan.py
orders the operators into a Program of merged stages; the Program runs on the NumPy
specification or on a device backend. Steps run in chunks: the values of time-only
operators (Nodes of t, input processes) are computed ahead for the chunk, probes are
buffered on the device and read once per chunk, and nothing else comes back to the host
unless a host operator (a Node with an input, an operator without a kernel) needs it.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import MutableMapping

import numpy as np
from nengo.builder import Model
from nengo.cache import get_default_decoder_cache
from nengo.exceptions import ReadonlyError, SimulatorClosed, ValidationError
from nengo.builder.processes import SimProcess
from nengo.simulator import SimulationData
from nengo.utils.graphs import toposort
from nengo.utils.progress import Progress, ProgressTracker

from snnkit.backends import get_backend

from .device_program import DeviceProgram
from .numpy_program import NumpyProgram
from .plan import Planner

# bytes of stream values and probe samples buffered per chunk of steps
CHUNK_BYTES = 32 << 20
MAX_CHUNK_STEPS = 2000


class Simulator:
    """Run a nengo model on snnkit. ``backend``: "numpy", "opencl", "cupy" or "auto" (default:
    the SNNKIT_NENGO_BACKEND environment variable, else "auto": cupy, opencl, numpy, the
    first available);
    ``device``: the backend's device (OpenCL "platform:device" or a name; a CUDA index);
    ``dtype``: the signals' float type (nengo's rc precision by default, float64)."""

    unsupported = []

    def __init__(self, network, dt=0.001, seed=None, model=None, progress_bar=True, optimize=True,
                 backend=None, device=None, dtype=None):
        self.closed = True            # until built: __del__ and close() of a failed build do nothing
        self.progress_bar = progress_bar
        self.optimize = optimize
        if dt <= 0:
            raise ValidationError(f"dt = {dt!r} is not allowed: must be > 0", attr="dt")
        if model is None:
            self.model = Model(dt=float(dt), label=f"{network}, dt={dt:f}",
                               decoder_cache=get_default_decoder_cache())
        else:
            self.model = model
        with ProgressTracker(progress_bar, Progress("Building", "Build")) as pt:
            if network is not None:
                self.model.build(network, progress=pt.next_stage("Building", "Build"))
        from nengo.rc import rc
        dtype = np.dtype(dtype or rc.float_dtype)
        if dtype.itemsize < 4:            # float16 signals are computed in float32 and read back as float16
            dtype = np.dtype(np.float32)
        options = {} if device is None else {"device": device}
        backend = auto_backend(backend or os.environ.get("SNNKIT_NENGO_BACKEND", "auto"))
        self.backend = get_backend(backend, dtype=dtype, **options)
        self._probes = list(self.model.probes)
        planner = Planner(self.model, dtype, self._probes)
        self.program = planner.build()
        self._planner = planner
        self._heap = planner.heap
        self._host_ops = planner.host_ops
        self._streamed = planner.streamed
        self._probe_slices = planner.probe_slices
        self._step_order = [op for op in toposort(planner.graph) if hasattr(op, "make_step")]
        # the heap at t = 0 (signals' initial values and constants): uploaded now, loaded again by reset()
        self._initial = initial = self._heap.initial()
        if self.backend.name == "numpy":
            self._run = NumpyProgram(self.program, initial, self.model.dt)
        else:
            self._check_memory(initial)
            self._run = DeviceProgram(self.program, initial, self.model.dt, self.backend)
        self._sim_data = self.model.params
        self.data = SimulationData(self._sim_data)
        if seed is None:
            if network is not None and network.seed is not None:
                seed = network.seed + 1
            else:
                seed = np.random.randint(np.iinfo(np.int32).max)
        self.closed = False
        self.reset(seed=seed)

    def _check_memory(self, heap: np.ndarray) -> None:
        ints, reals = self.program.tables.arrays(self.backend.dtype)
        needed = heap.nbytes + ints.nbytes + reals.nbytes
        available = self.backend.memory_available()
        if needed > available:
            raise ValidationError(f"the model needs {needed / 2**20:.0f} MiB on {self.backend.device_name}, "
                                  f"which has {available / 2**20:.0f} MiB available", attr="network")

    # -- nengo.Simulator's interface -------------------------------------------------------
    def __del__(self):
        if not getattr(self, "closed", True):
            warnings.warn(f"Simulator with model={self.model} was deallocated while open. Please close "
                          "simulators manually to ensure resources are properly freed.", ResourceWarning, stacklevel=2)

    def __enter__(self):
        if self.closed:
            raise SimulatorClosed("Cannot re-open after simulator is closed")
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.close()

    def __getstate__(self):
        signals = {k: v for k, v in self.signals.items() if not k.readonly} if not self.closed else {}
        return dict(model=self.model, signals=signals, dt=self.dt, seed=self.seed, progress_bar=self.progress_bar,
                    optimize=self.optimize, closed=self.closed, backend=self.backend.name,
                    dtype=self.backend.dtype.str, probe_outputs={p: self._sim_data[p] for p in self._probes})

    def __setstate__(self, state):
        self.__init__(network=None, model=state["model"], dt=state["dt"], seed=state["seed"],
                      progress_bar=state["progress_bar"], optimize=state["optimize"], backend=state["backend"],
                      dtype=state["dtype"])
        signals = self.signals
        for key, value in state["signals"].items():
            signals[key] = value
        for key, value in state["probe_outputs"].items():
            self._sim_data[key].extend(value)
        heap = self._run.read_heap()
        self._n_steps = int(round(float(heap[self._heap.indices(self.model.step)])))
        self._time = float(np.int64(self._n_steps) * self.dt)
        if state["closed"]:
            self.close()

    @property
    def dt(self):
        """(float) The time step of the simulator."""
        return self.model.dt

    @dt.setter
    def dt(self, dummy):
        raise ReadonlyError(attr="dt", obj=self)

    @property
    def n_steps(self):
        """(int) The current time step of the simulator."""
        return self._n_steps

    @property
    def time(self):
        """(float) The current time of the simulator."""
        return self._time

    @property
    def step_order(self):
        return self._step_order

    @property
    def signals(self):
        """Signal -> current value (a host copy; nengo's SignalDict interface for reading)."""
        if self.closed:
            return None
        return HeapSignals(self)

    def close(self):
        self.closed = True

    def clear_probes(self):
        for probe in self._probes:
            self._sim_data[probe] = []
        self.data.reset()

    def reset(self, seed=None):
        if self.closed:
            raise SimulatorClosed("Cannot reset closed Simulator.")
        if seed is not None:
            self.seed = seed
        self._run.load_heap(self._initial)
        self._planner.mirrors.reset()
        self.rng = np.random.RandomState(self.seed)
        # nengo makes every operator's step function in step order from one generator;
        # the same order here gives host operators the same random streams
        # (a SimProcess on the device still takes its draw, as nengo's would)
        host = {h.op: h for h in self._host_ops + self._streamed}
        for op in self._step_order:
            if op in host:
                host[op].make_step(self.dt, self.rng)
            elif isinstance(op, SimProcess):
                op.process.get_rng(self.rng)
        self._n_steps = 0
        self._time = 0.0
        self.clear_probes()

    def run(self, time_in_seconds, progress_bar=None):
        if time_in_seconds < 0:
            raise ValidationError(f"Must be positive (got {time_in_seconds:g})", attr="time_in_seconds")
        steps = int(np.round(float(time_in_seconds) / self.dt))
        if steps == 0:
            warnings.warn(f"{time_in_seconds} results in running for 0 timesteps. Simulator "
                          f"still at time {self.time}.", stacklevel=2)
        else:
            self.run_steps(steps, progress_bar=progress_bar)

    def run_steps(self, steps, progress_bar=None):
        if self.closed:
            raise SimulatorClosed("Simulator cannot run because it is closed.")
        if progress_bar is None:
            progress_bar = self.progress_bar
        steps = int(steps)
        with ProgressTracker(progress_bar, Progress("Simulating", "Simulation", steps)) as pt:
            done = 0
            while done < steps:
                n = min(steps - done, self._chunk_steps())
                self._run_chunk(n)
                done += n
                pt.total_progress.step(n)

    def step(self):
        """Advance the simulator by 1 step (``dt`` seconds)."""
        self.run_steps(1, progress_bar=False)

    def trange(self, dt=None, sample_every=None):
        if dt is not None:
            if sample_every is not None:
                raise ValidationError("Cannot specify both `dt` and `sample_every`. Use `sample_every` only.",
                                      attr="dt", obj=self)
            warnings.warn("`dt` is deprecated. Use `sample_every` instead.", DeprecationWarning, stacklevel=2)
            sample_every = dt
        period = 1 if sample_every is None else sample_every / self.dt
        steps = np.arange(1, self.n_steps + 1)
        return self.dt * steps[steps % period < 1]

    # -- running -----------------------------------------------------------------------------
    def _chunk_steps(self) -> int:
        row_bytes = (self.program.stream_cols + self.program.probe_cols + 1) * self.backend.dtype.itemsize
        return int(max(1, min(MAX_CHUNK_STEPS, CHUNK_BYTES // row_bytes)))

    def _run_chunk(self, n: int) -> None:
        first = self._n_steps + 1                       # step numbers first .. first + n - 1
        steps = np.arange(first, first + n)
        stream = self._stream(steps)
        mask = np.zeros((n, max(1, len(self._probes))), np.uint32)
        for g, probe in enumerate(self._probes):
            period = 1 if probe.sample_every is None else probe.sample_every / self.dt
            mask[:, g] = steps % period < 1
        self._run.begin_chunk(stream, mask)
        if all(not s.host for s in self.program.segments):
            for s in self.program.segments:
                self._run.run(s.first, s.last, 0, n)
        else:
            for k in range(n):
                for s in self.program.segments:
                    if s.host:
                        for host in s.host:
                            self._run_host(host, int(steps[k]))
                    else:
                        self._run.run(s.first, s.last, k, 1)
        self._collect(mask, n)
        self._n_steps += n
        self._time = float(np.int64(self._n_steps) * self.dt)

    def _stream(self, steps: np.ndarray) -> np.ndarray:
        """Values of the time-only host operators for ``steps``, (n, stream_cols)."""
        stream = np.zeros((steps.size, max(1, self.program.stream_cols)))
        for host in self._streamed:
            width = host.write_index[0].size
            for k, step in enumerate(steps):
                host.zero_incs()
                host.run(int(step), self.dt)
                stream[k, host.stream_first:host.stream_first + width] = host.outputs()
        return stream

    def _run_host(self, host, step: int) -> None:
        host.load(self._run.gather(host.read_index[0]))
        host.run(step, self.dt)
        self._run.scatter(host.write_index[0], host.outputs())

    def _collect(self, mask: np.ndarray, n: int) -> None:
        if not self._probes:
            return
        rows = self._run.probes(n)
        for g, probe in enumerate(self._probes):
            sampled = rows[mask[:, g] != 0, self._probe_slices[probe]]
            shape = self.model.sig[probe]["in"].shape
            self._sim_data[probe].extend(sampled.reshape((-1,) + shape).astype(
                self.model.sig[probe]["in"].dtype, copy=True))
        self.data.reset()


def auto_backend(name: str) -> str:
    """'auto': CuPy, else OpenCL on any device (on this project's 2-core CPU, PoCL runs nengo
    models 1.2-1.4x as fast as nengo's reference and 2-3x as fast as the NumPy backend,
    benchmarks/nengo_bench.py), else NumPy."""
    if name != "auto":
        return name
    from snnkit.backends import BACKENDS
    return next(n for n in ("cupy", "opencl", "numpy") if BACKENDS[n].is_available())


class HeapSignals(MutableMapping):
    """``sim.signals``: Signal -> a host copy of its current value; assigning to a signal
    writes the device's heap."""

    def __init__(self, sim: Simulator):
        self.sim = sim
        self.heap = sim._run.read_heap()

    def __setitem__(self, sig, value):
        idx = self.sim._heap.indices(sig)
        if sig.base.sparse:
            value = value.data
        values = np.broadcast_to(np.asarray(value, dtype=self.heap.dtype), idx.shape).ravel()
        self.sim._run.scatter(idx.ravel(), values)
        self.heap[idx.ravel()] = values
        self.sim._planner.mirrors.write(sig, values)

    def __delitem__(self, sig):
        raise TypeError("signals cannot be deleted")

    def __getitem__(self, sig):
        idx = self.sim._heap.indices(sig)
        if sig.base.sparse:
            from .heap import csr
            matrix = csr(sig.base.initial_value).copy()
            matrix.data[...] = self.heap[idx]
            return matrix
        return self.heap[idx].astype(sig.dtype)

    def __contains__(self, sig):
        return sig.base in self.sim._heap.offset

    def __iter__(self):
        return iter(self.sim._heap.offset)

    def __len__(self):
        return len(self.sim._heap.offset)
