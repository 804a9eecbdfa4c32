"""One Brian2 run on snnkit: translate the network's objects, run, write back.

Objects: NeuronGroup (snnkit_brian2.neurons), PoissonGroup (snnkit's Poisson
source: the same rates, snnkit's random numbers), SpikeGeneratorGroup (SpikeTimes
at Brian2's time bins, ``period`` included), Synapses (snnkit_brian2.synapses),
SpikeMonitor, EventMonitor("spike"), StateMonitor, PopulationRateMonitor
(snnkit_brian2.monitors). Anything else raises NotImplementedError naming it.
"""

from __future__ import annotations

import numpy as np

from .code import unsupported
from .monitors import (append_rates, append_spikes, append_states, check_monitor, parent_and_range,
                       recorded_variables)
from .neurons import NeuronTranslation, held_variables
from .synapses import PathwayTranslation, check_synapses


def _classify(net):
    from brian2 import (EventMonitor, NeuronGroup, PoissonGroup, PopulationRateMonitor, SpikeGeneratorGroup,
                        SpikeMonitor, StateMonitor, Synapses)
    from brian2.groups.group import CodeRunner
    kinds = {"neurons": [], "poisson": [], "generators": [], "synapses": [], "monitors": []}
    owned = set()
    objects = [o for o in net.sorted_objects if o.active]
    for obj in objects:
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
            raise unsupported(f"the object type {type(obj).__name__} (e.g. PoissonInput, a network "
                              f"operation on its own)", obj)
    from brian2.core.operations import NetworkOperation
    for obj in objects:
        if isinstance(obj, NetworkOperation):
            raise unsupported("network_operation (arbitrary Python between steps)", obj)
        if type(obj).__name__ == "PoissonInput":
            raise unsupported("PoissonInput", obj)
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


def _generator_times(group, first_step: int, n_steps: int, dt_s: float, dt_ms: float) -> list:
    """Per neuron, the times (ms from the run's start) of its spikes in this run, at
    Brian2's time bins (``int((t + 1e-3 dt)/dt)``), repeated every ``period``."""
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
    for s, i in zip(steps[keep] - first_step, idx[keep]):
        per_neuron[int(i)].append(s * dt_ms)
    return per_neuron


def translate_and_run(net, namespace: dict, duration_s: float, options: dict, seed, run_index: int, report):
    import snnkit as sk
    kinds = _classify(net)
    dt_s = _main_dt(kinds)
    dt_ms = dt_s * 1e3
    clock = next(o.clock for k in ("neurons", "poisson", "generators", "synapses", "monitors") for o in kinds[k])
    first_step = int(clock.variables["timestep"].get_value().item())
    n_steps = int(clock._i_end) - first_step
    t0_s = first_step * dt_s
    for syn in kinds["synapses"]:
        check_synapses(syn)

    # what each neuron group receives and what is sampled of it
    pathways, targets = [], {g.name: [] for g in kinds["neurons"]}
    for syn in kinds["synapses"]:
        for pathway in syn._pathways:
            post, post_start, _ = parent_and_range(pathway.target)
            if post.name not in targets:
                raise unsupported(f"synapses onto {type(post).__name__} {post.name!r}", syn)
            translation = PathwayTranslation(syn, pathway, namespace, dt_s, set(held_variables(post)))
            pathways.append((translation, post))
            if translation.target not in targets[post.name]:
                targets[post.name].append(translation.target)
    recorded = {g.name: [] for g in kinds["neurons"]}
    for monitor in kinds["monitors"]:
        if type(monitor).__name__ == "StateMonitor":
            parent, _, _ = parent_and_range(monitor.source)
            for name in recorded_variables(monitor):
                if name not in recorded[parent.name]:
                    recorded[parent.name].append(name)

    network = sk.Network()
    populations, translations = {}, {}
    for group in kinds["neurons"]:
        tr = NeuronTranslation(group, namespace, dt_s, t0_s, targets[group.name], recorded[group.name])
        pop = network.population(tr.size, tr.model, name=group.name)
        pop.initialize(**tr.initial_values())
        populations[group.name], translations[group.name] = pop, tr
    for group in kinds["poisson"]:
        from brian2.core.variables import ArrayVariable
        rates = group.variables["rates"]
        if not isinstance(rates, ArrayVariable):
            raise unsupported("rates given as an expression (time-varying rates)", group)
        populations[group.name] = network.population(int(group.N), sk.Poisson(
            rate=np.broadcast_to(np.asarray(rates.get_value(), dtype=float), (int(group.N),)).copy()),
            name=group.name)
    for group in kinds["generators"]:
        populations[group.name] = network.population(int(group.N), sk.SpikeTimes(
            _generator_times(group, first_step, n_steps, dt_s, dt_ms)), name=group.name)
    for translation, post in pathways:
        pre, pre_start, _ = parent_and_range(translation.synapses.source)
        _, post_start, _ = parent_and_range(translation.synapses.target)
        if pre.name not in populations:
            raise unsupported(f"synapses from {type(pre).__name__} {pre.name!r}", translation.synapses)
        i, j, weight, steps = translation.wiring(pre_start, post_start, dt_s)
        if i.size == 0:
            continue
        network.connect(populations[pre.name], populations[post.name], sk.FromList(i, j), weight=weight,
                        delay=(steps + 1) * dt_ms, receptor=f"to_{translation.target}")
    spiking = set()
    for monitor in kinds["monitors"]:
        parent, _, _ = parent_and_range(monitor.source)
        if type(monitor).__name__ == "StateMonitor":
            indices = np.asarray(monitor.record, dtype=np.int64) + parent_and_range(monitor.source)[1]
            for name in recorded_variables(monitor):
                network.record(populations[parent.name], f"_rec_{name}", indices=indices)
        elif parent.name not in spiking:
            spiking.add(parent.name)
            network.record(populations[parent.name], "spikes")

    output = options.get("output")
    if output is not None:
        output = str(output).format(run=run_index)
    backend_options = {} if options.get("device") is None else {"device": options["device"]}
    sim = sk.Simulator(network, dt=dt_ms, seed=seed, backend=options.get("backend", "auto"),
                       dtype=options.get("dtype", "float64"), output=output, **backend_options)
    sim.run(n_steps * dt_ms, progress=bool(report) if report is not None else None)
    _write_back(sim, kinds, translations, populations, first_step, n_steps, dt_s)
    return sim


def _write_back(sim, kinds, translations, populations, first_step, n_steps, dt_s):
    for name, tr in translations.items():
        tr.write_back({x: sim.state(populations[name], x)[0] for x in tr.held})
    results = sim.results
    for monitor in kinds["monitors"]:
        parent, start, stop = parent_and_range(monitor.source)
        kind = type(monitor).__name__
        if kind == "StateMonitor":
            samples = {}
            for name in recorded_variables(monitor):
                trace = results.traces[parent.name][f"_rec_{name}"]
                samples[name] = trace.data[:, 0, :]
            append_states(monitor, first_step, dt_s, samples)
            continue
        spikes = results.spikes[parent.name]
        mine = (spikes.instances == 0) & (spikes.node_ids >= start) & (spikes.node_ids < stop)
        steps = np.round(spikes.times[mine] / (dt_s * 1e3)).astype(np.int64) + first_step
        ids = spikes.node_ids[mine] - start
        if kind == "PopulationRateMonitor":
            counts = np.bincount(steps - first_step, minlength=n_steps)[:n_steps]
            append_rates(monitor, first_step, counts, stop - start, dt_s)
        else:
            append_spikes(monitor, steps, ids, dt_s)
