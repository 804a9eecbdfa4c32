"""Every rank's records -> the whole network's, in the order one process records them:
spikes by time, then instance, then neuron; a trace's columns in its monitor's order."""

from __future__ import annotations

import numpy as np

from ..results import Results, SpikeData, TraceData


def merge_results(parts: list, sim, attrs: dict) -> Results:
    """parts: each rank's Results (neurons numbered within its blocks), in rank order."""
    partition, network = sim.partition, sim.network
    out = Results(attrs=dict(attrs))
    sizes = {p.name: p.size for p in network.populations}
    recorded = {m.target.name: m for m in network.monitors if m.variable == "spikes"}
    for pop in parts[0].spikes:
        pieces = [part.spikes[pop] for part in parts]
        lows = [partition.owned_by(sizes[pop], r)[0] for r in range(len(parts))]
        times = np.concatenate([d.times for d in pieces])
        nodes = np.concatenate([d.node_ids + lo for d, lo in zip(pieces, lows)])
        instances = np.concatenate([d.instances for d in pieces])
        order = np.lexsort((nodes, instances, times))
        values = {x: np.concatenate([d.values[x] for d in pieces])[order] for x in pieces[0].values}
        mon = recorded[pop]
        indices = None if mon.indices is None else np.unique(mon.indices)
        if indices is not None and indices.size == sizes[pop]:
            indices = None
        out.spikes[pop] = SpikeData(times[order], nodes[order], instances[order], sizes[pop], indices,
                                    pieces[0].batch, values)
    for pop, variables in parts[0].traces.items():
        lows = [partition.owned_by(sizes[pop], r)[0] for r in range(len(parts))]
        for var, first in variables.items():
            held = [(tr, lo) for tr, lo in ((part.traces[pop][var], lo) for part, lo in zip(parts, lows))
                    if tr.node_ids.size]                     # ranks that own recorded neurons
            if not held:
                out.traces.setdefault(pop, {})[var] = first
                continue
            first = held[0][0]
            nodes = np.concatenate([tr.node_ids + lo for tr, lo in held])
            rows = min(tr.data.shape[0] for tr, _ in held)
            data = np.concatenate([tr.data[:rows] for tr, _ in held], axis=2)
            mon = next(m for m in network.monitors if m.target.name == pop and m.variable == var)
            wanted = np.asarray(mon.neuron_indices(), np.int64)
            position = {int(n): j for j, n in enumerate(nodes)}
            columns = np.array([position[int(n)] for n in wanted], np.int64)
            out.traces.setdefault(pop, {})[var] = TraceData(first.times[:rows], data[:, :, columns], wanted,
                                                            first.unit)
    return out
