"""The "snnkit" Brian2 device: ``set_device("snnkit", backend=...)``.

A runtime device (Brian2's own, so object creation, ``connect``, variable
assignment with strings, ``store``/``restore`` and monitors' data work as on
Brian2's runtime) whose ``network_run`` hands the network to snnkit: Brian2
prepares its objects (``before_run``: namespaces resolved, abstract code
written), snnkit_brian2 translates them, an snnkit Simulator runs the whole
duration on the chosen backend, and the state and the recordings are written
back into the Brian2 objects. There is no build step: ``device.build()`` has
nothing to do (results are there after each ``run``).

A run() that continues the last one on the same network (the same objects,
equations, constants, synapses and monitors) goes on with the last run's snnkit
Simulator: spikes in flight, random streams and internal state carry over, and
the values the script changed in between (group and synapse variables, Poisson
rates, generator spikes) are loaded into it. Anything else (a changed constant,
new objects, restore() to an earlier time) builds the snnkit network anew from
the objects as they are then; spikes still in flight are then not carried over.
"""

from __future__ import annotations

from brian2.devices.device import RuntimeDevice

from .code import unsupported
from .runs import translate_and_run


class SnnkitDevice(RuntimeDevice):
    """Options (``set_device("snnkit", ...)``): backend ("auto", "numpy", "opencl",
    "cupy"), device (the backend's device), dtype ("float64", Brian2's; "float32"
    is faster on GPUs), output (a SONATA HDF5 file per run: ``"run.h5"``, or
    ``"run_{run}.h5"`` for one per run)."""

    def __init__(self):
        super().__init__()
        self.options = dict(backend="auto", device=None, dtype="float64", output=None)
        self.build_options = {}
        self.seed_value = None
        self.run_count = 0
        self.last_simulator = None
        self.collector = None           # snnkit_brian2.batch.Collector while run_batch collects
        self.kept = None                # snnkit_brian2.runs.KeptRun: the simulator the next run may go on with

    def activate(self, build_on_run=True, **kwargs):
        super().activate(build_on_run=build_on_run)
        # what Brian2 itself runs on this device (connect(), string assignments, store/restore)
        # runs on its numpy target: no compile step (cython compiles every code object the
        # first time); a target the user chose is kept
        from brian2 import prefs
        if prefs.codegen.target == "auto":
            prefs.codegen.target = "numpy"
        for key in ("directory", "with_output", "debug", "profile", "run", "compile", "clean"):
            kwargs.pop(key, None)
        unknown = sorted(set(kwargs) - set(self.options))
        if unknown:
            raise TypeError(f"set_device('snnkit', {unknown[0]}=...): unknown option; known: "
                            f"{', '.join(sorted(self.options))}")
        self.options.update(kwargs)
        self.build_options = {}

    def build(self, **kwargs):
        """Nothing to build: every run() ran when it was called."""

    def reinit(self):
        super().reinit()
        self.kept = None
        self.run_count = 0
        self.seed_value = None
        self.last_simulator = None

    def seed(self, seed=None):
        super().seed(seed)
        self.kept = None                # the next run draws from the new seed: a new simulator
        self.seed_value = None if seed is None else int(seed)

    def network_run(self, net, duration, report=None, report_period=None, namespace=None, profile=None,
                    level=0, **kwargs):
        from brian2.core.namespace import get_local_namespace
        if duration < 0:
            raise ValueError(f"Function 'run' expected a non-negative duration but got '{duration}'")
        if namespace is None:
            namespace = get_local_namespace(level=level + 2)
        if profile:
            raise unsupported("profile=True", net)
        from brian2 import prefs
        if prefs.legacy.refractory_timing:
            raise unsupported("prefs.legacy.refractory_timing (Brian2 <= 2.1.2's refractoriness)", net)
        all_objects = net.sorted_objects
        net._clocks = {obj.clock for obj in all_objects}
        t_end = net.t + duration
        for clock in net._clocks:
            clock.set_interval(net.t, t_end)
        net.before_run(namespace)
        if not all_objects:
            return
        if self.collector is not None:              # run_batch: translated now, run with the others
            self.collector.add(net, namespace, float(t_end))
            return
        seed = None if self.seed_value is None else self.seed_value + self.run_count
        self.kept = translate_and_run(net, namespace, self.options, seed, self.run_count, report, self.kept)
        self.last_simulator = self.kept.sim
        self.run_count += 1
        self.finish_run(net, float(t_end))

    @staticmethod
    def finish_run(net, t_end: float) -> None:
        """The network's clocks and time at the end of its run, Brian2's after_run."""
        for clock in net._clocks:
            end = int(clock._i_end)
            clock.variables["timestep"].set_value(end)
            clock.variables["t"].set_value(end * clock.dt_)
        net.t_ = float(t_end)
        net.after_run()
