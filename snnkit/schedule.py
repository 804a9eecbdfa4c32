"""Inputs that change at given steps: current sources (snnkit.currents), Poisson
sources with a time window (snnkit.sources.Poisson start/stop) and scheduled
parameter changes (Population.set(at=...): snnkit.parameters, ``actions``).

Rather than a kernel looking up times each step, the host writes the new values
into the group's arrays (a LIF group's ``i_inject``, a Poisson group's
``spike_probability``) before the first step they hold for. The Simulator asks
``next_change`` how far it may run (in captured sequences, too) before the next
write. The Schedule is rebuilt at the start of every ``Simulator.run`` from the
network description, so a source changed between runs takes effect in the next.
At a step, the parameter changes due run first, then the inputs are written.
"""

from __future__ import annotations

import numpy as np

from .recording import state_array


class Schedule:
    def __init__(self, network, plan, groups: dict, backend, dt: float, batch: int, actions=()):
        """actions: (step, fn()) run before the step (scheduled parameter changes)."""
        self.backend, self.groups, self.batch = backend, groups, batch
        self.actions = sorted(actions, key=lambda a: a[0])
        self.writers = []                      # (steps of change, fn(step) -> host array, fn() -> device array)
        for name, host in plan.groups.items():
            if host.get("injected"):
                self.writers.append(self._injection_writer(network, plan, name, host, dt))
            if host.get("kind") == "poisson" and "window_start" in host:
                self.writers.append(self._window_writer(name, host))
        steps = [w[0] for w in self.writers] + [np.array([a[0] for a in self.actions], np.int64)]
        self.change_steps = np.unique(np.concatenate(steps)).astype(np.int64)

    def _injection_writer(self, network, plan, name: str, host: dict, dt: float):
        sources = []                           # (neuron columns in the group, change steps, amplitudes)
        for injection in network.injections:
            group, offset, _ = plan.placement[injection.target.name]
            if group == name:
                steps, amplitudes = injection.current.steps(dt)
                columns = np.arange(injection.target.size) if injection.indices is None else injection.indices
                sources.append((columns + offset, steps, amplitudes))
        size = host["size"]

        def current_at(step: int) -> np.ndarray:
            total = np.zeros(size)
            for columns, steps, amplitudes in sources:
                j = np.searchsorted(steps, step, side="right") - 1
                if j >= 0:
                    np.add.at(total, columns, amplitudes[j])
            return np.broadcast_to(total, (self.batch, size))
        changes = np.concatenate([s for _, s, _ in sources]) if sources else np.zeros(0, np.int64)
        return changes, current_at, lambda: state_array(self.groups[name], "i_inject")

    def _window_writer(self, name: str, host: dict):
        start, stop = host["window_start"], host["window_stop"]

        def probability_at(step: int) -> np.ndarray:      # the base as it is then (a rate may change)
            return host["base_probability"] * ((start <= step) & (step < stop))
        changes = np.concatenate([start[np.isfinite(start)], stop[np.isfinite(stop)]]).astype(np.int64)
        return changes, probability_at, lambda: self.groups[name]["spike_probability"]

    def apply(self, step: int, force: bool = False) -> None:
        """Run the actions due at ``step``, then write the inputs that hold from it on
        (every writer when ``force``)."""
        for at, action in self.actions:
            if at == step:
                action()
        for changes, value_at, array in self.writers:
            if force or np.any(changes == step):
                self.backend.assign(array(), value_at(step))

    def next_change(self, step: int) -> float:
        """The first step after ``step`` at which an input changes (inf: none)."""
        j = np.searchsorted(self.change_steps, step, side="right")
        return int(self.change_steps[j]) if j < len(self.change_steps) else np.inf

    def changes_at(self, step: int) -> bool:
        j = np.searchsorted(self.change_steps, step, side="left")
        return j < len(self.change_steps) and self.change_steps[j] == step
