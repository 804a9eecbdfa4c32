"""A Brian2 NeuronGroup -> an snnkit Population of an EquationModel (method "discrete").

The model's step is Brian2's own: the state updater's abstract code (with the
refractoriness code Brian2 puts in front of it), the thresholder's condition
(``... and not_refractory``) and the resetter's statements, respelled by
snnkit_brian2.code. Every variable of the group the code touches (state,
per-neuron parameters, ``lastspike``, ``not_refractory``) is a state variable
of the snnkit model, in SI, read from the group before a run and written back
after it.

Brian2's order within a step is start (monitors, run_regularly) -> groups
(state update) -> thresholds -> synapses -> resets. snnkit's is deliver ->
update -> threshold -> reset -> propagate, so a Brian2 delay of d steps is
d + 1 snnkit steps and what Brian2's synapses slot delivers at step m, snnkit
delivers at the start of step m + 1, after the reset of step m. Two
consequences are handled here:

- a reset that overwrites a variable (``v = v_r``) discards in Brian2 what
  arrived in its spike's step; the receptor of such a variable is masked for
  the neurons that spiked in the previous step (``_spiked``);
- a StateMonitor samples at Brian2's start of the step, i.e. after snnkit's
  deliver: the update copies each monitored variable into ``_rec_<name>``
  before it integrates, and the monitor records that copy.
"""

from __future__ import annotations

import ast

import numpy as np

from .code import (INDEX, Names, assigned, expression, identifiers, pieces, resolve_constants, statements,
                   unsupported)
from .poisson_input import input_code

INTERNAL = {"N", "i", "t", "dt", "t_in_timesteps", "_spikespace"}
SPIKED = "_spiked_before"
WEIGHT = "_w_arriving"


def held_variables(group) -> dict:
    """name -> is boolean, of the group's own per-neuron variables."""
    from brian2.core.variables import ArrayVariable
    out = {}
    for name, var in group.variables.items():
        if name in INTERNAL or name.startswith("_") or not isinstance(var, ArrayVariable):
            continue
        if getattr(var, "owner", None) is not None and var.owner.name != group.name:
            continue
        out[name] = var.dtype == bool
    return out


def _target_of_reset(text: str) -> dict:
    """target -> its new value's text, for the `x = ...` statements of a reset."""
    out = {}
    for _, tree in pieces(text):
        if isinstance(tree, ast.Assign) and isinstance(tree.targets[0], ast.Name):
            out[tree.targets[0].id] = tree.value
        elif isinstance(tree, ast.AugAssign) and isinstance(tree.target, ast.Name):
            op = type(tree.op).__name__
            out[tree.target.id] = None if op in ("Add", "Sub") else tree       # None: a translation
    return out


class NeuronTranslation:
    """Everything snnkit needs of one NeuronGroup for one run.

    receptor_targets: the group's variables that synapses add to (one receptor each);
    recorded: (variable, copy) of what StateMonitors sample (snnkit_brian2.monitors.state_copy);
    at_spikes: (variable, copy) of what SpikeMonitors record at spikes: the reset copies
    the variable into ``_spk_<name>`` before its statements (Brian2's thresholds slot) or
    into ``_spka_<name>`` after them (a monitor after the resets), and snnkit records the
    copy at the spike. summed_targets: the variables synapses' summed variables set at
    the start of each step (before this model's update, after Brian2's start slot): a
    monitor reads them as the last step left them, ``_prev_<name>``."""

    def __init__(self, group, namespace: dict, dt_s: float, t0_s: float, receptor_targets: list,
                 recorded: list, poisson_inputs: list = (), at_spikes: list = (), summed_targets: set = frozenset()):
        self.group, self.size = group, int(group.N)
        if set(group.events) - {"spike"}:
            raise unsupported(f"custom events ({', '.join(sorted(set(group.events) - {'spike'}))})", group)
        for eq in group.equations.values():
            if "linked" in eq.flags:
                raise unsupported(f"the linked variable {eq.varname!r}", group)
        self.held = held_variables(group)
        # (unless refractory) variables: Brian2 writes them where not_refractory only, in every
        # code but the reset's (Variable.conditional_write): synapses and run_regularly too
        self.conditional = {eq.varname for eq in group.equations.values()
                            if group._refractory is not False and "unless refractory" in eq.flags}
        subexpressions = {name: group.equations[name].expr.code for name in group.equations.subexpr_names}
        # the code of one step, Brian2's
        updater = group.state_updater.abstract_code if group.state_updater is not None else ""
        threshold_code = group.thresholder["spike"].abstract_code if "spike" in group.thresholder else None
        reset_code = group.resetter["spike"].abstract_code if "spike" in group.resetter else ""
        starts = self._start_code(group, self.conditional)
        inputs = [input_code(obj, k, dt_s) for k, obj in enumerate(poisson_inputs)]
        texts = [updater, reset_code] + list(subexpressions.values()) + [c for _, c in starts]
        texts += [code for _, code in inputs]
        if threshold_code:
            texts.append(threshold_code.split("=", 1)[1])
        known = set(self.held) | set(subexpressions)
        constants = resolve_constants(group, texts, known, namespace)
        state = dict(self.held)
        names = Names(group, state, constants, dt_s, t0_seconds=t0_s)
        t_text = names.t_text
        names.state.update({name: False for name in subexpressions})      # (they may read each other)
        sub_lines = [f"{name} = {expression(text, names)} : 1" for name, text in subexpressions.items()]
        masked = self._masked(reset_code, list(receptor_targets) + [x for x, _ in inputs])
        self.masked = masked
        # Brian2's synapses slot of the previous step: its PoissonInputs (snnkit_brian2.poisson_input)
        # drawn at the end of the step's update (the synapses slot reads the integrated state),
        # held in _pi<k>_<x> and added at the start of the next step (or written back with the state)
        update, drawn, self.pending_inputs = [], [], []
        for k, (x, code) in enumerate(inputs):
            if x not in self.held:
                raise unsupported(f"a PoissonInput into {x!r}, which is not a variable of the group", group)
            lines = statements(code, names)
            target, value = lines[-1].split(" += ", 1)
            pending = f"_pi{k}_{x}"
            update.append(f"{target} += {pending}{self._gate(x)}")
            drawn += lines[:-1] + [f"{pending} = {value}"]
            self.pending_inputs.append((pending, x))
        self.summed_targets = sorted(set(summed_targets) & {name for name, _ in recorded})
        seen = {name: (f"_prev_{name}" if name in self.summed_targets else expression(name, names))
                for name, _ in recorded}
        for name, copy in recorded:             # the previous step's end (a monitor after the resets)
            if copy.startswith("_end_"):
                update.append(f"{copy} = {seen[name]}")
        for when, text in starts:                 # Brian2's slots: before_start, start (monitors first)
            if when == "before_start":
                update += statements(text, names)
        for name, copy in recorded:
            if copy.startswith("_rec_"):
                update.append(f"{copy} = {seen[name]}")
        for when, text in starts:
            if when == "start":
                update += statements(text, names)
        update += statements(updater, names)
        update += [f"_prev_{name} = {name}" for name in self.summed_targets]
        update += drawn
        threshold = None
        if threshold_code:
            threshold = expression(threshold_code.split("=", 1)[1], names, condition=True)
            if not identifiers(threshold) & (set(names.state) | {INDEX}):
                # a threshold that is a constant (True, `a > b` of constants): snnkit's model
                # language wants a condition on the state
                threshold = f"({threshold}) and ({INDEX} >= 0)"
        reset = []
        if "lastspike" in self.held:
            reset += [f"lastspike = {t_text}", "not_refractory = 0.0"]
        for name, copy in at_spikes:
            if name not in self.held:
                raise unsupported(f"recording {name!r} at spikes (not a variable the group holds)", group)
            if copy.startswith("_spka_") and name in receptor_targets:
                raise unsupported(f"recording {name!r} at spikes after the resets (synapses add to it in "
                                  f"Brian2's step, in snnkit's next one)", group)
        reset += [f"{copy} = {expression(name, names)}" for name, copy in at_spikes if copy.startswith("_spk_")]
        reset += statements(reset_code, names)
        reset += [f"{copy} = {expression(name, names)}" for name, copy in at_spikes if copy.startswith("_spka_")]
        if masked:
            reset.append(f"{SPIKED} = 1.0")
            update.append(f"{SPIKED} = 0.0")
        for x in receptor_targets:
            if x not in self.held:
                raise unsupported(f"synapses writing {x!r}, which is not a variable of the group", group)
        declared = [f"{name} : 1" for name in self.held] + [f"{INDEX} : 1"]
        declared += [f"{copy} : 1" for _, copy in list(recorded) + list(at_spikes)]
        declared += [f"_prev_{name} : 1" for name in self.summed_targets]
        declared += [f"{pending} : 1" for pending, _ in self.pending_inputs]
        if masked:
            declared.append(f"{SPIKED} : 1")
        self.recorded = list(recorded)
        # the model's texts (snnkit_brian2.batch turns the constants that differ between
        # instances into parameters)
        self.parts = {"equations": "\n".join(declared + sub_lines), "threshold": threshold,
                      "reset": "\n".join(reset), "update": "\n".join(update) or f"{INDEX} = {INDEX}"}
        self.receptors = {f"to_{x}": self.receptor_statement(x) for x in receptor_targets}
        # receptor -> (variable, weight factor): what pending_values adds (batch: its factors)
        self.receptor_targets = {f"to_{x}": (x, 1.0) for x in receptor_targets}
        self.timed = dict(names.timed)        # parameter -> (TimedArray, per neuron): snnkit_brian2.timed

    def receptor_statement(self, x: str, scale: str | None = None) -> str:
        """What a spike arriving for variable x does (Brian2's pathway ``x += w``), masked
        where Brian2's order discards it; ``scale``: a parameter the weight is multiplied by."""
        gate = self._gate(x)
        if scale is not None:
            gate += f" * {scale}"
        return f"{x} += {WEIGHT}{gate}"

    def _gate(self, x: str) -> str:
        """`` * factor * ...`` of what Brian2's synapses slot adds to x: nothing where a reset
        overwrote x in the same step, nothing while refractory for (unless refractory) x."""
        gate = f" * (1.0 - {SPIKED})" if x in self.masked else ""
        if x in self.conditional:          # Brian2 writes it only where not refractory
            gate += " * int(not_refractory > 0.5)"
        return gate

    def make_model(self, parts: dict | None = None, receptors: dict | None = None,
                   parameters: dict | None = None):
        """The snnkit EquationModel of the group; parts/receptors default to the group's own,
        parameters: name -> (default, unit) of what batch made of its constants."""
        from snnkit.modeling import EquationModel
        parts = self.parts if parts is None else parts
        receptors = self.receptors if receptors is None else receptors
        parameters = dict(parameters or {}, **{p: (0.0, "1") for p in self.timed})
        return EquationModel(parts["equations"], threshold=parts["threshold"], reset=parts["reset"],
                             method="discrete", update=parts["update"], receptors=receptors or None,
                             parameters=parameters or None, refractory_convention="brian2",
                             name=self.group.name, weight_symbol=WEIGHT, finite_state=False)

    @staticmethod
    def _start_code(group, conditional: set) -> list:
        """The abstract code of the group's run_regularly operations (Brian2 runs them in
        the start slot, before the state update)."""
        from brian2.groups.group import CodeRunner
        out = []
        for obj in sorted(group.contained_objects, key=lambda o: (o.order, o.name)):
            if not isinstance(obj, CodeRunner) or obj is group.state_updater:
                continue
            if obj in group.thresholder.values() or obj in group.resetter.values():
                continue
            if obj.when not in ("before_start", "start") or getattr(obj.clock, "dt_", None) != group.clock.dt_:
                raise unsupported(f"run_regularly ({obj.name}) outside the start slot or on another clock",
                                  group)
            written = assigned([obj.abstract_code]) | {tree.target.id for _, tree in pieces(obj.abstract_code)
                                                       if isinstance(tree, ast.AugAssign)}
            if written & conditional:
                raise unsupported(f"run_regularly ({obj.name}) writing the (unless refractory) variable "
                                  f"{sorted(written & conditional)[0]!r}", group)
            out.append((obj.when, obj.abstract_code))
        return out

    def _masked(self, reset_code: str, targets: list) -> set:
        """The receptor targets a reset overwrites (`x = expr` without x)."""
        if not reset_code:
            return set()
        out = set()
        for x, value in _target_of_reset(reset_code).items():
            if x not in targets or x in self.conditional:      # refractory from the spike: not written
                continue
            if value is None:
                continue                      # x += c: Brian2's order and snnkit's agree
            if isinstance(value, ast.AugAssign):
                raise unsupported(f"a reset that scales {x!r}, which synapses also change (the order "
                                  f"of Brian2's synapses and resets cannot be kept)", self.group)
            if any(isinstance(n, ast.Name) and n.id == x for n in ast.walk(value)):
                raise unsupported(f"the reset `{x} = {ast.unparse(value)}` of a variable synapses also change "
                                  f"(Brian2 applies the synapses first)", self.group)
            out.add(x)
        return out

    def pending_values(self, sim, population, instance: int, values: dict) -> dict:
        """``values`` (variable -> (N,)) with what snnkit delivers at the start of the next
        step added, gated as the receptors gate it: Brian2 applied it in its synapses slot,
        so it is part of the group's state when a Brian2 run ends."""
        out = dict(values)
        spiked = sim.state(population, SPIKED)[instance] if self.masked else None
        arriving = [(sim.state(population, name)[instance], x) for name, x in self.pending_inputs]
        arriving += [(sim.pending_input(population, receptor)[instance] * factor, x)
                     for receptor, (x, factor) in self.receptor_targets.items()]
        for pending, x in arriving:
            if x in self.masked:
                pending = pending * (1.0 - spiked)
            if x in self.conditional:
                pending = pending * (values["not_refractory"] > 0.5)
            out[x] = out[x] + pending
        return out

    def initial_values(self) -> dict:
        """variable -> (N,) from the group now (booleans as 0/1)."""
        out = {}
        for name in self.held:
            value = np.asarray(self.group.variables[name].get_value(), dtype=float)
            out[name] = np.broadcast_to(value, (self.size,)).copy()
        out[INDEX] = np.arange(self.size, dtype=float)
        out.update({f"_prev_{name}": out[name].copy() for name in self.summed_targets})
        return out

    def write_back(self, values: dict) -> None:
        for name, is_bool in self.held.items():
            var = self.group.variables[name]
            if var.read_only and name not in ("lastspike", "not_refractory"):
                continue
            value = values[name]
            if var.scalar:
                value = value[:1]
            var.get_value()[:] = (value > 0.5) if is_bool else value.astype(var.dtype)
