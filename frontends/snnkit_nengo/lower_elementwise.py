"""SimNeurons (NK_NEURONS) and SimProcess of a LinearFilter (NK_FILTER) as per-element
columns (kernels/nengo.h). Only nengo's own classes get a kernel: a subclass may change
``step``, so it runs on the host like any other operator without one."""

from __future__ import annotations

from dataclasses import dataclass

import nengo
import numpy as np
from nengo.builder.neurons import SimNeurons
from nengo.builder.processes import SimProcess
from nengo.synapses import LinearFilter

from .codes import FILTER_MAX_ORDER, NEURON_TYPES, NF_GENERAL, NF_NO_D, NF_NO_X, NF_ONE_X
from .heap import ONE, Heap
from .lower_linear import NotLowerable


@dataclass
class Columns:
    """Per-element u32 columns, with per-operator parameters at ``param`` offsets of ``params``."""
    columns: list          # arrays of heap indices, one per kernel column; the last: parameter offsets
    params: np.ndarray     # this operator's reals; the last column indexes into them
    subkind: int = 0       # a stage holds one subkind (neuron type)


def lower_neurons(op, heap: Heap) -> Columns:
    if not isinstance(op, SimNeurons):
        raise NotLowerable(type(op).__name__)
    neurons = op.neurons
    name = type(neurons).__name__
    if name not in NEURON_TYPES or type(neurons) is not getattr(nengo, name):
        raise NotLowerable(f"neuron type {name}")
    j = heap.indices(op.J).ravel()
    out = heap.indices(op.output).ravel()
    state = {key: heap.indices(sig).ravel() for key, sig in op.state.items()}
    unused = np.full(j.size, ONE)
    s0 = state.get("voltage", unused)
    s1 = state.get("refractory_time", unused)
    tau_rc = getattr(neurons, "tau_rc", 1.0)
    # nengo's expm1(-delta_t / tau_rc) for delta_t == dt, in the signals' precision, by NumPy
    decay = np.expm1(-np.full(1, heap.dt, heap.dtype) / tau_rc)[0]
    params = np.array([tau_rc, getattr(neurons, "tau_ref", 0.0), getattr(neurons, "min_voltage", 0.0),
                       getattr(neurons, "amplitude", 1.0), decay], float)
    return Columns([j, out, s0, s1, np.zeros(j.size)], params, NEURON_TYPES[name])


def filter_kind(process: LinearFilter, dt: float, shape):
    """nengo's LinearFilter.make_step choice, as (NF_ code, A, B, C, D)."""
    A, B, C, D = process._get_ss(dt)
    X = np.zeros((A.shape[0],) + tuple(shape))
    if LinearFilter.NoX.check(A, B, C, D, X):
        return NF_NO_X, A, B, C, D
    if LinearFilter.OneX.check(A, B, C, D, X):
        return NF_ONE_X, A, B, C, D
    if LinearFilter.NoD.check(A, B, C, D, X):
        return NF_NO_D, A, B, C, D
    return NF_GENERAL, A, B, C, D


def lower_filter(op, heap: Heap) -> Columns:
    if not isinstance(op, SimProcess):
        raise NotLowerable(type(op).__name__)
    process = op.process
    if type(process) not in (nengo.LinearFilter, nengo.Lowpass, nengo.Alpha) or op.input is None:
        raise NotLowerable(f"process {type(process).__name__}")
    out = heap.indices(op.output)
    u = heap.indices(op.input).ravel()
    kind, A, B, C, D = filter_kind(process, heap.dt, out.shape)
    n = A.shape[0]
    if n > FILTER_MAX_ORDER:
        raise NotLowerable(f"LinearFilter of order {n} > {FILTER_MAX_ORDER}")
    size = out.size
    if n:
        X = heap.indices(op.state["X"]).reshape(n, size)
        x0 = X[0]
        stride = X[1, 0] - X[0, 0] if n > 1 else 0
        if not np.array_equal(X, x0[None, :] + stride * np.arange(n)[:, None]):
            raise NotLowerable("LinearFilter state is not a regular block")
    else:
        x0, stride = np.full(size, ONE), 0
    inc = float(op.mode == "inc")
    if kind == NF_ONE_X:
        params = [kind, 1, inc, A.item(), C.item() * B.item(), 0.0, 0.0]
    else:
        params = [kind, n, inc, *np.ravel(A), *np.ravel(B), *np.ravel(C), float(np.ravel(D)[0])]
    return Columns([u, out.ravel(), x0, np.full(size, stride), np.zeros(size)], np.array(params, float))
