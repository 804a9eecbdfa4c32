"""Runtime parameter changes: new values for a built network, without rebuilding it.

``Population.set(name=value)`` changes the population's model; the Simulator applies
the change at the start of its next run. ``Population.set(at=t, ...)`` schedules the
change for time t of a run (snnkit.schedule runs it before step round(t / dt)).
Any parameter of any model, a Poisson source's rate and a SpikeTimes source's times
can change, per neuron and per batch instance; current sources change by replacing
an injection's current between runs (the schedule is rebuilt at every run).

How a change reaches the step (``ParameterChanges.apply``): the group's sampled
parameters (``params`` of the lowered group, model units) get the new values in the
population's columns; what follows from them is derived again on the host exactly as
at build time (a LIF group's decay factors and flags; an equation model's host
constants and refractory steps; a Poisson group's spike probability); the backend
writes them over its arrays (``Backend.set_parameters``). On a device, a group built
with its parameters compiled in as constants (PARAMS_SHARED) leaves that variant at
its first change for good: from then on its parameters are loaded from memory in the
full (batch, N) layout, so later changes, scheduled ones included, are plain copies
into the same buffer, never a compile. (The one recompile costs about a second on
PoCL; the loaded variant's step costs what benchmarks/equation_bench.py measures.)
A LIF flag that a change turns on (a threshold adaptation, noise, an offset current)
selects another compiled variant: bound once, when the change applies.
"""

from __future__ import annotations

import copy

import numpy as np

from .distributions import Distribution
from .neurons import NeuronModel
from .sources import Poisson, SpikeTimes
from .validation import broadcast_per_neuron, check_nonnegative, fail


def current_values(model) -> dict:
    """name -> value of what a run may change in ``model``, as the model holds it (a
    SpikeTimes' times: its list of trains, which a change replaces)."""
    if isinstance(model, Poisson):
        return {"rate": model.rate}
    if isinstance(model, SpikeTimes):
        return {"times": model.times}
    if isinstance(model, NeuronModel) or getattr(model, "is_equation_model", False):
        return dict(model.params)
    return {}


def _label(model) -> str:
    return getattr(model, "name", None) if getattr(model, "is_equation_model", False) else type(model).__name__


def check_values(pop, values: dict) -> None:
    """Refuse unknown names and bad values before anything is changed."""
    model = pop.model
    if not values:
        fail("Population.set", "no values", "needs at least one name=value")
    known = list(current_values(model))
    for name, value in values.items():
        if name not in known:
            fail(name, value, f"{_label(model)} has no parameter of that name that a run can change; known: "
                              f"{', '.join(sorted(known)) or 'none'}")
        label = f"{_label(model)}.{name}"
        if isinstance(model, SpikeTimes):
            times = SpikeTimes(value).times
            if len(times) != pop.size:
                fail("SpikeTimes.times", f"{len(times)} spike trains", f"must hold one sequence per neuron "
                                                                       f"({pop.size})")
            continue
        if isinstance(value, Distribution):
            continue
        if isinstance(model, Poisson):
            check_nonnegative(label, value)
        else:
            model._check(name, value)
        broadcast_per_neuron(label, value, pop.size)


def changed_model(model, values: dict):
    """A copy of ``model`` with ``values`` (already checked)."""
    if getattr(model, "is_equation_model", False):
        return model(**values)
    if isinstance(model, SpikeTimes):
        return SpikeTimes(values["times"])
    out = copy.copy(model)
    if isinstance(model, Poisson):
        out.rate = values["rate"]
    else:
        out.params = dict(model.params, **values)
    return out


def _write_columns(store: dict, name: str, value: np.ndarray, offset: int, batch: int) -> None:
    """store[name][:, offset:offset + n] = value ((1|B, n)), widening (1, N) to (B, N)."""
    old = store[name]
    if value.shape[0] > old.shape[0]:
        old = store[name] = np.broadcast_to(old, (batch, old.shape[1])).copy()
    elif not old.flags.writeable:
        old = store[name] = old.copy()
    old[:, offset:offset + value.shape[1]] = value


class ParameterChanges:
    """Applies new parameter values to one Simulator's groups, on the host and then on
    its backend; remembers which scheduled changes it has applied."""

    def __init__(self, sim, seed: int):
        self.sim = sim
        self.applied: set = set()
        self.rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, 0x5E7])   # distributions in changes

    # -- the two ways in ----------------------------------------------------------
    def between_runs(self) -> None:
        """Apply what Population.set changed since the last run (ModelSnapshot.changes)."""
        snapshot = self.sim.snapshot
        for name, values in snapshot.changes().items():
            pop = next(p for p in self.sim.network.populations if p.name == name)
            self.apply(pop, values)
            snapshot.accept(pop)

    def scheduled(self, first: int, end: int) -> list:
        """(step, action) for the scheduled changes due before step ``end`` not applied
        yet; one due at a step before ``first`` runs at ``first``."""
        out = []
        for pop in self.sim.network.populations:
            for j, (t, values) in enumerate(pop.scheduled):
                key = (pop.name, j)
                step = int(round(t / self.sim.dt))
                if key in self.applied or step >= end:
                    continue
                out.append((max(step, first), lambda pop=pop, values=values, key=key: self._scheduled(pop, values,
                                                                                                        key)))
        return out

    def _scheduled(self, pop, values: dict, key) -> None:
        if key not in self.applied:
            self.apply(pop, values)
            self.applied.add(key)

    # -- applying -------------------------------------------------------------------
    def apply(self, pop, values: dict) -> None:
        sim = self.sim
        group, offset, _ = sim.plan.placement[pop.name]
        host = sim.plan.groups[group]
        kind = host["kind"]
        if kind == "spike_times":
            self._spike_times(host, offset, pop, values["times"])
        elif kind == "poisson":
            self._poisson(host, offset, pop, values["rate"])
        else:
            self._neurons(host, offset, pop, values)
        if sim.backend.set_parameters(sim.groups[group], host):
            sim.sequences.invalidate()           # a kernel was bound again

    def _sample(self, pop, name: str, value, label: str) -> np.ndarray:
        if isinstance(value, Distribution):
            value = value.sample(self.rng, (pop.size,))
        return broadcast_per_neuron(label, value, pop.size, self.sim.batch)

    def _neurons(self, host: dict, offset: int, pop, values: dict) -> None:
        model, params, batch, dt = pop.model, host["params"], self.sim.batch, self.sim.dt
        equation = host["kind"] == "equation"
        for name, value in values.items():
            array = self._sample(pop, name, value, f"{_label(model)}.{name}")
            if isinstance(value, Distribution):
                model._check(name, array)
            if equation:
                array = array * model.units[name].scale
            _write_columns(params, name, array, offset, batch)
        if equation:
            from .modeling.numpy_group import host_constants, refractory_steps
            n = host["size"]
            host["arrays"].update(params)
            host["arrays"].update(host_constants(host["model"], params, dt, batch, n))
            host["refrac_steps"] = refractory_steps(host["model"], params, dt, n)
        else:
            from .lower_neurons import lif_parameters
            host.update(lif_parameters(model, params, dt, host["theta"]))

    def _poisson(self, host: dict, offset: int, pop, rate) -> None:
        array = self._sample(pop, "rate", rate, "Poisson.rate")
        if isinstance(rate, Distribution):
            array = np.maximum(array, 0.0)
        _write_columns(host, "rate_hz", array, offset, self.sim.batch)
        probability = np.minimum(host["rate_hz"] * self.sim.dt / 1000.0, 1.0)
        if "window_start" in host:
            host["base_probability"] = probability
            k = self.sim.step_count
            probability = probability * ((host["window_start"] <= k) & (k < host["window_stop"]))
        host["spike_probability"] = probability

    def _spike_times(self, host: dict, offset: int, pop, times) -> None:
        steps, neurons = SpikeTimes(times).events(self.sim.dt)
        keep = (host["event_neuron"] < offset) | (host["event_neuron"] >= offset + pop.size)
        step = np.concatenate([host["event_step"][keep], steps])
        neuron = np.concatenate([host["event_neuron"][keep], neurons + offset])
        order = np.lexsort((neuron, step))
        host["event_step"], host["event_neuron"] = step[order], neuron[order]
