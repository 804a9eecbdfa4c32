"""The Simulator's host access to neuron state between runs: a population's state
variables (and recorded subexpressions) read and set, and what its delay ring will
deliver at the next step, on any backend, per batch instance."""

from __future__ import annotations

import numpy as np

from .recording import state_array
from .validation import fail


class NeuronStateAccess:
    """Mixed into Simulator (it provides plan, groups, backend, batch, dt, t, step_count)."""

    def _neuron_group(self, population) -> tuple:
        """(name, group, offset, size) of a neuron population of this network."""
        name = getattr(population, "name", population)
        group, offset, size = self.plan.placement.get(name, (None, 0, 0))
        if group is None or self.groups[group]["kind"] not in ("lif", "equation"):
            fail("population", name, "must name a neuron population of this network")
        return name, group, offset, size

    def _state_array(self, group: str, variable: str):
        try:
            return state_array(self.groups[group], variable)
        except KeyError:
            known = (", ".join(self.groups[group]["state"]) if self.groups[group]["kind"] == "equation"
                     else "v, syn_E, syn_I, theta or refrac")
            fail("variable", variable, f"must be one of {known}")

    def state(self, population, variable: str) -> np.ndarray:
        """Current value of a state variable, host copy (batch, N); in a partitioned run the
        whole population's, gathered from every rank (collective)."""
        _, group, offset, size = self._neuron_group(population)
        model = self.plan.groups[group].get("model")
        if variable in getattr(model, "recordable", ()) and variable not in model.state_variables:
            values = self._subexpression(group, model, variable)[:, offset:offset + size]
        else:
            values = np.array(self.backend.to_host(self._state_array(group, variable)))[:, offset:offset + size]
        if self.plan.partition is not None:             # the ranks' blocks, in rank order
            values = np.concatenate(self.plan.partition.comm.allgather(values), axis=1)
        return values

    def set_state(self, population, variable: str, values) -> None:
        """Set a state variable between runs: a scalar, one value per neuron (N,) or per
        instance and neuron (batch, N); the run goes on from it."""
        name, group, offset, size = self._neuron_group(population)
        array = self._state_array(group, variable)
        values = np.asarray(values, dtype=float)
        finite = getattr(self.plan.groups[group].get("model"), "finite_state", True)
        whole, owned = size, (0, size)
        if self.plan.partition is not None:             # the whole population's values: the rank's block
            pop = next(p for p in self.network.populations if p.name == name)
            whole, owned = pop.size, self.plan.partition.owned(pop.size)
        if values.shape not in ((), (whole,), (self.batch, whole)) or (finite and not np.all(np.isfinite(values))):
            fail(f"{name}.{variable} values", values.shape if values.ndim else values,
                 f"must be finite, a scalar, ({whole},) or ({self.batch}, {whole})")
        if values.ndim:
            values = values[..., owned[0]:owned[1]]
        host = np.array(self.backend.to_host(array))
        host[:, offset:offset + size] = values
        if host.size:                                    # (a rank may own none of a group)
            self.backend.assign(array, host)

    def pending_input(self, population, receptor) -> np.ndarray:
        """What the delay ring will deliver into ``receptor`` (its name, or for the LIF
        models "excitatory"/"inhibitory") of a population at the start of the next step:
        host copy (batch, N), in the receptor's weight unit (Brian2's frontend adds it to
        the state it writes back: Brian2 has applied it by the end of a run)."""
        from .model import RECEPTORS
        name, group, offset, size = self._neuron_group(population)
        g = self.groups[group]
        model = self.plan.groups[group].get("model")
        names = list(getattr(model, "receptors", {}) or {}) if g["kind"] == "equation" else None
        if names is not None:
            if receptor not in names:
                fail("receptor", receptor, f"must be a receptor of {name}: {', '.join(names) or 'none'}")
            index = names.index(receptor)
        elif receptor in RECEPTORS:
            index = RECEPTORS[receptor]
        else:
            fail("receptor", receptor, "must be 'excitatory' or 'inhibitory'")
        ring = np.array(self.backend.to_host(g["ring"]))
        depth = ring.shape[0]
        n = self.plan.groups[group]["size"]
        slot = ring.reshape(depth, ring.shape[1], -1)[self.step_count % depth, index, :self.batch * n]
        return slot.reshape(self.batch, n)[:, offset:offset + size].astype(float)

    def _subexpression(self, group: str, model, variable: str) -> np.ndarray:
        """A recordable subexpression of an equation group now (batch, N), from its state."""
        from .recording import Subexpression
        n = self.plan.groups[group]["size"]
        sub = Subexpression(model, variable, group, np.arange(n), self.dt)
        recorded = {x: np.asarray(self.backend.to_host(state_array(self.groups[group], x)))[None]
                    for x in sub.recorded}
        return sub.evaluate(recorded, np.array([self.t]), self.plan.groups, self.batch)[0]

    def reset_state(self, theta: bool = False) -> None:
        """Set the dynamic state back to its initial values, on the device and without
        reallocating: membrane potentials, synaptic state, refractory countdowns, spikes
        in flight (the delay rings), STDP traces and spike counts. Plastic weights stay,
        and so do adaptive thresholds unless ``theta``: they are what a network learns.
        Time and recordings go on (a new sample of a learning loop starts here: the
        Poisson sources keep drawing fresh numbers, as their counter is the step)."""
        be = self.backend
        for name, g in self.groups.items():
            if g["kind"] == "equation":
                for variable, initial in self.plan.groups[name]["state"].items():
                    be.assign(g["state"][variable], initial)
                be.fill(g["refrac"], 0)
                be.fill(g["ring"], 0.0)
            if g["kind"] != "lif":
                continue
            host = self.plan.groups[name]
            variables = {"v": host["v"], "syn_E": host["syn"][0], "syn_I": host["syn"][1]}
            if theta:
                variables["theta"] = host["theta"]
            if np.all(host["syn"] == 0):                 # both receptors in one fill
                be.fill(g["syn"], 0.0)
                del variables["syn_E"], variables["syn_I"]
            for variable, initial in variables.items():
                if variable in g and initial.size and np.all(initial == initial.flat[0]):
                    be.fill(g[variable], float(initial.flat[0]))
                else:
                    be.assign(state_array(g, variable), initial)
            be.fill(g["refrac"], 0)
            be.fill(g["ring"], 0.0)
        for syn in self.synapses:
            if syn["plastic"]:
                be.fill(syn["trace_pre"], 0.0)
                be.fill(syn["trace_post"], 0.0)
            if syn.get("kind") == "synapse_model":
                be.reset_synapse_model(syn)
        for counts in self.counters.values():
            be.fill(counts, 0)
