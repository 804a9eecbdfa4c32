"""The model layer: neuron models from equations (units, parsing, integrators, code).

    equations (text) -> sympy, units checked (units, expressions, equations)
                     -> one step's update in SSA form (integrators)
                     -> vectorised NumPy, the specification (codegen_numpy)

EquationModel (model) is the description a Population will take; NumpyEquationGroup
(numpy_group) steps it on the host. The kernel-dialect emission and the
Simulator's lowering of equation models to a generic neuron kernel come next
(issue 18).
"""

from .expressions import ModelError
from .model import EquationModel
from .units import Unit, parse_unit

__all__ = ["EquationModel", "ModelError", "Unit", "parse_unit"]
