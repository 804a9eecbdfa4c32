"""A Brian2 Synapses object with state changed by events -> one snnkit projection with a
SynapseModel (snnkit.modeling.synapse_model, Brian2's semantics to begin with).

What Brian2 writes is what snnkit's synapse model runs: the user's on_pre and on_post
statements, the ``(event-driven)`` equations (advanced exactly from a synapse's last
event, as Brian2's event-driven updater does), per-synapse variables and
subexpressions. Every value in SI, the derivatives per second (``*0.001/ms``: snnkit's
time is in ms). The one additive write of on_pre to a postsynaptic variable
(``ge += w``, ``v_post += w``) is what the synapse delivers (``delivered``) into the
target's receptor ``to_<variable>`` (snnkit_brian2.neurons), at the start of the
next step as for static pathways.

Timing (Brian2's synapses slot: after the groups' update and thresholds, before the
resets): an on_pre pathway with delay d steps runs d steps after the spike (snnkit's
axonal delay d, the delivered value one step later: the dendritic delay 1); on_post
runs in the postsynaptic spike's step (plus its pathway's delay): snnkit's
``post_event_delay``. snnkit runs synapse events after the neurons' resets, so event
code that reads a variable the postsynaptic (or presynaptic) reset writes would see
another value than in Brian2: refused, as is anything else snnkit cannot keep exactly.
"""

from __future__ import annotations

import ast

import numpy as np

from .code import Names, expression, identifiers, pieces, resolve_constants, statements, unsupported
from .monitors import parent_and_range
from .synapses import delay_steps, own_variables, synapse_indices

RESERVED = {"t", "dt", "w", "delivered", "lastupdate", "I_inject", "xi"}


def needs_synapse_model(synapses) -> bool:
    """Whether the Synapses object changes state at events or sums into its target (else:
    static projections)."""
    if getattr(synapses, "summed_updaters", {}):
        return True
    if any(p.prepost == "post" for p in synapses._pathways) or len(synapses._pathways) > 1:
        return True
    if any(eq.type == "differential equation" for eq in all_equations(synapses)):
        return True
    own = set(own_variables(synapses))
    for pathway in synapses._pathways:
        trees = [tree for _, tree in pieces(pathway.code)]
        if len(trees) != 1 or identifiers(pathway.code) & {"rand", "randn"}:     # a draw per event
            return True
        if any(isinstance(t, (ast.Assign, ast.AugAssign)) and _target(t) in own for t in trees):
            return True
    return False


def all_equations(synapses) -> list:
    """The clock-driven equations and (Brian2 keeps them apart) the event-driven ones."""
    event_driven = getattr(synapses, "event_driven", None)
    out = {}
    for eq in list(synapses.equations.values()) + (list(event_driven.values()) if event_driven else []):
        if eq.varname not in out or eq.type == "differential equation":
            out[eq.varname] = eq
    return list(out.values())


def _target(tree) -> str:
    target = tree.targets[0] if isinstance(tree, ast.Assign) else tree.target
    return target.id if isinstance(target, ast.Name) else ""


def _reset_targets(group) -> set:
    resetter = getattr(group, "resetter", {})
    if "spike" not in resetter:
        return set()
    return {_target(tree) for _, tree in pieces(resetter["spike"].abstract_code)
            if isinstance(tree, (ast.Assign, ast.AugAssign))}


class SynapseModelTranslation:
    """One Synapses object (its on_pre and on_post pathways) as one projection."""

    def __init__(self, synapses, namespace: dict, dt_s: float, pre_variables: dict, post_variables: dict):
        from snnkit.modeling import SynapseModel
        self.synapses = synapses
        pre_paths = [p for p in synapses._pathways if p.prepost == "pre"]
        post_paths = [p for p in synapses._pathways if p.prepost == "post"]
        summed = getattr(synapses, "summed_updaters", {})
        if len(pre_paths) > 1 or len(post_paths) > 1 or (not pre_paths and not summed):
            raise unsupported("several on_pre or on_post pathways in one Synapses with synapse state", synapses)
        for pathway in pre_paths + post_paths:
            if pathway.event != "spike":
                raise unsupported(f"a pathway on the event {pathway.event!r}", synapses)
        self.pre_path = pre_paths[0] if pre_paths else None
        self.post_path = post_paths[0] if post_paths else None
        own = own_variables(synapses)
        self.spelled = {x: (f"{x}_b2" if x in RESERVED else x) for x in own}
        variables = synapses.variables
        state, suffixes = {}, {}
        for x in own:
            state[x], suffixes[x] = variables[x].dtype == bool, self.spelled[x]
        self.neuron_names = {}                       # name in the code -> (side, neuron variable)
        for name in variables:
            index = variables.indices[name]
            side = {"_postsynaptic_idx": "post", "_presynaptic_idx": "pre"}.get(index)
            if side is None or name.startswith("_"):
                continue
            base = name[:-len(side) - 1] if name.endswith(f"_{side}") else name
            held = post_variables if side == "post" else pre_variables
            if base in held:
                state[name], suffixes[name] = held[base], f"{base}_{side}"
                self.neuron_names[name] = (side, base)
        equations = all_equations(synapses)
        subexpressions = {eq.varname: eq.expr.code for eq in equations if eq.type == "subexpression"}
        summed_code = {u.target_var.name: u.abstract_code.split("=", 1)[1].strip() for u in summed.values()}
        texts = [p.code for p in (self.pre_path, self.post_path) if p is not None] + list(summed_code.values())
        texts += [eq.expr.code for eq in equations if eq.expr is not None]
        known = set(state) | set(subexpressions)
        constants = resolve_constants(synapses, texts, known, namespace)
        names = Names(synapses, dict(state), constants, dt_s, suffixes=dict(suffixes))
        for name in subexpressions:
            names.state[name], names.suffixes[name] = False, self.spelled.get(name, name)
        # (a summed variable reads the neurons at the step's start, after the last resets: as Brian2)
        self._check_reads([text for text in texts if text not in summed_code.values()], names)
        lines, self.event_driven = [], []
        for eq in equations:
            x = self.spelled.get(eq.varname, eq.varname)
            if eq.type == "differential equation":
                if "event-driven" not in eq.flags:          # integrated by Brian2's state updater's code
                    lines.append(f"{x} : 1")
                    continue
                lines.append(f"d{x}/dt = ({expression(eq.expr.code, names)})*0.001/ms : 1 (event-driven)")
                self.event_driven.append(eq.varname)
            elif eq.type == "subexpression":
                lines.append(f"{x} = {expression(eq.expr.code, names)} : 1")
            else:
                lines.append(f"{x} : 1")
        # summed variables (Brian2's groups slot, before every update): what snnkit's
        # SynapseModel(summed=) computes; read names in the postsynaptic group's spelling
        self.summed = {x: expression(text, names) for x, text in summed_code.items()}
        self.summed_reads = set().union(set(), *[self._reads(text) for text in summed_code.values()])
        # clock-driven equations: Brian2's state updater's code, every step (SynapseModel(update=))
        updater = synapses.state_updater
        every_step = statements(updater.abstract_code, names) if updater is not None and \
            (updater.abstract_code or "").strip() else []
        self._check_update_order(every_step)
        on_pre, self.target, self.sign = self._on_pre(self.pre_path.code, names) if self.pre_path is not None \
            else ("", None, 1.0)
        if self.target is None:        # events change no neuron: a delivery of 0 to the summed target
            if not self.summed:
                raise unsupported("an on_pre pathway that changes no postsynaptic variable", synapses)
            on_pre, self.target = "\n".join(filter(None, [on_pre, "delivered = 0*w"])), next(iter(self.summed))
        on_post = ""
        if self.post_path is not None:
            on_post = "\n".join(self._event_statements(self.post_path.code, names, "on_post"))
        self.state_names = [eq.varname for eq in equations if eq.type != "subexpression"]
        n = len(synapses)
        initial = {}
        for x in self.state_names:
            value = np.asarray(variables[x].get_value(), dtype=float)
            initial[self.spelled[x]] = np.broadcast_to(value, (n,)).copy()
        if self.event_driven and n:
            lastupdate = np.asarray(variables["lastupdate"].get_value(), dtype=float)
            t0 = int(synapses.clock.variables["timestep"].get_value().item()) * dt_s
            if np.any(np.abs(lastupdate - t0) > 1e-3 * dt_s):
                raise unsupported("event-driven variables last updated before the run's start (set between runs "
                                  "by other means than this device)", synapses)
        self.equations_text = "\n".join(lines)
        self.model = SynapseModel(self.equations_text, on_pre=on_pre, on_post=on_post, initial=initial,
                                  name=synapses.name, event_order="pre_post",
                                  summed={f"{x}": text for x, text in self.summed.items()} or None,
                                  update="\n".join(every_step))

    def _check_reads(self, texts: list, names: Names) -> None:
        """Neuron variables the event code reads must not be written by that neuron's reset
        (snnkit's synapse events run after the resets, Brian2's before)."""
        read = set().union(*[self._reads(text) for text in texts])
        syn = self.synapses
        for name in sorted(read & set(self.neuron_names)):
            side, base = self.neuron_names[name]
            group = parent_and_range(syn.source if side == "pre" else syn.target)[0]
            if base in _reset_targets(group):
                raise unsupported(f"synapse code reading {name!r}, which the {side}synaptic reset writes "
                                  f"(snnkit runs synapse events after the resets, Brian2 before them)", syn)

    def _check_update_order(self, every_step: list) -> None:
        """The clock-driven update reads the neurons after their step (snnkit); Brian2 runs
        it in the groups slot after the groups it sorts before it: refused if it reads a
        group that Brian2 updates later."""
        if not every_step:
            return
        syn = self.synapses
        read = set().union(*[self._reads(line) for line in every_step]) & set(self.neuron_names)
        mine = (syn.state_updater.order, syn.state_updater.name)
        for name in sorted(read):
            side, _ = self.neuron_names[name]
            group = parent_and_range(syn.source if side == "pre" else syn.target)[0]
            updater = getattr(group, "state_updater", None)
            if updater is not None and (updater.order, updater.name) > mine:
                raise unsupported(f"clock-driven synaptic equations reading {name!r} before Brian2 updates "
                                  f"{group.name!r}", syn)

    def _reads(self, text: str) -> set:
        """The names a piece of code reads: the delivered ``x_post += value`` reads only
        its value (the addition happens at the target, snnkit's receptor)."""
        out = set()
        for _, tree in pieces(text):
            if isinstance(tree, ast.AugAssign) and _target(tree) in self.neuron_names:
                tree = tree.value
            out |= {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        return out

    def _on_pre(self, code: str, names: Names):
        """on_pre's statements, its one additive write to a postsynaptic variable as
        ``delivered``. -> (text, target variable, sign)."""
        out, target, sign = [], None, 1.0
        for piece, tree in pieces(code):
            name = _target(tree)
            if name in self.neuron_names:
                side, base = self.neuron_names[name]
                if side != "post" or not isinstance(tree, ast.AugAssign) or \
                        not isinstance(tree.op, (ast.Add, ast.Sub)) or target is not None:
                    raise unsupported(f"the on_pre statement {piece!r} (snnkit's synapse delivers one value that "
                                      f"is added to one postsynaptic variable)", self.synapses)
                target, sign = base, (-1.0 if isinstance(tree.op, ast.Sub) else 1.0)
                value = expression(ast.unparse(tree.value), names)
                out.append(f"delivered = {'-' if sign < 0 else ''}({value})")
                continue
            out += self._event_statements(piece, names, "on_pre")
        return "\n".join(out), target, sign

    def _event_statements(self, code: str, names: Names, part: str) -> list:
        for piece, tree in pieces(code):
            name = _target(tree)
            if name in self.neuron_names or name not in self.spelled:
                raise unsupported(f"the {part} statement {piece!r} (snnkit's synapse event code changes the "
                                  f"synapse's own variables; on_pre adds one value to the target)", self.synapses)
        return statements(code, names)

    def wiring(self, dt_s: float):
        """(pre, post, axonal delay steps, post event delay steps) of every synapse, in
        Brian2's order."""
        pre, post = synapse_indices(self.synapses)
        return pre, post, delay_steps(self.pre_path, pre.size, dt_s), delay_steps(self.post_path, pre.size, dt_s)

    def _order(self) -> np.ndarray:
        """Brian2's synapse k is the table's synapse at the position of k in this order
        (the tables sort the synapses by (pre, post), stably)."""
        i, j = synapse_indices(self.synapses)
        return np.argsort(i * np.int64(j.max(initial=0) + 1) + j, kind="stable")

    def table_values(self) -> dict:
        """Brian2's values of the synapse variables now, in the table's order (float)."""
        order = self._order()
        n = len(self.synapses)
        return {x: np.broadcast_to(np.asarray(self.synapses.variables[x].get_value(), dtype=float), (n,))[order]
                for x in self.state_names}

    def write_back(self, sim, projection, instance: int, t_end_s: float) -> None:
        """The synapses' variables as of the run's end into the Brian2 object (event-driven
        ones advanced to the end, lastupdate the end)."""
        syn = self.synapses
        n = len(syn)
        if n == 0:
            return
        order = self._order()
        for x in self.state_names:
            var = syn.variables[x]
            if var.read_only or getattr(var, "constant", False):
                continue
            table = np.asarray(sim.synapse_values(projection, self.spelled[x])[instance], dtype=float)
            values = np.empty(n)
            values[order] = table
            if var.dtype == bool:
                values = values > 0.5
            var.get_value()[:] = values.astype(var.dtype) if not var.scalar else values[:1].astype(var.dtype)
        if self.event_driven:
            syn.variables["lastupdate"].get_value()[:] = t_end_s
