"""Reset, Copy, ElementwiseInc, DotInc, SparseDotInc and SimPES as rows of one NK_LINEAR
stage (kernels/nengo.h): each destination element y gets
``y = (keep ? y : 0) + sum_t (scale * heap[a_t]) * heap[x_t]``."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from nengo.builder import operator as ops
from nengo.builder.learning_rules import SimPES
from nengo.utils.numpy import broadcast_shape

from .heap import ONE, Heap, csr


class NotLowerable(Exception):
    """This operator has no kernel form; it runs on the host."""


@dataclass
class Rows:
    dst: np.ndarray        # (R,) heap index written
    keep: np.ndarray       # (R,) bool: increment (True) or set
    scale: np.ndarray      # (R,) coefficient of every term's a
    ptr: np.ndarray        # (R + 1,) term ranges
    a: np.ndarray          # (T,) heap index
    x: np.ndarray          # (T,) heap index

    @staticmethod
    def dense(dst, keep: bool, a, x, scale=1.0) -> "Rows":
        """R rows of K terms each: a and x shaped (R, K)."""
        dst = np.asarray(dst).ravel()
        a, x = np.broadcast_arrays(np.asarray(a), np.asarray(x))
        a, x = a.reshape(dst.size, -1), x.reshape(dst.size, -1)
        k = a.shape[1]
        return Rows(dst, np.full(dst.size, keep), np.full(dst.size, float(scale)),
                    np.arange(dst.size + 1) * k, a.ravel(), x.ravel())


def lower(op, heap: Heap) -> Rows:
    """The rows of one operator; NotLowerable if it has no row form."""
    kind = type(op)
    if kind is ops.Reset:
        dst = heap.indices(op.dst).ravel()
        if op.value == 0:
            return Rows(dst, np.zeros(dst.size, bool), np.ones(dst.size), np.zeros(dst.size + 1, np.int64),
                        np.zeros(0, np.int64), np.zeros(0, np.int64))
        return Rows.dense(dst, False, ONE, heap.constant(op.value))
    if kind is ops.Copy:
        return copy_rows(op, heap)
    if kind is ops.ElementwiseInc:
        y = heap.indices(op.Y)
        shape = broadcast_shape(op.Y.shape, 2)
        a = np.broadcast_to(heap.indices(op.A).reshape(broadcast_shape(op.A.shape, 2)), shape)
        x = np.broadcast_to(heap.indices(op.X).reshape(broadcast_shape(op.X.shape, 2)), shape)
        return Rows.dense(y, True, a[..., None], x[..., None])
    if kind is ops.DotInc:
        return dot_rows(heap.indices(op.A), heap.indices(op.X), heap.indices(op.Y))
    if kind is ops.SparseDotInc:
        return sparse_dot_rows(op, heap)
    if kind is SimPES:
        return pes_rows(op, heap)
    raise NotLowerable(kind.__name__)


def copy_rows(op, heap: Heap) -> Rows:
    src = heap.indices(op.src)
    dst = heap.indices(op.dst)
    src = src[op.src_slice] if op.src_slice is not None else src
    dst = dst[op.dst_slice] if op.dst_slice is not None else dst
    src = np.broadcast_to(src, dst.shape)
    if not op.inc and np.unique(dst).size < dst.size:
        raise NotLowerable("repeated destination indices in a non-increment Copy")   # nengo raises at build
    return Rows.dense(dst, bool(op.inc), np.full(dst.shape, ONE), src)


def dot_rows(a, x, y) -> Rows:
    """Y += dot(A, X) over heap indices, for the shapes np.dot takes in nengo's DotInc."""
    if a.ndim == 0 or x.ndim == 0:
        a, x = np.broadcast_arrays(a, x)
        return Rows.dense(y, True, a.reshape(-1, 1), x.reshape(-1, 1))
    if a.ndim > 2 or x.ndim > 2:
        raise NotLowerable(f"DotInc of {a.shape} x {x.shape}")
    k = a.shape[-1]
    a2 = a.reshape(-1, k)                        # (rows of A, k)
    x2 = x.reshape(k, -1)                        # (k, columns of X)
    terms_a = np.broadcast_to(a2[:, None, :], (a2.shape[0], x2.shape[1], k))
    terms_x = np.broadcast_to(x2.T[None, :, :], terms_a.shape)
    if y.size != a2.shape[0] * x2.shape[1]:
        raise NotLowerable(f"DotInc output {y.shape} for {a.shape} x {x.shape}")
    return Rows.dense(y, True, terms_a, terms_x)


def sparse_dot_rows(op, heap: Heap) -> Rows:
    matrix = csr(op.A.initial_value)
    x = heap.indices(op.X)
    if x.ndim != 1:
        raise NotLowerable("SparseDotInc with a 2-D X")
    y = heap.indices(op.Y).ravel()
    a = heap.indices(op.A)                       # the nonzeros, in CSR order
    return Rows(y, np.ones(y.size, bool), np.ones(y.size), matrix.indptr.astype(np.int64), a,
                x[matrix.indices.astype(np.int64)])


def pes_rows(op, heap: Heap) -> Rows:
    """nengo: np.outer(alpha * error, pre_filtered, out=delta), alpha = -rate * dt / n_pre."""
    pre = heap.indices(op.pre_filtered)
    error = heap.indices(op.error)
    delta = heap.indices(op.delta)
    alpha = -op.learning_rate * heap.dt / pre.shape[0]
    a = np.broadcast_to(error[:, None], delta.shape)
    x = np.broadcast_to(pre[None, :], delta.shape)
    return Rows.dense(delta, False, a[..., None], x[..., None], scale=alpha)


def merge(rows: list[Rows]) -> Rows:
    """All rows of one stage; rows with the same destination (increments of one signal by
    several operators, or a Copy with repeated indices) become one row, terms in order."""
    dst = np.concatenate([r.dst for r in rows]).astype(np.int64)
    keep = np.concatenate([r.keep for r in rows])
    scale = np.concatenate([r.scale for r in rows])
    counts = np.concatenate([np.diff(r.ptr) for r in rows])
    a = np.concatenate([r.a for r in rows]).astype(np.int64)
    x = np.concatenate([r.x for r in rows]).astype(np.int64)
    unique, first, inverse = np.unique(dst, return_index=True, return_inverse=True)
    if unique.size == dst.size:
        return Rows(dst, keep, scale, np.concatenate([[0], np.cumsum(counts)]), a, x)
    in_shared_row = (np.bincount(inverse) > 1)[inverse]
    if np.any(~keep[in_shared_row]) or np.any(scale[in_shared_row] != 1):
        raise NotLowerable("a set and an increment of one element in one stage")
    term_row = np.repeat(inverse, counts)
    order = np.argsort(term_row, kind="stable")
    new_counts = np.bincount(inverse, weights=counts, minlength=unique.size).astype(np.int64)
    return Rows(unique, keep[first], scale[first], np.concatenate([[0], np.cumsum(new_counts)]),
                a[order], x[order])
