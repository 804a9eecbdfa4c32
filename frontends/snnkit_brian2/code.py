"""Brian2's abstract code -> the statements of snnkit's model language.

Brian2's own machinery writes the code (its state updaters integrate the
equations, its thresholder and resetter wrap the user's strings); this module
only respells it. Every value is in SI base units, as Brian2 holds it, so the
snnkit model is dimensionless (unit "1" throughout) and computes on the same
numbers Brian2 does:

- a constant the code object resolved (an external name, a unit, ``N``) becomes
  its float literal (``repr``, exact);
- ``dt`` becomes the clock's step in seconds (a literal), ``t`` the time in
  seconds, ``(t*0.001/ms)`` (snnkit's t is in ms);
- a boolean variable is a 0/1 float: read as ``(b > 0.5)`` where a condition is
  wanted, ``int(b > 0.5)`` in arithmetic; assigned ``int(condition)``;
- ``randn()`` becomes a Box-Muller pair of rand() draws, ``timestep(x, dt)``
  ``floor((x + 1e-3*dt)/dt)`` (Brian2's definition);
- ``i`` (the neuron's index) is a state variable holding it, ``_index``.

A TimedArray of t (or of t and i) is a model parameter that the run changes where the
array's value does (snnkit_brian2.timed). Anything else (a user function, an unknown name) raises
NotImplementedError naming it and the object.
"""

from __future__ import annotations

import ast

import numpy as np

FUNCTIONS = {"exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sinh", "cosh", "abs", "clip", "int", "rand",
             "floor", "ceil", "minimum", "maximum"}
RENAMED_FUNCTIONS = {"exp": "exp", "log": "log", "sqrt": "sqrt", "sin": "sin", "cos": "cos", "tan": "tan",
                     "tanh": "tanh", "sinh": "sinh", "cosh": "cosh", "abs": "abs", "clip": "clip",
                     "floor": "floor", "ceil": "ceil", "minimum": "minimum", "maximum": "maximum"}
# Brian2's functions that snnkit's model language writes with its own
COMPOSED = {"exprel": "((exp({x}) - 1.0)/(({x}) + int(({x}) == 0.0)) + int(({x}) == 0.0))",
            "expm1": "(exp({x}) - 1.0)", "log1p": "log(1.0 + ({x}))",
            "log10": "(log({x})/2.302585092994046)", "sign": "(int(({x}) > 0.0) - int(({x}) < 0.0))"}
INDEX = "_index"
T_SECONDS = "(t*0.001/ms)"


class Unsupported(NotImplementedError):
    pass


def unsupported(feature: str, owner) -> Unsupported:
    name = getattr(owner, "name", owner)
    return Unsupported(f"snnkit_brian2 cannot run {feature} (in {name!r}); run this script on Brian2's own "
                       f"devices, or leave that feature out")


class Names:
    """How each identifier of one object's code is spelled: ``state`` (name -> is
    boolean) the variables the snnkit model holds, ``constants`` name -> value."""

    def __init__(self, owner, state: dict, constants: dict, dt_seconds: float, suffixes: dict | None = None,
                 t0_seconds: float = 0.0):
        self.owner, self.state, self.constants, self.dt = owner, state, constants, dt_seconds
        # snnkit's t counts from the run's start, in ms; Brian2's from 0, in s
        self.t_text = f"(t*0.001/ms + {float(t0_seconds)!r})" if t0_seconds else T_SECONDS
        self.suffixes = suffixes or {}         # e.g. {"v_post": "v_post"} for synapse code
        self.temporaries = set()               # names the code assigns that are not state (xi = ...)
        self.timed = {}                        # parameter -> (TimedArray, per neuron): snnkit_brian2.timed


def literal(value) -> str:
    value = np.asarray(value).item() if np.ndim(value) == 0 else value
    if isinstance(value, (bool, np.bool_)):
        return "1.0" if value else "0.0"
    if isinstance(value, (int, np.integer)):
        return repr(float(value))
    value = float(value)
    if not np.isfinite(value):
        return "(1e308*10)" if value > 0 else "(-1e308*10)" if value < 0 else "(0.0)"
    return f"({value!r})"


class _Spell(ast.NodeTransformer):
    def __init__(self, names: Names):
        self.names = names
        self.condition_depth = 0

    # a boolean variable read where a condition is wanted vs. in arithmetic
    def _visit_condition(self, node):
        self.condition_depth += 1
        try:
            return self.visit(node)
        finally:
            self.condition_depth -= 1

    def _visit_value(self, node):
        saved, self.condition_depth = self.condition_depth, 0
        try:
            return self.visit(node)
        finally:
            self.condition_depth = saved

    def visit_BoolOp(self, node):
        node.values = [self._visit_condition(v) for v in node.values]
        return node

    def visit_UnaryOp(self, node):
        if isinstance(node.op, ast.Not):
            node.operand = self._visit_condition(node.operand)
        else:
            node.operand = self._visit_value(node.operand)
        return node

    def visit_Compare(self, node):
        node.left = self._visit_value(node.left)
        node.comparators = [self._visit_value(c) for c in node.comparators]
        return node

    def visit_BinOp(self, node):
        if isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Constant) \
                and isinstance(node.right.value, (int, float)) and not isinstance(node.right.value, bool) \
                and float(node.right.value).is_integer():
            # a whole exponent stays an integer: the model language's units allow (t in ms)**2
            node.left, node.right = self._visit_value(node.left), ast.Constant(int(node.right.value))
            return node
        node.left, node.right = self._visit_value(node.left), self._visit_value(node.right)
        if isinstance(node.op, (ast.Mod, ast.FloorDiv)):   # Python's (and Brian2's): the sign of b
            a, b = ast.unparse(node.left), ast.unparse(node.right)
            q = _floor_quotient(a, b)
            return _expr(q if isinstance(node.op, ast.FloorDiv) else f"(({a}) - ({b})*{q})")
        return node

    def visit_Name(self, node):
        name, names = node.id, self.names
        if name == "dt":
            return _expr(literal(names.dt))
        if name == "t":
            return _expr(self.names.t_text)
        if name in ("i", "_idx", "_vectorisation_idx"):
            return _expr(INDEX)
        if name in names.state:
            spelled = names.suffixes.get(name, name)
            if names.state[name]:                     # boolean
                text = f"({spelled} > 0.5)" if self.condition_depth else f"int({spelled} > 0.5)"
                return _expr(text)
            return ast.Name(spelled, ast.Load())
        if name in names.constants:
            value = names.constants[name]
            if self.condition_depth and isinstance(value, (bool, np.bool_)):
                return _expr(_constant_condition(bool(value)))
            return _expr(literal(value))
        if name in ("True", "False"):
            if self.condition_depth:
                return _expr(_constant_condition(name == "True"))
            return _expr("1.0" if name == "True" else "0.0")
        if name.startswith("_"):                       # a temporary of the code (``_v = ...; v = _v``)
            return node
        if name in names.temporaries:                  # Brian2's auxiliary variables (xi = dt**.5*randn())
            return ast.Name(f"_tmp_{name}", ast.Load())
        raise unsupported(f"the name {name!r} (a variable snnkit does not hold for this object)", names.owner)

    def visit_Constant(self, node):
        if isinstance(node.value, bool):
            if self.condition_depth:
                return _expr(_constant_condition(node.value))
            return _expr("1.0" if node.value else "0.0")
        if isinstance(node.value, (int, float)):
            return _expr(literal(node.value))
        raise unsupported(f"the constant {node.value!r}", self.names.owner)

    def visit_Call(self, node):
        if not isinstance(node.func, ast.Name):
            raise unsupported(f"the call {ast.unparse(node)!r}", self.names.owner)
        fn = node.func.id
        if fn == "rand" and not node.args:
            return node
        if fn in COMPOSED and len(node.args) == 1:
            x = ast.unparse(self._visit_value(node.args[0]))
            return _expr(COMPOSED[fn].format(x=x))
        if fn == "randn" and not node.args:
            return _expr("(sqrt(-2.0*log(1.0 - rand()))*cos(6.283185307179586*rand()))")
        if fn == "timestep" and len(node.args) == 2:
            x, step = (ast.unparse(self._visit_value(a)) for a in node.args)
            return _expr(f"floor(({x} + 0.001*{step})/{step})")
        if fn == "int" and len(node.args) == 1:
            arg = node.args[0]
            if _is_condition(arg, self.names):
                node.args = [self._visit_condition(arg)]
                return node
            x = ast.unparse(self._visit_value(arg))            # C's int(): towards zero
            return _expr(f"(floor(abs({x}))*(2*int(({x}) >= 0) - 1))")
        if fn in ("bool",) and len(node.args) == 1:
            return self._visit_condition(node.args[0])
        from brian2 import TimedArray
        if isinstance(self.names.constants.get(fn), TimedArray):
            from .timed import timed_parameter
            return ast.Name(timed_parameter(fn, node, self.names), ast.Load())
        if fn in RENAMED_FUNCTIONS:
            node.args = [self._visit_value(a) for a in node.args]
            node.func = ast.Name(RENAMED_FUNCTIONS[fn], ast.Load())
            return node
        raise unsupported(f"the function {fn}() (a TimedArray or user function; snnkit's model language "
                          f"knows {', '.join(sorted(FUNCTIONS | set(COMPOSED) | {'randn', 'timestep'}))})", self.names.owner)

    def generic_visit(self, node):
        if isinstance(node, (ast.Attribute, ast.Subscript, ast.IfExp, ast.Lambda)):
            raise unsupported(f"the expression {ast.unparse(node)!r}", self.names.owner)
        return super().generic_visit(node)


def _floor_quotient(a: str, b: str) -> str:
    """floor(a/b) as Python computes it. A literal divisor becomes a multiplication by
    its rounded reciprocal in the model language (98*(1/98) < 1), so the quotient is
    corrected by the remainder, which must lie in [0, b) (b > 0) or (b, 0] (b < 0)."""
    q = f"floor(({a})/({b}))"
    try:
        divisor = float(ast.literal_eval(b))
    except (ValueError, SyntaxError):
        return q                                     # a true division by a variable
    r = f"(({a}) - ({b})*{q})"
    if divisor > 0:
        return f"({q} + int({r} >= ({b})) - int({r} < 0))"
    return f"({q} + int({r} <= ({b})) - int({r} > 0))"


def _constant_condition(value: bool) -> str:
    """True or False as a condition on the state (snnkit's model language has no
    constant conditions)."""
    return f"({INDEX} >= 0)" if value else f"({INDEX} < 0)"


def _expr(text: str):
    return ast.parse(text, mode="eval").body


def _is_condition(node, names: Names) -> bool:
    if isinstance(node, (ast.Compare, ast.BoolOp)) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
        return True
    if isinstance(node, ast.Name) and names.state.get(node.id):
        return True
    return isinstance(node, ast.Constant) and isinstance(node.value, bool)


def expression(text: str, names: Names, condition: bool = False) -> str:
    """One Brian2 expression, respelled; ``condition``: it is a condition (threshold)."""
    tree = ast.parse(text.strip(), mode="eval").body
    speller = _Spell(names)
    out = speller._visit_condition(tree) if condition else speller._visit_value(tree)
    return ast.unparse(out)


def statements(code: str, names: Names) -> list[str]:
    """Brian2 abstract code (lines of ``x = e``, ``x += e``, ...; ``;`` allowed) -> snnkit
    statements. A boolean target is assigned int(condition)."""
    out = []
    for piece, tree in pieces(code):
        if isinstance(tree, ast.Assign) and len(tree.targets) == 1 and isinstance(tree.targets[0], ast.Name):
            target, op, value = tree.targets[0].id, "=", tree.value
        elif isinstance(tree, ast.AugAssign) and isinstance(tree.target, ast.Name):
            target, value = tree.target.id, tree.value
            op = {ast.Add: "+=", ast.Sub: "-=", ast.Mult: "*=", ast.Div: "/="}.get(type(tree.op))
            if op is None:
                raise unsupported(f"the statement {piece.strip()!r}", names.owner)
        else:
            raise unsupported(f"the statement {piece.strip()!r}", names.owner)
        spelled = names.suffixes.get(target, target)
        if target in names.state and names.state[target]:
            if op != "=":
                raise unsupported(f"{op} on the boolean {target!r}", names.owner)
            text = ast.unparse(_Spell(names)._visit_condition(value))
            out.append(f"{spelled} = int({text})")
            continue
        if not (target in names.state or target.startswith("_")):
            if op != "=":
                raise unsupported(f"an assignment to {target!r}", names.owner)
            names.temporaries.add(target)
            spelled = f"_tmp_{target}"
        if _is_condition(value, names):
            text = f"int({ast.unparse(_Spell(names)._visit_condition(value))})"
        else:
            text = ast.unparse(_Spell(names)._visit_value(value))
        out.append(f"{spelled} {op} {text}")
    return out


def _split(line: str) -> list[str]:
    line = line.split("#", 1)[0]
    return [p for p in line.split(";") if p.strip()]


def pieces(code: str) -> list:
    """The statements of Brian2 code (lines, ``;``-separated parts, ``#`` comments) as
    (text, ast statement)."""
    return [(piece.strip(), ast.parse(piece.strip()).body[0]) for line in code.splitlines() for piece in _split(line)]


def identifiers(code: str) -> set:
    return {node.id for _, tree in pieces(code) for node in ast.walk(tree) if isinstance(node, ast.Name)}


BUILTIN_NAMES = {"t", "dt", "i", "_idx", "_vectorisation_idx", "True", "False"} | FUNCTIONS | set(COMPOSED) \
    | {"randn", "timestep", "bool"}


def resolve_constants(owner, texts, known: set, namespace: dict) -> dict:
    """name -> value (SI) of every identifier of ``texts`` that is none of ``known`` and no
    built-in: Brian2 resolves it (the object's variables, then the run's namespace); a
    resolved variable that snnkit does not hold, or a function it does not know, is
    Unsupported."""
    from brian2 import TimedArray
    from brian2.core.functions import Function
    from brian2.core.variables import Constant
    wanted = set()
    for text in texts:
        wanted |= identifiers(text)
    wanted -= known | BUILTIN_NAMES | assigned(texts)
    wanted = {name for name in wanted if not name.startswith("_")}      # the code's own temporaries
    if not wanted:
        return {}
    resolved = owner.resolve_all(sorted(wanted), namespace)
    out = {}
    for name, value in resolved.items():
        if isinstance(value, Constant):
            out[name] = value.value
        elif isinstance(value, TimedArray):
            out[name] = value                       # snnkit_brian2.timed
        elif isinstance(value, Function):
            raise unsupported(f"the function {name}() (a TimedArray or a user function)", owner)
        else:
            raise unsupported(f"the variable {name!r} ({type(value).__name__}: e.g. a linked variable or "
                              f"another group's variable)", owner)
    return out


def assigned(texts) -> set:
    """The names the statements of ``texts`` assign (``x = ...``)."""
    return {t.id for text in texts for _, tree in pieces(text) if isinstance(tree, ast.Assign)
            for t in tree.targets if isinstance(t, ast.Name)}
