"""Monitors of synapse variables (a Monitor whose target is a Projection): which device
array each one samples, and where in it.

A projection's synapses are a slice of a synapse table (snnkit.builder: projections
that share a table are told apart by its ``projection`` column), in the order
``Simulator.weights`` reports. A monitored variable is sampled with the same record
buffers as neuron state, from the array that holds it: the weights ((B, S) where the
event code or sk.STDP changes them), a synapse variable (B, S), or one held per neuron
(B, N) at the synapse's neuron (snnkit.modeling.synapse_layout). Weights no event
changes are constant during a run: their samples are repeated on the host, nothing
is recorded on the device.
"""

from __future__ import annotations

import numpy as np

from .table_view import host_table
from .validation import fail


def report_names(network) -> dict:
    """Projection index -> the name its samples are reported under: its ``name``, else
    "<pre>_to_<post>" (with "_<k>" for the k-th further projection between the two)."""
    taken = {p.name for p in network.populations}
    out = {}
    for k, proj in enumerate(network.projections):
        name = proj.name or f"{proj.pre.name}_to_{proj.post.name}"
        base, extra = name, 1
        while name in taken:
            if proj.name:
                fail("Projection.name", proj.name, "must differ from every population's and other projection's "
                     "name to be monitored")
            name, extra = f"{base}_{extra}", extra + 1
        taken.add(name)
        out[k] = name
    return out


def synapse_monitor(mon, network, plan, tables: list, backend, batch: int) -> tuple[str, dict]:
    """(report name, recorder entry) of a Monitor of a projection's variable. The entry
    holds ``indices`` (the recorded synapses), ``every``, ``unit`` and either ``record``
    and ``array`` (sampled on the device) or ``constant`` ((B, n) host values)."""
    proj = mon.target
    index = next((k for k, p in enumerate(network.projections) if p is proj), None)
    if index is None:
        fail("Monitor.target", proj, "must be a Projection of the simulated network")
    table_index = plan.table_of[index]
    host, table = host_table(plan, tables, backend, table_index), tables[table_index]
    if host.get("procedural"):
        fail("Monitor.target", proj, "must store its synapses to be monitored (it is procedural: its weights "
             "are constant and drawn from counters; read them with Simulator.weights)")
    positions = np.flatnonzero(host["projection"] == index)
    indices = np.arange(positions.size) if mon.indices is None else mon.indices
    if indices.size and indices.max() >= positions.size:
        fail("Monitor.indices", int(indices.max()), f"must lie in [0, {positions.size}): the synapses of "
             f"{proj.pre.name} -> {proj.post.name}")
    where = positions[indices]
    entry = dict(indices=indices, every=mon.every)
    if mon.variable == "w":
        from .modeling.synapse_units import weight_unit
        entry["unit"] = str(weight_unit(proj.post.model, proj.receptor))
        array = table["weight"]
        if len(array.shape) == 1:
            values = np.asarray(backend.to_host(array), dtype=float)[where]
            entry["constant"] = np.broadcast_to(values, (batch, where.size))
            return report_names(network)[index], entry
    else:
        entry["unit"] = str(proj.synapse_bound.units.get(mon.variable, ""))
        holder = table["layout"].holder[mon.variable]
        if holder == "synapse":
            array = table["state"][mon.variable]
        else:
            array = table[f"{holder}_state"][mon.variable]
            where = host[f"{holder}_index"][where]          # the synapses' neurons in the group
    entry["array"] = array
    entry["record"] = backend.new_state_record(np.asarray(where, np.int64), batch)
    return report_names(network)[index], entry
