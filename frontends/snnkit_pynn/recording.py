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


def _given_times(pop, nodes: np.ndarray, times: np.ndarray, dt: float) -> np.ndarray:
    """The spike_times a SpikeSourceArray was given, for its spikes emitted at grid ``times``
    (each given time counts in one step, standardmodels.on_grid; with
    spike_precision="off_grid" NEST reports it)."""
    from .standardmodels import on_grid
    trains = pop.celltype.trains(pop)
    out = times.copy()
    for j, (node, t) in enumerate(zip(nodes, times)):
        given = trains[int(node)]
        near = given[np.abs(on_grid(given, dt) - t) < dt / 2]
        if near.size:
            out[j] = near[0]
    return out


def _variable(pop, name: str):
    from .standardmodels import snnkit_variable
    return snnkit_variable(pop.celltype, name)


class Recorder(recording.Recorder):
    _simulator = simulator

    def __init__(self, population, file=None):
        super().__init__(population, file)
        self._monitors = {}                 # variable name -> (snnkit population, sampled ids)
        self._initial = {}
        self._cleared = (None, 0.0)         # (segment, ms): get_data(clear=True) was called then

    def _record(self, variable, new_ids, sampling_interval=None):
        simulator.state.require_unbuilt("starting to record")
        if sampling_interval is not None:
            self.sampling_interval = sampling_interval
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
        """(ids, times) of the recorded spikes of ``ids`` since the last clear (PyNN's fast
        path: one Neo SpikeTrainList built from arrays, not a train per cell)."""
        sim = simulator.state.sim
        wanted = np.asarray([int(i) for i in ids], dtype=np.int64)
        all_ids, all_times = [np.zeros(0, np.int64)], [np.zeros(0)]
        if sim is not None:
            results = sim.results
            for sk_pop, pop, _ in self._monitors.get("spikes", []):
                data = results.spikes[sk_pop.name]
                keep = data.instances == 0
                times = data.times[keep]
                if not sk_pop.is_source:          # the end of the spiking step, no later than now
                    times = np.minimum((np.round(times / sim.dt) + 1) * sim.dt, sim.t)
                elif getattr(simulator.state, "spike_precision", "on_grid") == "off_grid" and \
                        hasattr(pop.celltype, "trains"):       # a SpikeSourceArray's own times, as NEST's
                    times = _given_times(pop, data.node_ids[keep], times, sim.dt)
                nodes = data.node_ids[keep] + pop.first_id
                mine = np.isin(nodes, wanted) & (times > self._cleared_at if self._cleared_at else True)
                all_ids.append(nodes[mine])
                all_times.append(times[mine])
        ids_out, times_out = np.concatenate(all_ids), np.concatenate(all_times)
        order = np.lexsort((times_out, ids_out))
        return ids_out[order], times_out[order].astype(float)

    def _get_all_signals(self, variable, ids, clear=False):
        """Samples of ``ids`` from the last clear on (from t = 0: the initial value first)."""
        sim = simulator.state.sim
        ids = [int(i) for i in ids]
        if sim is None or not ids:
            return np.zeros((0, len(ids))), None
        results = sim.results
        columns = {}
        for sk_pop, pop, rec_ids in self._monitors.get(variable.name, []):
            trace = results.traces[sk_pop.name][_variable(pop, variable.name)]
            data = np.asarray(trace.data)[:, 0, :]              # (samples, batch, neurons) -> instance 0
            later = np.round(np.asarray(trace.times), 9) >= round(self._cleared_at, 9)
            for col, i in enumerate(rec_ids):
                first = [self._initial[(variable.name, int(i))]] if not self._cleared_at else []
                columns[int(i)] = np.concatenate([first, data[later, col]])
        return np.column_stack([columns[i] for i in ids]), None

    def _local_count(self, variable, filter_ids=None):
        wanted = sorted(self.filter_recorded(variable, filter_ids))
        ids, _ = self._get_spiketimes(wanted)
        counts = dict.fromkeys((int(i) for i in wanted), 0)
        for i, n in zip(*np.unique(ids, return_counts=True)):
            counts[int(i)] = int(n)
        return counts

    def _clear_simulator(self):
        """get_data(clear=True): later reads start here (snnkit keeps the run's records)."""
        self._cleared = (simulator.state.segment_counter, simulator.state.t)

    @property
    def _cleared_at(self) -> float:
        """When get_data(clear=True) was last called in this segment (0: not since reset())."""
        segment, t = self._cleared
        return t if segment == simulator.state.segment_counter else 0.0

    def _reset(self):
        self._cleared = (None, 0.0)
