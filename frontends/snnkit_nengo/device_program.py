"""A Program on a device backend (OpenCL, CuPy): kernels/nengo_steps.c and nengo_io.c.

Small programs run as ``nengo_steps``: one work-group does every stage of every step of
a chunk, with barriers between stages, so a chunk of steps is one launch. A program with
a stage larger than SINGLE_GROUP_ITEMS items runs ``nengo_stage`` once per stage and step
over as many work-items as the stage has items.
"""

from __future__ import annotations

import numpy as np

from snnkit import kernels

from .program import Program

# the largest stage one work-group takes (work-items loop over its items)
SINGLE_GROUP_ITEMS = 1 << 15


class DeviceProgram:
    def __init__(self, program: Program, heap: np.ndarray, dt: float, backend):
        self.backend = backend
        self.program = program
        self.dtype = backend.dtype
        self.dt = float(dt)
        ints, reals = program.tables.arrays(self.dtype)
        up = backend.to_device
        self.stages = up(program.stage_records())
        self.ints = up(ints)
        self.reals = up(reals)
        self.heap = up(heap.astype(self.dtype))
        self.stream = backend.zeros(max(1, program.stream_cols), self.dtype)
        self.probe_out = backend.zeros(max(1, program.probe_cols), self.dtype)
        self.mask = backend.zeros(max(1, program.probe_groups), np.uint32)
        self.rows = 1
        self.counts = [s.count for s in program.stages]
        self.single_group = max(self.counts, default=0) <= SINGLE_GROUP_ITEMS
        self.io = {}
        self._bind()

    def _tail(self) -> dict:
        a = self.backend.kernel_arg
        return dict(ints=a(self.ints), reals=a(self.reals), heap=a(self.heap), stream=a(self.stream),
                    stream_cols=self.program.stream_cols, probe_out=a(self.probe_out),
                    probe_cols=self.program.probe_cols, probe_mask=a(self.mask),
                    probe_groups=self.program.probe_groups)

    def _bind(self) -> None:
        a = self.backend.kernel_arg
        if self.single_group:
            self.steps = self.backend.bind("nengo_steps", kernels.GROUP_SIZE, first_stage=0, n_stages=0, k0=0,
                                           n_steps=0, dt=self.dt, stages=a(self.stages), **self._tail())
            # exactly one work-group, however large the backend lets it be
            self.group_threads = getattr(self.steps, "max_local", kernels.GROUP_SIZE)
        else:
            self.stage = self.backend.bind("nengo_stage", 1, stage=0, k=0, dt=self.dt, stages=a(self.stages),
                                           **self._tail())

    # -- host I/O ----------------------------------------------------------------------
    def load_heap(self, heap: np.ndarray) -> None:
        self.backend.assign(self.heap, heap.astype(self.dtype))

    def read_heap(self) -> np.ndarray:
        return self.backend.to_host(self.heap)

    def gather(self, index: np.ndarray) -> np.ndarray:
        if index.size == 0:
            return np.zeros(0, self.dtype)
        launch, out = self._io("gather", index)
        launch()
        return self.backend.to_host(out)

    def scatter(self, index: np.ndarray, values: np.ndarray) -> None:
        if index.size == 0:
            return
        launch, buffer = self._io("scatter", index)
        self.backend.assign(buffer, np.asarray(values, self.dtype))
        launch()

    def _io(self, kind: str, index: np.ndarray):
        """The bound gather / scatter kernel of a host operator's index array, and its value buffer
        (made once: host operators move the same elements every step)."""
        key = (kind, id(index))
        if key not in self.io or self.io[key][0] is not index:
            a = self.backend.kernel_arg
            idx = self.backend.to_device(index.astype(np.uint32))
            buffer = self.backend.zeros(index.size, self.dtype)
            if kind == "gather":
                launch = self.backend.bind("nengo_gather", index.size, n=index.size, index=a(idx),
                                           heap=a(self.heap), out=a(buffer))
            else:
                launch = self.backend.bind("nengo_scatter", index.size, n=index.size, index=a(idx),
                                           values=a(buffer), heap=a(self.heap))
            self.io[key] = (index, idx, launch, buffer)
        return self.io[key][2], self.io[key][3]

    def begin_chunk(self, stream: np.ndarray, mask: np.ndarray) -> None:
        rows = mask.shape[0]
        if rows > self.rows:                      # larger buffers: bind again
            self.rows = rows
            self.stream = self.backend.zeros(rows * max(1, self.program.stream_cols), self.dtype)
            self.probe_out = self.backend.zeros(rows * max(1, self.program.probe_cols), self.dtype)
            self.mask = self.backend.zeros(rows * max(1, self.program.probe_groups), np.uint32)
            self._bind()
        if self.program.stream_cols:
            self._write(self.stream, stream)
        if self.program.probe_groups:
            self._write(self.mask, mask.astype(np.uint32))

    def _write(self, array, values: np.ndarray) -> None:
        flat = np.zeros(array.shape, array.dtype)
        flat[:values.size] = values.ravel()
        self.backend.assign(array, flat)

    def probes(self, n_steps: int) -> np.ndarray:
        cols = self.program.probe_cols
        if not cols:
            return np.zeros((n_steps, 0), self.dtype)
        return self.backend.to_host(self.probe_out)[:n_steps * cols].reshape(n_steps, cols)

    def run(self, first: int, last: int, k0: int, n_steps: int) -> None:
        if last <= first or n_steps <= 0:
            return
        if self.single_group:
            self.steps(threads=self.group_threads, first_stage=first, n_stages=last - first, k0=k0, n_steps=n_steps)
            return
        for k in range(k0, k0 + n_steps):
            for s in range(first, last):
                if self.counts[s]:
                    self.stage(threads=self.counts[s], stage=s, k=k)
