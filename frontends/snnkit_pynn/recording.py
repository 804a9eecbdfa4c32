"""Recorder: PyNN's common Recorder (it builds the Neo Blocks) over snnkit monitors.

Spike times are reported as pyNN.nest reports them: a neuron that crosses
threshold in the step [t, t + dt) spikes at t + dt (snnkit stamps the step's
start, t); spike sources at their own times. Signals hold the value at t = 0
(the initial value) and then every sampling interval, n = t / interval + 1
samples, like every PyNN backend.
"""

from __future__ import annotations

import numpy as np
from pyNN import recording

from . import simulator


def _variable(pop, name: str):
    from .standardmodels import snnkit_variable
    return snnkit_variable(pop.celltype, name)


class Recorder(recording.Recorder):
    _simulator = simulator

    def __init__(self, population, file=None):
        super().__init__(population, file)
        self._monitors = {}                 # variable name -> (snnkit population, sampled ids)
        self._initial = {}

    def _record(self, variable, new_ids, sampling_interval=None):
        simulator.state.require_unbuilt("starting to record")
        if variable.name != "spikes" and _variable(self.population, variable.name) is None:
            raise NotImplementedError(f"snnkit_pynn cannot record {variable.name!r} of "
                                      f"{type(self.population.celltype).__name__}")

    def _lower(self, net, sk_pops) -> None:
        state = simulator.state
        every = max(1, int(round(self.sampling_interval / state.dt)))
        self._monitors = {}
        for variable, ids in self.recorded.items():
            if not ids:
                continue
            ids = np.array(sorted(int(i) for i in ids), dtype=np.int64)
            which, index = state.population_index(ids)
            for p in np.unique(which):
                pop = state.populations[p]
                name = "spikes" if variable.name == "spikes" else _variable(pop, variable.name)
                if name != "spikes" or not any(m.target is sk_pops[pop] and m.variable == "spikes"
                                               for m in net.monitors):
                    net.record(sk_pops[pop], name, index[which == p] if name != "spikes" else None,
                               every=every if name != "spikes" else 1)
                self._monitors.setdefault(variable.name, []).append((sk_pops[pop], pop, ids[which == p]))

    def _built(self, sim) -> None:
        """Keep the initial values: the sample at t = 0 of each signal."""
        self._initial = {}
        for variable, parts in self._monitors.items():
            if variable == "spikes":
                continue
            for sk_pop, pop, ids in parts:
                values = sim.state(sk_pop, _variable(pop, variable))[0]
                for i, value in zip(ids, values[ids - pop.first_id]):
                    self._initial[(variable, int(i))] = value

    def _get_spiketimes(self, ids, clear=False):
        sim = simulator.state.sim
        out = {int(i): np.zeros(0) for i in ids}
        if sim is None:
            return out
        results = sim.results
        for sk_pop, pop, _ in self._monitors.get("spikes", []):
            data = results.spikes[sk_pop.name]
            keep = data.instances == 0
            times = data.times[keep]
            if not sk_pop.is_source:          # the end of the spiking step, no later than now
                times = np.minimum((np.round(times / sim.dt) + 1) * sim.dt, sim.t)
            nodes = data.node_ids[keep] + pop.first_id
            order = np.argsort(nodes, kind="stable")
            nodes, times = nodes[order], times[order]
            bounds = np.searchsorted(nodes, list(out.keys()), side="left"), \
                np.searchsorted(nodes, list(out.keys()), side="right")
            for i, a, b in zip(out.keys(), *bounds):
                if b > a:
                    out[i] = times[a:b]
        return out

    def _get_all_signals(self, variable, ids, clear=False):
        sim = simulator.state.sim
        ids = [int(i) for i in ids]
        if sim is None or not ids:
            return np.zeros((0, len(ids))), None
        results = sim.results
        columns = {}
        for sk_pop, pop, rec_ids in self._monitors.get(variable.name, []):
            trace = results.traces[sk_pop.name][_variable(pop, variable.name)]
            data = np.asarray(trace.data)[:, 0, :]              # (samples, batch, neurons) -> instance 0
            for col, i in enumerate(rec_ids):
                columns[int(i)] = np.concatenate([[self._initial[(variable.name, int(i))]], data[:, col]])
        return np.column_stack([columns[i] for i in ids]), None

    def _local_count(self, variable, filter_ids=None):
        spikes = self._get_spiketimes(sorted(self.filter_recorded(variable, filter_ids)))
        return {i: len(t) for i, t in spikes.items()}

    def _clear_simulator(self):
        pass

    def _reset(self):
        pass
