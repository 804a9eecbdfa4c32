"""What a synapse model computes at every step rather than at events
(snnkit.modeling.synapse_model): the ``update`` statements (clock-driven synapse
variables) and the ``summed`` expressions (a postsynaptic variable set to the sum over
its synapses), each checked against the bound model and made a Block for the code
generators."""

from __future__ import annotations

from .expressions import ModelError, RandSymbol, Where, parse_expression, strip_units, unit_of
from .program import Block, statements_block


def update_block(bound, statements: list):
    """(the update statements as one Block or None, the synapse variables they touch:
    those stay per synapse, synapse_layout.held_candidates)."""
    if not statements:
        return None, set()
    block = statements_block(statements, bound.equations.substitute)
    block.outputs = {x: n for x, n in block.outputs.items() if not x.startswith("_") or x in bound.variables}
    for st in statements:
        value = bound.equations.substitute(st.value())
        clash = sorted(({st.target} | {x.name for x in value.free_symbols}) & set(bound.event_driven))
        if clash:
            raise ModelError(str(st.where), f"the update touches the event-driven {clash[0]!r} (exact only at "
                                            "events; make it clock-driven: a plain variable the update changes)")
        if value.atoms(RandSymbol):
            raise ModelError(str(st.where), "rand() in the update is not available yet")
    return block, (set(block.outputs) | set(block.inputs)) & set(bound.variables)


def summed_blocks(bound, model, known: set) -> dict:
    """postsynaptic variable -> its summed expression as a one-step Block (``_summed``),
    unit-checked against the variable."""
    out = {}
    for target, text in model.summed_text.items():
        where = Where("summed", 1, f"{target} = {text}")
        if target not in bound.post_units:
            raise ModelError(str(where), f"{target!r} is not a variable of the postsynaptic neurons; known: "
                                         f"{', '.join(sorted(bound.post_units)) or 'none'}")
        expr = bound.equations.substitute(parse_expression(text, where, known))
        unit = unit_of(expr, bound.units, where)
        if not (expr.is_Number and expr == 0) and not unit.same_dimension(bound.post_units[target]):
            raise ModelError(str(where), f"is in {unit}, but {target} of the postsynaptic neurons is in "
                                         f"{bound.post_units[target]}")
        used = {s.name for s in expr.free_symbols} & set(bound.event_driven)
        if used:
            raise ModelError(str(where), f"reads the event-driven {sorted(used)[0]!r}, exact only at events")
        out[target] = Block([("_summed", strip_units(expr))], {"summed": "_summed"})
    return out
