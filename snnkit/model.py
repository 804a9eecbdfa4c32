"""The model description: Network, Population, Projection, Monitor.

Pure data: nothing here allocates device arrays. The builder lowers a
Network to flat arrays for a backend when a Simulator is made.
"""

from __future__ import annotations

from .connectivity import Connector
from .distributions import Distribution
from .neurons import NeuronModel
from .plasticity import STDP
from .sources import SourceModel
from .validation import check_count, check_finite, check_indices, check_nonnegative, check_seed, fail

RECEPTORS = {"excitatory": 0, "exc": 0, "E": 0, "inhibitory": 1, "inh": 1, "I": 1}


class Population:
    """A group of ``size`` neurons (or spike sources) of one model.

    Parameters
    ----------
    size : int
        Number of neurons, >= 0.
    model : NeuronModel or SourceModel
        e.g. ``sk.LIFCurrExp(tau_m=20.0)`` or ``sk.Poisson(rate=5.0)``.
    name : str, optional
        Unique within the network; used in results and the HDF5 file.
    """

    def __init__(self, size: int, model, name: str | None = None):
        self.size = check_count("Population.size", size)
        if not isinstance(model, (NeuronModel, SourceModel)) and not getattr(model, "is_equation_model", False):
            fail("Population.model", model, "must be a neuron model (e.g. sk.LIF() or a "
                 "snnkit.modeling.EquationModel) or a source (sk.Poisson, sk.SpikeTimes)")
        if isinstance(model, SourceModel) and hasattr(model, "times") and len(model.times) != size:
            fail("SpikeTimes.times", f"{len(model.times)} spike trains",
                 f"must hold one sequence per neuron ({size})")
        self.model = model
        self.name = name
        self.initial: dict = {}
        self.scheduled: list = []          # (time in ms, values): Population.set(at=...)
        for t, values in getattr(model, "changes", lambda: [])():      # InhomogeneousPoisson
            from .parameters import check_values
            check_values(self, values)
            self.scheduled.append((t, values))

    @property
    def is_source(self) -> bool:
        return isinstance(self.model, SourceModel)

    def initialize(self, **values) -> "Population":
        """Set initial state, e.g. ``pop.initialize(v=sk.Uniform(-60, -50))``.

        Values: scalar, array (N,), (batch, 1) / (batch, N), or a Distribution.
        Unset: ``v = v_rest``, synaptic state and theta 0.
        """
        for name, value in values.items():
            if name not in self.model.state_variables:
                fail(name, value, f"is not a state variable of {type(self.model).__name__}; "
                     f"known: {', '.join(self.model.state_variables) or 'none'}")
            if not isinstance(value, Distribution) and getattr(self.model, "finite_state", True):
                check_finite(f"initial {name}", value)
            self.initial[name] = value
        return self

    def set(self, at: float | None = None, **values) -> "Population":
        """Change parameters without rebuilding: ``pop.set(tau_m=15.0)``, values as the
        model takes them (a scalar, (N,), (batch, 1) / (batch, N), a Distribution; a
        Poisson source's ``rate``, a SpikeTimes source's ``times``).

        at : None changes the population's model now: a Simulator built from the
            network applies it at the start of its next run. A time in ms schedules
            the change for that time of a run instead (the model is left as it is; a
            time already simulated applies at the start of the next run).

        Checked here, like the model's own values; the shape against the batch when a
        run starts. Nothing is recompiled for the new values (see snnkit.parameters).
        """
        from .parameters import changed_model, check_values
        check_values(self, values)
        if at is None:
            self.model = changed_model(self.model, values)
        else:
            check_nonnegative("Population.set at", at)
            self.scheduled.append((float(at), dict(values)))
        return self

    def __len__(self) -> int:
        return self.size

    def __repr__(self) -> str:
        return f"Population({self.size}, {self.model!r}, name={self.name!r})"


class Projection:
    """Synapses from ``pre`` onto ``post``.

    Parameters
    ----------
    pre, post : Population
        ``post`` must be a neuron population.
    connector : Connector
        e.g. ``sk.FixedProbability(0.02)``.
    weight : float, array (one per synapse, connector order) or Distribution
        mV for delta synapses, nA for current, uS (>= 0) for conductance synapses.
    delay : float, array or Distribution, optional
        Axonal delay in ms, rounded to whole steps; >= dt. Default: one step.
    receptor : str
        Which synaptic variable of the post neurons the weight goes into: "excitatory"
        (default) or "inhibitory"; for an equation-defined post model, one of its
        ``receptors`` (default: its first).
    plasticity : STDP, optional
        Makes the weights plastic (one copy per batch instance).
    synapse : snnkit.modeling.SynapseModel, optional
        A synapse model with its own variables and event code (short-term plasticity,
        STDP families ...); the weight is its ``w``. Not with ``plasticity``.
    axonal_delay : float, array or Distribution
        The part of ``delay`` (ms) before the synapse, for a synapse model's events
        (NEST's semantics): its on_pre runs ``axonal_delay`` after the presynaptic
        spike, the value it delivers reaches the target ``delay - axonal_delay``
        later (at least one step), and a postsynaptic spike reaches the synapse
        ``delay - axonal_delay`` after it happened. Default 0: ``delay`` is all
        dendritic, as a PyNN or NEST delay is.
    post_event_delay : float, array or Distribution, optional
        When a postsynaptic spike reaches the synapse's on_post (ms after it happened;
        whole steps, 0 allowed: the spike's own step). Default (None): the dendritic
        delay ``delay - axonal_delay``, NEST's semantics; 0 is Brian2's (its on_post
        pathway runs in the postsynaptic spike's step).
    procedural : bool
        Store nothing per synapse: the row of each neuron that spikes is drawn again
        from its counters (snnkit.generation.procedural), the same synapses as stored.
        For a static projection with FixedProbability, AllToAll, OneToOne or
        FixedTotalNumber and scalar or distribution weights and delays.
    """

    def __init__(self, pre: Population, post: Population, connector: Connector, weight=1.0,
                 delay=None, receptor: str | None = None, plasticity: STDP | None = None,
                 name: str | None = None, synapse=None, axonal_delay=0.0, post_event_delay=None,
                 procedural: bool = False):
        for label, pop in (("pre", pre), ("post", post)):
            if not isinstance(pop, Population):
                fail(f"Projection.{label}", pop, "must be a Population")
        if post.is_source:
            fail("Projection.post", post.name, "must be a neuron population, not a spike source")
        if not isinstance(connector, Connector):
            fail("Projection.connector", connector, "must be a Connector (e.g. sk.AllToAll())")
        names = list(getattr(post.model, "receptors", {})) if getattr(post.model, "is_equation_model", False) \
            else None
        if names is not None:
            if not names:
                fail("Projection.post", post.name, "has no receptors (its EquationModel declares none)")
            receptor = names[0] if receptor is None else receptor
            if receptor not in names:
                fail("Projection.receptor", receptor, f"must be a receptor of {post.model.name}: "
                     + ", ".join(repr(r) for r in names))
        elif receptor is None:
            receptor = "excitatory"
        elif receptor not in RECEPTORS:
            fail("Projection.receptor", receptor, "must be 'excitatory' or 'inhibitory'")
        if not isinstance(weight, Distribution):
            check_finite("Projection.weight", weight)
        if delay is not None and not isinstance(delay, Distribution):
            check_nonnegative("Projection.delay", delay)
        if plasticity is not None and not isinstance(plasticity, STDP):
            fail("Projection.plasticity", plasticity, "must be None or sk.STDP(...)")
        self.pre, self.post, self.connector = pre, post, connector
        self.weight, self.delay = weight, delay
        self.receptor = names.index(receptor) if names is not None else RECEPTORS[receptor]
        self.plasticity = plasticity
        self.synapse, self.synapse_bound, self.axonal_delay = None, None, axonal_delay
        self.post_event_delay = post_event_delay
        self.procedural = bool(procedural)
        if synapse is not None:
            if not getattr(synapse, "is_synapse_model", False):
                fail("Projection.synapse", synapse, "must be None or a snnkit.modeling.SynapseModel")
            if plasticity is not None:
                fail("Projection.plasticity", plasticity, "must be None with a synapse model (write the rule "
                     "in the synapse model: snnkit.modeling.synapse_library)")
            from .modeling.synapse_units import neuron_units, weight_unit
            self.synapse = synapse
            self.synapse_bound = synapse.bind(weight_unit(post.model, self.receptor), neuron_units(pre.model),
                                              neuron_units(post.model))
        if not isinstance(axonal_delay, Distribution):
            check_nonnegative("Projection.axonal_delay", axonal_delay)
            if synapse is None and axonal_delay:
                fail("Projection.axonal_delay", axonal_delay, "must be 0 without a synapse model (a static or "
                     "sk.STDP projection has one delay)")
        if post_event_delay is not None:
            if synapse is None:
                fail("Projection.post_event_delay", post_event_delay, "must be None without a synapse model")
            if not isinstance(post_event_delay, Distribution):
                check_nonnegative("Projection.post_event_delay", post_event_delay)
        self.name = name

    def __repr__(self) -> str:
        return f"Projection({self.pre.name} -> {self.post.name}, {self.connector!r}, name={self.name!r})"


class Monitor:
    """Records ``variable`` of ``target``: "spikes" or a state variable such as "v" of a
    population, or a synapse variable of a projection.

    Parameters
    ----------
    target : Population or Projection
    variable : str
        "spikes", or one of the model's state variables; for an EquationModel also a
        subexpression that draws no noise (``model.recordable``), evaluated from the
        recorded state on the host. For a Projection: "w", or a variable of its synapse
        model that is not event-driven (an event-driven one is exact only as of an
        event: read it with ``Simulator.synapse_values``).
    indices : array of int, optional
        Which neurons (default None: all; rates are per recorded neuron); for a
        Projection, which synapses, in the order of ``Simulator.weights``.
    every : int
        Sample a state variable every ``every`` steps (at the end of steps
        every-1, 2*every-1, ..., i.e. times every*dt, 2*every*dt, ... ms).
    values : list of str, optional
        With "spikes": state variables recorded at each spike, as the spike's step
        left them (after the reset): ``SpikeData.values[name]``, one per spike.

    A projection's samples are reported under its ``name`` (default
    "<pre>_to_<post>"), as a population's are under the population's.
    """

    def __init__(self, target, variable: str = "spikes", indices=None, every: int = 1, values=None):
        self.values = () if values is None else tuple([values] if isinstance(values, str) else values)
        if self.values and (variable != "spikes" or not isinstance(target, Population) or target.is_source):
            fail("Monitor.values", list(self.values), "must be None unless recording the spikes of a neuron "
                 "population")
        unknown = [x for x in self.values if x not in target.model.state_variables]
        if unknown:
            fail("Monitor.values", unknown[0], f"must be state variables of {target.name}: "
                 f"{', '.join(target.model.state_variables)}")
        if isinstance(target, Projection):
            model = target.synapse_bound
            recordable = ["w"] + ([x for x in model.variables if x not in model.event_driven] if model else [])
            if variable not in recordable:
                fail("Monitor.variable", variable, f"must be one of {', '.join(recordable)} for a projection"
                     + (" (an event-driven variable is read with Simulator.synapse_values)"
                        if model is not None and variable in model.event_driven else ""))
            self.target, self.variable = target, variable
            self.indices = None if indices is None else check_indices("Monitor.indices", indices, 2**62)
            self.every = check_count("Monitor.every", every, minimum=1)
            return
        if not isinstance(target, Population):
            fail("Monitor.target", target, "must be a Population or a Projection")
        recordable = getattr(target.model, "recordable", target.model.state_variables)
        if variable != "spikes" and variable not in recordable:
            fail("Monitor.variable", variable, "must be 'spikes' or one of "
                 f"{', '.join(recordable) or '(none: a source only has spikes)'}")
        indices = check_indices("Monitor.indices", indices, target.size)
        self.target, self.variable = target, variable
        self.indices = indices
        self.every = check_count("Monitor.every", every, minimum=1)

    @property
    def of_synapses(self) -> bool:
        return isinstance(self.target, Projection)

    @property
    def n_recorded(self) -> int:
        return self.target.size if self.indices is None else int(self.indices.size)

    def neuron_indices(self):
        """The recorded neurons as an int64 array (all of them if ``indices`` was None)."""
        import numpy as np
        return np.arange(self.target.size) if self.indices is None else self.indices

    def __repr__(self) -> str:
        target = f"{self.target.pre.name} -> {self.target.post.name}" if self.of_synapses else self.target.name
        return f"Monitor({target}, {self.variable!r}, every={self.every})"


class Network:
    """A container of populations, projections and monitors.

    Parameters
    ----------
    seed : int, optional
        Seed of the structure (connectivity, random weights and delays). Default:
        the Simulator's (first) seed.
    """

    def __init__(self, *objects, seed: int | None = None):
        self.populations: list[Population] = []
        self.projections: list[Projection] = []
        self.monitors: list[Monitor] = []
        self.injections: list = []
        self.counted: list[Population] = []
        self.seed = None if seed is None else check_seed("Network.seed", seed)
        self.add(*objects)

    def add(self, *objects):
        for obj in objects:
            if isinstance(obj, Population):
                if obj.name is None:
                    obj.name = f"pop{len(self.populations)}"
                if any(p.name == obj.name for p in self.populations if p is not obj):
                    fail("Population.name", obj.name, "must be unique within the network")
                if obj not in self.populations:
                    self.populations.append(obj)
            elif isinstance(obj, Projection):
                self.add(obj.pre, obj.post)
                if not any(p is obj for p in self.projections):
                    self.projections.append(obj)
            elif isinstance(obj, Monitor):
                self.add(obj.target)
                self.monitors.append(obj)
            else:
                fail("Network.add", obj, "takes Population, Projection and Monitor objects")
        return objects[0] if len(objects) == 1 else objects

    def population(self, size, model, name=None) -> Population:
        """Create and add a Population (see :class:`Population`)."""
        return self.add(Population(size, model, name))

    def connect(self, pre, post, connector, **kwargs) -> Projection:
        """Create and add a Projection (see :class:`Projection`)."""
        return self.add(Projection(pre, post, connector, **kwargs))

    def inject(self, current, target, indices=None):
        """Inject a current source (sk.StepCurrent) into neurons ``indices`` of ``target``
        (default all); returns the snnkit.currents.Injection."""
        from .currents import Injection
        injection = Injection(current, target, indices)
        self.add(target)
        self.injections.append(injection)
        return injection

    def count_spikes(self, population) -> Population:
        """Count the spikes of every neuron of ``population`` on the device (no spike
        record): ``Simulator.spike_counts(population)`` reads the counts,
        ``Simulator.reset_state()`` sets them back to 0."""
        if not isinstance(population, Population):
            fail("count_spikes population", population, "must be a Population")
        self.add(population)
        if population not in self.counted:
            self.counted.append(population)
        return population

    def record(self, target, variable="spikes", indices=None, every=1, values=None) -> Monitor:
        """Create and add a Monitor (see :class:`Monitor`)."""
        return self.add(Monitor(target, variable, indices, every, values))

    def __repr__(self) -> str:
        return (f"Network({len(self.populations)} populations, {len(self.projections)} projections, "
                f"{len(self.monitors)} monitors)")
