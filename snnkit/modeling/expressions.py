"""Expressions and statements of the model language, parsed into sympy and unit-checked.

The syntax is Python's (``**`` for powers) with the functions in ``FUNCTIONS``.
Every name must be a parameter, a state variable, a subexpression, one of the
built-ins (``t``: time, ms; ``dt``: the step, ms) or a unit (units.NAMED, as
Brian2 writes them: ``13*mV``, ``0.32/(mV*ms)``; a model's own name wins over a
unit's). Numbers are dimensionless, so ``v - 1`` with v in mV is refused: write
``v - 1*mV``. ``strip_units`` turns the units into their factors once checked.
"""

from __future__ import annotations

import ast
import itertools
from dataclasses import dataclass

import sympy

from ..validation import SnnkitValueError
from .units import NAMED, ONE, Unit


class UnitSymbol(sympy.Symbol):
    """A unit written in an expression (``mV`` in ``13*mV``): its unit for unit_of,
    its factor to the coherent units for strip_units."""


def strip_units(expr):
    """``expr`` with each unit replaced by its factor to snnkit's coherent units."""
    if not isinstance(expr, sympy.Basic):
        return expr
    found = {s: sympy.Float(NAMED[s.name].scale) for s in expr.atoms(UnitSymbol)}
    return expr.xreplace(found) if found else expr

class RandSymbol(sympy.Symbol):
    """One ``rand()`` of the model text: a uniform draw in [0, 1), fresh for every
    neuron, instance and step (Philox, as the Poisson sources draw), each occurrence
    its own draw (Brian2's rand())."""

    def _sympystr(self, printer):
        return "rand()"


_RAND_COUNT = itertools.count()


def _rand():
    return RandSymbol(f"_rand_{next(_RAND_COUNT)}", real=True)


def _int(condition):
    """Brian2's int() of a condition: 1 where it holds, else 0."""
    return sympy.Piecewise((sympy.Integer(1), condition), (sympy.Integer(0), True))


FUNCTIONS = {"rand": _rand, "int": _int, "exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt, "sin": sympy.sin, "cos": sympy.cos,
             "tan": sympy.tan, "tanh": sympy.tanh, "sinh": sympy.sinh, "cosh": sympy.cosh, "abs": sympy.Abs,
             "clip": lambda x, low, high: sympy.Min(sympy.Max(x, low), high),
             "minimum": sympy.Min, "maximum": sympy.Max, "floor": sympy.floor, "ceil": sympy.ceiling}
DIMENSIONLESS_ARGUMENT = (sympy.exp, sympy.log, sympy.sin, sympy.cos, sympy.tan, sympy.tanh, sympy.sinh,
                          sympy.cosh)


class ModelError(SnnkitValueError):
    """An equation, condition or statement that cannot be accepted, with its line."""

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}")


@dataclass(frozen=True)
class Where:
    """The place of a piece of model text, for error messages."""

    part: str          # "equations", "threshold", "reset", "receptor excitatory", ...
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.part}, line {self.line}: `{self.text.strip()}`"


def parse_expression(text: str, where: Where, known: set) -> sympy.Expr:
    """Python-syntax text -> a sympy expression over real Symbols; unknown names refused."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        raise ModelError(str(where), f"not a valid expression ({err.msg})") from None
    names, calls = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                name = getattr(node.func, "id", ast.unparse(node.func))
                raise ModelError(str(where), f"unknown function {name!r}; known: {', '.join(FUNCTIONS)}")
            calls.add(node.func.id)
        elif isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, (ast.Attribute, ast.Subscript, ast.Lambda, ast.IfExp, ast.Starred)):
            raise ModelError(str(where), f"{type(node).__name__.lower()} is not part of the model language")
    units = {name for name in names - calls - set(known) if name in NAMED and name != "1"}
    unknown = sorted(names - calls - set(known) - units)
    if unknown:
        raise ModelError(str(where), f"unknown symbol {unknown[0]!r}; known: {', '.join(sorted(known)) or 'none'} "
                                     f"and the units {', '.join(n for n in NAMED if n != '1')}")
    symbols = {name: sympy.Symbol(name, real=True) for name in names - calls - units}
    symbols.update({name: UnitSymbol(name, positive=True) for name in units})
    namespace = dict(FUNCTIONS, _Eq=sympy.Eq, _Ne=sympy.Ne)
    namespace.update(symbols)
    source = ast.unparse(_translate(tree))
    try:
        return sympy.sympify(eval(compile(source, "<model>", "eval"), {"__builtins__": {}}, namespace))
    except (TypeError, ValueError, ZeroDivisionError) as err:
        raise ModelError(str(where), f"cannot be read as an expression ({err})") from None


def _comparison(left, op, right):
    """One comparison; == and != as sympy's Eq and Ne (Python's would compare the
    expressions' structure, to False, at once)."""
    if isinstance(op, (ast.Eq, ast.NotEq)):
        name = "_Eq" if isinstance(op, ast.Eq) else "_Ne"
        return ast.Call(ast.Name(name, ast.Load()), [left, right], [])
    return ast.Compare(left, [op], [right])


def _translate(tree):
    """and/or/not -> sympy's &, |, ~ (Python's would evaluate the truth of a Symbol);
    == and != -> sympy's Eq and Ne."""
    class Rewrite(ast.NodeTransformer):
        def visit_BoolOp(self, node):
            self.generic_visit(node)
            op = ast.BitAnd() if isinstance(node.op, ast.And) else ast.BitOr()
            out = node.values[0]
            for value in node.values[1:]:
                out = ast.BinOp(out, op, value)
            return out

        def visit_UnaryOp(self, node):
            self.generic_visit(node)
            if isinstance(node.op, ast.Not):
                return ast.UnaryOp(ast.Invert(), node.operand)
            return node

        def visit_Compare(self, node):
            self.generic_visit(node)
            parts = [_comparison(left, op, right) for left, op, right in
                     zip([node.left] + node.comparators[:-1], node.ops, node.comparators)]
            out = parts[0]
            for part in parts[1:]:
                out = ast.BinOp(out, ast.BitAnd(), part)
            return out
    return ast.fix_missing_locations(Rewrite().visit(tree))


def unit_of(expr, units: dict, where: Where) -> Unit:
    """The unit of a sympy expression, given the unit of every symbol; an inconsistent
    sum, a dimensioned exponent or a function of a dimensioned argument is refused,
    naming the term."""
    if isinstance(expr, UnitSymbol):
        return NAMED[expr.name]
    if isinstance(expr, RandSymbol):
        return ONE
    if isinstance(expr, sympy.Piecewise):
        branches = [unit_of(e, units, where) for e, c in expr.args]
        for _, c in expr.args:
            unit_of(c, units, where)
        dimensioned = [u for (e, _), u in zip(expr.args, branches) if not (e.is_Number and e == 0)]
        return dimensioned[0] if dimensioned else ONE
    if isinstance(expr, sympy.Symbol):
        return units[expr.name]
    if expr.is_Number or isinstance(expr, (sympy.logic.boolalg.BooleanAtom,)) or expr in (sympy.pi, sympy.E):
        return ONE
    if isinstance(expr, sympy.Add):
        terms = [(term, unit_of(term, units, where)) for term in expr.args]
        dimensioned = [(t, u) for t, u in terms if not (t.is_Number and t == 0)]
        first, first_unit = dimensioned[0]
        for term, unit in dimensioned[1:]:
            if not unit.same_dimension(first_unit):
                raise ModelError(str(where), f"inconsistent units: the term `{term}` is in {unit} but "
                                             f"`{first}` is in {first_unit}")
        return first_unit
    if isinstance(expr, sympy.Mul):
        out = ONE
        for factor in expr.args:
            out = out * unit_of(factor, units, where)
        return out
    if isinstance(expr, sympy.Pow):
        base, exponent = expr.args
        if not unit_of(exponent, units, where).dimensionless:
            raise ModelError(str(where), f"the exponent `{exponent}` must be dimensionless")
        base_unit = unit_of(base, units, where)
        if base_unit.dimensionless:
            return ONE
        if not exponent.is_Rational:
            raise ModelError(str(where), f"`{base}` (in {base_unit}) may only be raised to a constant power")
        return base_unit ** sympy.Rational(exponent)
    if isinstance(expr, sympy.Function):
        if isinstance(expr, DIMENSIONLESS_ARGUMENT):
            for arg in expr.args:
                unit = unit_of(arg, units, where)
                if not unit.dimensionless:
                    raise ModelError(str(where), f"the argument `{arg}` of {expr.func.__name__} must be "
                                                 f"dimensionless, not {unit}")
            return ONE
        if isinstance(expr, (sympy.Abs, sympy.floor, sympy.ceiling)):
            return unit_of(expr.args[0], units, where)
    if isinstance(expr, (sympy.Min, sympy.Max)):
        return unit_of(sympy.Add(*[a for a in expr.args]), units, where)
    if isinstance(expr, sympy.core.relational.Relational):
        left, right = unit_of(expr.lhs, units, where), unit_of(expr.rhs, units, where)
        zero = expr.rhs == 0 or expr.lhs == 0
        if not zero and not left.same_dimension(right):
            raise ModelError(str(where), f"compares `{expr.lhs}` ({left}) with `{expr.rhs}` ({right})")
        return ONE
    if isinstance(expr, (sympy.And, sympy.Or, sympy.Not)):
        for arg in expr.args:
            unit_of(arg, units, where)
        return ONE
    raise ModelError(str(where), f"`{expr}` is not part of the model language")


@dataclass(frozen=True)
class Statement:
    """``target op= expr`` of a reset or a receptor: op is "=", "+=", "-=", "*=" or "/="."""

    target: str
    op: str
    expr: sympy.Expr
    where: Where

    def value(self) -> sympy.Expr:
        """The new value of the target as one expression."""
        x = sympy.Symbol(self.target, real=True)
        return {"=": self.expr, "+=": x + self.expr, "-=": x - self.expr,
                "*=": x * self.expr, "/=": x / self.expr}[self.op]


def parse_statements(text: str, part: str, known: set, writable: set, units: dict,
                     infer: str | None = None, temporaries: bool = False) -> list[Statement]:
    """Lines (or ``;``-separated parts) of ``name op= expr``, unit-checked. ``infer``: a
    symbol whose unit is not known yet (a receptor's weight): the first statement using it
    fixes it (it must appear linearly) and ``units`` gets it. ``temporaries``: a target
    named ``_name`` that is not writable is a temporary of these statements (its unit that
    of its first value; later statements read it), as Brian2's abstract code writes
    ``_v = ...; v = _v``."""
    known, writable = set(known), set(writable)
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        for piece in line.split(";"):
            if not piece.strip() or piece.strip().startswith("#"):
                continue
            where = Where(part, number, piece)
            for op in ("+=", "-=", "*=", "/=", "="):
                left, sep, right = piece.partition(op)
                if sep and (op != "=" or not left.rstrip().endswith(("<", ">", "!", "="))):
                    break
            else:
                raise ModelError(str(where), "must be a statement `name = expr` (or +=, -=, *=, /=)")
            target = left.strip()
            if temporaries and target not in writable and target.startswith("_") and target.isidentifier() \
                    and op == "=":
                expr = parse_expression(right, where, known)
                units[target] = unit_of(expr, units, where)
                known.add(target)
                writable.add(target)
                out.append(Statement(target, op, strip_units(expr), where))
                continue
            if target not in writable:
                raise ModelError(str(where), f"{target!r} cannot be assigned; it must be a state variable "
                                             f"({', '.join(sorted(writable)) or 'none'})")
            expr = parse_expression(right, where, known)
            if infer is not None and infer not in units and sympy.Symbol(infer, real=True) in expr.free_symbols:
                units[infer] = _inferred_unit(expr, infer, target, op, units, where)
            unit = unit_of(expr, units, where)
            if op in ("*=", "/="):
                if not unit.dimensionless:
                    raise ModelError(str(where), f"{op} needs a dimensionless factor, not {unit}")
            elif not (expr.is_Number and expr == 0) and not unit.same_dimension(units[target]):
                raise ModelError(str(where), f"inconsistent units: {target} is in {units[target]} but "
                                             f"`{expr}` is in {unit}")
            out.append(Statement(target, op, strip_units(expr), where))
    return out


def _inferred_unit(expr, name: str, target: str, op: str, units: dict, where: Where) -> Unit:
    """The unit ``name`` must have for ``target op= expr`` to be consistent."""
    symbol = sympy.Symbol(name, real=True)
    factor = sympy.diff(expr, symbol)
    if symbol in factor.free_symbols or op in ("*=", "/="):
        raise ModelError(str(where), f"`{name}` must enter linearly (`{target} += {name} * ...`)")
    return units[target] / unit_of(factor, units, where)
