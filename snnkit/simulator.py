"""The Simulator: builds a Network for a backend and runs the step loop."""

from __future__ import annotations

import json
import math
import sys
import time

import numpy as np

from . import __version__
from .backends import get_backend
from .builder import Seeds, fit_ring_depths, lower
from .memory import check_memory
from .io.hdf5 import SonataWriter, check_output_path
from .guards import ModelSnapshot, check_dtype_range, check_finite_state, warn_unstable_steps
from .parameters import ParameterChanges
from .io.reader import load
from .model import Network
from .recording import Recorder
from .schedule import Schedule
from .step_sequences import StepSequences
from .state_access import NeuronStateAccess
from .synapse_access import SynapseAccess
from .table_view import release_host_columns
from .validation import check_count, check_dt, check_seeds, fail
from .parallel import run as parallel_run
from .parallel.partition import partition_of

CHECK_EVERY = 64           # steps between looks at the clock (progress, flushing)
FLUSH_BYTES = 2 * 2**20    # state samples buffered on the host before a drain, at most (about);
                           # 8 MB let the RSS of a long recorded run swing by 28 MB, 2 MB by 9 MB


def min_spike_interval(group: dict) -> int:
    """Fewest steps between two spikes of one neuron of a lowered group: a LIF neuron
    that spikes in step k is refractory for its refrac_steps steps after it."""
    refrac = group.get("refrac_steps")
    if group.get("kind") != "lif" or refrac is None or np.size(refrac) == 0:
        return 1
    return 1 + max(0, int(np.min(refrac)))


def advance(bar, done_ms: float) -> None:
    """Move a progress bar to ``done_ms`` of biological time (never past its total)."""
    bar.update(max(0.0, min(bar.total, round(done_ms, 6)) - bar.n))


def check_summed_targets(tables: list) -> None:
    """Two projections may not sum into the same variable of the same neurons (each sets it)."""
    seen = {}
    for table in tables:
        for x in table.get("summed_targets", ()):
            lo, hi = table["post_range"]
            for other_lo, other_hi, name in seen.get((table["post"], x), []):
                if lo < other_hi and other_lo < hi:
                    fail("SynapseModel.summed", x, f"must be summed by one projection per neuron: {table['name']} "
                         f"and {name} both set {x} of the same neurons")
            seen.setdefault((table["post"], x), []).append((lo, hi, table["name"]))


class Simulator(NeuronStateAccess, SynapseAccess):
    """Run a Network on a backend, in ``batch`` instances at once.

    Parameters
    ----------
    network : Network
    dt : float
        Time step, ms (> 0). Default 0.1.
    batch : int
        Number of network instances simulated together (>= 1). Connectivity is
        shared; state, per-instance parameters and plastic weights are per instance.
    backend : str or Backend
        "numpy" (the specification, host CPU), "opencl" (any OpenCL device, PoCL on a
        CPU), "cupy" (CUDA GPUs through CuPy), "auto" (the fastest available), or a
        Backend instance.
    device : str, optional
        Which device a device backend runs on (OpenCL: "platform:device"
        indices or part of the device name; default from SNNKIT_OPENCL_DEVICE,
        else the first GPU, else the first device).
    seed : int or sequence of int, optional
        One int: instance b draws Poisson spikes and noise from key = seed,
        counter instance word = b (independent instances). One int per instance:
        instance b uses key = seed[b] and instance word 0, so equal seeds give
        identical instances and instance b equals a batch-1 run with seed[b].
        Connectivity comes from ``network.seed`` or else the first seed.
        Default: drawn at random (stored in the results).
    connectivity : "device" or "host"
        Where the static tables of random connectors are built: "device" (default)
        builds them on a device backend with kernels/connect.c, so no synapse crosses
        the host bus; "host" builds them on the host and uploads them. Either way the
        tables are the same, element for element (snnkit.generation is the
        specification); the NumPy backend always builds on the host.
    dtype : "float32" or "float64"
    math : "fast" or "exact"
        How a float32 run computes the state-dependent exp of conductance-based LIF
        neurons (exact integration). "fast" (default): in float32 arithmetic
        (kernels/exp_f32.h), at most 1 ulp from the correctly rounded value and
        vectorised on CPUs (COBA several times faster there); "exact": in float64,
        rounded once (the correctly rounded value, a libm call per neuron). Either
        way every backend gives the same bits: the NumPy specification repeats the
        kernels' arithmetic. float64 runs always compute exp in float64.
    output : str or Path, optional
        HDF5 file written during the run (SONATA layout, see snnkit.io.hdf5), readable
        while it is written (HDF5 SWMR). With a file, recordings are not kept in memory:
        ``results`` reads them back. Without one, every recorded spike (24 bytes) and
        sample stays in memory until the Simulator is dropped.
    flush_seconds : float
        Wall-clock interval between drains of the record buffers to the file.
    comm : None, False, "mpi" or an mpi4py communicator
        Partition the network over the ranks of an MPI job (snnkit.parallel; launch with
        ``mpirun -n R python -m mpi4py script.py``): each rank steps a block of every
        population and holds the synapses onto its neurons; spikes are exchanged once per
        shortest delay. Spikes, states and weights are the same bits on any number of
        ranks. None (default): partition only where SNNKIT_PARTITION=mpi is set.
    """

    def __init__(self, network: Network, dt: float = 0.1, batch: int = 1, backend="numpy",
                 seed=None, dtype="float32", output=None, flush_seconds: float = 1.0, device=None,
                 connectivity: str = "device", math: str = "fast", comm=None):
        if not isinstance(network, Network):
            fail("network", network, "must be an snnkit.Network")
        if output is not None:
            output = check_output_path(output)
        self.dt = check_dt(dt)
        self.batch = check_count("batch", batch, minimum=1)
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % 2**63)
        seed = check_seeds(seed, self.batch)
        self.partition = partition_of(comm)
        if self.partition is not None:            # every rank must draw the same seed
            seed = self.partition.comm.bcast(seed, root=0)
        self.backend = get_backend(backend, dtype=dtype, **({} if device is None else {"device": device}))
        self.seed = seed
        self.network = network
        if connectivity not in ("device", "host"):
            fail("connectivity", connectivity, 'must be "device" or "host"')
        if math not in ("fast", "exact"):
            fail("math", math, 'must be "fast" or "exact"')
        self.math = math
        self.memory_estimate = check_memory(network, self.batch, self.backend, self.dt, connectivity == "device")
        warn_unstable_steps(network, self.dt)
        seeds = Seeds.make(seed, self.batch, network.seed)
        self.plan = lower(network, self.dt, self.batch, seeds,
                          generate_on_device=connectivity == "device" and self.backend.builds_connectivity,
                          dtype=self.backend.dtype, math=math, partition=self.partition)
        check_dtype_range(self.plan, network, self.backend.dtype)
        self.snapshot = ModelSnapshot(network)
        self.parameters = ParameterChanges(self, int(np.asarray(seed).ravel()[0]))
        self.synapses = [self.backend.upload(s) for s in self.plan.synapses]
        self.window_steps = parallel_run.window_steps(self.plan)     # before the host columns go
        release_host_columns(self.plan, self.backend)        # the backend's copy is the table
        fit_ring_depths(self.plan)                           # to the delays tables built here drew
        self.groups = {name: self.backend.upload(g) for name, g in self.plan.groups.items()}
        self.backend.prepare(self.groups, self.synapses, fuse=self.partition is None)
        self.spikes = {name: self.backend.new_spikes(self.batch, g["size"])
                       for name, g in self.groups.items()}
        # the spikes the tables read: a partitioned rank's are the whole network's
        self.presynaptic = parallel_run.presynaptic_spikes(self)
        self.recorder = Recorder(parallel_run.local_monitors(network.monitors, self.plan), self.plan.placement,
                                 {name: g["size"] for name, g in self.plan.groups.items()},
                                 self.backend, self.dt, self.batch,
                                 {name: min_spike_interval(g) for name, g in self.plan.groups.items()},
                                 keep=output is None, host_groups=self.plan.groups,
                                 synapses=(network, self.plan, self.synapses))
        # spike counters (Network.count_spikes): one per group, (B * N) u32
        self.counters = {}
        for pop in network.counted:
            group = self.plan.placement[pop.name][0]
            if group not in self.counters:
                self.counters[group] = self.backend.zeros(self.batch * self.plan.groups[group]["size"], np.uint32)
        step_ops = self._step_operations()
        self.ops = step_ops + self.recorder.ops(self.groups, self.spikes)
        self.sequences = StepSequences(self.backend, step_ops, list(self.recorder.group_buffers.values()),
                                       self._why_not_captured())
        self.step_count = 0
        self.output = output
        self.flush_seconds = float(flush_seconds)
        self.writer = None if output is None else SonataWriter(
            parallel_run.part_path(output, self.partition), self._attrs(), self.recorder.spike_monitors,
            self.recorder.report_info())

    # -- the step ------------------------------------------------------------
    def _step_operations(self) -> list:
        """The ordered per-step operations of DESIGN.md section 2, each called as op(step)."""
        be, groups, spikes = self.backend, self.groups, self.spikes
        # summed variables first, from the state the last step left (SynapseModel(summed=))
        check_summed_targets(self.synapses)
        ops = [lambda k, s=syn: be.synapse_summed(s, groups[s["pre"]], groups[s["post"]], k)
               for syn in self.synapses if syn.get("kind") == "synapse_model" and syn["model"].summed]
        ops += [lambda k, g=g: be.deliver(g, k) for g in groups.values() if g["kind"] == "lif"]
        pre = self.presynaptic
        for name, g in groups.items():
            if g["kind"] == "lif":
                ops.append(lambda k, g=g, s=spikes[name]: be.lif_step(g, s, k))
            elif g["kind"] == "poisson":
                ops.append(lambda k, g=g, s=spikes[name]: be.poisson_step(g, s, k))
            elif g["kind"] == "equation":
                ops.append(lambda k, g=g, s=spikes[name]: be.equation_step(g, s, k))
            else:
                host = self.plan.groups[name]                # its events may change between runs
                ops.append(lambda k, g=g, s=spikes[name], h=host: be.spike_times_step(
                    g, np.searchsorted(h["event_step"], k, "left"), np.searchsorted(h["event_step"], k, "right"),
                    s, k))
        propagation = []
        for syn in self.synapses:
            if syn.get("kind") == "synapse_model":
                propagation.append(lambda k, s=syn: be.synapse_model_step(
                    s, spikes[s["pre"]], spikes[s["post"]], groups[s["pre"]], groups[s["post"]], k))
            else:
                propagation.append(lambda k, s=syn: be.propagate(s, pre[s["pre"]], groups[s["post"]], k))
        if self.partition is None:
            ops += propagation
        else:                                     # after the exchange, once per window of steps
            self.exchange = parallel_run.spike_exchange(self, propagation)
            ops.append(self.exchange.after_update)
        for syn in self.synapses:
            if syn["plastic"]:
                ops.append(lambda k, s=syn: be.stdp_step(s, pre[s["pre"]], spikes[s["post"]], k))
        for name, counts in self.counters.items():
            ops.append(lambda k, s=spikes[name], c=counts: be.count_spikes(s, c, k))
        return ops

    def _why_not_captured(self) -> str | None:
        """Why steps cannot run in captured sequences (snnkit.step_sequences), or None."""
        if self.partition is not None:
            return "a partitioned run exchanges spikes between ranks on the host"
        if self.recorder.state_monitors:
            return "state monitors sample on the host's schedule"
        if self.recorder.value_names:
            return "values at spikes are pulled on the host's schedule"
        if any(g["kind"] == "spike_times" for g in self.plan.groups.values()):
            return "SpikeTimes sources are looked up on the host each step"
        return None

    def storage(self) -> list[dict]:
        """Bytes the synapses occupy on the backend, per synapse table and array, and per
        synapse (snnkit.storage_report)."""
        from .storage_report import synapse_storage
        return synapse_storage(self)

    @property
    def t(self) -> float:
        """Biological time simulated so far, ms."""
        return self.step_count * self.dt

    def run(self, duration: float, progress: bool | None = None) -> "Simulator":
        """Advance by ``duration`` ms (rounded to whole steps).

        progress : None shows a bar when stderr is a terminal and the run takes
        over a second; True/False force it on/off.

        Recorded data is drained to the output file every ``flush_seconds`` and
        at the end; on KeyboardInterrupt everything recorded in the completed
        steps is written before the exception propagates (the state of a step
        cut short is partly updated: continue with a new Simulator).
        """
        try:
            duration = float(duration)
        except (TypeError, ValueError):
            fail("duration", duration, "must be a number of milliseconds >= 0")
        if not math.isfinite(duration) or duration < 0:
            fail("duration", duration, "must be a finite number of milliseconds >= 0")
        n_steps = int(round(duration / self.dt))
        self.parameters.between_runs()          # Population.set since the last run
        bar = self._progress_bar(n_steps, progress)
        ops, sequences, last_flush = self.ops, self.sequences, time.perf_counter()
        # drain at least every flush_steps steps, so buffered samples stay below FLUSH_BYTES
        flush_steps = max(CHECK_EVERY, FLUSH_BYTES // max(1, self.recorder.state_bytes_per_step()))
        flushed_at = self.step_count
        end, shown = self.step_count + n_steps, self.step_count     # shown: the step the bar started at
        # inputs that change at given steps: rebuilt from the network each run, so that
        # sources changed between runs take effect (snnkit.schedule)
        schedule = Schedule(self.network, self.plan, self.groups, self.backend, self.dt, self.batch,
                            self.parameters.scheduled(self.step_count, end))
        if n_steps:
            schedule.apply(self.step_count, force=True)
        if self.writer is not None and n_steps:
            self.writer.open()          # SWMR: readers may open the file while the run writes it
        try:
            while self.step_count < end:
                k = self.step_count
                if schedule.changes_at(k):
                    schedule.apply(k)
                until = min(end, schedule.next_change(k))
                ran = sequences.run(k, until - k) if sequences.can_run(until - k) else 0
                if not ran:                          # one step, op by op
                    for op in ops:
                        op(k)
                    ran = 1
                    sequences.stepped(k)
                self.step_count = k + ran
                if self.step_count == end and self.partition is not None:
                    self.exchange.flush()        # a window cut by the run's end: before what follows
                if self.step_count // CHECK_EVERY != k // CHECK_EVERY:
                    if bar is not None:                  # biological ms
                        advance(bar, (self.step_count - shown) * self.dt)
                    if (time.perf_counter() - last_flush > self.flush_seconds
                            or self.step_count - flushed_at >= flush_steps):
                        self.flush()
                        check_finite_state(self)             # the watchdog, once per drain
                        last_flush, flushed_at = time.perf_counter(), self.step_count
        finally:
            # a completed step is fully recorded: flush it, whatever stopped the loop
            try:
                self.flush()
            finally:
                if self.writer is not None:
                    self.writer.close()
                if bar is not None:
                    advance(bar, (self.step_count - shown) * self.dt)
                    bar.close()
        if self.partition is not None and n_steps:
            parallel_run.finish_run(self)         # the ranks' files merged into ``output``
        if n_steps:
            check_finite_state(self)
        return self

    def _progress_bar(self, n_steps: int, progress):
        show = sys.stderr.isatty() if progress is None else bool(progress)
        if not show or n_steps < CHECK_EVERY:
            return None
        from tqdm import tqdm
        return tqdm(total=round(n_steps * self.dt, 6), unit="ms", unit_scale=False, delay=0.0 if progress else 1.0,
                    file=sys.stderr, desc=f"snnkit {self.backend.name} (biological time)",
                    bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.1f}/{total:.1f} ms "
                               "[{elapsed}<{remaining}]")

    def flush(self) -> None:
        """Drain the record buffers to the host (and to the output file)."""
        self.backend.synchronize()
        new_spikes, new_states = self.recorder.drain(self.step_count)
        if self.writer is not None:
            self.writer.append(new_spikes, new_states, self.t)

    # -- results ---------------------------------------------------------------
    def _attrs(self) -> dict:
        return dict(snnkit_version=__version__, backend=self.backend.name,
                    device=self.backend.device_name, dt=self.dt, duration=self.t,
                    seed=json.dumps(np.asarray(self.seed).tolist()), batch=self.batch,
                    dtype=self.backend.dtype.name,
                    populations=json.dumps({p.name: p.size for p in self.network.populations}))

    @property
    def results(self):
        """Everything recorded so far (snnkit.results.Results).

        With ``output`` given, the recordings are not kept in memory (memory stays
        bounded however long the run): they are read back from the file here. Without
        a file, every recorded spike (24 bytes) and sample (a float per neuron and
        instance) is held in memory until the Simulator is dropped.
        """
        if self.partition is not None:
            return parallel_run.results(self)
        self.flush()
        if self.writer is not None:
            return load(self.writer.path)
        return self.recorder.results(self._attrs())

    def save(self, path) -> None:
        """Write everything recorded so far to ``path`` (SONATA layout)."""
        res = self.results
        writer = SonataWriter(path, self._attrs(), self.recorder.spike_monitors,
                              self.recorder.report_info())
        spikes = {pop: (d.times, d.node_ids, d.instances) for pop, d in res.spikes.items()}
        states = {(pop, var): tr.data for pop, vs in res.traces.items() for var, tr in vs.items()}
        writer.append(spikes, states, self.t)

    def spike_counts(self, population) -> np.ndarray:
        """Spikes of each neuron of a population counted by Network.count_spikes since the
        start or the last reset_state: host array (batch, N) int64."""
        name = getattr(population, "name", population)
        group, offset, size = self.plan.placement.get(name, (None, 0, 0))
        if group not in self.counters:
            fail("population", name, "must be a population of this network whose spikes are counted "
                 "(Network.count_spikes)")
        counts = np.asarray(self.backend.to_host(self.counters[group]))
        counts = counts.reshape(self.batch, -1)[:, offset:offset + size].astype(np.int64)
        return counts if self.partition is None else parallel_run.spike_counts(self, counts)

    def weights(self, projection) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(pre, post, weight) of a projection's synapses; weight is (batch, S) if plastic, else
        (S,). In a partitioned run, every rank's synapses (collective: call on every rank)."""
        if self.partition is not None:
            return parallel_run.weights(self, projection)
        return super().weights(projection)

    def set_weights(self, projection, values) -> None:
        if self.partition is not None:
            fail("Simulator.set_weights", projection, "is not available in a partitioned (MPI) run yet")
        return super().set_weights(projection, values)
    set_weights.__doc__ = SynapseAccess.set_weights.__doc__
