"""Emit an update (snnkit.modeling.integrators) as vectorised NumPy: the specification.

The generated function takes a mapping of arrays (state variables, parameters,
host constants, ``dt``) and returns the new state values; every operation is a
NumPy ufunc, so float32 inputs are computed in float32 (as the kernels will).
``source`` keeps the text for inspection and error messages.
"""

from __future__ import annotations

import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter



class _Printer(NumPyPrinter):
    def __init__(self):
        super().__init__({"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": False})

    def _print_phi1(self, expr):
        return f"_phi1({self._print(expr.args[0])})"

    def _print_Min(self, expr):
        out = self._print(expr.args[0])
        for arg in expr.args[1:]:
            out = f"minimum({out}, {self._print(arg)})"
        return out

    def _print_Max(self, expr):
        out = self._print(expr.args[0])
        for arg in expr.args[1:]:
            out = f"maximum({out}, {self._print(arg)})"
        return out

    def _print_Float(self, expr):
        return repr(float(expr))

    def _print_Rational(self, expr):
        return repr(float(expr))


def _phi1(z):
    """expm1(z)/z with the limit 1 at z = 0."""
    z = np.asarray(z)
    safe = np.where(z == 0, np.ones_like(z), z)
    return np.where(z == 0, np.ones_like(z), np.expm1(safe) / safe)


NAMESPACE = {name: getattr(np, name) for name in ("exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sinh",
                                                 "cosh", "minimum", "maximum", "where", "logical_and",
                                                 "logical_or", "logical_not", "greater", "less", "greater_equal",
                                                 "less_equal", "equal", "not_equal", "select")}
NAMESPACE.update(abs=np.abs, absolute=np.abs, _phi1=_phi1, pi=np.pi, e=np.e)


def expression_source(expr: sympy.Expr) -> str:
    return _Printer().doprint(expr)


def numpy_function(steps: list, outputs: dict, name: str = "update"):
    """steps: (name, expr) in order; outputs: result key -> name. Returns (fn, source)."""
    inputs = sorted({s.name for _, e in steps for s in e.free_symbols} - {n for n, _ in steps})
    lines = [f"def {name}(values):"]
    lines += [f"    {v} = values[{v!r}]" for v in inputs]
    lines += [f"    {target} = {expression_source(expr)}" for target, expr in steps]
    lines.append("    return {" + ", ".join(f"{k!r}: {v}" for k, v in outputs.items()) + "}")
    source = "\n".join(lines) + "\n"
    namespace = dict(NAMESPACE)
    exec(compile(source, f"<snnkit model: {name}>", "exec"), namespace)
    return namespace[name], source
