"""Brian2 monitors: what snnkit records for them, and the results appended to them.

SpikeMonitor / EventMonitor("spike") and PopulationRateMonitor read the spikes of
their group's snnkit population; a StateMonitor reads the ``_rec_<name>``
copies the model takes at Brian2's start of the step (snnkit_brian2.neurons),
every step, subsampled here to the monitor's own clock. Values are appended to
the monitor's own dynamic arrays, as Brian2's templates do, so ``M.t``, ``M.i``,
``M.v``, ``spike_trains()`` and several runs behave as on Brian2's devices.
"""

from __future__ import annotations

import numpy as np

from .code import unsupported

START_SLOTS = ("start", "before_groups")


def parent_and_range(source):
    """(the group a Subgroup belongs to, start, stop) or (group, 0, N)."""
    parent = getattr(source, "source", None)
    if parent is not None and hasattr(source, "start"):
        return parent, int(source.start), int(source.stop)
    return source, 0, len(source)


def check_monitor(monitor) -> None:
    from brian2 import EventMonitor, PopulationRateMonitor, SpikeMonitor, StateMonitor
    if getattr(monitor.clock, "dt_", None) is None:
        raise unsupported(f"a monitor on the event clock {monitor.clock.name!r}", monitor)
    if isinstance(monitor, (SpikeMonitor, EventMonitor)):
        if monitor.event != "spike":
            raise unsupported(f"an EventMonitor of the event {monitor.event!r}", monitor)
        from brian2 import NeuronGroup
        extra = at_spikes(monitor)
        if extra and not isinstance(parent_and_range(monitor.source)[0], NeuronGroup):
            raise unsupported(f"recording {', '.join(sorted(extra))} at spikes of "
                              f"{type(monitor.source).__name__} {monitor.source.name!r}", monitor)
        for name in extra:
            spike_copy(monitor, name)
    elif isinstance(monitor, StateMonitor):
        from brian2 import NeuronGroup, Synapses
        parent, _, _ = parent_and_range(monitor.source)
        if isinstance(parent, Synapses) and parent is monitor.source:
            from .synapse_monitors import check_synapse_monitor
            check_synapse_monitor(monitor, parent)
        elif not isinstance(parent, NeuronGroup):
            raise unsupported(f"a StateMonitor of {type(parent).__name__} {parent.name!r} (neuron groups' "
                              f"and synapses' variables are sampled)", monitor)
        if not isinstance(parent, Synapses):
            for name in recorded_variables(monitor):
                state_copy(monitor, name)
        elif monitor.when not in START_SLOTS:
            raise unsupported(f"a StateMonitor of synapses in the {monitor.when!r} slot (snnkit samples them at "
                              f"Brian2's default, the start of the step)", monitor)
    elif not isinstance(monitor, PopulationRateMonitor):
        raise unsupported(f"the monitor type {type(monitor).__name__}", monitor)


BEFORE_RESETS = ("thresholds", "after_thresholds", "before_synapses")
AFTER_RESETS = ("after_resets", "before_end", "end", "after_end")


def at_spikes(monitor) -> list:
    """The variables a SpikeMonitor records at each spike besides i and t."""
    if type(monitor).__name__ not in ("SpikeMonitor", "EventMonitor"):
        return []
    return sorted(set(monitor.record_variables) - {"i", "t"})


def spike_copy(monitor, name: str) -> str:
    """The snnkit variable holding ``name`` as the monitor sees it at a spike: a copy the
    reset takes before its statements (Brian2's thresholds slot) or after them."""
    if monitor.when in BEFORE_RESETS:
        return f"_spk_{name}"
    if monitor.when in AFTER_RESETS:
        return f"_spka_{name}"
    raise unsupported(f"recording variables at spikes in the {monitor.when!r} slot (between the synapses "
                      f"and the resets)", monitor)


def state_copy(monitor, name: str) -> str:
    """The copy of a group's variable a StateMonitor reads: ``_rec_<name>``, taken at
    Brian2's start of the step, or ``_end_<name>`` for a monitor after the resets: the
    same moment one step later (nothing runs between Brian2's end of one step and the
    start of the next), taken before the start slot's code; the last step's row is the
    state the run ends with."""
    if monitor.when in START_SLOTS:
        return f"_rec_{name}"
    if monitor.when in AFTER_RESETS:
        if name not in monitor.source.variables or name in getattr(monitor.source.equations, "subexpr_names", ()):
            raise unsupported(f"a StateMonitor of the subexpression {name!r} in the {monitor.when!r} slot", monitor)
        return f"_end_{name}"
    raise unsupported(f"a StateMonitor in the {monitor.when!r} slot (snnkit samples at Brian2's start of the "
                      f"step and after the resets)", monitor)


def recorded_variables(monitor) -> list:
    return list(monitor.record_variables)


def append_spikes(monitor, steps: np.ndarray, ids: np.ndarray, dt_s: float, values: dict | None = None) -> None:
    """steps: global time steps; ids: neuron indices within the monitor's source;
    values: variable -> its value at each spike (SI)."""
    order = np.lexsort((ids, steps))
    steps, ids = steps[order], ids[order]
    n_old = int(monitor.variables["N"].get_value().item())
    count = monitor.variables["count"].get_value()
    np.add.at(count, ids, 1)
    if monitor.record:
        monitor.resize(n_old + ids.size)
        monitor.variables["i"].get_value()[n_old:] = ids
        monitor.variables["t"].get_value()[n_old:] = steps * dt_s
        for name, value in (values or {}).items():
            target = monitor.variables[name]
            target.get_value()[n_old:] = np.asarray(value)[order].astype(target.dtype)
    monitor.variables["N"].set_value(n_old + ids.size)


def append_rates(monitor, first_step: int, counts: np.ndarray, size: int, dt_s: float) -> None:
    """counts: spikes of the monitored neurons in each step from ``first_step``."""
    n_old = int(monitor.variables["N"].get_value().item())
    n = counts.size
    monitor.resize(n_old + n)
    monitor.variables["t"].get_value()[n_old:] = (first_step + np.arange(n)) * dt_s
    monitor.variables["rate"].get_value()[n_old:] = counts / (size * dt_s)
    monitor.variables["N"].set_value(n_old + n)


def append_states(monitor, first_step: int, dt_s: float, samples: dict) -> None:
    """samples: variable -> (steps, recorded neurons), one row per step of the run from
    ``first_step``; kept where the monitor's clock ticks."""
    every = int(round(monitor.clock.dt_ / dt_s))
    steps = first_step + np.arange(next(iter(samples.values())).shape[0]) if samples else np.zeros(0, int)
    keep = np.flatnonzero(steps % every == 0)
    n_old = int(monitor.variables["N"].get_value().item())
    monitor.resize(n_old + keep.size)
    monitor.variables["t"].get_value()[n_old:] = (steps[keep] // every) * monitor.clock.dt_    # its clock's t
    for name, values in samples.items():
        target = monitor.variables[name]
        target.get_value()[n_old:, :] = values[keep].astype(target.dtype)
