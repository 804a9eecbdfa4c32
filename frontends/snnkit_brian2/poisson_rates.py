"""A PoissonGroup whose rates are an expression (``rates='10*Hz + 5*Hz*sin(2*pi*t*Hz)'``,
of ``t``, ``i``, constants and TimedArrays) -> an snnkit EquationModel group.

Brian2 makes ``rates`` a subexpression of the group and thresholds each neuron with
``rand() < rates*dt`` every step; the model here is exactly that: no state but the
neuron index, the rates subexpression in SI, the same threshold (snnkit's own uniform
draws, so spikes agree in distribution, not one by one). A group with constant rates
stays snnkit's Poisson source (snnkit_brian2.network).
"""

from __future__ import annotations

import numpy as np

from .code import INDEX, Names, expression, resolve_constants, unsupported
from .neurons import NeuronTranslation


def has_rate_expression(group) -> bool:
    from brian2.core.variables import Subexpression
    return isinstance(group.variables["rates"], Subexpression)


class PoissonRatesTranslation(NeuronTranslation):
    """The NeuronTranslation interface (parts, make_model, initial_values, write_back)
    for a PoissonGroup with time-varying rates: it holds no Brian2 variable."""

    def __init__(self, group, namespace: dict, dt_s: float, t0_s: float):
        self.group, self.size = group, int(group.N)
        self.held, self.conditional, self.masked, self.recorded = {}, set(), set(), []
        text = group.variables["rates"].expr
        threshold_code = group.thresholder["spike"].abstract_code if "spike" in group.thresholder else ""
        condition = threshold_code.split("=", 1)[1] if "=" in threshold_code else "rand() < rates * dt"
        constants = resolve_constants(group, [text, condition], {"rates"}, namespace)
        names = Names(group, {}, constants, dt_s, t0_seconds=t0_s)
        rates = expression(text, names)
        names.state["rates"] = False
        threshold = expression(condition, names, condition=True)
        if names.temporaries:
            raise unsupported("rates that assign temporaries", group)
        self.parts = {"equations": f"{INDEX} : 1\nrates = {rates} : 1", "threshold": threshold, "reset": "",
                      "update": f"{INDEX} = {INDEX}"}
        self.receptors, self.receptor_targets = {}, {}
        self.timed = dict(names.timed)

    def initial_values(self) -> dict:
        return {INDEX: np.arange(self.size, dtype=float)}

    def pending_values(self, sim, population, instance: int, values: dict) -> dict:
        return values

    def write_back(self, values: dict) -> None:
        return None
