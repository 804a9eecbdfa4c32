"""Every nengo signal in one flat array, the heap: where each element lives.

A base signal takes a contiguous block in C order (a sparse one: its nonzero values);
a view's elements are found from its offset and strides, the way nengo's SignalDict
makes NumPy views. Slot 0 holds 1.0 (the coefficient of a plain copy), and constants
(a Reset's value, a learning rate) get slots of their own. Integer signals (the step
counter) are held as reals: exact up to 2**53 (float64) or 2**24 (float32) steps.
"""

from __future__ import annotations

import numpy as np
from nengo.builder.signal import Signal

ONE = 0            # heap[ONE] == 1.0


class Heap:
    def __init__(self, signals, dtype, dt: float):
        self.dtype = np.dtype(dtype)
        self.dt = float(dt)
        self.offset: dict[Signal, int] = {}
        self.size = 1
        self.constants: list[tuple[int, float]] = [(ONE, 1.0)]
        for sig in signals:
            self.add(sig.base)

    def add(self, base: Signal) -> None:
        if base not in self.offset:
            self.offset[base] = self.size
            self.size += csr(base.initial_value).nnz if base.sparse else base.size

    def constant(self, value: float) -> int:
        """A slot holding ``value``."""
        self.constants.append((self.size, float(value)))
        self.size += 1
        return self.size - 1

    def indices(self, sig: Signal) -> np.ndarray:
        """Heap index of each element of ``sig`` (int64, shaped like ``sig``; sparse: the nonzeros)."""
        base = sig.base
        first = self.offset[base]
        if base.sparse:
            return first + np.arange(csr(base.initial_value).nnz)
        local = np.arange(base.size, dtype=np.int64)
        view = np.ndarray(shape=sig.shape, dtype=np.int64, buffer=local, offset=sig.elemoffset * 8,
                          strides=tuple(s * 8 for s in sig.elemstrides))
        return first + view

    def initial(self) -> np.ndarray:
        """The heap at the start of a run: every base signal's initial value, and the constants."""
        heap = np.zeros(self.size, self.dtype)
        for base, first in self.offset.items():
            value = base.initial_value
            value = sparse_data(value) if base.sparse else np.asarray(value).ravel()
            heap[first:first + value.size] = value
        for slot, value in self.constants:
            heap[slot] = value
        return heap


def sparse_data(value) -> np.ndarray:
    """The nonzero values of a sparse initial value (scipy.sparse, or nengo's SparseMatrix), in CSR order."""
    return np.asarray(csr(value).data)


def csr(value):
    """A scipy CSR matrix of a sparse initial value."""
    if hasattr(value, "tocsr"):
        return value.tocsr()
    import scipy.sparse
    return scipy.sparse.csr_matrix((value.data, value.indices.T), shape=value.shape)
