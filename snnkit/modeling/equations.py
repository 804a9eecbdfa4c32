"""A system of model equations: differential equations and subexpressions, one a line.

    dv/dt = (v_rest - v + R_m*(I_syn + i_offset))/tau_m : mV (unless refractory)
    dI_syn/dt = -I_syn/tau_syn : nA
    I_total = I_syn + i_offset : nA

Built-in symbols: ``t`` and ``dt`` (ms), ``I_inject`` (nA, the current of the
current sources injected into the neuron, 0 where there are none) and ``xi``
(Gaussian white noise, ms**-1/2: ``sigma*sqrt(2/tau)*xi`` has stationary standard
deviation sigma in an equation with time constant tau; integrated by Euler-Maruyama).
As in Brian2, ``xi_<suffix>`` names further independent noises, and one noise
symbol used in several equations is the same draw in each (correlated noise).

``dx/dt = f : unit`` makes x a state variable (f in unit/ms); ``name = f : unit``
a subexpression (substituted where it is used); ``x : unit`` a state variable that
only statements change (receptors, reset, a discrete model's ``update``), as
Brian2's per-neuron variables. Flags in parentheses after the
unit: ``unless refractory`` (x is held during the refractory period, Brian2's
semantics); ``event-driven`` (a synapse model's variable, advanced exactly from
one event to the next: snnkit.modeling.synapse_model). ``#`` starts a comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

import sympy

from .expressions import ModelError, Where, parse_expression, strip_units, unit_of
from .units import MS, NA, Unit, parse_unit

# t: time (ms); dt: the step (ms); I_inject: the current of the current sources that
# target the neuron (nA; 0 where none does): snnkit.currents, Network.inject
# xi: Gaussian white noise (ms**-1/2), as Brian2 writes it: dv/dt = ... + sigma*sqrt(2/tau)*xi
BUILTINS = {"t": MS, "dt": MS, "I_inject": NA, "xi": MS ** Fraction(-1, 2)}
FLAGS = ("unless refractory", "event-driven")      # event-driven: synapse models only
_DIFFERENTIAL = re.compile(r"^d\s*([A-Za-z_]\w*)\s*/\s*dt\s*=(.*)$")
_SUBEXPRESSION = re.compile(r"^([A-Za-z_]\w*)\s*=(.*)$")
_VARIABLE = re.compile(r"^([A-Za-z_]\w*)\s*(:.*)$")
_NOISE = re.compile(r"\bxi_\w+\b")


def is_noise(name: str) -> bool:
    """``xi`` and ``xi_<suffix>``: Gaussian white noise symbols (ms**-1/2)."""
    return name == "xi" or name.startswith("xi_")


@dataclass(frozen=True)
class Equation:
    kind: str                  # "differential", "subexpression" or "variable" (x : unit)
    name: str
    expr: sympy.Expr           # the right-hand side as written (subexpressions not substituted)
    unit: Unit                 # of the variable (a derivative is in unit/ms)
    flags: tuple
    where: Where


@dataclass
class Equations:
    """The parsed system, in the order written."""

    equations: list = field(default_factory=list)

    @property
    def state_variables(self) -> list[str]:
        return [eq.name for eq in self.equations if eq.kind in ("differential", "variable")]

    @property
    def subexpressions(self) -> list[str]:
        return [eq.name for eq in self.equations if eq.kind == "subexpression"]

    def __getitem__(self, name: str) -> Equation:
        return next(eq for eq in self.equations if eq.name == name)

    def derivatives(self) -> dict:
        """state variable -> its derivative with every subexpression substituted."""
        subs = {}
        for eq in self.equations:                       # subexpressions may use earlier ones
            if eq.kind == "subexpression":
                subs[sympy.Symbol(eq.name, real=True)] = eq.expr.xreplace(subs)
        return {eq.name: eq.expr.xreplace(subs) for eq in self.equations if eq.kind in ("differential", "variable")}

    def substitute(self, expr: sympy.Expr) -> sympy.Expr:
        """``expr`` with the subexpressions replaced by what they stand for."""
        subs = {}
        for eq in self.equations:
            if eq.kind == "subexpression":
                subs[sympy.Symbol(eq.name, real=True)] = eq.expr.xreplace(subs)
        return expr.xreplace(subs)


def _split_unit(rest: str, where: Where) -> tuple[str, str, tuple]:
    expr, colon, annotation = rest.rpartition(":")
    if not colon:
        raise ModelError(str(where), "needs a unit after a colon, e.g. `dv/dt = -v/tau : mV`")
    flags = ()
    match = re.match(r"^(.*?)\(([^()]*)\)\s*$", annotation.strip())
    if match:
        annotation, flag_text = match.group(1), match.group(2)
        flags = tuple(f.strip() for f in flag_text.split(",") if f.strip())
        for flag in flags:
            if flag not in FLAGS:
                raise ModelError(str(where), f"unknown flag {flag!r}; known: {', '.join(FLAGS)}")
    return expr, annotation.strip(), flags


def parse_equations(text: str, parameter_units: dict) -> Equations:
    """Parse and unit-check a system; ``parameter_units``: name -> Unit of every parameter."""
    if not isinstance(text, str):
        raise ModelError("equations", f"must be text (a line per equation), not {type(text).__name__}")
    lines = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append((number, line, raw))
    if not lines:
        raise ModelError("equations", "hold no equation")
    # first pass: names and units, so an equation may use a variable defined below it
    declared, units = [], dict(BUILTINS)
    units.update(parameter_units)
    for number, line, raw in lines:
        where = Where("equations", number, raw)
        match = _DIFFERENTIAL.match(line)
        kind = "differential" if match else "subexpression"
        match = match or _SUBEXPRESSION.match(line)
        if not match and _VARIABLE.match(line):           # `x : unit`: changed only by statements
            kind, match = "variable", _VARIABLE.match(line)
        if not match:
            raise ModelError(str(where), "must be `dx/dt = expr : unit`, `name = expr : unit` or `name : unit`")
        name, rest = match.group(1), match.group(2)
        if kind == "variable":
            rest = "0 " + rest                             # its derivative
        expr_text, unit_text, flags = _split_unit(rest, where)
        try:
            unit = parse_unit(unit_text)
        except ModelError:
            raise
        except ValueError as err:
            raise ModelError(str(where), str(err)) from None
        if name in units:
            what = "a parameter" if name in parameter_units else ("a built-in" if name in BUILTINS else
                                                                    "defined twice")
            raise ModelError(str(where), f"{name!r} is {what}")
        if kind in ("differential", "variable") and unit.scale != 1.0:
            raise ModelError(str(where), f"the state variable {name!r} must be in snnkit's units (ms, mV, nA "
                                         f"and their products: nF, uS, MOhm ...), not {unit_text!r}")
        units[name] = unit
        declared.append((kind, name, expr_text, unit, flags, where))
    for *_, expr_text, _unit, _flags, _where in declared:
        for noise in _NOISE.findall(expr_text):
            units.setdefault(noise, BUILTINS["xi"])
    out = Equations()
    for kind, name, expr_text, unit, flags, where in declared:
        expr = parse_expression(expr_text, where, set(units))
        got = unit_of(expr, units, where)
        want = unit / MS if kind in ("differential", "variable") else unit
        if not (expr.is_Number and expr == 0) and not got.same_dimension(want):
            raise ModelError(str(where), f"inconsistent units: the right-hand side is in {got}, but "
                                         f"{'d' + name + '/dt' if kind == 'differential' else name} must be "
                                         f"in {want}")
        out.equations.append(Equation(kind, name, strip_units(expr), unit, flags, where))
    # a subexpression must not depend on itself through others
    order = {}
    for eq in out.equations:
        if eq.kind == "subexpression":
            uses = {s.name for s in eq.expr.free_symbols} & set(out.subexpressions)
            later = [u for u in uses if u not in order]
            if later:
                raise ModelError(str(eq.where), f"uses the subexpression {later[0]!r} before it is defined")
            order[eq.name] = True
    return out
