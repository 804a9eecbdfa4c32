"""Where a synapse model's variables are held, and the blocks of its events for that.

A variable that only the presynaptic side changes, from values the presynaptic
side holds (itself, other such variables, parameters, t), is the same in every
synapse of one presynaptic neuron: a presynaptic trace of an all-to-all STDP rule
(``apre += 1``), the resources of Tsodyks-Markram depression. Held once per
presynaptic neuron (GeNN's presynaptic variables; the hand-written STDP's traces)
it costs one value per neuron instead of one per synapse, and an event reads it
once per spike instead of once per synapse. Likewise per postsynaptic neuron for
what only on_post changes. ``held_candidates`` finds such variables from the
model; the lowering then keeps those whose parameters and initial values are the
same in every synapse and whose side has one delay (snnkit.lower_synapse_models),
since a neuron's value serves all its synapses only if they see its spikes at the
same time.

A holder's event-driven variables advance from its own last update: a synapse's
at each of its events (``lastupdate``), a neuron's at the events of its side
(``_lastupdate_pre`` / ``_lastupdate_post``). An event's block (``SynapseLayout``)
computes every value the model's statements do, but writes back only the synapse's
own; the neuron-held values are written by ``update_pre`` / ``update_post``, run
once per spike after the synapses' events of that side (the same expressions in
the same order, so the same values the synapses saw).
"""

from __future__ import annotations

import sympy

from .expressions import RandSymbol
from .program import Block

SYNAPSE, PRE, POST = "synapse", "pre", "post"
LASTUPDATE = {SYNAPSE: "lastupdate", PRE: "_lastupdate_pre", POST: "_lastupdate_post"}
_ELAPSED = {SYNAPSE: "_elapsed", PRE: "_elapsed_pre", POST: "_elapsed_post"}
_DT_EVENT = sympy.Symbol("_dt_event", real=True)


def _names(expr) -> set:
    names = {s.name for s in expr.free_symbols}
    return names | ({"rand()"} if expr.atoms(RandSymbol) else set())


def held_candidates(bound) -> tuple[set, set]:
    """(presynaptic, postsynaptic) candidates: the variables that can be held per
    neuron, judged from the model alone."""
    if not bound.model.per_neuron:
        return set(), set()
    shared = set(bound.model.specs) | {"t", "dt"}
    statements = {PRE: bound.pre_statements, POST: bound.post_statements}
    assigned = {side: {st.target for st in sts} for side, sts in statements.items()}
    needs = {PRE: {}, POST: {}}
    for side, sts in statements.items():
        for st in sts:
            needs[side].setdefault(st.target, set()).update(_names(bound.equations.substitute(st.value())))
    solution_needs = {x: _names(e) - {_DT_EVENT.name} for x, e in bound.solutions.items()}
    every_step = bound.update_touched                            # the update runs per synapse
    held = {PRE: {x for x in bound.variables if x in assigned[PRE] and x not in assigned[POST] | every_step},
            POST: {x for x in bound.variables if x in assigned[POST] and x not in assigned[PRE] | every_step}}
    changed = True
    while changed:
        changed = False
        for side in (PRE, POST):
            for x in sorted(held[side]):
                if not (needs[side].get(x, set()) | solution_needs.get(x, set())) <= held[side] | shared:
                    held[side].discard(x)
                    changed = True
        per_synapse = set(bound.variables) - held[PRE] - held[POST]
        for x in per_synapse:             # coupled to a held variable: both in one holder
            for side in (PRE, POST):
                coupled = solution_needs.get(x, set()) & held[side]
                if coupled:
                    held[side] -= coupled
                    changed = True
    return held[PRE], held[POST]


class SynapseLayout:
    """The blocks of a BoundSynapse's events with ``pre_held`` / ``post_held`` variables
    held per neuron (the rest per synapse).

    ``state[holder]``: the names each holder stores, its variables then its
    lastupdate when it has event-driven ones; ``on_pre`` / ``on_post``: the
    synapses' blocks (outputs: the synapse's own variables, ``w``, ``delivered``);
    ``update_pre`` / ``update_post``: the neurons' blocks (None when nothing is held
    on that side); ``parameters[holder]``: the parameters a neuron's block reads."""

    def __init__(self, bound, pre_held=(), post_held=()):
        self.bound, self._advance_functions = bound, {}
        self.holder = {x: PRE if x in pre_held else POST if x in post_held else SYNAPSE for x in bound.variables}
        self.state = {}
        for h in (SYNAPSE, PRE, POST):
            names = [x for x in bound.variables if self.holder[x] == h]
            if any(self.holder[x] == h for x in bound.event_driven):
                names.append(LASTUPDATE[h])
            self.state[h] = names
        self.on_pre = self._block(bound.pre_statements, PRE, SYNAPSE)
        self.on_post = self._block(bound.post_statements, POST, SYNAPSE) if bound.has_on_post else None
        self.update_pre = self._block(bound.pre_statements, PRE, PRE) if self.state[PRE] else None
        self.update_post = self._block(bound.post_statements, POST, POST) if self.state[POST] else None
        self.parameters = {side: sorted(set(block.inputs) & set(bound.model.specs)) if block is not None else []
                           for side, block in ((PRE, self.update_pre), (POST, self.update_post))}

    @property
    def per_neuron(self) -> bool:
        return bool(self.state[PRE] or self.state[POST])

    def _block(self, statements, side: str, keep: str) -> Block:
        """The block of a ``side`` event: every holder's event-driven variables advanced to
        t, then the statements; the outputs ``keep`` holds (and, for the synapse, ``w``
        and ``delivered``), pruned to the steps they need."""
        block = Block()
        t = sympy.Symbol("t", real=True)
        latest = self._advance(block, (SYNAPSE, PRE, POST))
        for k, st in enumerate(statements):
            value = self.bound.equations.substitute(st.value()).xreplace(
                {sympy.Symbol(a, real=True): sympy.Symbol(b, real=True) for a, b in latest.items()})
            block.steps.append((f"_{st.target}_{k}", value))
            latest[st.target] = f"_{st.target}_{k}"
        if keep == SYNAPSE:
            block.outputs = {x: n for x, n in latest.items() if x in ("w", "delivered") or self.holder.get(x) == SYNAPSE}
        else:
            block.outputs = {x: n for x, n in latest.items() if self.holder.get(x) == keep}
        if LASTUPDATE[keep] in self.state[keep] and (keep == SYNAPSE or keep == side):
            block.steps.append(("_now", t))
            block.outputs[LASTUPDATE[keep]] = "_now"
        return _pruned(block)

    def advance_block(self, holder: str) -> Block:
        """A holder's event-driven variables advanced from its lastupdate to t (host reads:
        a variable reads as of the present, whichever holder keeps it)."""
        block = Block()
        block.outputs = self._advance(block, (holder,))
        return block

    def advance_function(self, holder: str):
        """advance_block(holder) as a NumPy function (None when the holder has no
        event-driven variable), compiled once."""
        if holder not in self._advance_functions:
            from .codegen_numpy import numpy_function
            block = self.advance_block(holder)
            self._advance_functions[holder] = numpy_function(block, "advance")[0] if block else None
        return self._advance_functions[holder]

    def _advance(self, block: Block, holders) -> dict:
        """Append to ``block`` the event-driven variables of ``holders`` advanced from their
        holder's lastupdate to t; variable -> the name of its advanced value."""
        t = sympy.Symbol("t", real=True)
        for h in holders:
            if LASTUPDATE[h] in self.state[h]:
                block.steps.append((_ELAPSED[h], t - sympy.Symbol(LASTUPDATE[h], real=True)))
        advanced = {}
        for x in self.bound.event_driven:
            if self.holder[x] in holders:
                elapsed = sympy.Symbol(_ELAPSED[self.holder[x]], real=True)
                block.steps.append((f"_{x}_advanced", self.bound.solutions[x].xreplace({_DT_EVENT: elapsed})))
                advanced[x] = f"_{x}_advanced"
        return advanced


def _pruned(block: Block) -> Block:
    """Only the steps the outputs need."""
    needed = set(block.outputs.values())
    kept = []
    for name, expr in reversed(block.steps):
        if name in needed:
            kept.append((name, expr))
            needed |= {s.name for s in expr.free_symbols}
    return Block(list(reversed(kept)), dict(block.outputs))
