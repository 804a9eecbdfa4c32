"""One Brian2 run() after another: the snnkit Simulator the device keeps between runs.

A run that continues the last one (it starts where that stopped) on the same network
(``signature``: the same objects, translated texts, synapses, monitors and options)
goes on with the last run's Simulator, so spikes in flight, random streams and internal
state carry over; what the script changed in between is loaded into it (KeptRun.load).
Anything else builds a new one (snnkit_brian2.network).
"""

from __future__ import annotations

import numpy as np

from .network import RunPieces, build_network, schedule_timed, simulator, write_back


def signature(pieces: RunPieces, options: dict) -> tuple:
    """What a built snnkit network bakes in of a run: equal for two runs, the simulator
    of the first runs the second on (state, rates and spike times are loaded instead)."""
    def raw(a):
        return None if a is None else (np.asarray(a).dtype.str, np.asarray(a).shape, np.asarray(a).tobytes())
    objects = tuple(sorted((o.name, id(o)) for kind in pieces.kinds.values() for o in kind))
    neurons = tuple((name, tr.size, tuple(sorted(tr.parts.items(), key=lambda kv: kv[0])),
                     tuple(sorted(tr.receptors.items())), tuple(tr.recorded)) for name, tr in pieces.neurons.items())
    sizes = tuple((name, values.shape) for name, values in pieces.poisson.items())
    sizes += tuple((name, len(times)) for name, times in pieces.generators.items())
    static = tuple((tr.target, pre, post, raw(i), raw(j), raw(w), raw(d))
                   for tr, pre, post, i, j, w, d in pieces.connections)
    plastic = tuple((tr.equations_text, tr.model.on_pre_text, tr.model.on_post_text, tr.model.update_text,
                     tuple(sorted(tr.model.summed_text.items())), pre, post, raw(i), raw(j), raw(a), raw(p))
                    for tr, pre, post, i, j, a, p in pieces.plastic)
    records = tuple((name, what, raw(indices)) for name, what, indices in pieces.records)
    return (pieces.dt_s, tuple(sorted((k, str(v)) for k, v in options.items())), objects, neurons, sizes, static,
            plastic, records)


def _same(a, b) -> bool:
    return b is not None and np.array_equal(a, b, equal_nan=True)


class KeptRun:
    """An snnkit Simulator kept by the device between run() calls: the next run goes on
    with it (spikes in flight, random streams, internal state) when its network is the
    same (``signature``); Brian2's current values are loaded into it first, those that
    differ from what the last run wrote back."""

    def __init__(self, sim, pieces: RunPieces, populations: dict, projections: list, key: tuple):
        self.sim, self.populations, self.projections, self.signature = sim, populations, projections, key
        self.origin_step = pieces.origin_step
        self.end_step = pieces.first_step + pieces.n_steps
        self.written = {}                 # (kind, object, variable) -> the values written back
        self.runs = 0                     # the run() calls this simulator ran

    def load(self, pieces: RunPieces) -> None:
        """Brian2's values now (changed between runs by the script) into the simulator."""
        sim, written = self.sim, self.written
        for name, tr in pieces.neurons.items():
            values = tr.initial_values()
            for x in tr.held:
                if not _same(values[x], written.get(("neurons", name, x))):
                    sim.set_state(self.populations[name], x, values[x])
            schedule_timed(self.populations[name], tr, pieces)
        for name, rates in pieces.poisson.items():
            if not _same(rates, written.get(("rates", name, "rate"))):
                self.populations[name].set(rate=rates)
                written[("rates", name, "rate")] = rates.copy()
        for name, times in pieces.generators.items():
            self.populations[name].set(times=times)
        for (translation, *_), projection in zip(pieces.plastic, self.projections):
            if projection is None:
                continue
            for x, values in translation.table_values().items():
                if not _same(values, written.get(("synapses", translation.synapses.name, x))):
                    sim.set_synapse_values(projection, translation.spelled[x], values)
        self.end_step = pieces.first_step + pieces.n_steps


def translate_and_run(net, namespace: dict, options: dict, seed, run_index: int, report, kept=None) -> KeptRun:
    """One Brian2 run() on snnkit: on ``kept``'s simulator when the network is the same
    and this run starts where it stopped, else on a new one. -> the KeptRun to go on with."""
    pieces = RunPieces(net, namespace, (kept.origin_step, kept.end_step) if kept is not None else None)
    key = signature(pieces, options)
    if kept is not None and pieces.first_step == kept.end_step and pieces.origin_step == kept.origin_step \
            and key == kept.signature:
        kept.load(pieces)
    else:
        if pieces.origin_step != pieces.first_step:
            pieces = RunPieces(net, namespace)
            key = signature(pieces, options)
        network, populations, projections = build_network(pieces)
        kept = KeptRun(simulator(network, pieces, options, seed, run_index), pieces, populations, projections, key)
    start_ms = kept.sim.t
    kept.runs += 1
    kept.sim.run(pieces.n_steps * pieces.dt_ms, progress=bool(report) if report is not None else None)
    write_back(kept.sim, pieces, kept.populations, projections=kept.projections, start_ms=start_ms,
               written=kept.written)
    return kept
