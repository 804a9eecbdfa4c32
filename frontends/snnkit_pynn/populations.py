"""Population, PopulationView and Assembly: PyNN's common classes over parameter
arrays held here until the network is built (simulator.State.build)."""

from __future__ import annotations

import numpy as np
from pyNN import common

import snnkit as sk
from pyNN.parameters import ParameterSpace, simplify
from pyNN.standardmodels import StandardCellType

from . import simulator
from .recording import Recorder


def _changed_after_build(pop) -> None:
    """Parameters changed after the network is built go to the snnkit population
    (sk Population.set: applied at the start of the next run, nothing rebuilt): the
    values the cell type's snnkit model takes now, where they differ from the built ones."""
    state = simulator.state
    sk_pop = state.sk_pops[pop]
    fresh, built = pop.celltype.snnkit_model(pop, state.dt), sk_pop.model
    if isinstance(fresh, sk.SpikeTimes):
        sk_pop.set(times=fresh.times)
        return
    if isinstance(fresh, sk.Poisson):
        if not (np.array_equal(np.asarray(fresh.start), np.asarray(built.start))
                and np.array_equal(np.asarray(fresh.stop), np.asarray(built.stop))):
            raise NotImplementedError("snnkit_pynn: a Poisson source's start and duration are fixed once the "
                                      "network is built; its rate can change")
        sk_pop.set(rate=fresh.rate)
        return
    changed = {k: v for k, v in fresh.params.items()
               if not np.array_equal(np.asarray(v, dtype=float), np.asarray(built.params[k], dtype=float))}
    if changed:
        sk_pop.set(**changed)


def _evaluate(value, size):
    value = value.evaluate(simplify=False) if hasattr(value, "evaluate") else value
    return np.broadcast_to(np.asarray(value, dtype=float), (size,)).copy()


class Assembly(common.Assembly):
    _simulator = simulator


class PopulationView(common.PopulationView):
    _assembly_class = Assembly
    _simulator = simulator

    def _get_parameters(self, *names):
        return _reverse(self.celltype, self.parent._parameters, names, self.mask, self.size)

    def _set_parameters(self, parameter_space):
        parameter_space.evaluate(simplify=False)
        for name, value in parameter_space.items():
            self.parent._parameters[name][self.mask] = value
        if simulator.state.sim is not None:
            _changed_after_build(self.parent)

    def _set_initial_value_array(self, variable, initial_values):
        simulator.state.require_unbuilt("setting initial values")
        values = self.parent._initial.setdefault(variable, np.zeros(self.parent.size))
        initial_values.shape = (self.size,)
        values[self.mask] = _evaluate(initial_values, self.size)

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)


def _reverse(celltype, parameters, names, mask, size):
    if isinstance(celltype, StandardCellType):
        native_names = celltype.get_native_names(*names)
    else:
        native_names = names
    out = {}
    for name in native_names:
        value = parameters[name]
        if mask is not None and isinstance(value, np.ndarray) and value.shape:
            value = value[mask]
        out[name] = simplify(value)
    space = ParameterSpace(out, shape=(size,))
    return celltype.reverse_translate(space) if isinstance(celltype, StandardCellType) else space


class Population(common.Population):
    __doc__ = common.Population.__doc__
    _simulator = simulator
    _recorder_class = Recorder
    _assembly_class = Assembly

    def __init__(self, *args, **kwargs):
        simulator.state.require_unbuilt("creating a population")
        super().__init__(*args, **kwargs)

    def _create_cells(self):
        state = simulator.state
        self.first_id = state.id_counter
        self.all_cells = np.array([simulator.ID(i) for i in range(state.id_counter, state.id_counter + self.size)],
                                  dtype=simulator.ID)
        self._mask_local = np.ones(self.size, bool)
        space = self.celltype.native_parameters
        space.shape = (self.size,)
        space.evaluate(simplify=False)
        self._parameters = space.as_dict()
        if hasattr(self.celltype, "check"):
            self.celltype.check(self)
        self._initial = {}
        for cell in self.all_cells:
            cell.parent = self
        state.id_counter += self.size
        state.populations.append(self)

    def _set_initial_value_array(self, variable, initial_values):
        simulator.state.require_unbuilt("setting initial values")
        initial_values.shape = (self.size,)
        self._initial[variable] = _evaluate(initial_values, self.size)

    def _get_view(self, selector, label=None):
        return PopulationView(self, selector, label)

    def _get_parameters(self, *names):
        return _reverse(self.celltype, self._parameters, names, None, self.size)

    def _set_parameters(self, parameter_space):
        parameter_space.evaluate(simplify=False)
        for name, value in parameter_space.items():
            self._parameters[name] = value
        if hasattr(self.celltype, "check"):
            self.celltype.check(self)
        if simulator.state.sim is not None:
            _changed_after_build(self)
