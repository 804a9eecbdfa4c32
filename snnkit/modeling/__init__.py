"""The model layer: neuron models from equations (units, parsing, integrators, code).

    equations (text) -> sympy, units checked (units, expressions, equations)
                     -> one step's update in SSA form (integrators)
                     -> vectorised NumPy, the specification (codegen_numpy)

EquationModel (model) is the description a Population takes (snnkit.lower_equations
lowers it; the NumPy backend steps it through numpy_group); NumpyEquationGroup
runs one population on its own. The kernel-dialect emission into a generic neuron
kernel for OpenCL and CUDA comes next (issue 18).
"""

from .expressions import ModelError
from .model import EquationModel
from .units import Unit, parse_unit

__all__ = ["EquationModel", "ModelError", "Unit", "parse_unit"]
