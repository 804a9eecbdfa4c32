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
        """Current value of a state variable, host copy (batch, N)."""
        _, group, offset, size = self._neuron_group(population)
        model = self.plan.groups[group].get("model")
        if variable in getattr(model, "recordable", ()) and variable not in model.state_variables:
            return self._subexpression(group, model, variable)[:, offset:offset + size]
        return np.array(self.backend.to_host(self._state_array(group, variable)))[:, offset:offset + size]

    def set_state(self, population, variable: str, values) -> None:
        """Set a state variable between runs: a scalar, one value per neuron (N,) or per
        instance and neuron (batch, N); the run goes on from it."""
        name, group, offset, size = self._neuron_group(population)
        array = self._state_array(group, variable)
        values = np.asarray(values, dtype=float)
        finite = getattr(self.plan.groups[group].get("model"), "finite_state", True)
        if values.shape not in ((), (size,), (self.batch, size)) or (finite and not np.all(np.isfinite(values))):
            fail(f"{name}.{variable} values", values.shape if values.ndim else values,
                 f"must be finite, a scalar, ({size},) or ({self.batch}, {size})")
        host = np.array(self.backend.to_host(array))
        host[:, offset:offset + size] = values
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
