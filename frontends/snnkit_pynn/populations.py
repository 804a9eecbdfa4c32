"""Population, PopulationView and Assembly: PyNN's common classes over parameter
arrays held here until the network is built (simulator.State.build)."""

from __future__ import annotations

import numpy as np
from pyNN import common
from pyNN.parameters import ParameterSpace, simplify
from pyNN.standardmodels import StandardCellType

from . import simulator
from .recording import Recorder


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
        simulator.state.require_unbuilt("changing parameters")
        parameter_space.evaluate(simplify=False)
        for name, value in parameter_space.items():
            self.parent._parameters[name][self.mask] = value

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
        simulator.state.require_unbuilt("changing parameters")
        parameter_space.evaluate(simplify=False)
        for name, value in parameter_space.items():
            self._parameters[name] = value
