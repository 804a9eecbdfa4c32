"""Monitors at run time: backend record buffers, drained to the host in chunks."""

from __future__ import annotations

import numpy as np

from .results import Results, SpikeData, TraceData
from .validation import fail


def state_array(group: dict, variable: str):
    """The (B, N) array of a lowered LIF group that holds ``variable`` (on a device
    backend, a view into the group's padded state planes)."""
    if group.get("kind") == "equation":
        return group["arrays"]["I_inject"] if variable == "i_inject" else group["state"][variable]
    if "views" in group:
        return group["views"][variable]
    if variable in ("syn_E", "syn_I"):
        return group["syn"][0 if variable == "syn_E" else 1]
    return group[variable]


class Subexpression:
    """A recorded subexpression of an EquationModel: the state variables it reads are
    recorded like any other, and it is evaluated from them on the host when drained
    (the same generated NumPy on every backend, in the recorded dtype), with the
    parameters the group holds then (a parameter changed during the run applies to the
    samples drained after the change)."""

    def __init__(self, model, name: str, group: str, columns: np.ndarray, dt: float):
        from .modeling.codegen_numpy import numpy_function
        block = model.subexpression_block(name)
        self.function = numpy_function(block, f"record_{name}")[0]
        self.inputs = block.inputs
        self.recorded = [x for x in self.inputs if x in model.state_variables]
        if "I_inject" in self.inputs:
            self.recorded.append("i_inject")
        if not self.recorded:                # parameters only: one variable gives the sample count
            self.recorded.append(model.state_variables[0])
        self.name, self.group, self.columns, self.dt = name, group, columns, dt

    def evaluate(self, recorded: dict, times: np.ndarray, host_groups: dict, batch: int) -> np.ndarray:
        """recorded: state variable -> (samples, B, n) block; times: the samples' times (ms)."""
        rows = len(times)
        dtype = next(iter(recorded.values())).dtype
        shape = (rows, batch, self.columns.size)
        if rows == 0:
            return np.zeros(shape, dtype)
        params = host_groups[self.group]["params"]
        values = {}
        for x in self.inputs:
            if x in recorded or x == "I_inject":
                values[x] = recorded["i_inject" if x == "I_inject" else x][:rows]
            elif x == "t":
                values[x] = times.astype(dtype)[:, None, None]
            elif x == "dt":
                values[x] = dtype.type(self.dt)
            else:
                values[x] = np.asarray(params[x])[:, self.columns].astype(dtype)[None]
        return np.broadcast_to(self.function(values)[self.name], shape).astype(dtype)


class Recorder:
    """Owns the record buffers of every monitor and the host copy of what was drained.

    Spikes are recorded once per group (the compacted list of the step) and split
    into populations when drained; state is sampled from the group arrays at the
    population's offset.
    """

    def __init__(self, monitors, placement: dict, group_sizes: dict, backend, dt: float, batch: int,
                 min_intervals: dict | None = None, keep: bool = True, host_groups: dict | None = None,
                 synapses=None):
        """min_intervals: group -> fewest steps between two spikes of one neuron (1 + its
        refractory steps; default 1), which bounds how fast a spike buffer fills.
        keep: hold every drained chunk in memory for results() (False when the chunks
        go to a file and results are read back from it: memory stays bounded).
        host_groups: the lowered groups (their ``params``, read when a recorded
        subexpression is evaluated).
        synapses: (network, plan, uploaded synapse tables), for monitors of projections
        (snnkit.synapse_recording)."""
        self.backend, self.dt, self.batch, self.keep = backend, dt, batch, keep
        self.host_groups = host_groups or {}
        min_intervals = min_intervals or {}
        self.placement = placement
        self.group_sizes = group_sizes
        self.spike_monitors = {}     # pop -> indices or None (all)
        self.state_monitors = {}     # (pop, var) -> dict(indices, every, record, unit)
        self.group_buffers = {}      # group -> backend record of its spikes
        self.value_names = {}        # group -> the variables recorded at its spikes
        self.spike_values = {}       # pop -> the variables recorded at its spikes
        for mon in monitors:
            if mon.of_synapses:
                from .synapse_recording import synapse_monitor
                name, entry = synapse_monitor(mon, *synapses, backend, batch)
                if (name, mon.variable) in self.state_monitors:
                    fail("Monitor", f"{name}.{mon.variable}", "is recorded twice; use one Monitor per "
                         "projection and variable")
                self.state_monitors[(name, mon.variable)] = entry
                continue
            pop = mon.target.name
            key = pop if mon.variable == "spikes" else (pop, mon.variable)
            if key in self.spike_monitors or key in self.state_monitors:
                fail("Monitor", f"{pop}.{mon.variable}", "is recorded twice; use one Monitor per "
                     "population and variable")
            if mon.variable == "spikes":
                indices = None if mon.indices is None else np.unique(mon.indices)
                every_neuron = indices is None or indices.size == mon.target.size
                self.spike_monitors[pop] = None if every_neuron else indices
                group = placement[pop][0]
                if group not in self.group_buffers:
                    self.group_buffers[group] = backend.new_spike_record(batch, group_sizes[group],
                                                                         min_intervals.get(group, 1))
                if mon.values:
                    self.spike_values[pop] = list(mon.values)
                    names = self.value_names.setdefault(group, [])
                    names += [x for x in mon.values if x not in names]
            else:
                group, offset, _ = placement[pop]
                indices = mon.neuron_indices()
                model = mon.target.model
                entry = dict(indices=indices, every=mon.every, unit=model.unit(mon.variable))
                if mon.variable in model.state_variables:
                    entry["record"] = backend.new_state_record(indices + offset, batch)
                else:                                # a subexpression (EquationModel.recordable)
                    entry["derived"] = Subexpression(model, mon.variable, group, offset + indices, dt)
                    entry["records"] = {x: backend.new_state_record(indices + offset, batch)
                                        for x in entry["derived"].recorded}
                self.state_monitors[key] = entry
        self.min_intervals = min_intervals
        self.value_records = {}      # group -> backend record of values at its spikes (made in ops())
        self.spike_chunks = {pop: [] for pop in self.spike_monitors}
        self.state_chunks = {key: [] for key in self.state_monitors}
        self.state_rows = {key: 0 for key in self.state_monitors}     # samples drained so far

    def ops(self, groups: dict, spikes: dict) -> list:
        """Per-step record operations, each called as op(step)."""
        ops = []
        for group, buffer in self.group_buffers.items():
            self.backend.attach_spike_record(spikes[group], buffer)
            ops.append(lambda k, s=spikes[group], b=buffer: self.backend.record_spikes(s, b, k))
        for group, names in self.value_names.items():
            arrays = {x: state_array(groups[group], x) for x in names}
            record = self.value_records[group] = self.backend.new_spike_value_record(
                self.batch, self.group_sizes[group], self.min_intervals.get(group, 1), arrays)
            ops.append(lambda k, s=spikes[group], r=record: self.backend.record_spike_values(s, r, k))
        for (pop, var), mon in self.state_monitors.items():
            if "array" in mon:                       # a projection's variable
                ops.append(lambda k, a=mon["array"], e=mon["every"], r=mon["record"]:
                           (k + 1) % e == 0 and self.backend.record_state(a, r))
                continue
            if "constant" in mon:
                continue
            group = groups[self.placement[pop][0]]
            records = mon["records"] if "derived" in mon else {var: mon["record"]}
            for x, record in records.items():
                ops.append(lambda k, a=state_array(group, x), e=mon["every"], r=record:
                           (k + 1) % e == 0 and self.backend.record_state(a, r))
        return ops

    def state_bytes_per_step(self) -> int:
        """Bytes of state samples recorded per step, on average (host buffer growth)."""
        item = self.backend.dtype.itemsize
        return int(sum(self.batch * m["indices"].size * item / m["every"] * len(m.get("records", (0,)))
                       for m in self.state_monitors.values()))

    def report_info(self) -> dict:
        return {key: dict(node_ids=m["indices"], unit=m["unit"], interval=m["every"] * self.dt)
                for key, m in self.state_monitors.items()}

    def drain(self, completed_steps: int) -> tuple[dict, dict]:
        """Move buffered records to the host; return just the new chunks, per population.

        Only the ``completed_steps`` first steps count: a step cut short (Ctrl-C
        between its operations) may have recorded part of itself already, on
        backends whose spike producers record as they go; that part is dropped.
        """
        new_spikes, new_states = {}, {}
        drained = {}
        for group, record in self.group_buffers.items():
            drained[group] = self.backend.drain_spikes(record, self.group_sizes[group])
        values = {group: self.backend.drain_spike_values(record, self.group_sizes[group])
                  for group, record in self.value_records.items()}
        for pop, indices in self.spike_monitors.items():
            group, offset, size = self.placement[pop]
            steps, node, inst = drained[group]
            keep = (node >= offset) & (node < offset + size) & (steps < completed_steps)
            if indices is not None:
                keep &= np.isin(node - offset, indices)
            new_spikes[pop] = (steps[keep] * self.dt, node[keep] - offset, inst[keep])
            if pop in self.spike_values:
                # the value record holds the group's spikes in the spike record's order
                v_steps, v_node, _, v = values[group]
                if not (np.array_equal(v_steps, steps) and np.array_equal(v_node, node)):
                    raise RuntimeError(f"the values at the spikes of {pop} do not follow its spike record")
                new_spikes[pop] += ({x: v[x][keep] for x in self.spike_values[pop]},)
            if self.keep:
                self.spike_chunks[pop].append(new_spikes[pop])
        for key, mon in self.state_monitors.items():
            wanted = max(0, completed_steps // mon["every"] - self.state_rows[key])
            if "derived" in mon:
                first = self.state_rows[key]
                recorded = {x: self.backend.drain_state(r)[:wanted] for x, r in mon["records"].items()}
                times = (first + 1 + np.arange(min(len(b) for b in recorded.values()))) * mon["every"] * self.dt
                block = mon["derived"].evaluate(recorded, times, self.host_groups, self.batch)
            elif "constant" in mon:
                block = np.broadcast_to(mon["constant"], (wanted,) + mon["constant"].shape).copy()
            else:
                block = self.backend.drain_state(mon["record"])[:wanted]
            self.state_rows[key] += block.shape[0]
            if block.size:
                new_states[key] = block
                if self.keep:
                    self.state_chunks[key].append(block)
        return new_spikes, new_states

    def results(self, attrs: dict) -> Results:
        res = Results(attrs=dict(attrs))
        for pop, chunks in self.spike_chunks.items():
            parts = [np.concatenate(c) if chunks else np.zeros(0) for c in zip(*[c[:3] for c in chunks])] or \
                [np.zeros(0), np.zeros(0, np.int64), np.zeros(0, np.int64)]
            values = {x: np.concatenate([c[3][x] for c in chunks]) if chunks else np.zeros(0, self.backend.dtype)
                      for x in self.spike_values.get(pop, ())}
            res.spikes[pop] = SpikeData(parts[0].astype(float), parts[1].astype(np.int64),
                                        parts[2].astype(np.int64), self.placement[pop][2],
                                        self.spike_monitors[pop], self.batch, values)
        for (pop, var), chunks in self.state_chunks.items():
            mon = self.state_monitors[(pop, var)]
            n = mon["indices"].size
            data = np.concatenate(chunks) if chunks else np.zeros((0, self.batch, n))
            interval = mon["every"] * self.dt
            times = interval * (1 + np.arange(data.shape[0]))
            res.traces.setdefault(pop, {})[var] = TraceData(times, data, mon["indices"], mon["unit"])
        return res
