"""A model's step as blocks of SSA assignments: what every code generator emits.

A ``Block`` is a list of ``(name, expr)`` assignments, each using the inputs and
earlier names, and ``outputs`` (state variable -> the name holding its new
value). A model's ``Program`` has, in the order of one step (numpy_group):

receive[r]  the statements of receptor r (the arriving weight is an input)
update      the integrator's step (snnkit.modeling.integrators)
threshold   one assignment, ``_spiked``, a condition
reset       the reset statements

Statements run one after another, each seeing the ones before it; subexpressions
are substituted everywhere. A transcendental function of an indicator (Brian2's
exact solution of an ``(unless refractory)`` equation takes
``exp(-dt*int(not_refractory)/tau)``) is split into the indicator's two cases, each
with its constants folded (split_indicators): the kernels and the NumPy
specification then evaluate no exp of a 0/1 switch per neuron and step. ``inputs`` of a block are the symbols it reads that
are not its own names: state variables, parameters, host constants and built-ins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy


TRANSCENDENTAL = (sympy.exp, sympy.log, sympy.sin, sympy.cos, sympy.tan, sympy.tanh, sympy.sinh, sympy.cosh)


def _indicator(expr) -> bool:
    """Piecewise((1, condition), (0, True)): int() of a condition."""
    return isinstance(expr, sympy.Piecewise) and len(expr.args) == 2 and expr.args[0][0] == 1 \
        and expr.args[1][0] == 0 and expr.args[1][1] == sympy.true


def split_indicators(expr, most: int = 2):
    """``expr`` as Piecewise((expr with the indicator 1, its condition), (expr with it 0,
    True)) for each indicator that a transcendental function's argument holds (at most
    ``most`` distinct ones, else unchanged): the functions of constants fold to numbers."""
    found = {pw for f in expr.atoms(*TRANSCENDENTAL) for pw in f.atoms(sympy.Piecewise) if _indicator(pw)}
    if not found or len(found) > most:
        return expr
    indicator = sorted(found, key=sympy.default_sort_key)[0]
    one = split_indicators(expr.xreplace({indicator: sympy.Integer(1)}), most - 1)
    zero = split_indicators(expr.xreplace({indicator: sympy.Integer(0)}), most - 1)
    return sympy.Piecewise((one, indicator.args[0][1]), (zero, True))


@dataclass
class Block:
    steps: list = field(default_factory=list)       # (name, sympy expr)
    outputs: dict = field(default_factory=dict)     # state variable -> name of its new value

    @property
    def inputs(self) -> list:
        own = {n for n, _ in self.steps}
        return sorted({s.name for _, e in self.steps for s in e.free_symbols} - own)

    def __bool__(self) -> bool:
        return bool(self.steps)


def statements_block(statements, substitute) -> Block:
    """Statements (expressions.Statement) as one block, each seeing the ones before."""
    block, latest = Block(), {}
    for k, st in enumerate(statements):
        value = substitute(st.value()).xreplace({sympy.Symbol(t, real=True): sympy.Symbol(v, real=True)
                                                 for t, v in latest.items()})
        block.steps.append((f"_{st.target}_{k}", value))
        latest[st.target] = f"_{st.target}_{k}"
    block.outputs = dict(latest)
    return block


class Program:
    """The blocks of one EquationModel."""

    def __init__(self, model):
        substitute = model.equations.substitute
        self.receive = [statements_block(s, substitute) for s in model.receptors.values()]
        self.update = Block(list(model.update.steps), dict(model.update.outputs))
        self.threshold = Block()
        if model.threshold is not None:
            self.threshold = Block([("_spiked", substitute(model.threshold))], {"spiked": "_spiked"})
        self.reset = statements_block(model.reset, substitute)
        self.reset.outputs = {x: name for x, name in self.reset.outputs.items() if x in model.state_variables}
        self.noise_inputs = list(model.update.noise_inputs)
        # every rand() of the model: one uniform draw each per neuron and step
        from .expressions import RandSymbol
        draws = set()
        for block in self.blocks():
            for _, expr in block.steps:
                draws |= {s.name for s in expr.atoms(RandSymbol)}
        self.uniform_inputs = sorted(draws, key=lambda name: int(name.rsplit("_", 1)[1]))
        self.held = tuple(model.held)
        self.state_variables = tuple(model.state_variables)
        for block in self.blocks():
            block.steps = [(name, split_indicators(expr)) for name, expr in block.steps]

    def blocks(self) -> list:
        return [*self.receive, self.update, self.threshold, self.reset]

    def inputs(self) -> set:
        """Every symbol some block reads from outside it."""
        return set().union(*[b.inputs for b in self.blocks()])
