"""Projection: PyNN's connectors produce the connection lists (weights and delays
drawn by pyNN.random, as in any backend); at build time each projection becomes
one snnkit FromList projection per pair of (pre, post) populations it touches
(a Projection between PopulationViews or Assemblies may span several)."""

from __future__ import annotations

import logging

import numpy as np
from pyNN import common
from pyNN.space import Space

import snnkit as sk

from . import simulator
from .standardmodels import STDPMechanism, StaticSynapse

logger = logging.getLogger("PyNN")


class Connection(common.Connection):
    """One connection of a Projection (Projection.connections): its weight and delay,
    read and written through the projection."""

    def __init__(self, projection, index: int):
        self.projection, self.index = projection, index
        self.presynaptic_index = int(projection.pre.id_to_index(projection._pre_ids[index]))
        self.postsynaptic_index = int(projection.post.id_to_index(projection._post_ids[index]))

    @property
    def weight(self) -> float:
        return float(self.projection._current_weights()[self.index])

    @weight.setter
    def weight(self, value) -> None:
        weights = self.projection._current_weights().copy()
        weights[self.index] = float(value)
        self.projection._set_weights(weights)

    @property
    def delay(self) -> float:
        return float(self.projection._delays[self.index])

    @delay.setter
    def delay(self, value) -> None:
        simulator.state.require_unbuilt("changing a delay")
        self.projection._delays[self.index] = float(value)

    def as_tuple(self, *attribute_names):
        return tuple(getattr(self, name) for name in attribute_names)


class Projection(common.Projection):
    __doc__ = common.Projection.__doc__
    _simulator = simulator
    _static_synapse_class = StaticSynapse

    def __init__(self, presynaptic_population, postsynaptic_population, connector, synapse_type=None,
                 source=None, receptor_type=None, space=None, label=None):
        simulator.state.require_unbuilt("creating a projection")
        space = Space() if space is None else space
        super().__init__(presynaptic_population, postsynaptic_population, connector, synapse_type,
                         source, receptor_type, space, label)
        post = self.post.populations if hasattr(self.post, "populations") else [self.post]    # (an Assembly)
        for celltype in {id(p.celltype): p.celltype for p in post}.values():
            if hasattr(celltype, "snnkit_receptor"):                 # a PointNeuron's named receptors
                celltype.snnkit_receptor(self.receptor_type)
            elif self.receptor_type not in ("excitatory", "inhibitory"):
                raise NotImplementedError(f"snnkit_pynn: receptor_type {self.receptor_type!r}: snnkit neurons "
                                          "have 'excitatory' and 'inhibitory' receptors")
        self._chunks = []           # (pre ids, post id, weights, delays) per _convergent_connect
        self._parts = []            # (snnkit projection, positions in connection order) after build
        connector.connect(self)
        self._pre_ids, self._post_ids, self._weights, self._delays = self._concatenate()
        simulator.state.projections.append(self)

    def __len__(self):
        return len(self._pre_ids)

    def _convergent_connect(self, presynaptic_indices, postsynaptic_index, location_selector=None,
                            **connection_parameters):
        if location_selector is not None:
            raise NotImplementedError("snnkit_pynn: multicompartment neurons are not available")
        pre = np.asarray(self.pre.all_cells[np.asarray(presynaptic_indices, dtype=np.int64)], dtype=np.int64)
        n = pre.size
        w = np.broadcast_to(np.asarray(connection_parameters.get("weight", 0.0), float), (n,))
        d = np.broadcast_to(np.asarray(connection_parameters.get("delay", simulator.state.dt), float), (n,))
        others = {k: np.broadcast_to(np.asarray(v, float), (n,)).copy() for k, v in connection_parameters.items()
                  if k not in ("weight", "delay")}
        self._chunks.append((pre, int(self.post.all_cells[postsynaptic_index]), w.copy(), d.copy(), others))

    def _concatenate(self):
        """(pre ids, post ids, weights, delays) in connection order; the synapse type's other
        parameters (U, tau_rec, p ...) go to ``_synapse_values``."""
        self._synapse_values = {}
        if not self._chunks:
            empty = np.zeros(0)
            return empty.astype(np.int64), empty.astype(np.int64), empty, empty
        pre = np.concatenate([c[0] for c in self._chunks])
        post = np.concatenate([np.full(c[0].size, c[1], np.int64) for c in self._chunks])
        w = np.concatenate([c[2] for c in self._chunks])
        d = np.concatenate([c[3] for c in self._chunks])
        self._synapse_values = {k: np.concatenate([c[4][k] for c in self._chunks]) for k in self._chunks[0][4]}
        self._chunks = []
        return pre, post, w, d

    def _lower(self, net, sk_pops) -> None:
        state = simulator.state
        w, d = self._weights, self._delays
        if np.any(np.isnan(w)):
            raise ValueError(f"Projection {self.label!r}: weight contains NaN")
        if self.post.conductance_based and np.any(w < 0):
            raise ValueError(f"Projection {self.label!r}: conductance-based synapses need weights >= 0 (uS); "
                             f"got {w.min()}")
        plastic = isinstance(self.synapse_type, STDPMechanism)
        rule = self.synapse_type.snnkit_rule() if plastic else None
        stdp_model = rule if getattr(rule, "is_synapse_model", False) else None
        fraction = float(getattr(self.synapse_type, "dendritic_delay_fraction", 1.0)) if plastic else 1.0
        axonal = np.round(d * (1.0 - fraction) / state.dt) * state.dt             # NEST: the rest is dendritic
        pre_pop, pre_idx = state.population_index(self._pre_ids)
        post_pop, post_idx = state.population_index(self._post_ids)
        self._parts = []
        for a in np.unique(pre_pop):
            for b in np.unique(post_pop[pre_pop == a]):
                mine = np.flatnonzero((pre_pop == a) & (post_pop == b))
                # in the order snnkit stores synapses (by pre, then post), so that weights read
                # back line up with connection order through ``mine``
                mine = mine[np.lexsort((post_idx[mine], pre_idx[mine]))]
                synapse = None
                if hasattr(self.synapse_type, "snnkit_synapse"):           # short-term plasticity, release
                    values = {k: v[mine] for k, v in self._synapse_values.items()}
                    synapse = self.synapse_type.snnkit_synapse(values, self._tau_psc(state.populations[b],
                                                                                     post_idx[mine]))
                if stdp_model is not None:
                    synapse, rule_here = stdp_model, None
                    extra = dict(axonal_delay=np.minimum(axonal[mine], d[mine] - state.dt))
                else:
                    rule_here, extra = rule, {}
                proj = net.connect(sk_pops[state.populations[a]], sk_pops[state.populations[b]],
                                   sk.FromList(pre_idx[mine], post_idx[mine]), weight=w[mine], delay=d[mine],
                                   receptor=self.receptor_type, plasticity=rule_here, synapse=synapse, **extra)
                self._parts.append((proj, mine))

    def _tau_psc(self, population, index: np.ndarray) -> np.ndarray:
        """The targets' synaptic time constants for the receptor, one per connection
        (pyNN.nest gives tsodyks_synapse these as tau_psc); 1 ms where the type has none."""
        name = "tau_syn_E" if self.receptor_type == "excitatory" else "tau_syn_I"
        if hasattr(population.celltype, "snnkit_receptor"):
            name = f"{self.receptor_type}.tau_syn"
        if name not in population._parameters:
            return np.ones(index.size)
        return (np.asarray(population._parameters[name], float) * np.ones(population.size))[index]

    # -- reading connections back ---------------------------------------------------
    def _current_weights(self) -> np.ndarray:
        """Weights in connection order: plastic ones from the running simulation."""
        sim = simulator.state.sim
        if sim is None or not isinstance(self.synapse_type, STDPMechanism):
            return self._weights
        w = self._weights.copy()
        for proj, mine in self._parts:
            w[mine] = np.asarray(sim.weights(proj)[2])[0] if len(mine) else w[mine]
        return w

    def _get_attributes_as_arrays(self, names, multiple_synapses="sum"):
        raise NotImplementedError

    def get(self, attribute_names, format, gather=True, with_address=True, multiple_synapses="sum"):
        single = isinstance(attribute_names, str)
        names = [attribute_names] if single else list(attribute_names)
        columns = []
        for name in names:
            if name == "weight":
                columns.append(self._current_weights())
            elif name == "delay":
                columns.append(self._delays)
            elif name in self._synapse_values:                            # a synapse type's parameter
                columns.append(self._synapse_values[name])
            else:
                raise NotImplementedError(f"snnkit_pynn: Projection.get({name!r}): weight, delay and "
                                          f"{', '.join(self._synapse_values) or 'no other parameter'}")
        pre = self.pre.id_to_index(self._pre_ids) if len(self) else np.zeros(0, int)
        post = self.post.id_to_index(self._post_ids) if len(self) else np.zeros(0, int)
        if format == "list":
            rows = zip(pre, post, *columns) if with_address else zip(*columns)
            out = [tuple(r) for r in rows]
            return [r[0] for r in out] if single and not with_address else out
        if format == "array":
            arrays = [_as_array(col, np.asarray(pre), np.asarray(post), (self.pre.size, self.post.size),
                                multiple_synapses) for col in columns]
            return arrays[0] if single else arrays
        raise ValueError(f"format = {format!r} is not allowed: must be 'list' or 'array'")

    def _set_attributes(self, parameter_space):
        """Projection.set (PyNN builds the (n_pre, n_post) parameter space): each connection
        takes the value of its (pre, post) cell. Before the first run anything; after it the
        weights (sk Simulator.set_weights / set_synapse_values: no rebuild)."""
        parameter_space.evaluate(simplify=False)
        pre = self.pre.id_to_index(self._pre_ids) if len(self) else np.zeros(0, int)
        post = self.post.id_to_index(self._post_ids) if len(self) else np.zeros(0, int)
        sim = simulator.state.sim
        for name, value in parameter_space.items():
            table = np.broadcast_to(np.asarray(value, dtype=float), (self.pre.size, self.post.size))
            per_connection = table[np.asarray(pre), np.asarray(post)].copy()
            if sim is not None and name != "weight":
                raise NotImplementedError(f"snnkit_pynn: Projection.set({name}=...) after the first run(): only "
                                          "weights change without a rebuild")
            if name == "weight":
                self._weights = per_connection
            elif name == "delay":
                self._delays = per_connection
            elif name in self._synapse_values:
                self._synapse_values[name] = per_connection
            else:
                raise NotImplementedError(f"snnkit_pynn: Projection.set({name}=...): not a parameter of "
                                          f"{type(self.synapse_type).__name__}")
        if sim is not None:
            self._set_weights(self._weights)

    @property
    def connections(self):
        return (Connection(self, i) for i in range(len(self)))

    def _set_weights(self, weights: np.ndarray) -> None:
        """New weights in connection order, into the running simulation if there is one."""
        self._weights = np.asarray(weights, float).copy()
        sim = simulator.state.sim
        if sim is None:
            return
        for proj, mine in self._parts:
            if proj.synapse is not None and proj.synapse_bound.plastic_weight:
                sim.set_synapse_values(proj, "w", self._weights[mine])
            else:
                sim.set_weights(proj, self._weights[mine])


def _as_array(values, pre, post, shape, multiple_synapses: str) -> np.ndarray:
    """(n_pre, n_post) of per-connection values, NaN where there is none; several synapses
    between one pair combine as PyNN's ``multiple_synapses`` says."""
    reducers = {"sum": np.add, "min": np.fmin, "max": np.fmax}
    out = np.full(shape, np.nan)
    if multiple_synapses in ("first", "last"):
        order = np.arange(len(values))[::-1] if multiple_synapses == "first" else np.arange(len(values))
        out[pre[order], post[order]] = np.asarray(values)[order]
        return out
    if multiple_synapses not in reducers:
        raise ValueError(f"multiple_synapses = {multiple_synapses!r} is not allowed: must be 'sum', 'min', "
                         "'max', 'first' or 'last'")
    filled = np.full(shape, {"sum": 0.0, "min": np.inf, "max": -np.inf}[multiple_synapses])
    reducers[multiple_synapses].at(filled, (pre, post), np.asarray(values, float))
    present = np.zeros(shape, bool)
    present[pre, post] = True
    out[present] = filled[present]
    return out
