"""nengo operators that run on the host, through nengo's own ``make_step``.

Each works on host mirrors of the signals it touches (one mirror per base signal, shared
by all host operators).

- A *streamed* operator reads nothing but the time (a Node of t, an input process such
  as WhiteSignal or PresentInput, a Piecewise): the host runs it ahead for a chunk of
  steps and the device applies the values at the operator's place in the step (NK_STREAM).
  Values are set, or for an increment the host captures what the step adds.
- A *round-trip* operator (a Node with an input, a neuron type or learning rule without
  a kernel): each step the device's values of its signals come to the mirrors, it runs,
  and what it sets, increments or updates goes back.
"""

from __future__ import annotations

import numpy as np
from nengo.builder.signal import SignalDict

from .heap import Heap, csr


class Mirrors:
    """Host arrays of the base signals host operators touch, as a nengo SignalDict."""

    def __init__(self, heap: Heap):
        self.heap = heap
        self.signals = SignalDict()
        self.flat: dict = {}

    def add(self, sig) -> None:
        base = sig.base
        if base in self.flat:
            return
        if base.sparse:
            value = csr(base.initial_value).copy()
            self.signals.init(base)                    # nengo allocates its own sparse array
            dict.__setitem__(self.signals, base, value)
            self.flat[base] = value.data
        else:
            value = np.array(base.initial_value, dtype=base.dtype, copy=True)
            dict.__setitem__(self.signals, base, value)
            self.flat[base] = value.reshape(-1)

    def reset(self) -> None:
        for base, flat in self.flat.items():
            value = csr(base.initial_value).data if base.sparse else np.asarray(base.initial_value).ravel()
            flat[...] = value

    def write(self, sig, values: np.ndarray) -> None:
        """Values written to ``sig`` from outside (sim.signals[sig] = ...), if it has a mirror."""
        if sig.base in self.flat:
            _, pos = self.positions(sig)
            self.flat[sig.base][pos] = values

    def positions(self, sig) -> tuple[np.ndarray, np.ndarray]:
        """(heap indices, positions in the base's flat mirror) of the elements of ``sig``."""
        idx = self.heap.indices(sig).ravel()
        return idx, idx - self.heap.offset[sig.base]


class HostOp:
    """One nengo operator run on the host."""

    def __init__(self, op, mirrors: Mirrors, time_signal):
        self.op = op
        self.mirrors = mirrors
        for sig in op.all_signals:
            mirrors.add(sig)
        self.reads = [s for s in op.reads if s is not time_signal] + list(op.sets) + list(op.incs) + list(op.updates)
        self.reads_time = any(s is time_signal for s in op.reads)
        self.time_signal = time_signal
        self.streamed = all(s is time_signal for s in op.reads)
        self.writes = list(op.sets) + list(op.updates)
        self.incs = list(op.incs)
        self.step_fn = None
        self.read_index = self._index(self.reads if not self.streamed else [])
        self.write_index = self._index(self.writes + self.incs)

    def _index(self, signals) -> tuple[np.ndarray, list]:
        """Heap indices of ``signals`` (concatenated) and (base flat mirror, positions, length) of each."""
        parts, where = [], []
        for sig in signals:
            idx, pos = self.mirrors.positions(sig)
            parts.append(idx)
            where.append((self.mirrors.flat[sig.base], pos))
        index = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        return index, where

    def make_step(self, dt: float, rng) -> None:
        self.step_fn = self.op.make_step(self.mirrors.signals, dt, rng)

    def set_time(self, step: int, dt: float) -> None:
        if self.reads_time:
            self.mirrors.signals[self.time_signal][...] = step * dt

    # -- the values that go back to the device --------------------------------------------
    def outputs(self) -> np.ndarray:
        """Set and updated values, then increments, in write_index order."""
        values = [flat[pos] for flat, pos in self.write_index[1]]
        return np.concatenate(values) if values else np.zeros(0)

    def zero_incs(self) -> None:
        for sig in self.incs:
            self.mirrors.signals[sig][...] = 0

    def run(self, step: int, dt: float) -> None:
        """The operator's step at step number ``step`` on the mirrors (nengo's error settings)."""
        self.set_time(step, dt)
        with np.errstate(invalid="raise", divide="ignore"):
            self.step_fn()

    def load(self, values: np.ndarray) -> None:
        """Device values of every signal the operator reads, into the mirrors."""
        at = 0
        for flat, pos in self.read_index[1]:
            flat[pos] = values[at:at + pos.size]
            at += pos.size

    def stream_columns(self) -> tuple[np.ndarray, np.ndarray]:
        """(heap index, is increment) of each value a streamed operator produces per step."""
        n_set = sum(pos.size for _, pos in self.write_index[1][:len(self.writes)])
        index = self.write_index[0]
        return index, np.arange(index.size) >= n_set
