"""Emit a block (snnkit.modeling.program) as vectorised NumPy: the specification.

The generated function takes a mapping of arrays (state variables, parameters,
host constants, ``dt``, ``t``) and returns the new state values; every operation
is a NumPy ufunc, so float32 inputs are computed in float32 (as the kernels are),
and transcendental functions in float64 rounded once (snnkit.modeling.printer).
The text is printed by the same walk as the kernels' C (codegen_c), so both
evaluate the same operations in the same order. ``source`` keeps the text.
"""

from __future__ import annotations

import numpy as np

from .printer import NumpyTarget, Printer


def _f64(function, *args):
    """function(*args) in float64, rounded once to the arguments' type (C: (real)f((double)x))."""
    dtype = np.result_type(*args)
    return function(*[np.asarray(a, np.float64) for a in args]).astype(dtype)


def _phi1(z):
    """expm1(z)/z with the limit 1 at z = 0, in float64 rounded once (kernels/neuron.h: phi1)."""
    dtype = np.result_type(z)
    d = np.asarray(z, np.float64)
    safe = np.where(d == 0, 1.0, d)
    return np.where(d == 0, 1.0, np.expm1(safe) / safe).astype(dtype)


def _where(condition, a, b, t):
    """where(condition, a, b) in the working type (that of t; C: cond ? (real)a : (real)b)."""
    return np.where(condition, a, b).astype(np.result_type(t))


NAMESPACE = {name: getattr(np, name) for name in ("exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sinh",
                                                 "cosh", "power", "absolute", "minimum", "maximum", "floor", "ceil",
                                                 "logical_and", "logical_or", "logical_not")}
NAMESPACE.update(_f64=_f64, _phi1=_phi1, _where=_where)


def expression_source(expr) -> str:
    return Printer(NumpyTarget()).doprint(expr)


def numpy_function(block, name: str = "update"):
    """A Block as ``fn(values) -> {state variable: new value}``; returns (fn, source)."""
    body = [f"    {target} = {expression_source(expr)}" for target, expr in block.steps]
    inputs = block.inputs
    if any("_where(" in line for line in body) and "t" not in inputs:
        inputs = inputs + ["t"]                              # _where takes the working type from t
    lines = [f"def {name}(values):"] + [f"    {v} = values[{v!r}]" for v in inputs] + body
    lines.append("    return {" + ", ".join(f"{k!r}: {v}" for k, v in block.outputs.items()) + "}")
    source = "\n".join(lines) + "\n"
    namespace = dict(NAMESPACE)
    exec(compile(source, f"<snnkit model: {name}>", "exec"), namespace)
    return namespace[name], source
