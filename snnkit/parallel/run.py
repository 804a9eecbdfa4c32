"""What the Simulator does differently on a rank of a partitioned run: the spike sets its
tables read, its share of the monitors, its own record file, the exchange, and the
merge of every rank's records (collective calls: every rank makes them, in order)."""

from __future__ import annotations

import copy

import numpy as np

from ..validation import fail
from .exchange import SpikeExchange
from .lowering import shortest_delay
from .merge import merge_results


def window_steps(plan) -> int | None:
    """Steps between exchanges: the shortest delay of any table on any rank (collective)."""
    if plan.partition is None:
        return None
    local = min([shortest_delay(t) for t in plan.synapses] or [1 << 30])
    return int(min(plan.partition.comm.allgather(local)))


def presynaptic_spikes(sim) -> dict:
    """group -> the spike set its outgoing tables read: the rank's own, or on a partitioned
    rank a whole-network set the exchange fills."""
    if sim.partition is None:
        return sim.spikes
    pres = {table["pre"] for table in sim.synapses}             # in the groups' order: the same on every rank
    return {name: sim.backend.new_spikes(sim.batch, g["global_size"]) for name, g in sim.plan.groups.items()
            if name in pres}


def spike_exchange(sim, propagation: list) -> SpikeExchange:
    groups = sim.plan.groups

    def propagate(step: int) -> None:
        for op in propagation:
            op(step)
    return SpikeExchange(sim.partition, sim.backend, sim.spikes, sim.presynaptic,
                         {name: groups[name]["global_columns"] for name in sim.presynaptic},
                         {name: groups[name]["global_size"] for name in sim.presynaptic},
                         sim.window_steps, propagate)


def local_monitors(monitors: list, plan) -> list:
    """A rank's monitors: each population monitor cut to the recorded neurons the rank owns,
    numbered within its block."""
    partition = plan.partition
    if partition is None:
        return monitors
    out = []
    for mon in monitors:
        if mon.of_synapses:
            fail("Monitor", repr(mon), "must record a population in a partitioned (MPI) run (a projection's "
                 "variables are not gathered yet: read them with Simulator.weights)")
        lo, hi = partition.owned(mon.target.size)
        local = copy.copy(mon)
        if mon.variable != "spikes" or mon.indices is not None:
            wanted = mon.neuron_indices() if mon.variable != "spikes" else np.unique(mon.indices)
            wanted = np.asarray(wanted, np.int64)
            local.indices = wanted[(wanted >= lo) & (wanted < hi)] - lo
        out.append(local)
    return out


def part_path(output, partition):
    """The file a rank writes its own records to (the output file itself when not partitioned)."""
    if partition is None or output is None:
        return output
    return output.with_name(f"{output.stem}.rank{partition.rank}of{partition.size}{output.suffix}")


def _global_writer_info(sim) -> tuple[dict, dict]:
    """(spike monitors, reports) of the whole network, as a single process would write them."""
    spikes, reports = {}, {}
    for mon in sim.network.monitors:
        pop = mon.target.name
        if mon.variable == "spikes":
            every = mon.indices is None or np.unique(mon.indices).size == mon.target.size
            spikes[pop] = None if every else np.unique(mon.indices)
        else:
            reports[(pop, mon.variable)] = dict(node_ids=np.asarray(mon.neuron_indices(), np.int64),
                                                unit=mon.target.model.unit(mon.variable),
                                                interval=mon.every * sim.dt)
    return spikes, reports


def finish_run(sim) -> None:
    """After a run: rank 0 merges every rank's record file into ``output`` (collective)."""
    if sim.writer is None:
        return
    import time
    from ..io.hdf5 import SonataWriter
    from ..io.reader import load
    comm, partition = sim.partition.comm, sim.partition
    comm.Barrier()                                   # every rank's file is closed
    started = time.perf_counter()
    if partition.root:
        parts = [load(part_path(sim.output, type(partition)(comm, r, partition.size)))
                 for r in range(partition.size)]
        merged = merge_results(parts, sim, sim._attrs())
        spikes, reports = _global_writer_info(sim)
        writer = SonataWriter(sim.output, sim._attrs(), spikes, reports)
        writer.append({pop: (d.times, d.node_ids, d.instances) + ((d.values,) if d.values else ())
                       for pop, d in merged.spikes.items()},
                      {(pop, var): tr.data for pop, vs in merged.traces.items() for var, tr in vs.items()}, sim.t)
    comm.Barrier()                                   # the merged file is complete
    sim.merge_seconds = time.perf_counter() - started


def results(sim):
    """The whole network's records on every rank: read from the merged ``output``, or
    gathered from the ranks' memory (collective)."""
    from ..io.reader import load
    if sim.writer is not None and sim.output.exists() and sim.step_count:
        return load(sim.output)
    sim.flush()
    parts = sim.partition.comm.allgather(sim.recorder.results(sim._attrs()))
    return merge_results(parts, sim, sim._attrs())


def weights(sim, projection) -> tuple:
    """(pre, post, weight) of a projection over every rank, in the single-process order
    (by pre, then post; multapses, which lie on one rank, in connector order) (collective)."""
    from ..table_view import host_table
    index, table = sim._table_of(projection)
    host = host_table(sim.plan, sim.synapses, sim.backend, table)
    mine = host["projection"] == index
    lo, _ = sim.partition.owned(projection.post.size)
    pre = host["pre_global"][mine] - sim.plan.global_placement[projection.pre.name][1]
    post = host["post_index"][mine] - sim.plan.placement[projection.post.name][1] + lo
    weight = np.array(sim.backend.to_host(sim.synapses[table]["weight"]))[..., mine]
    parts = sim.partition.comm.allgather((pre, post, weight))
    pre, post = (np.concatenate([p[i] for p in parts]) for i in (0, 1))
    weight = np.concatenate([p[2] for p in parts], axis=-1)
    order = np.lexsort((post, pre))                 # stable: ties keep rank then table order
    return pre[order], post[order], weight[..., order]


def spike_counts(sim, counts: np.ndarray) -> np.ndarray:
    """A population's (batch, n) counts of the rank's block -> the whole population's."""
    return np.concatenate(sim.partition.comm.allgather(counts), axis=1)
