"""The model layer: neuron models from equations (units, parsing, integrators, code).

    equations (text) -> sympy, units checked (units, expressions, equations)
                     -> one step's update in SSA form (integrators)
                     -> the blocks of one step: receive, update, threshold, reset (program)
                     -> printed by one walk (printer) as
                        vectorised NumPy, the specification (codegen_numpy), and
                        C in the kernel dialect for kernels/neuron.c (codegen_c)

EquationModel (model) is the description a Population takes (snnkit.lower_equations
lowers it; the NumPy backend steps it through numpy_group, the device backends
through snnkit/backends/device_equations.py); NumpyEquationGroup runs one population
on its own. library: the standard models.

SynapseModel (synapse_model) is the synapse side: per-synapse variables, event-driven
equations solved exactly between events, on_pre / on_post code
(snnkit/backends/numpy_synapses.py runs it); synapse_library: short-term plasticity,
STDP rules, stochastic release.
"""

from .expressions import ModelError
from .model import EquationModel
from .synapse_model import SynapseModel
from .units import Unit, parse_unit

__all__ = ["EquationModel", "ModelError", "SynapseModel", "Unit", "parse_unit"]
