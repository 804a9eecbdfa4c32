"""Units of the model layer: dimensions over (time, voltage, current) and a scale.

snnkit's coherent unit system is ms, mV, nA: then nF = nA ms / mV, uS = nA / mV,
MOhm = mV / nA, and every product of them needs no conversion factor (1 nA x
1 MOhm = 1 mV; 1 nF x 1 mV / 1 ms = 1 nA). A unit is a dimension (exponents of
time, voltage, current) and the factor that converts a value in it to the
coherent units: Hz = 1/s = 0.001 / ms has scale 0.001, pA has scale 0.001.

Units are written as products and quotients of the names below, with integer
powers: ``"mV"``, ``"nA/mV"``, ``"1/ms"``, ``"mV/ms"``, ``"ms**-1"``, ``"1"``.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from fractions import Fraction

from ..validation import SnnkitValueError


@dataclass(frozen=True)
class Unit:
    """A dimension (exponents of ms, mV, nA) and the factor to the coherent units."""

    time: Fraction = Fraction(0)
    voltage: Fraction = Fraction(0)
    current: Fraction = Fraction(0)
    scale: float = 1.0

    @property
    def dimension(self) -> tuple:
        return (self.time, self.voltage, self.current)

    @property
    def dimensionless(self) -> bool:
        return self.dimension == (0, 0, 0)

    def __mul__(self, other: "Unit") -> "Unit":
        return Unit(self.time + other.time, self.voltage + other.voltage, self.current + other.current,
                    self.scale * other.scale)

    def __truediv__(self, other: "Unit") -> "Unit":
        return self * other ** -1

    def __pow__(self, power) -> "Unit":
        power = Fraction(power)
        return Unit(self.time * power, self.voltage * power, self.current * power,
                    float(self.scale ** float(power)))

    def same_dimension(self, other: "Unit") -> bool:
        return self.dimension == other.dimension

    def __str__(self) -> str:
        names = (("ms", self.time), ("mV", self.voltage), ("nA", self.current))
        parts = [name if e == 1 else f"{name}**{e}" for name, e in names if e != 0]
        text = " ".join(parts) or "1"
        return text if self.scale == 1.0 else f"{self.scale:g} {text}"


ONE = Unit()
MS, MV, NA = Unit(time=Fraction(1)), Unit(voltage=Fraction(1)), Unit(current=Fraction(1))
NAMED = {
    "1": ONE, "ms": MS, "mV": MV, "nA": NA,
    "s": Unit(time=Fraction(1), scale=1000.0), "us": Unit(time=Fraction(1), scale=1e-3),
    "V": Unit(voltage=Fraction(1), scale=1000.0),
    "pA": Unit(current=Fraction(1), scale=1e-3), "uA": Unit(current=Fraction(1), scale=1e3),
    "nF": NA * MS / MV, "pF": (NA * MS / MV) ** 1 * Unit(scale=1e-3), "uF": NA * MS / MV * Unit(scale=1e3),
    "uS": NA / MV, "nS": NA / MV * Unit(scale=1e-3), "mS": NA / MV * Unit(scale=1e3),
    "MOhm": MV / NA, "GOhm": MV / NA * Unit(scale=1e3),
    "Hz": Unit(time=Fraction(-1), scale=1e-3), "kHz": Unit(time=Fraction(-1)),
}


def parse_unit(text) -> Unit:
    """A unit string (see the module docstring) -> Unit; an unknown name is an error."""
    if isinstance(text, Unit):
        return text
    if not isinstance(text, str) or not text.strip():
        raise SnnkitValueError(f"unit = {text!r} is not allowed: must be a unit such as 'mV', 'nA/mV' or '1'")
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise SnnkitValueError(f"unit = {text!r} is not allowed: not a product or quotient of unit names "
                               f"({', '.join(NAMED)})") from None

    def evaluate(node) -> Unit:
        if isinstance(node, ast.Name) and node.id in NAMED:
            return NAMED[node.id]
        if isinstance(node, ast.Constant) and node.value == 1:
            return ONE
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
            left, right = evaluate(node.left), evaluate(node.right)
            return left * right if isinstance(node.op, ast.Mult) else left / right
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exponent = node.right
            sign = 1
            if isinstance(exponent, ast.UnaryOp) and isinstance(exponent.op, ast.USub):
                sign, exponent = -1, exponent.operand
            if isinstance(exponent, ast.Constant) and isinstance(exponent.value, int):
                return evaluate(node.left) ** (sign * exponent.value)
        name = getattr(node, "id", ast.unparse(node))
        raise SnnkitValueError(f"unit = {text!r} is not allowed: {name!r} is not a unit; known: "
                               f"{', '.join(NAMED)} (products, quotients and integer powers)")
    return evaluate(tree)
