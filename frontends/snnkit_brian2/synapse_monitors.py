"""StateMonitors of Synapses: what snnkit records for them and the rows they get.

A Synapses object whose events change its variables is one snnkit projection with a
synapse model (snnkit_brian2.plastic); snnkit samples its variables (snnkit's
Monitor of a projection) at the end of every step, in the table's order. Brian2's
StateMonitor samples in the start slot: its row for step k is the value after the
events of step k-1, i.e. snnkit's sample of step k-1, and its first row of a run the
value the run starts from. Synapses whose events change nothing keep every variable
constant during a run, as every synapse keeps its ``delay``: their rows repeat the
values at the run's start.

A monitored variable of the synapses' neurons (``v_post``, or ``g`` for the
postsynaptic ``g``) is read from that group's own recording, at each recorded
synapse's neuron. Not sampled (NotImplementedError): event-driven variables (Brian2
records the value as of the synapse's last event, snnkit holds them as of other
moments: snnkit.modeling.synapse_layout), subexpressions and Brian2's bookkeeping
(``lastupdate``).
"""

from __future__ import annotations

import numpy as np

from .code import unsupported
from .synapses import own_variables


def neuron_variable(synapses, name: str):
    """(side, group, variable) when ``name`` is a variable of the synapses' presynaptic or
    postsynaptic group (``v_post``, ``g`` for the postsynaptic ``g``), else None."""
    side = {"_postsynaptic_idx": "post", "_presynaptic_idx": "pre"}.get(synapses.variables.indices.get(name))
    if side is None or name not in synapses.variables:
        return None
    from .monitors import parent_and_range
    group = parent_and_range(synapses.target if side == "post" else synapses.source)[0]
    return side, group, synapses.variables[name].name


def check_synapse_monitor(monitor, synapses) -> None:
    from .plastic import all_equations
    own = set(own_variables(synapses))
    event_driven = {eq.varname for eq in all_equations(synapses)
                    if eq.type == "differential equation" and "event-driven" in eq.flags}
    for name in monitor.record_variables:
        if neuron_variable(synapses, name) is not None:
            continue                   # the neuron's value at each synapse: the group's recording
        if name in event_driven:
            raise unsupported(f"a StateMonitor of the event-driven variable {name!r} of Synapses "
                              f"{synapses.name!r} (Brian2 records it as of each synapse's last event)", monitor)
        if name not in own and name != "delay":
            raise unsupported(f"a StateMonitor of {name!r} of Synapses {synapses.name!r} (only the synapses' "
                              f"own variables that are not event-driven are sampled)", monitor)


class SynapseSampling:
    """The synapse StateMonitors of one run: ``sampled`` (Synapses name, variable) ->
    the table positions snnkit records (sorted), and each monitor's values at the
    run's start (Brian2's order of its recorded synapses)."""

    def __init__(self, monitors: list, plastic: list):
        from brian2 import Synapses
        self.translations = {tr.synapses.name: tr for tr in plastic}
        self.sampled, self.initial = {}, {}
        for monitor in monitors:
            syn = monitor.source
            if type(monitor).__name__ != "StateMonitor" or not isinstance(syn, Synapses):
                continue
            wanted = np.asarray(monitor.record, dtype=np.int64)
            self.initial[monitor.name] = {
                x: np.broadcast_to(np.asarray(syn.variables[x].get_value(), dtype=float), (len(syn),))[wanted].copy()
                for x in monitor.record_variables if neuron_variable(syn, x) is None}
            tr = self.translations.get(syn.name)
            if tr is None:
                continue
            positions = self.positions(tr, wanted)
            for x in monitor.record_variables:
                if x == "delay" or neuron_variable(syn, x) is not None:    # constant / the group's
                    continue
                key = (syn.name, x)
                self.sampled[key] = np.union1d(self.sampled.get(key, np.zeros(0, np.int64)), positions)

    @staticmethod
    def positions(translation, wanted: np.ndarray) -> np.ndarray:
        """The table positions of Brian2's synapses ``wanted``."""
        order = translation._order()
        position = np.empty(order.size, np.int64)
        position[order] = np.arange(order.size)
        return position[wanted]

    def record(self, network, projections: dict) -> None:
        """Monitors of the sampled variables on their projections (Synapses name -> Projection)."""
        for (name, x), positions in self.sampled.items():
            if positions.size and projections.get(name) is not None:
                network.record(projections[name], self.translations[name].spelled[x], indices=positions)

    @staticmethod
    def neuron_reads(monitor) -> list:
        """(group, variable, neuron of each recorded synapse) of the monitor's neuron variables."""
        from .synapses import synapse_indices
        syn = monitor.source
        found = [(x, neuron_variable(syn, x)) for x in monitor.record_variables]
        found = [(x, f) for x, f in found if f is not None]
        if not found:
            return []
        wanted = np.asarray(monitor.record, dtype=np.int64)
        pre, post = synapse_indices(syn)
        return [(x, group, base, (post if side == "post" else pre)[wanted]) for x, (side, group, base) in found]

    def rows(self, monitor, results, instance: int, first_sample: int, n_steps: int) -> dict:
        """variable -> (n_steps, recorded synapses): the monitor's rows of this run (its
        synapses' own variables; its neuron variables come from the groups' recordings)."""
        initial = self.initial[monitor.name]
        tr = self.translations.get(monitor.source.name)
        positions = None if tr is None else self.positions(tr, np.asarray(monitor.record, dtype=np.int64))
        out = {}
        for x, start in initial.items():
            if tr is None or start.size == 0 or x == "delay":    # nothing changes them during the run
                out[x] = np.broadcast_to(start, (n_steps, start.size))
                continue
            trace = results.traces[monitor.source.name][tr.spelled[x]]
            columns = np.searchsorted(self.sampled[(monitor.source.name, x)], positions)
            after = trace.data[first_sample:first_sample + n_steps - 1, instance, :][:, columns]
            out[x] = np.concatenate([start[None, :], after])
        return out
