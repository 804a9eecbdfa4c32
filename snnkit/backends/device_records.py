"""Record buffers on a device, shared by the OpenCL and CuPy backends.

Each buffer holds a bounded number of steps; when it is full it is pulled to
host memory (one synchronisation per ``steps_per_pull`` steps, never per step),
and ``drain`` returns everything collected so far.
"""

from __future__ import annotations

import numpy as np

SPIKE_ENTRIES = 8 << 20        # at most 8 Mi (step, id) pairs held on the device
STATE_BYTES = 64 << 20         # at most 64 MiB of samples held on the device
MAX_STEPS_PER_PULL = 1000      # = step_sequences.PROGRAM_STEPS: a pull costs ~0.3 ms on PoCL, 1.1 us a step at 256


class DeviceSpikeRecord:
    """(step, b * N + i) pairs appended by the group's spike producer (kernels/spikes.h).

    The buffer holds every spike the group can possibly fire until the next pull: a
    neuron spikes at most once per ``min_interval`` steps (1 + its refractory steps),
    so S steps hold at most per_step * ceil(S / min_interval) spikes. Each pulled chunk
    is sorted (by step, then id) as it arrives, on the host, while the device goes on.
    """

    def __init__(self, backend, per_step: int, min_interval: int = 1):
        self.backend, self.per_step = backend, max(1, per_step)
        self.min_interval = max(1, int(min_interval))
        # bound(S) <= SPIKE_ENTRIES  <=>  S <= (SPIKE_ENTRIES // per_step) * min_interval
        self.steps_per_pull = max(1, min(MAX_STEPS_PER_PULL,
                                         SPIKE_ENTRIES // self.per_step * self.min_interval))
        capacity = self.bound(self.steps_per_pull)
        self.step = backend.zeros(capacity, np.uint32)
        self.id = backend.zeros(capacity, np.uint32)
        self.count = backend.zeros(1, np.uint32)
        self.pending = 0
        self.chunks: list[np.ndarray] = []           # sorted keys step * per_step + id

    def bound(self, steps: int) -> int:
        """The most spikes the group can fire in ``steps`` consecutive steps."""
        return self.per_step * -(-steps // self.min_interval)

    def step_done(self) -> None:
        """The producer appended one more step; pull before the buffer could overflow."""
        self.steps_done(1)

    def steps_done(self, steps: int) -> None:
        """The producer appended ``steps`` more steps (make_room(steps) came first)."""
        self.pending += steps
        if self.pending >= self.steps_per_pull:
            self.pull()

    def make_room(self, steps: int) -> None:
        """Pull now unless the buffer can take ``steps`` more steps (<= steps_per_pull)."""
        if self.pending + steps > self.steps_per_pull:
            self.pull()

    def pull(self) -> None:
        n = int(self.backend.to_host(self.count)[0])
        if n:
            key = self.backend.to_host(self.step[:n]).astype(np.int64) * self.per_step
            key += self.backend.to_host(self.id[:n])
            self.count.fill(0)
            self.keep(key)
        self.pending = 0

    def keep(self, key: np.ndarray) -> None:
        """Hold a pulled chunk of keys, sorted (atomics append in any order)."""
        key.sort()
        self.chunks.append(key)

    def drain(self, size: int):
        self.pull()
        key = np.concatenate(self.chunks) if self.chunks else np.zeros(0, np.int64)
        self.chunks.clear()                          # chunks come in step order
        steps = key // self.per_step
        ids = key - steps * self.per_step
        instance, node = np.divmod(ids, max(size, 1))
        return steps, node, instance


class DeviceSpikeValueRecord(DeviceSpikeRecord):
    """(step, id, values of some state variables at the spike) appended by
    record_spike_values (kernels/record.c) after the group's step; pulled and sorted as
    DeviceSpikeRecord's, so that its rows follow the group's spike record."""

    def __init__(self, backend, per_step: int, min_interval: int, arrays: dict):
        super().__init__(backend, per_step, min_interval)
        self.names = list(arrays)
        buffers = [backend.buffer_and_offset(a) for a in arrays.values()]
        if any(b is not buffers[0][0] for b, _ in buffers):
            raise ValueError("values at spikes need the recorded variables in one device buffer")
        self.state = buffers[0][0]
        self.offsets = backend.upload({"o": np.array([o for _, o in buffers], np.uint32)})["o"]
        self.capacity = self.bound(self.steps_per_pull)
        self.values = backend.zeros((max(1, len(self.names)), self.capacity), backend.dtype)
        self.value_chunks: list[np.ndarray] = []
        self.launch = None

    def append(self, spikes, step: int) -> None:
        be = self.backend
        if self.launch is None:
            a = be.kernel_arg
            self.launch = be.bind("record_spike_values", spikes.capacity, **be.clock_args(),
                                  n_values=len(self.names), capacity=self.capacity, spike_list=a(spikes.list),
                                  spike_count=a(spikes.count), state=self.state, offsets=a(self.offsets),
                                  out_step=a(self.step), out_id=a(self.id), out_values=a(self.values),
                                  out_count=a(self.count))
        self.make_room(1)
        self.launch(step_offset=be.step_offset(step))
        self.step_done()

    def keep(self, key: np.ndarray) -> None:
        """The chunk's keys sorted and its values in the same order (the values of the
        appends not yet overwritten: nothing runs on the device during a pull)."""
        order = np.argsort(key, kind="stable")
        self.chunks.append(key[order])
        self.value_chunks.append(self.backend.to_host(self.values)[:, :key.size][:, order])

    def drain(self, size: int):
        self.pull()
        values = np.concatenate(self.value_chunks, axis=1) if self.value_chunks else \
            np.zeros((len(self.names), 0))
        self.value_chunks.clear()
        return super().drain(size) + ({x: values[j] for j, x in enumerate(self.names)},)


class DeviceStateRecord:
    """Samples of state[:, indices], row by row, in a (rows, batch, n) device buffer."""

    def __init__(self, backend, indices: np.ndarray, batch: int):
        self.backend, self.batch = backend, batch
        self.n_indices = int(indices.size)
        self.indices = backend.upload({"indices": indices.astype(np.uint32)})["indices"]
        row_bytes = max(1, batch * self.n_indices * backend.dtype.itemsize)
        self.rows = max(1, min(4096, STATE_BYTES // row_bytes))
        self.out = backend.zeros((self.rows, batch, self.n_indices), backend.dtype)
        self.row = 0
        self.launch = None
        self.chunks: list[np.ndarray] = []

    def append(self, array) -> None:
        if self.launch is None:
            buffer, offset = self.backend.buffer_and_offset(array)
            arg = self.backend.kernel_arg
            self.launch = self.backend.bind("record_state", self.batch * self.n_indices, n=array.shape[1],
                                            batch=self.batch, n_indices=self.n_indices, row=0,
                                            state_offset=offset, state=buffer, indices=arg(self.indices),
                                            out=arg(self.out))
        self.launch(row=self.row)
        self.row += 1
        if self.row == self.rows:
            self.pull()

    def pull(self) -> None:
        if self.row:
            self.chunks.append(self.backend.to_host(self.out[:self.row]))
        self.row = 0

    def drain(self) -> np.ndarray:
        self.pull()
        out = np.concatenate(self.chunks) if self.chunks else np.zeros((0, self.batch, self.n_indices))
        self.chunks.clear()
        return out


class DeviceRecordOps:
    """The recording ops of DeviceBackend, over the buffers above."""

    def new_spike_record(self, batch: int, size: int, min_interval: int = 1) -> DeviceSpikeRecord:
        return DeviceSpikeRecord(self, batch * size, min_interval)

    def new_spike_value_record(self, batch: int, size: int, min_interval: int, arrays: dict):
        """Values of ``arrays`` (name -> (B, N) state) at each spike of a group."""
        return DeviceSpikeValueRecord(self, batch * size, min_interval, arrays)

    def record_spike_values(self, spikes, record: DeviceSpikeValueRecord, step: int) -> None:
        record.append(spikes, step)

    def drain_spike_values(self, record: DeviceSpikeValueRecord, size: int):
        return record.drain(size)

    def new_state_record(self, indices, batch: int) -> DeviceStateRecord:
        return DeviceStateRecord(self, np.asarray(indices), batch)

    def attach_spike_record(self, spikes, record: DeviceSpikeRecord) -> None:
        spikes.record = record

    def record_spikes(self, spikes, record: DeviceSpikeRecord, step: int) -> None:
        record.step_done()          # the producer already wrote this step's spikes

    def record_state(self, array, record: DeviceStateRecord) -> None:
        record.append(array)

    def drain_spikes(self, record: DeviceSpikeRecord, size: int):
        return record.drain(size)

    def drain_state(self, record: DeviceStateRecord) -> np.ndarray:
        return record.drain()
