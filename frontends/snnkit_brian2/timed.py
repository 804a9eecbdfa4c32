"""Brian2's TimedArray -> a parameter of the snnkit model, changed as the run goes.

``ta(t)`` (or ``ta(t, i)``, one column per neuron) in a group's code reads the
array's value ``values[clip(floor((t + 1e-3 dt_ta)/dt_ta), 0, K-1)]``, Brian2's
definition. When the array's dt is a whole number of the clock's steps, that value
is constant over each step, so the model reads a parameter ``_ta_<name>`` and the
run changes it (``Population.set(at=...)``, snnkit.parameters) at the start of each
step where the array's index changes. The argument must be t itself (or t plus a
fraction of dt, as a Runge-Kutta stage writes it); anything else is refused.
"""

from __future__ import annotations

import ast

import numpy as np

from .code import unsupported

PREFIX = "_ta_"


def timed_parameter(name: str, call: ast.Call, names) -> str:
    """The parameter a call ``name(t[, i])`` of a TimedArray reads; registered in names.timed."""
    array = names.constants[name]
    owner = names.owner
    if len(call.args) not in (1, 2) or call.keywords:
        raise unsupported(f"the TimedArray call {ast.unparse(call)!r}", owner)
    if len(call.args) == 2:
        if not (isinstance(call.args[1], ast.Name) and call.args[1].id == "i"):
            raise unsupported(f"the TimedArray call {ast.unparse(call)!r} (its second argument must be i)", owner)
        if np.ndim(array.values) != 2 or array.values.shape[1] != int(owner.N):
            raise unsupported(f"the TimedArray {name!r} of shape {np.shape(array.values)} read with i in a group "
                              f"of {int(owner.N)}", owner)
    elif np.ndim(array.values) != 1:
        raise unsupported(f"the two-dimensional TimedArray {name!r} read without i", owner)
    _check_argument(name, call.args[0], names)
    ratio = float(array.dt) / names.dt
    if abs(ratio - round(ratio)) > 1e-9 or round(ratio) < 1:
        raise unsupported(f"the TimedArray {name!r} with dt {float(array.dt) * 1e3:g} ms, not a multiple of the "
                          f"clock's {names.dt * 1e3:g} ms", owner)
    parameter = PREFIX + name
    names.timed[parameter] = (array, len(call.args) == 2)
    return parameter


def _check_argument(name: str, node, names) -> None:
    """The argument must be t + c with 0 <= c < dt (evaluated with the constants)."""
    def value(t: float) -> float:
        env = {"t": t, "dt": names.dt}
        env.update({k: float(v) for k, v in names.constants.items() if np.ndim(v) == 0 and
                    isinstance(v, (int, float, np.number))})
        try:
            return float(eval(compile(ast.Expression(node), "<ta>", "eval"), {"__builtins__": {}}, env))
        except Exception:
            raise unsupported(f"the TimedArray {name!r} read at {ast.unparse(node)!r} (snnkit reads it at t)",
                              names.owner) from None
    at0, at1 = value(0.0), value(1.0)
    if abs((at1 - at0) - 1.0) > 1e-12 or not (0.0 <= at0 < names.dt * (1 - 1e-9)):
        raise unsupported(f"the TimedArray {name!r} read at {ast.unparse(node)!r} (snnkit reads it at t)",
                          names.owner)


def schedule(array, per_neuron: bool, first_step: int, n_steps: int, origin: int, dt_s: float) -> list:
    """(time in ms from step ``origin``, value) at the first step of the run and at every
    step of it where the array's index changes."""
    values = np.asarray(array.values, dtype=float)
    dt_ta = float(array.dt)
    steps = np.arange(first_step, first_step + n_steps, dtype=np.int64)
    index = np.clip(np.floor((steps * dt_s + 1e-3 * dt_ta) / dt_ta).astype(np.int64), 0, len(values) - 1)
    change = np.ones(steps.size, bool)
    change[1:] = index[1:] != index[:-1]
    dt_ms = dt_s * 1e3
    return [(float((s - origin) * dt_ms), values[k].copy() if per_neuron else float(values[k]))
            for s, k in zip(steps[change], index[change])]
