"""Print a sympy expression as code, one operation order for every target.

NumPy (the specification) and C (the kernels) must round alike, so both are
printed by this one walk of the expression tree: the same terms in the same
order, each binary operation explicit, integer powers as products, and only the
spelling of literals, function calls and conditions differing (``Target``).
Transcendental functions (exp, log, pow, sin, ...) are evaluated in double
precision and rounded once to the working type, in C and in NumPy alike, so
that float32 results agree bit for bit (as kernels/lif.c does for its exp);
sqrt, division and the arithmetic operators are correctly rounded everywhere
(OpenCL: -cl-fp32-correctly-rounded-divide-sqrt; CUDA: NVRTC's defaults).
"""

from __future__ import annotations

import sympy

# functions computed in double precision and rounded once (Target.call64)
DOUBLE_FUNCTIONS = {sympy.exp: "exp", sympy.log: "log", sympy.sin: "sin", sympy.cos: "cos",
                    sympy.tan: "tan", sympy.tanh: "tanh", sympy.sinh: "sinh", sympy.cosh: "cosh"}
MAX_PRODUCT_POWER = 8          # x**n, 2 <= n <= 8, is printed as the product x*x*...*x


class Target:
    """How one language spells what the walk produces."""

    def literal(self, value: float) -> str: ...
    def call64(self, function: str, argument: str) -> str: ...
    def pow64(self, base: str, exponent: str) -> str: ...
    def sqrt(self, argument: str) -> str: ...
    def absolute(self, argument: str) -> str: ...
    def minimum(self, a: str, b: str) -> str: ...
    def maximum(self, a: str, b: str) -> str: ...
    def logical(self, op: str, args: list) -> str: ...       # op: "and", "or", "not"
    def phi1(self, argument: str) -> str: ...
    def select(self, condition: str, a: str, b: str) -> str: ...


class Printer:
    """``Printer(target, names).doprint(expr)``; names: symbol name -> its spelling."""

    def __init__(self, target: Target, names: dict | None = None):
        self.target, self.names = target, names or {}

    def doprint(self, expr) -> str:
        return self.p(sympy.sympify(expr))

    # -- the walk ---------------------------------------------------------------
    def p(self, e) -> str:
        t = self.target
        if isinstance(e, sympy.Symbol):
            return self.names.get(e.name, e.name)
        if e is sympy.true or e is sympy.false:
            return t.literal_bool(bool(e))
        if isinstance(e, sympy.Number):
            if e.is_Integer or e.is_Rational or e.is_Float:
                return t.literal(float(e))
            raise ValueError(f"cannot print the number {e}")
        if isinstance(e, sympy.NumberSymbol):
            return t.literal(float(e))
        if isinstance(e, sympy.Add):
            return self.add(e)
        if isinstance(e, sympy.Mul):
            return self.mul(e)
        if isinstance(e, sympy.Pow):
            return self.pow(e)
        if isinstance(e, sympy.core.relational.Relational):
            return f"({self.p(e.lhs)} {e.rel_op} {self.p(e.rhs)})"
        if isinstance(e, sympy.And):
            return t.logical("and", [self.p(a) for a in e.args])
        if isinstance(e, sympy.Or):
            return t.logical("or", [self.p(a) for a in e.args])
        if isinstance(e, sympy.Not):
            return t.logical("not", [self.p(e.args[0])])
        if isinstance(e, (sympy.Min, sympy.Max)):
            args = [self.p(a) for a in e.args]
            out = args[0]
            for a in args[1:]:
                out = (t.minimum if isinstance(e, sympy.Min) else t.maximum)(out, a)
            return out
        if isinstance(e, sympy.Piecewise):
            out = None
            for value, condition in reversed(e.args):
                if out is None:
                    out = self.p(value)                      # the last branch: otherwise
                else:
                    out = t.select(self.p(condition), self.p(value), out)
            return out
        if isinstance(e, sympy.Abs):
            return t.absolute(self.p(e.args[0]))
        if isinstance(e, (sympy.floor, sympy.ceiling)):      # exact in every type
            return f"{'floor' if isinstance(e, sympy.floor) else 'ceil'}({self.p(e.args[0])})"
        if e.func in DOUBLE_FUNCTIONS:
            return t.call64(DOUBLE_FUNCTIONS[e.func], self.p(e.args[0]))
        if type(e).__name__ == "phi1":
            return t.phi1(self.p(e.args[0]))
        raise ValueError(f"`{e}` cannot be printed as code")

    def add(self, e) -> str:
        terms = e.as_ordered_terms()
        out = self.p(terms[0])
        for term in terms[1:]:
            if term.could_extract_minus_sign():
                out = f"{out} - {self.p(-term)}"
            else:
                out = f"{out} + {self.p(term)}"
        return f"({out})"

    def mul(self, e) -> str:
        coefficient, rest = e.as_coeff_Mul()
        if coefficient < 0:
            return f"(-{self.p(-e)})"
        numerator, denominator = [], []
        for factor in sympy.Mul.make_args(rest):
            if isinstance(factor, sympy.Pow) and factor.exp.is_Rational and factor.exp < 0:
                denominator.append(sympy.Pow(factor.base, -factor.exp, evaluate=False)
                                   if factor.exp != -1 else factor.base)
            else:
                numerator.append(factor)
        parts = ([] if coefficient == 1 else [self.p(coefficient)]) + [self.p(f) for f in numerator]
        out = " * ".join(parts) if parts else self.target.literal(1.0)
        if denominator:
            below = " * ".join(self.p(f) for f in denominator)
            out = f"{out} / ({below})" if len(denominator) > 1 else f"{out} / {below}"
        return f"({out})"

    def pow(self, e) -> str:
        base, exponent = e.base, e.exp
        t = self.target
        if exponent == sympy.Rational(1, 2):
            return t.sqrt(self.p(base))
        if exponent == -sympy.Rational(1, 2):
            return f"({t.literal(1.0)} / {t.sqrt(self.p(base))})"
        if exponent.is_Integer and 1 <= abs(int(exponent)) <= MAX_PRODUCT_POWER:
            b = self.p(base)
            product = "(" + " * ".join([b] * abs(int(exponent))) + ")"
            return product if exponent > 0 else f"({t.literal(1.0)} / {product})"
        if base == sympy.E:
            return t.call64("exp", self.p(exponent))
        return t.pow64(self.p(base), self.p(exponent))


class NumpyTarget(Target):
    """Python over NumPy arrays: literals are Python floats (NumPy casts them to the
    arrays' type), double-precision calls through ``_f64``."""

    def literal(self, value: float) -> str:
        return repr(float(value))

    def literal_bool(self, value: bool) -> str:
        return repr(value)

    def call64(self, function: str, argument: str) -> str:
        return f"_f64({function}, {argument})"

    def pow64(self, base: str, exponent: str) -> str:
        return f"_f64(power, {base}, {exponent})"

    def sqrt(self, argument: str) -> str:
        return f"sqrt({argument})"

    def absolute(self, argument: str) -> str:
        return f"absolute({argument})"

    def minimum(self, a: str, b: str) -> str:
        return f"minimum({a}, {b})"

    def maximum(self, a: str, b: str) -> str:
        return f"maximum({a}, {b})"

    def logical(self, op: str, args: list) -> str:
        if op == "not":
            return f"logical_not({args[0]})"
        out = args[0]
        for a in args[1:]:
            out = f"logical_{op}({out}, {a})"
        return out

    def phi1(self, argument: str) -> str:
        return f"_phi1({argument})"

    def select(self, condition: str, a: str, b: str) -> str:
        return f"_where({condition}, {a}, {b}, t)"          # in t's type, as C's (real) branches


class CTarget(Target):
    """The kernel dialect: every literal has the type ``real`` (hexadecimal, exact),
    double-precision calls cast in and out."""

    def literal(self, value: float) -> str:
        return f"((real){float(value).hex()})"

    def literal_bool(self, value: bool) -> str:
        return "1" if value else "0"

    def call64(self, function: str, argument: str) -> str:
        return f"((real){function}((double){argument}))"

    def pow64(self, base: str, exponent: str) -> str:
        return f"((real)pow((double){base}, (double){exponent}))"

    def sqrt(self, argument: str) -> str:
        return f"sqrt({argument})"

    def absolute(self, argument: str) -> str:
        return f"fabs({argument})"

    def minimum(self, a: str, b: str) -> str:
        return f"fmin({a}, {b})"

    def maximum(self, a: str, b: str) -> str:
        return f"fmax({a}, {b})"

    def logical(self, op: str, args: list) -> str:
        if op == "not":
            return f"(!{args[0]})"
        return "(" + f" {'&&' if op == 'and' else '||'} ".join(args) + ")"

    def phi1(self, argument: str) -> str:
        return f"phi1({argument})"

    def select(self, condition: str, a: str, b: str) -> str:
        return f"({condition} ? {a} : {b})"
