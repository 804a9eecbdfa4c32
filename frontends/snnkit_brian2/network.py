"""One Brian2 run on snnkit: translate the network's objects, run, write back.

Objects: NeuronGroup (snnkit_brian2.neurons, with its PoissonInputs), PoissonGroup (snnkit's Poisson
source: the same rates, snnkit's random numbers), SpikeGeneratorGroup (SpikeTimes
at Brian2's time bins, ``period`` included), Synapses (snnkit_brian2.synapses),
SpikeMonitor, EventMonitor("spike"), StateMonitor, PopulationRateMonitor
(snnkit_brian2.monitors). Anything else raises NotImplementedError naming it.
"""

from __future__ import annotations

import numpy as np

from .code import unsupported
from .monitors import (append_rates, append_spikes, append_states, at_spikes, check_monitor, parent_and_range,
                       recorded_variables, spike_copy, state_copy)
from .neurons import NeuronTranslation, held_variables
from .plastic import SynapseModelTranslation, needs_synapse_model
from .poisson_rates import PoissonRatesTranslation, has_rate_expression
from .synapse_monitors import SynapseSampling
from .timed import schedule
from .synapses import PathwayTranslation, check_synapses


def _classify(net):
    from brian2 import (EventMonitor, NeuronGroup, PoissonGroup, PopulationRateMonitor, SpikeGeneratorGroup,
                        SpikeMonitor, StateMonitor, Synapses)
    from brian2.groups.group import CodeRunner
    from brian2 import PoissonInput
    kinds = {"neurons": [], "poisson": [], "generators": [], "synapses": [], "monitors": [], "poisson_inputs": []}
    owned = set()
    inactive = [o for o in net.sorted_objects if not o.active]
    if inactive:
        raise unsupported("objects switched off (active=False)", inactive[0])
    objects = list(net.sorted_objects)
    for obj in objects:
        if isinstance(obj, PoissonInput):
            kinds["poisson_inputs"].append(obj)
            continue
        if isinstance(obj, (SpikeMonitor, EventMonitor, StateMonitor, PopulationRateMonitor)):
            check_monitor(obj)
            kinds["monitors"].append(obj)
        elif isinstance(obj, PoissonGroup):
            kinds["poisson"].append(obj)
        elif isinstance(obj, SpikeGeneratorGroup):
            kinds["generators"].append(obj)
        elif isinstance(obj, NeuronGroup):
            kinds["neurons"].append(obj)
        elif isinstance(obj, Synapses):
            kinds["synapses"].append(obj)
        else:
            continue
        owned |= {c.name for c in obj.contained_objects}
    for obj in objects:
        if isinstance(obj, CodeRunner) and obj.name not in owned and not any(obj in v for v in kinds.values()):
            raise unsupported(f"the object type {type(obj).__name__} (e.g. a network operation on its "
                              f"own)", obj)
    from brian2.core.operations import NetworkOperation
    for obj in objects:
        if isinstance(obj, NetworkOperation):
            raise unsupported("network_operation (arbitrary Python between steps)", obj)
    return kinds


def _main_dt(kinds) -> float:
    dts = {o.clock.dt_ for k in ("neurons", "poisson", "generators", "synapses") for o in kinds[k]}
    if len(dts) > 1:
        raise unsupported(f"groups on clocks of different dt ({', '.join(f'{d * 1e3:g} ms' for d in sorted(dts))})",
                          "the network")
    dt = dts.pop() if dts else kinds["monitors"][0].clock.dt_
    for monitor in kinds["monitors"]:
        ratio = monitor.clock.dt_ / dt
        if type(monitor).__name__ == "StateMonitor":
            if abs(ratio - round(ratio)) > 1e-9 or round(ratio) < 1:
                raise unsupported(f"a StateMonitor dt ({monitor.clock.dt_ * 1e3:g} ms) that is not a multiple "
                                  f"of the groups' ({dt * 1e3:g} ms)", monitor)
        elif abs(ratio - 1) > 1e-9:
            raise unsupported(f"a monitor on another clock ({monitor.clock.dt_ * 1e3:g} ms)", monitor)
    return dt


def _generator_times(group, first_step: int, n_steps: int, dt_s: float, dt_ms: float, origin: int) -> list:
    """Per neuron, the times (ms from step ``origin``, the simulator's start) of its spikes
    in this run, at Brian2's time bins (``int((t + 1e-3 dt)/dt)``), repeated every ``period``."""
    times = np.asarray(group._spike_time, dtype=float)
    index = np.asarray(group._neuron_index, dtype=np.int64)
    bins = np.asarray((times + 1e-3 * dt_s) / dt_s, dtype=np.int64)
    period = float(group.variables["period"].get_value().item())
    out_steps, out_index = [bins], [index]
    if 0 < period < np.inf:
        period_bins = int(np.round(period / dt_s))
        repeats = (first_step + n_steps) // period_bins + 1
        out_steps = [bins + r * period_bins for r in range(repeats)]
        out_index = [index] * repeats
    steps, idx = np.concatenate(out_steps), np.concatenate(out_index)
    keep = (steps >= first_step) & (steps < first_step + n_steps)
    per_neuron = [[] for _ in range(int(group.N))]
    for s, i in zip(steps[keep] - origin, idx[keep]):
        per_neuron[int(i)].append(s * dt_ms)
    return per_neuron


def check_summed(translation, targets: dict, groups: list) -> None:
    """A summed variable reads the neurons' values at the start of the step, before any
    group's update: refused where snnkit's values differ from Brian2's there (a variable
    synapses add to arrives in snnkit's next step; a group updated before the summed
    variable in Brian2's order)."""
    syn = translation.synapses
    if not translation.summed:
        return
    for name in sorted(translation.summed_reads & set(translation.neuron_names)):
        side, base = translation.neuron_names[name]
        group = parent_and_range(syn.source if side == "pre" else syn.target)[0]
        if base in targets.get(group.name, ()):
            raise unsupported(f"a summed variable reading {name!r}, which synapses add to (Brian2 adds it "
                              f"before the summed variable, snnkit in its next step)", syn)
    order = next(iter(syn.summed_updaters.values())).order
    if any(g.order <= order for g in groups):
        raise unsupported("a summed variable updated after a group's state update (Brian2's order)", syn)


def _check_monitor_order(monitor, group) -> None:
    """snnkit samples a StateMonitor before the group's start-slot run_regularly code;
    Brian2 orders them by ``order``: one ordered before the monitor is refused."""
    from brian2.groups.group import CodeRunner
    for obj in getattr(group, "contained_objects", ()):
        if isinstance(obj, CodeRunner) and obj.when == "start" and obj.order < monitor.order:
            raise unsupported(f"a StateMonitor (order {monitor.order}) after the run_regularly {obj.name!r} "
                              f"(order {obj.order}) in the start slot", monitor)


class RunPieces:
    """One Brian2 run() translated: what snnkit needs of every object, not yet a network."""

    def __init__(self, net, namespace: dict, continues: tuple | None = None):
        """continues: (origin step, end step) of a kept simulator; when this run starts at
        its end, times are counted from its origin (so that it can run on)."""
        kinds = self.kinds = _classify(net)
        self.dt_s = dt_s = _main_dt(kinds)
        self.dt_ms = dt_ms = dt_s * 1e3
        clock = next(o.clock for k in ("neurons", "poisson", "generators", "synapses", "monitors") for o in kinds[k])
        self.first_step = first_step = int(clock.variables["timestep"].get_value().item())
        self.n_steps = n_steps = int(clock._i_end) - first_step
        self.origin_step = origin = continues[0] if continues and continues[1] == first_step else first_step
        t0_s = origin * dt_s
        for syn in kinds["synapses"]:
            check_synapses(syn)
        # what each neuron group receives and what is sampled of it
        pathways, targets = [], {g.name: [] for g in kinds["neurons"]}
        plastic = []
        for syn in kinds["synapses"]:
            if needs_synapse_model(syn):
                post, _, _ = parent_and_range(syn.target)
                pre, _, _ = parent_and_range(syn.source)
                if post.name not in targets:
                    raise unsupported(f"synapses onto {type(post).__name__} {post.name!r}", syn)
                pre_variables = held_variables(pre) if pre.name in targets else {}
                translation = SynapseModelTranslation(syn, namespace, dt_s, pre_variables, held_variables(post))
                plastic.append(translation)
                if translation.target not in targets[post.name]:
                    targets[post.name].append(translation.target)
                continue
            for pathway in syn._pathways:
                post, _, _ = parent_and_range(pathway.target)
                if post.name not in targets:
                    raise unsupported(f"synapses onto {type(post).__name__} {post.name!r}", syn)
                translation = PathwayTranslation(syn, pathway, namespace, dt_s, set(held_variables(post)))
                pathways.append((translation, post))
                if translation.target not in targets[post.name]:
                    targets[post.name].append(translation.target)
        for translation in plastic:
            check_summed(translation, targets, kinds["neurons"])
        recorded = {g.name: [] for g in kinds["neurons"]}
        for monitor in kinds["monitors"]:
            parent, _, _ = parent_and_range(monitor.source)
            if type(monitor).__name__ == "StateMonitor" and parent.name in recorded:
                _check_monitor_order(monitor, parent)
                for name in recorded_variables(monitor):
                    entry = (name, state_copy(monitor, name))
                    if entry not in recorded[parent.name]:
                        recorded[parent.name].append(entry)
            elif type(monitor).__name__ == "StateMonitor":            # of Synapses: their neurons' variables
                for _, group, base, _ in SynapseSampling.neuron_reads(monitor):
                    if group.name not in recorded:
                        raise unsupported(f"a StateMonitor of {group.name!r}'s {base!r} through synapses", monitor)
                    if (base, f"_rec_{base}") not in recorded[group.name]:
                        recorded[group.name].append((base, f"_rec_{base}"))
        spiking_values = {g.name: [] for g in kinds["neurons"]}       # (variable, its copy) at spikes
        for monitor in kinds["monitors"]:
            parent, _, _ = parent_and_range(monitor.source)
            if parent.name in spiking_values:
                pairs = [(x, spike_copy(monitor, x)) for x in at_spikes(monitor)]
                spiking_values[parent.name] += [p for p in pairs if p not in spiking_values[parent.name]]
        self.spiking_values = spiking_values
        inputs = {g.name: [] for g in kinds["neurons"]}
        for obj in kinds["poisson_inputs"]:
            if obj._group.name not in inputs:
                raise unsupported(f"a PoissonInput into {type(obj._group).__name__} {obj._group.name!r} (a "
                                  f"subgroup or a group snnkit does not integrate)", obj)
            inputs[obj._group.name].append(obj)
        summed_targets = {g.name: set() for g in kinds["neurons"]}
        for translation in plastic:
            summed_targets[parent_and_range(translation.synapses.target)[0].name] |= set(translation.summed)
        self.neurons = {g.name: NeuronTranslation(g, namespace, dt_s, t0_s, targets[g.name], recorded[g.name],
                                                  inputs[g.name], spiking_values[g.name], summed_targets[g.name])
                        for g in kinds["neurons"]}
        self.poisson = {}
        for group in kinds["poisson"]:
            if has_rate_expression(group):            # an snnkit model thresholding rand() < rates*dt
                self.neurons[group.name] = PoissonRatesTranslation(group, namespace, dt_s, t0_s)
                continue
            self.poisson[group.name] = np.broadcast_to(np.asarray(group.variables["rates"].get_value(),
                                                                  dtype=float), (int(group.N),)).copy()
        self.generators = {g.name: _generator_times(g, first_step, n_steps, dt_s, dt_ms, origin)
                           for g in kinds["generators"]}
        # every connection: (pathway translation, pre group, post group, i, j, weight, delay steps)
        self.connections = [(translation, self._source(translation.synapses), post.name)
                            + translation.wiring(dt_s) for translation, post in pathways]
        # every Synapses object with a synapse model: (translation, pre, post, i, j, axonal, post event delay)
        self.plastic = [(translation, self._source(translation.synapses),
                         parent_and_range(translation.synapses.target)[0].name) + translation.wiring(dt_s)
                        for translation in plastic]
        self.synapse_sampling = SynapseSampling(kinds["monitors"], plastic)
        self.records = []             # (group, snnkit variable, indices or None)
        # every StateMonitor of a (group, variable) reads its columns of one recording of
        # the neurons any of them samples (sorted)
        self.sampled = {}
        spiking = set()
        for monitor in kinds["monitors"]:
            parent, start, _ = parent_and_range(monitor.source)
            if type(monitor).__name__ == "StateMonitor":
                if parent.name not in recorded:               # synapses: self.synapse_sampling
                    for _, group, base, neurons in SynapseSampling.neuron_reads(monitor):
                        key = (group.name, f"_rec_{base}")
                        self.sampled[key] = np.union1d(self.sampled.get(key, np.zeros(0, np.int64)), neurons)
                    continue
                indices = np.asarray(monitor.record, dtype=np.int64) + start
                for name in recorded_variables(monitor):
                    key = (parent.name, state_copy(monitor, name))
                    self.sampled[key] = np.union1d(self.sampled.get(key, np.zeros(0, np.int64)), indices)
            elif parent.name not in spiking:
                spiking.add(parent.name)
                self.records.append((parent.name, "spikes", None))
        self.records += [(name, what, indices) for (name, what), indices in self.sampled.items() if indices.size]

    def _source(self, synapses) -> str:
        """The name of the group a Synapses object's spikes come from (a parent group)."""
        pre, _, _ = parent_and_range(synapses.source)
        if pre.name not in self.group_names():
            raise unsupported(f"synapses from {type(pre).__name__} {pre.name!r}", synapses)
        return pre.name

    def group_names(self) -> list:
        """Every group in a fixed order: neurons, Poisson groups, spike generators."""
        return list(self.neurons) + list(self.poisson) + list(self.generators)


def build_network(pieces: RunPieces, models: dict | None = None, initial: dict | None = None,
                  rates: dict | None = None, receptors: list | None = None):
    """The snnkit Network of one run (the batch module passes per-instance models, initial
    values (B, N), rates (B, N) and per-connection receptors). -> (network, populations,
    the projections of pieces.plastic)."""
    import snnkit as sk
    network = sk.Network()
    populations = {}
    for name, tr in pieces.neurons.items():
        model = tr.make_model() if models is None else models[name]
        pop = network.population(tr.size, model, name=name)
        pop.initialize(**(tr.initial_values() if initial is None else initial[name]))
        schedule_timed(pop, tr, pieces)
        populations[name] = pop
    for name, values in pieces.poisson.items():
        values = values if rates is None else rates[name]
        populations[name] = network.population(values.shape[-1], sk.Poisson(rate=values), name=name)
    for name, times in pieces.generators.items():
        populations[name] = network.population(len(times), sk.SpikeTimes(times), name=name)
    for k, (translation, pre, post, i, j, weight, steps) in enumerate(pieces.connections):
        if i.size == 0:
            continue
        receptor = f"to_{translation.target}" if receptors is None else receptors[k]
        network.connect(populations[pre], populations[post], sk.FromList(i, j), weight=weight,
                        delay=(steps + 1) * pieces.dt_ms, receptor=receptor)
    projections = []
    dt_ms = pieces.dt_ms
    for translation, pre, post, i, j, axonal, post_steps in pieces.plastic:
        projections.append(None if i.size == 0 else network.connect(
            populations[pre], populations[post], sk.FromList(i, j), weight=0.0, delay=(axonal + 1) * dt_ms,
            axonal_delay=axonal * dt_ms, post_event_delay=post_steps * dt_ms, receptor=f"to_{translation.target}",
            synapse=translation.model, name=translation.synapses.name))
    pieces.synapse_sampling.record(network, {tr.synapses.name: p for (tr, *_), p in zip(pieces.plastic, projections)})
    for name, what, indices in pieces.records:
        values = [copy for _, copy in pieces.spiking_values.get(name, ())] if what == "spikes" else None
        network.record(populations[name], what, indices=indices, values=values or None)
    return network, populations, projections


def schedule_timed(pop, tr, pieces: RunPieces) -> None:
    """The changes of the group's TimedArray parameters over this run (snnkit_brian2.timed)."""
    for parameter, (array, per_neuron) in tr.timed.items():
        for at_ms, value in schedule(array, per_neuron, pieces.first_step, pieces.n_steps, pieces.origin_step,
                                     pieces.dt_s):
            pop.set(at=at_ms, **{parameter: value})


def simulator(network, pieces: RunPieces, options: dict, seed, run_index: int, batch: int = 1):
    import snnkit as sk
    output = options.get("output")
    if output is not None:
        output = str(output).format(run=run_index)
    backend_options = {} if options.get("device") is None else {"device": options["device"]}
    return sk.Simulator(network, dt=pieces.dt_ms, seed=seed, backend=options.get("backend", "auto"),
                        dtype=options.get("dtype", "float64"), output=output, batch=batch, **backend_options)


def write_back(sim, pieces: RunPieces, populations: dict, instance: int = 0, rename: dict | None = None,
               projections: list = (), start_ms: float = 0.0, written: dict | None = None) -> None:
    """The state of batch instance ``instance`` into the groups (and the synapses of
    ``projections``, pieces.plastic's), the recordings since ``start_ms`` (this run's
    start on the simulator) into the monitors; rename: the groups' names -> their snnkit
    populations' (batch); written: gets the values written (snnkit_brian2.runs.KeptRun)."""
    first_step, n_steps, dt_s = pieces.first_step, pieces.n_steps, pieces.dt_s
    dt_ms = dt_s * 1e3
    rename = rename or {}
    written = {} if written is None else written
    for name, tr in pieces.neurons.items():
        population = populations[rename.get(name, name)]
        values = {x: sim.state(population, x)[instance] for x in tr.held}
        tr.write_back(tr.pending_values(sim, population, instance, values))
        now = tr.initial_values()
        written.update({("neurons", name, x): now[x] for x in tr.held})
    for (translation, *_), projection in zip(pieces.plastic, projections):
        if projection is not None:
            translation.write_back(sim, projection, instance, (first_step + n_steps) * dt_s)
            written.update({("synapses", translation.synapses.name, x): v
                            for x, v in translation.table_values().items()})
    results = sim.results
    first_sample = int(round(start_ms / dt_ms))

    def rows(group_name: str, copy: str, neurons, skip: int = 0):
        """This run's rows of a group's recording of ``copy`` at ``neurons``, from its start + skip."""
        trace = results.traces[rename.get(group_name, group_name)][copy]
        columns = np.searchsorted(pieces.sampled[(group_name, copy)], neurons)
        return trace.data[first_sample + skip:first_sample + n_steps, instance, :][:, columns]

    for monitor in pieces.kinds["monitors"]:
        parent, start, stop = parent_and_range(monitor.source)
        population = rename.get(parent.name, parent.name)
        kind = type(monitor).__name__
        if kind == "StateMonitor" and parent.name not in pieces.neurons:
            samples = pieces.synapse_sampling.rows(monitor, results, instance, first_sample, n_steps)
            for name, group, base, neurons in SynapseSampling.neuron_reads(monitor):
                samples[name] = rows(group.name, f"_rec_{base}", neurons)
            append_states(monitor, first_step, dt_s, {x: samples[x] for x in recorded_variables(monitor)})
            continue
        if kind == "StateMonitor":
            samples = {}
            for name in recorded_variables(monitor):
                wanted = np.asarray(monitor.record, dtype=np.int64) + start
                if wanted.size == 0:
                    samples[name] = np.zeros((n_steps, 0))
                    continue
                copy = state_copy(monitor, name)
                if copy.startswith("_rec_"):
                    samples[name] = rows(parent.name, copy, wanted)
                else:                 # the next step's start, and the state the run ends with
                    after = rows(parent.name, copy, wanted, skip=1)
                    last = np.asarray(parent.variables[name].get_value(), dtype=float)
                    last = np.broadcast_to(last, (len(parent),))[wanted]
                    samples[name] = np.concatenate([after, last[None, :]])[:n_steps]
            append_states(monitor, first_step, dt_s, samples)
            continue
        spikes = results.spikes[population]
        mine = (spikes.instances == instance) & (spikes.node_ids >= start) & (spikes.node_ids < stop) \
            & (spikes.times >= start_ms - 0.5 * dt_ms)
        steps = np.round(spikes.times[mine] / dt_ms).astype(np.int64) + pieces.origin_step
        ids = spikes.node_ids[mine] - start
        if kind == "PopulationRateMonitor":
            counts = np.bincount(steps - first_step, minlength=n_steps)[:n_steps]
            append_rates(monitor, first_step, counts, stop - start, dt_s)
        else:
            append_spikes(monitor, steps, ids, dt_s, {x: spikes.values[spike_copy(monitor, x)][mine]
                                                      for x in at_spikes(monitor)})
