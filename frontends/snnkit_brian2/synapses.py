"""A Brian2 Synapses object -> snnkit Projections.

Brian2 has made the synapses already (``connect`` ran with its own generator,
``p=``, ``condition=`` and ``j=`` syntax on the runtime device): the i, j, delays
and per-synapse values are read from it. A pathway's code has one statement
that adds to a variable of the target group (``ge += w``, ``v_post += w*mV``):
that is what the snnkit projection delivers into the receptor ``to_<variable>``
of the target's model (snnkit_brian2.neurons). A pathway with nothing but that
statement, whose value reads only constant synapse variables and constants, is
a static projection with that value as its weight, computed here; anything
else needs snnkit's synapse models and is refused for now with the feature named.

Delays: Brian2 rounds a delay to ``int(d/dt + 0.5)`` steps and delivers in the
synapses slot of that step; snnkit delivers one step later, at the start of the
next (snnkit_brian2.neurons), so the projection's delay is that + 1 step.
"""

from __future__ import annotations

import ast

import numpy as np

from .code import Names, expression, pieces, resolve_constants, unsupported


class PathwayTranslation:
    """One pathway (on_pre) of a Synapses object as a static projection."""

    def __init__(self, synapses, pathway, namespace: dict, dt_s: float, target_names: set):
        self.synapses, self.pathway = synapses, pathway
        if pathway.prepost != "pre":
            raise unsupported("on_post code in a static pathway", synapses)
        if pathway.event != "spike":
            raise unsupported(f"a pathway on the event {pathway.event!r}", synapses)
        own = own_variables(synapses)
        statements = [tree for _, tree in pieces(pathway.code)]
        writes = [p for p in statements if isinstance(p, (ast.Assign, ast.AugAssign))]
        if len(writes) != 1 or len(statements) != 1 or not isinstance(writes[0], ast.AugAssign) \
                or not isinstance(writes[0].op, (ast.Add, ast.Sub)):
            raise unsupported(f"the pathway code {pathway.code.strip()!r} (a static pathway runs one "
                              f"`x_post += value` statement)", synapses)
        statement = writes[0]
        target = statement.target.id
        if target.endswith("_post"):
            target = target[:-5]
        elif target in own or target.endswith("_pre") or target not in target_names:
            raise unsupported(f"the pathway code {pathway.code.strip()!r}: it must add to a variable of the "
                              f"target group", synapses)
        self.target = target
        self.sign = -1.0 if isinstance(statement.op, ast.Sub) else 1.0
        value = ast.unparse(statement.value)
        constants = resolve_constants(synapses, [value], set(own), namespace)
        names = Names(synapses, {name: False for name in own}, constants, dt_s)
        self.value_text = expression(value, names)
        # the pathway's only statement writes the target: the synapse variables it reads
        # are constant during the run
        read = {n.id for n in ast.walk(ast.parse(self.value_text, mode="eval")) if isinstance(n, ast.Name)}
        self.reads = sorted(read & set(own))

    def wiring(self, dt_s: float):
        """(pre, post, weight, delay steps) of every synapse, in Brian2's order."""
        syn = self.synapses
        pre, post = synapse_indices(syn)
        env = {name: np.asarray(syn.variables[name].get_value(), dtype=float) for name in self.reads}
        # the value in snnkit's expression language, evaluated as the NumPy specification would
        from snnkit.modeling.codegen_numpy import NAMESPACE, expression_source
        from snnkit.modeling.expressions import Where, parse_expression, strip_units
        expr = strip_units(parse_expression(self.value_text, Where("on_pre", 1, self.value_text), set(self.reads)))
        namespace = dict(NAMESPACE, t=np.float64(0.0), **env)
        value = eval(expression_source(expr), {"__builtins__": {}}, namespace)
        weight = self.sign * np.broadcast_to(np.asarray(value, dtype=float), pre.shape)
        return pre, post, weight.copy(), delay_steps(self.pathway, pre.size, dt_s)


INTERNAL = {"i", "j", "N", "t", "dt", "delay", "lastupdate", "N_incoming", "N_outgoing", "t_in_timesteps"}


def own_variables(synapses) -> list:
    """The Synapses object's own per-synapse variables (not Brian2's bookkeeping)."""
    from brian2.core.variables import ArrayVariable
    return [name for name, var in synapses.variables.items()
            if not name.startswith("_") and name not in INTERNAL and isinstance(var, ArrayVariable)
            and getattr(var, "owner", None) is not None and var.owner.name == synapses.name]


def synapse_indices(synapses) -> tuple:
    """(pre, post) of every synapse in Brian2's order, indices into the parent groups
    (Brian2's _synaptic_pre/_post are not relative to a subgroup)."""
    return (np.asarray(synapses.variables["_synaptic_pre"].get_value(), dtype=np.int64),
            np.asarray(synapses.variables["_synaptic_post"].get_value(), dtype=np.int64))


def delay_steps(pathway, n: int, dt_s: float) -> np.ndarray:
    """A pathway's delays in whole steps, as Brian2 rounds them (``int(d/dt + 0.5)``);
    no pathway: 0."""
    if pathway is None:
        return np.zeros(n, np.int64)
    delay = np.asarray(pathway.variables["delay"].get_value(), dtype=float)
    return np.floor(np.broadcast_to(delay, (n,)) / dt_s + 0.5).astype(np.int64)


def check_synapses(synapses) -> None:
    """What snnkit cannot run of a Synapses object, named."""
    summed = getattr(synapses, "summed_updaters", {})
    for varname, updater in summed.items():
        target = updater.target
        if target is not synapses.target or varname.endswith("_pre"):
            raise unsupported(f"the summed variable {varname!r} onto the presynaptic group", synapses)
        from brian2.groups.subgroup import Subgroup
        if isinstance(target, Subgroup):
            raise unsupported(f"the summed variable {varname!r} onto the subgroup {target.name!r}", synapses)
    if len(synapses._pathways) == 0 and not summed:
        raise unsupported("synapses without an on_pre pathway", synapses)
    for eq in synapses.equations.values():
        if "constant over dt" in eq.flags:
            raise unsupported(f"the (constant over dt) synaptic subexpression {eq.varname!r}", synapses)
    from brian2.synapses.synapses import SynapticPathway
    for obj in synapses.contained_objects:
        if isinstance(obj, SynapticPathway) or not getattr(obj, "active", True) or obj in summed.values():
            continue
        if obj is synapses.state_updater:
            continue                                   # clock-driven equations: snnkit_brian2.plastic
        raise unsupported(f"{type(obj).__name__} {obj.name!r} (e.g. run_regularly on synapses)", synapses)
