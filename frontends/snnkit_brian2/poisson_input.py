"""Brian2's PoissonInput -> statements of the target group's snnkit model.

``PoissonInput(G, "x", N, rate, weight)`` adds ``weight * Binomial(N, rate*dt)`` to
``x`` of every neuron in Brian2's synapses slot of each step, drawn by its
BinomialFunction: a normal approximation ``loc + scale*randn()`` (a float, not
rounded) when N p > 5 and N (1 - p) > 5, else the exact binomial by inversion
(numpy's rk_binomial_inversion, with p > 0.5 drawn as N - Binomial(N, 1 - p) and
draws beyond ``bound = N P + 10 sqrt(N P q + 1)`` rejected). Here the inversion is
unrolled: X = sum over k < floor(bound) of (u > F(k)), F Binomial(N, P)'s CDF, one
uniform u per neuron and step (the mass beyond the bound, which Brian2 redraws,
is below 1e-20). The synapses slot comes after Brian2's thresholds and before
its resets, exactly where snnkit_brian2 delivers synapses' spikes, so the input is
added at the start of the next snnkit step with the same masks (snnkit_brian2.neurons).
"""

from __future__ import annotations

import ast

import numpy as np

from .code import pieces, unsupported


def binomial_expression(n: int, p: float, uniform: str) -> str:
    """A Brian2-syntax expression drawing Binomial(n, p) as Brian2's BinomialFunction
    does; ``uniform``: the name of a rand() draw made just before (inversion only)."""
    if n * p > 5 and n * (1 - p) > 5:
        loc, scale = n * p, np.sqrt(n * p * (1 - p))
        return f"({float(loc)!r} + {float(scale)!r}*randn())"
    reverse = p > 0.5
    P = 1.0 - p if reverse else p
    q = 1.0 - P
    bound = min(n, n * P + 10.0 * np.sqrt(n * P * q + 1))
    terms, px, cdf = [], np.exp(n * np.log(q)) if q > 0 else 0.0, 0.0
    for k in range(int(np.floor(bound))):
        cdf += px
        terms.append(f"int({uniform} > {float(cdf)!r})")
        px = (n - k) * P * px / ((k + 1) * q)
    count = " + ".join(terms) or "0"
    return f"({n} - ({count}))" if reverse else f"({count})"


class _Replace(ast.NodeTransformer):
    def __init__(self, name: str, text: str):
        self.name, self.text = name, text

    def visit_Call(self, node):
        if isinstance(node.func, ast.Name) and node.func.id == self.name and not node.args:
            return ast.parse(self.text, mode="eval").body
        return self.generic_visit(node)


def input_code(obj, k: int, dt_s: float) -> tuple:
    """(target variable, Brian2 code: the uniform draw and ``x += binomial*weight``) of
    the k-th PoissonInput of a group."""
    from brian2.input.binomial import BinomialFunction
    names = [name for name, var in obj.variables.items() if isinstance(var, BinomialFunction)]
    if len(names) != 1 or obj.when != "synapses":
        raise unsupported(f"a PoissonInput in the {obj.when!r} slot (snnkit adds it in Brian2's synapses slot)",
                          obj)
    if abs(float(obj.clock.dt_) - dt_s) > 1e-12 * dt_s:
        raise unsupported("a PoissonInput on another clock", obj)
    statements = [tree for _, tree in pieces(obj.abstract_code)]
    if len(statements) != 1 or not isinstance(statements[0], ast.AugAssign):
        raise unsupported(f"the PoissonInput code {obj.abstract_code.strip()!r}", obj)
    uniform = f"_pin{k}_u"
    p = float(obj.rate) * dt_s
    tree = _Replace(names[0], binomial_expression(int(obj.N), p, uniform)).visit(statements[0])
    code = ast.unparse(tree)
    if uniform in code:
        code = f"{uniform} = rand()\n{code}"
    return obj.target_var, code
